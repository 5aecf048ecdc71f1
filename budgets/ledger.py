"""The one way money is booked: an append-only ledger entry and the year's running total with it.

The workflow services call ``ledger_book`` inside their transaction, under their locks
(an approval holds the programme year's row). The entry and the total move together or
not at all; ``ledger_totals_differences`` proves that they agree.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.db.models import F, Sum

from budgets.models import LedgerEntry, Payout
from core.money import money
from grants.models import Application, ProgrammeYear

Kind = LedgerEntry.Kind
TOTAL_FIELD = {
    Kind.COMMITMENT: "committed_total",
    Kind.RELEASE: "released_total",
    Kind.REFUND: "refunded_total",
    Kind.PAYOUT: "paid_total",
}


def ledger_book(
    *,
    application: Application,
    kind: str,
    amount: Decimal,
    booked_by: AbstractUser | None = None,
    note: str = "",
    payout: Payout | None = None,
) -> LedgerEntry:
    """Book ``amount`` of ``kind`` for ``application`` in its programme year and municipality."""
    entry = LedgerEntry.objects.create(
        programme_year_id=application.programme_year_id,
        municipality_id=application.municipality_id,
        application=application,
        payout=payout,
        kind=kind,
        amount=money(amount),
        booked_by=booked_by,
        note=note,
    )
    field = TOTAL_FIELD[kind]
    # An UPDATE with F(): correct even when the row is not locked by the caller.
    ProgrammeYear.objects.filter(pk=application.programme_year_id).update(**{field: F(field) + entry.amount})
    return entry


def ledger_totals_differences(*, programme_year: ProgrammeYear) -> dict[str, tuple[Decimal, Decimal]]:
    """The totals that differ from their ledger sums: ``{field: (stored, ledger)}``; empty when all agree."""
    programme_year.refresh_from_db(fields=list(TOTAL_FIELD.values()))
    sums = dict.fromkeys(TOTAL_FIELD.values(), Decimal("0.00"))
    per_kind = LedgerEntry.objects.filter(programme_year=programme_year).values("kind").annotate(total=Sum("amount"))
    for row in per_kind:
        sums[TOTAL_FIELD[row["kind"]]] = row["total"]
    return {
        field: (getattr(programme_year, field), money(total))
        for field, total in sums.items()
        if getattr(programme_year, field) != money(total)
    }
