"""The published Basiszinssatz of 2002 to 2012 (Deutsche Bundesbank), for databases
created before the shipped table reached back to the rate's introduction in 2002.

The rows are written out here rather than read from budgets/data/basiszinssatz.csv
or parsed by budgets.interest: a migration must give the same result whenever it
runs, whatever the file and the code look like by then.
"""

import datetime
from decimal import Decimal

from django.db import migrations

SOURCE = "Deutsche Bundesbank, Basiszinssatz nach § 247 BGB"
RATES = [
    ("2002-01-01", "2.57"),
    ("2002-07-01", "2.47"),
    ("2003-01-01", "1.97"),
    ("2003-07-01", "1.22"),
    ("2004-01-01", "1.14"),
    ("2004-07-01", "1.13"),
    ("2005-01-01", "1.21"),
    ("2005-07-01", "1.17"),
    ("2006-01-01", "1.37"),
    ("2006-07-01", "1.95"),
    ("2007-01-01", "2.70"),
    ("2007-07-01", "3.19"),
    ("2008-01-01", "3.32"),
    ("2008-07-01", "3.19"),
    ("2009-01-01", "1.62"),
    ("2009-07-01", "0.12"),
    ("2010-01-01", "0.12"),
    ("2010-07-01", "0.12"),
    ("2011-01-01", "0.12"),
    ("2011-07-01", "0.37"),
    ("2012-01-01", "0.12"),
    ("2012-07-01", "0.12"),
]


def add(apps, schema_editor):
    BaseRate = apps.get_model("budgets", "BaseRate")
    existing = set(BaseRate.objects.values_list("valid_from", flat=True))
    BaseRate.objects.bulk_create(
        [
            BaseRate(valid_from=day, rate=Decimal(rate), source=SOURCE)
            for day, rate in ((datetime.date.fromisoformat(day), rate) for day, rate in RATES)
            if day not in existing
        ]
    )


def remove(apps, schema_editor):
    BaseRate = apps.get_model("budgets", "BaseRate")
    BaseRate.objects.filter(
        valid_from__in=[datetime.date.fromisoformat(day) for day, _rate in RATES], created_by__isnull=True
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("budgets", "0005_base_rate_source"),
    ]

    operations = [
        migrations.RunPython(add, remove),
    ]
