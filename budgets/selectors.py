"""Budget figures computed from the ledger."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce

from budgets.models import LedgerEntry
from core.money import money
from grants.models import Municipality, ProgrammeYear

Kind = LedgerEntry.Kind
_ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))


def _sum(kind: str):
    return Coalesce(Sum("amount", filter=Q(kind=kind)), _ZERO)


def _committed_net(entries) -> Decimal:
    figures = entries.aggregate(
        committed=_sum(Kind.COMMITMENT), released=_sum(Kind.RELEASE), refunded=_sum(Kind.REFUND)
    )
    return money(figures["committed"] - figures["released"] - figures["refunded"])


def municipality_committed(*, programme_year: ProgrammeYear, municipality: Municipality) -> Decimal:
    """Approved minus released and refunded for one municipality in one year (what counts against the cap)."""
    return _committed_net(LedgerEntry.objects.filter(programme_year=programme_year, municipality=municipality))


def municipality_remaining_cap(*, programme_year: ProgrammeYear, municipality: Municipality) -> Decimal:
    return money(
        programme_year.cap_per_municipality
        - municipality_committed(programme_year=programme_year, municipality=municipality)
    )


def programme_committed(*, programme_year: ProgrammeYear) -> Decimal:
    return _committed_net(LedgerEntry.objects.filter(programme_year=programme_year))


def programme_available(*, programme_year: ProgrammeYear) -> Decimal:
    """Budget not yet bound by commitments."""
    return money(programme_year.budget - programme_committed(programme_year=programme_year))
