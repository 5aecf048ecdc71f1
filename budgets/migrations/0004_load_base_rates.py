"""Load the Basiszinssatz per § 247 BGB (Deutsche Bundesbank) from 2013 to the first half of 2026.

Every new database (demo, tests, production) has the table at once. The rows are the
ones budgets/data/basiszinssatz.csv held when this migration was written, written out
here: a migration must give the same result whenever it runs, and the file and its
parser (budgets.interest) change later. Older rows: 0006; later ones are entered on
the administrators' page.
"""

import datetime
from decimal import Decimal

from django.db import migrations

RATES = [
    ("2013-01-01", "-0.13"),
    ("2013-07-01", "-0.38"),
    ("2014-01-01", "-0.63"),
    ("2014-07-01", "-0.73"),
    ("2015-01-01", "-0.83"),
    ("2015-07-01", "-0.83"),
    ("2016-01-01", "-0.83"),
    ("2016-07-01", "-0.88"),
    ("2017-01-01", "-0.88"),
    ("2017-07-01", "-0.88"),
    ("2018-01-01", "-0.88"),
    ("2018-07-01", "-0.88"),
    ("2019-01-01", "-0.88"),
    ("2019-07-01", "-0.88"),
    ("2020-01-01", "-0.88"),
    ("2020-07-01", "-0.88"),
    ("2021-01-01", "-0.88"),
    ("2021-07-01", "-0.88"),
    ("2022-01-01", "-0.88"),
    ("2022-07-01", "-0.88"),
    ("2023-01-01", "1.62"),
    ("2023-07-01", "3.12"),
    ("2024-01-01", "3.62"),
    ("2024-07-01", "3.37"),
    ("2025-01-01", "2.27"),
    ("2025-07-01", "1.27"),
    ("2026-01-01", "1.27"),
]


def load(apps, schema_editor):
    BaseRate = apps.get_model("budgets", "BaseRate")
    existing = set(BaseRate.objects.values_list("valid_from", flat=True))
    BaseRate.objects.bulk_create(
        [
            BaseRate(valid_from=day, rate=Decimal(rate))
            for day, rate in ((datetime.date.fromisoformat(day), rate) for day, rate in RATES)
            if day not in existing
        ]
    )


class Migration(migrations.Migration):
    dependencies = [
        ("budgets", "0003_refund_claims_base_rates"),
    ]

    operations = [
        migrations.RunPython(load, migrations.RunPython.noop),
    ]
