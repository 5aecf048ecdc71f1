"""Budget figures computed from the ledger."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DateField, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from budgets.models import LedgerEntry, Payout
from core.money import money
from grants.banking import iban_details
from grants.errors import GrantsError
from grants.models import Application, Municipality, ProgrammeYear, StructuralStatus
from grants.selectors import municipalities_with_structural_status

Kind = LedgerEntry.Kind
_ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))


def _sum(kind: str):
    return Coalesce(Sum("amount", filter=Q(kind=kind)), _ZERO)


def _ledger_sum(entries, kind: str) -> Decimal:
    return money(entries.aggregate(total=_sum(kind))["total"])


def _committed_net(entries) -> Decimal:
    figures = entries.aggregate(
        committed=_sum(Kind.COMMITMENT), released=_sum(Kind.RELEASE), refunded=_sum(Kind.REFUND)
    )
    return money(figures["committed"] - figures["released"] - figures["refunded"])


def municipality_committed(*, programme_year: ProgrammeYear, municipality: Municipality) -> Decimal:
    """Approved minus released and refunded for one municipality in one year (what counts against the cap)."""
    return _committed_net(LedgerEntry.objects.filter(programme_year=programme_year, municipality=municipality))


def municipality_remaining_cap(*, programme_year: ProgrammeYear, municipality: Municipality) -> Decimal:
    """What the municipality may still be granted this year: the cap check of every approval."""
    return money(
        programme_year.cap_per_municipality
        - municipality_committed(programme_year=programme_year, municipality=municipality)
    )


# Submitted and not yet decided: what may still be approved against the cap.
PENDING_STATUSES = (
    Application.Status.SUBMITTED,
    Application.Status.IN_REVIEW,
    Application.Status.INFO_REQUESTED,
    Application.Status.RECOMMENDED,
)


@dataclass(frozen=True)
class YearRoom:
    """A municipality's room in one year: cap, committed (ledger), requested in open applications, free."""

    cap: Decimal
    committed: Decimal
    pending: Decimal

    @property
    def free(self) -> Decimal:
        return money(self.cap - self.committed - self.pending)

    @property
    def remaining_cap(self) -> Decimal:
        """Cap minus committed: what the cap rule of the eligibility check compares with."""
        return money(self.cap - self.committed)


def municipality_year_room(
    *, programme_year: ProgrammeYear, municipality: Municipality, exclude: Application | None = None
) -> YearRoom:
    """What is still free for the municipality this year: the remaining cap minus open requests.

    ``exclude`` leaves out the application being edited, so that it does not count against itself.
    """
    pending = Application.objects.filter(
        programme_year=programme_year, municipality=municipality, status__in=PENDING_STATUSES
    )
    if exclude is not None:
        pending = pending.exclude(pk=exclude.pk)
    return YearRoom(
        cap=money(programme_year.cap_per_municipality),
        committed=municipality_committed(programme_year=programme_year, municipality=municipality),
        pending=money(pending.aggregate(total=Coalesce(Sum("requested_amount"), _ZERO))["total"]),
    )


def municipalities_year_rooms(*, municipalities, programme_years) -> list[tuple[Municipality, ProgrammeYear, YearRoom]]:
    """What is still free for each municipality in each of the years (the applicant's start page)."""
    return [
        (municipality, year, municipality_year_room(programme_year=year, municipality=municipality))
        for municipality in municipalities
        for year in programme_years
    ]


