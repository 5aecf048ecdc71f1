"""Fill the programme years' new running totals from the ledger booked so far."""

from django.db import migrations
from django.db.models import Sum

TOTAL_FIELD = {
    "commitment": "committed_total",
    "release": "released_total",
    "refund": "refunded_total",
    "payout": "paid_total",
}


def fill(apps, schema_editor):
    ProgrammeYear = apps.get_model("grants", "ProgrammeYear")
    LedgerEntry = apps.get_model("budgets", "LedgerEntry")
    for year in ProgrammeYear.objects.all():
        totals = dict.fromkeys(TOTAL_FIELD.values(), 0)
        for row in LedgerEntry.objects.filter(programme_year=year).values("kind").annotate(total=Sum("amount")):
            totals[TOTAL_FIELD[row["kind"]]] = row["total"]
        ProgrammeYear.objects.filter(pk=year.pk).update(**totals)


class Migration(migrations.Migration):
    dependencies = [
        ("budgets", "0006_base_rates_2002_2012"),
        ("grants", "0007_programme_year_ledger_totals"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
