"""Load the Basiszinssatz per § 247 BGB (Deutsche Bundesbank) from budgets/data/basiszinssatz.csv.

Every new database (demo, tests, production) has the table at once. Later
publications are added to the file and loaded with ``manage.py load_base_rates``.
"""

from django.db import migrations


def load(apps, schema_editor):
    from budgets.interest import read_rates_file

    BaseRate = apps.get_model("budgets", "BaseRate")
    existing = set(BaseRate.objects.values_list("valid_from", flat=True))
    BaseRate.objects.bulk_create(
        [
            BaseRate(valid_from=valid_from, rate=rate)
            for valid_from, rate in read_rates_file()
            if valid_from not in existing
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("budgets", "0003_refund_claims_base_rates"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