def _application_ledger_sum(kind: str):
    rows = (
        LedgerEntry.objects.filter(application=OuterRef("pk"), kind=kind)
        .values("application")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Subquery(rows, output_field=DecimalField(max_digits=14, decimal_places=2))


def applications_with_ledger_sums(queryset: QuerySet[Application]) -> QuerySet[Application]:
    """Each application with what the ledger holds for it.

    ``ledger_committed`` is the approved commitment (``None`` while not approved);
    ``ledger_paid`` and ``ledger_refunded`` are sums, 0 when there is none.
    """
    return queryset.annotate(
        ledger_committed=_application_ledger_sum(Kind.COMMITMENT),
        ledger_paid=Coalesce(_application_ledger_sum(Kind.PAYOUT), _ZERO),
        ledger_refunded=Coalesce(_application_ledger_sum(Kind.REFUND), _ZERO),
    )


def _totals(programme_year: ProgrammeYear) -> dict:
    # Read afresh: the object in hand may predate bookings of this transaction (or another's).
    return ProgrammeYear.objects.filter(pk=programme_year.pk).values(
        "budget", "committed_total", "released_total", "refunded_total", "paid_total"
    )[0]


def _net(totals: dict) -> Decimal:
    return money(totals["committed_total"] - totals["released_total"] - totals["refunded_total"])


def programme_committed(*, programme_year: ProgrammeYear) -> Decimal:
    """Approved minus released and refunded in the year, from its running totals (``budgets.ledger``)."""
    return _net(_totals(programme_year))


def programme_available(*, programme_year: ProgrammeYear) -> Decimal:
    """Budget not yet bound by commitments: the budget check of every approval."""
    totals = _totals(programme_year)
    return money(totals["budget"] - _net(totals))


# --- payouts ------------------------------------------------------------------------------
#
# Two meanings of "released" meet here: a ledger *release* (Freigabe von Mitteln) gives
# committed money back to the budget; a *released payout* (freigegebene Auszahlung) is
# cleared for the bank. ``programme_released`` is the former; the latter are the payouts
# in ``payouts_ready_for_batch`` and ``programme_payouts_in_transit``.


def programme_paid(*, programme_year: ProgrammeYear) -> Decimal:
    """Paid out in the year: the total of the ledger's payout entries."""
    return money(_totals(programme_year)["paid_total"])


def programme_released(*, programme_year: ProgrammeYear) -> Decimal:
    """Commitments given back to the budget in the year (ledger kind "release")."""
    return money(_totals(programme_year)["released_total"])


def programme_refunded(*, programme_year: ProgrammeYear) -> Decimal:
    """Refunds received in the year (ledger kind "refund")."""
    return money(_totals(programme_year)["refunded_total"])


def application_paid_total(*, application: Application) -> Decimal:
    """Paid out for one application, from the ledger."""
    return _ledger_sum(LedgerEntry.objects.filter(application=application), Kind.PAYOUT)


def _claimed(payouts) -> Decimal:
    # A payout claims its checked amount once checked, its requested amount before.
    total = payouts.aggregate(
        total=Coalesce(Sum(Coalesce("checked_amount", "requested_amount")), _ZERO),
    )["total"]
    return money(total)


def application_requested_open_total(*, application: Application) -> Decimal:
    """Requested for one application and not yet paid, rejected or withdrawn."""
    return _claimed(Payout.objects.filter(application=application, status__in=Payout.OPEN))


def application_payout_remaining(*, application: Application) -> Decimal:
    """What the municipality may still request: approved minus paid minus open requests."""
    if application.approved_amount is None:
        return money(0)
    return money(
        application.approved_amount
        - application_paid_total(application=application)
        - application_requested_open_total(application=application)
    )


def programme_payouts_in_transit(*, programme_year: ProgrammeYear) -> Decimal:
    """Released or handed to the bank, not yet booked as paid."""
    return _claimed(
        Payout.objects.filter(
            application__programme_year=programme_year,
            status__in=[Payout.Status.RELEASED, Payout.Status.EXPORTED],
        )
    )


def payouts_ready_for_batch() -> QuerySet[Payout]:
    """Released payouts that are in no SEPA batch yet, oldest release first."""
    return Payout.objects.filter(status=Payout.Status.RELEASED, sepa_line__isnull=True).order_by("released_at", "pk")


@dataclass(frozen=True)
class ReadyForBatch:
    """The released payouts waiting for the next SEPA file: how many, their total, the first few."""

    count: int
    total: Decimal
    payouts: list[Payout]


def payouts_ready_summary(*, shown: int = 0) -> ReadyForBatch:
    ready = payouts_ready_for_batch()
    figures = ready.aggregate(count=Count("pk"), total=Coalesce(Sum("checked_amount"), _ZERO))
    first = list(ready.select_related("application__municipality")[:shown]) if shown else []
    return ReadyForBatch(count=figures["count"], total=money(figures["total"]), payouts=first)


def measure_start_date(*, application: Application) -> datetime.date | None:
    """The first day costs may arise: the day of approval, or of submission when an
    early start (vorzeitiger Maßnahmebeginn) was allowed. None before approval."""
    moment = application.submitted_at if application.early_start_allowed else application.decided_at
    return timezone.localdate(moment) if moment else None


def project_date_problem(*, application: Application, day: datetime.date) -> str:
    """Why an invoice or expense of ``day`` may not belong to the project, in German; "" when it fits.

    Before the measure could start (approval, or submission with an early start), before
    the project period or after it: each is for the clerk to judge, none is refused here.
    """
    start = measure_start_date(application=application)
    if start is not None and day < start:
        if application.early_start_allowed:
            return _("vor dem zulässigen vorzeitigen Maßnahmebeginn am %(day)s") % {"day": f"{start:%d.%m.%Y}"}
        return _("vor der Bewilligung am %(day)s, ohne vorzeitigen Maßnahmebeginn") % {"day": f"{start:%d.%m.%Y}"}
    if application.period_start is not None and day < application.period_start:
        return _("vor dem Durchführungszeitraum (ab %(day)s)") % {"day": f"{application.period_start:%d.%m.%Y}"}
    if application.period_end is not None and day > application.period_end:
        return _("nach dem Durchführungszeitraum (bis %(day)s)") % {"day": f"{application.period_end:%d.%m.%Y}"}
    return ""


def payout_date_warnings(*, payout: Payout) -> list[str]:
    """German warnings on the dates of a payout's invoices: before the measure could start,
    or outside the project period. The clerk must see them before checking."""
    warnings = []
    invoices = list(payout.invoices.order_by("invoice_date", "pk"))
    early = [invoice for invoice in invoices if invoice.before_start]
    if early:
        start = measure_start_date(application=payout.application)
        warnings.append(
            _(
                "Vorzeitiger Maßnahmebeginn? %(count)d Rechnung(en) sind vor dem %(start)s datiert, dem frühesten "
                "zulässigen Beginn: %(invoices)s. Bitte prüfen und im Prüfvermerk begründen, ob sie anerkannt werden."
            )
            % {
                "count": len(early),
                "start": f"{start:%d.%m.%Y}" if start else "?",
                "invoices": "; ".join(f"{i.issuer} {i.number} vom {i.invoice_date:%d.%m.%Y}" for i in early),
            }
        )
    outside = [
        (invoice, problem)
        for invoice in invoices
        if not invoice.before_start
        and (problem := project_date_problem(application=payout.application, day=invoice.invoice_date))
    ]
    if outside:
        warnings.append(
            _(
                "Außerhalb des Durchführungszeitraums? %(count)d Rechnung(en): %(invoices)s. Bitte prüfen, ob die "
                "Kosten zum Projekt gehören, und die Anerkennung im Prüfvermerk begründen."
            )
            % {
                "count": len(outside),
                "invoices": "; ".join(
                    f"{i.issuer} {i.number} vom {i.invoice_date:%d.%m.%Y} ({problem})" for i, problem in outside
                ),
            }
        )
    return warnings


def payout_warnings(*, payout: Payout) -> list[str]:
    """German warnings for the clerk who checks a payout; empty when nothing stands out."""
    warnings = payout_date_warnings(payout=payout)
    if not payout.files.exists():
        warnings.append(_("Es sind keine Belege hochgeladen."))
    try:
        iban_details(iban=payout.iban)
    except GrantsError as error:
        warnings.append(error.message)
    return warnings


def municipality_committed_largest(*, programme_year: ProgrammeYear) -> Decimal:
    """The largest net commitment of one municipality in the year: the floor of the year's cap."""
    per_municipality = (
        LedgerEntry.objects.filter(programme_year=programme_year)
        .values("municipality")
        .annotate(committed=_sum(Kind.COMMITMENT), released=_sum(Kind.RELEASE), refunded=_sum(Kind.REFUND))
    )
    largest = max((row["committed"] - row["released"] - row["refunded"] for row in per_municipality), default=0)
    return money(largest)


# --- the ledger grouped, for the controllers' dashboard -----------------------------------


@dataclass(frozen=True)
class LedgerSums:
    """The four kinds of ledger entries summed over some part of a year's ledger."""

    commitments: Decimal = Decimal("0.00")
    releases: Decimal = Decimal("0.00")
    refunds: Decimal = Decimal("0.00")
    payouts: Decimal = Decimal("0.00")

    @property
    def committed(self) -> Decimal:
        """Net, as everywhere: commitments minus releases minus refunds."""
        return money(self.commitments - self.releases - self.refunds)

    def __add__(self, other: LedgerSums) -> LedgerSums:
        return LedgerSums(
            commitments=money(self.commitments + other.commitments),
            releases=money(self.releases + other.releases),
            refunds=money(self.refunds + other.refunds),
            payouts=money(self.payouts + other.payouts),
        )


_KIND_SUMS = {
    "commitments": _sum(Kind.COMMITMENT),
    "releases": _sum(Kind.RELEASE),
    "refunds": _sum(Kind.REFUND),
    "payouts": _sum(Kind.PAYOUT),
}


def _sums_of(row: dict) -> LedgerSums:
    return LedgerSums(**{name: money(row[name]) for name in _KIND_SUMS})


def ledger_sums_by_month(*, programme_year: ProgrammeYear) -> dict[datetime.date, LedgerSums]:
    """The year's ledger per month of booking (Berlin time), keyed by the month's first day; one query.

    Only months with bookings are keys. A year's entries may fall outside its calendar
    year: payouts until the invoice deadline in January, refunds after a proof of use.
    """
    rows = (
        LedgerEntry.objects.filter(programme_year=programme_year)
        .annotate(month=TruncMonth("booked_at", output_field=DateField()))
        .values("month")
        .annotate(**_KIND_SUMS)
        .order_by("month")
    )
    return {row["month"]: _sums_of(row) for row in rows}


@dataclass(frozen=True)
class MunicipalityLedger:
    municipality_id: int
    land_id: int
    sums: LedgerSums


def ledger_sums_by_municipality(*, programme_year: ProgrammeYear) -> list[MunicipalityLedger]:
    """The year's ledger per municipality with its Land; one query (a row per municipality booked)."""
    rows = (
        LedgerEntry.objects.filter(programme_year=programme_year)
        .values("municipality_id", "municipality__land_id")
        .annotate(**_KIND_SUMS)
        .order_by("municipality_id")
    )
    return [
        MunicipalityLedger(
            municipality_id=row["municipality_id"], land_id=row["municipality__land_id"], sums=_sums_of(row)
        )
        for row in rows
    ]


def ledger_sums_by_land(*, programme_year: ProgrammeYear) -> dict[int, LedgerSums]:
    """The year's ledger per Land id (only Länder with bookings)."""
    result: dict[int, LedgerSums] = {}
    for row in ledger_sums_by_municipality(programme_year=programme_year):
        result[row.land_id] = result.get(row.land_id, LedgerSums()) + row.sums
    return result


def ledger_sums_by_structural_status(*, programme_year: ProgrammeYear, day: datetime.date) -> dict[str, LedgerSums]:
    """The year's ledger per GRW status of the municipality on ``day`` ("C", "D", "none"); two queries.

    The status is the one the queue and the budget page use (``grants.selectors``): the
    Gemeinde's own, else its Kreis's, else none. Every status is a key.
    """
    per_municipality = ledger_sums_by_municipality(programme_year=programme_year)
    statuses = dict(
        municipalities_with_structural_status(
            day=day,
            queryset=Municipality.objects.filter(
                pk__in=LedgerEntry.objects.filter(programme_year=programme_year).values("municipality_id")
            ),
        ).values_list("pk", "structural_status")
    )
    result = {status: LedgerSums() for status in StructuralStatus.Status.values}
    for row in per_municipality:
        status = statuses[row.municipality_id]
        result[status] = result[status] + row.sums
    return result


def ledger_sums_total(*, programme_year: ProgrammeYear) -> LedgerSums:
    """The year's whole ledger, summed per kind; one query."""
    return _sums_of(LedgerEntry.objects.filter(programme_year=programme_year).aggregate(**_KIND_SUMS))


def municipalities_funded(*, programme_year: ProgrammeYear) -> set[int]:
    """Ids of the municipalities with an approval in the year: a commitment was booked for them.

    Approved or later (paid, completed, revoked, lapsed): approval books the commitment exactly once.
    """
    return set(
        LedgerEntry.objects.filter(programme_year=programme_year, kind=Kind.COMMITMENT)
        .values_list("municipality_id", flat=True)
        .distinct()
    )
