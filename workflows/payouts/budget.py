"""The budget page (Haushalt) and lapsing commitments that were never called.

Reads: every figure is a sum over the append-only ledger (``budgets.selectors`` for a
programme year; one grouped query per table for the breakdowns by Land and by
structural status). No figure is stored or edited anywhere.

Service: ``commitments_lapse``. An approved application of which nothing was called
(no payout requested, in progress or paid) by the year's invoice deadline lapses: the
commitment that was not paid goes back to the budget as a ledger entry of kind
"release", the application moves approved → lapsed, one audit record each, and the
municipality is told by e-mail after the commit.

Who may lapse: clerks and approvers (the programme office that also releases payouts).
Controllers read the page and change nothing; the service refuses them too.

Lock order, as in ``workflows.applications.services``: programme year, then applications (by id).
A payout request locks the application before it looks at its status, so once the
applications are locked here no new payout can appear until this transaction ends.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.db.models import Count, DecimalField, Exists, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budgets.ledger import ledger_book
from budgets.models import LedgerEntry, Payout
from budgets.selectors import (
    programme_available,
    programme_committed,
    programme_paid,
    programme_payouts_in_transit,
    programme_refunded,
    programme_released,
)
from core.money import ZERO, format_eur, money
from grants.models import Application, Land, Municipality, ProgrammeYear, StructuralStatus
from grants.selectors import municipalities_with_structural_status
from workflows.common.audit import audit_record
from workflows.common.errors import WorkflowError
from workflows.common.guards import german_records
from workflows.common.notifications import notify_applicant
from workflows.payouts.permissions import commitments_can_lapse

S = Application.Status
Kind = LedgerEntry.Kind
SS = StructuralStatus.Status
# A payout in any of these states means the money was called: the commitment does not lapse.
CALLED = [*Payout.OPEN, Payout.Status.PAID]
_ZERO = Value(Decimal("0.00"), output_field=DecimalField(max_digits=14, decimal_places=2))
STRUCTURAL_ORDER = [SS.C, SS.D, SS.NONE]
STRUCTURAL_LABELS = {
    SS.C: gettext_lazy("GRW-Fördergebiet C"),
    SS.D: gettext_lazy("GRW-Fördergebiet D"),
    SS.NONE: gettext_lazy("kein Fördergebiet"),
}


# --- figures of one programme year ----------------------------------------------------------


@dataclass(frozen=True)
class BudgetFigures:
    """The figures of one programme year, each a sum over its ledger entries.

    ``committed`` is net (commitments minus releases minus refunds: what counts against
    the budget); ``granted`` is the sum of all commitments booked. ``in_transit`` are
    payouts released or handed to the bank and not yet booked as paid.
    """

    budget: Decimal
    committed: Decimal
    paid: Decimal
    released: Decimal
    refunded: Decimal
    available: Decimal
    in_transit: Decimal

    @property
    def granted(self) -> Decimal:
        # By definition of "committed" in budgets.selectors: commitments − releases − refunds.
        return money(self.committed + self.released + self.refunded)


def budget_figures(*, programme_year: ProgrammeYear) -> BudgetFigures:
    return BudgetFigures(
        budget=money(programme_year.budget),
        committed=programme_committed(programme_year=programme_year),
        paid=programme_paid(programme_year=programme_year),
        released=programme_released(programme_year=programme_year),
        refunded=programme_refunded(programme_year=programme_year),
        available=programme_available(programme_year=programme_year),
        in_transit=programme_payouts_in_transit(programme_year=programme_year),
    )


@dataclass(frozen=True)
class BreakdownRow:
    key: str
    label: str
    applications: int
    committed: Decimal
    paid: Decimal


def _sum(prefix: str, kind: str, extra: Q | None = None):
    condition = Q(**{f"{prefix}kind": kind})
    if extra is not None:
        condition &= extra
    return Coalesce(Sum(f"{prefix}amount", filter=condition), _ZERO)


def _sums(prefix: str, extra: Q | None = None) -> dict:
    return {
        "commitment_sum": _sum(prefix, Kind.COMMITMENT, extra),
        "release_sum": _sum(prefix, Kind.RELEASE, extra),
        "refund_sum": _sum(prefix, Kind.REFUND, extra),
        "payout_sum": _sum(prefix, Kind.PAYOUT, extra),
        "application_count": Count(
            f"{prefix}application",
            distinct=True,
            filter=Q(**{f"{prefix}kind": Kind.COMMITMENT}) & (extra or Q()),
        ),
    }


def _row(key: str, label: str, values: dict | None) -> BreakdownRow:
    if values is None:
        return BreakdownRow(key=key, label=label, applications=0, committed=ZERO, paid=ZERO)
    return BreakdownRow(
        key=key,
        label=label,
        applications=values["application_count"],
        committed=money(values["commitment_sum"] - values["release_sum"] - values["refund_sum"]),
        paid=money(values["payout_sum"]),
    )


def budget_by_land(*, programme_year: ProgrammeYear) -> list[BreakdownRow]:
    """Every Land with its net commitments and payouts in the year; one query."""
    prefix = "municipalities__ledger_entries__"
    in_year = Q(**{f"{prefix}programme_year": programme_year})
    lands = Land.objects.annotate(**_sums(prefix, in_year)).order_by("name")
    return [_row(land.code, land.name, vars(land)) for land in lands]


def structural_status_day(*, programme_year: ProgrammeYear, today: datetime.date | None = None) -> datetime.date:
    """The day whose GRW status counts for a year: its last day, or today while it runs."""
    return min(today or timezone.localdate(), programme_year.last_day)


def budget_by_structural_status(*, programme_year: ProgrammeYear, day: datetime.date) -> list[BreakdownRow]:
    """Net commitments and payouts by the GRW status of the municipality on ``day``; one query.

    The status is annotated as in the queue (``grants.selectors``): the Gemeinde's own
    row, else its Kreis's, else none. C, D and none are always listed.
    """
    prefix = "ledger_entries__"
    municipalities = Municipality.objects.filter(ledger_entries__programme_year=programme_year)
    rows = (
        municipalities_with_structural_status(day=day, queryset=municipalities)
        .values("structural_status")
        .annotate(**_sums(prefix, Q(ledger_entries__programme_year=programme_year)))
        .order_by()
    )
    by_status = {row["structural_status"]: row for row in rows}
    return [_row(status, str(STRUCTURAL_LABELS[status]), by_status.get(status)) for status in STRUCTURAL_ORDER]


def breakdown_total(rows: Iterable[BreakdownRow]) -> BreakdownRow:
    rows = list(rows)
    return BreakdownRow(
        key="total",
        label=_("Summe"),
        applications=sum(row.applications for row in rows),
        committed=money(sum((row.committed for row in rows), ZERO)),
        paid=money(sum((row.paid for row in rows), ZERO)),
    )


# --- lapse ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LapseCandidate:
    """An approved application nothing was called for, with the amount that goes back."""

    application: Application
    amount: Decimal


@dataclass(frozen=True)
class LapseSkip:
    application_id: int
    file_number: str
    reason: str


@dataclass(frozen=True)
class LapseResult:
    lapsed: list[LapseCandidate]
    skipped: list[LapseSkip]

    @property
    def released_total(self) -> Decimal:
        return money(sum((candidate.amount for candidate in self.lapsed), ZERO))


def lapse_deadline_passed(*, programme_year: ProgrammeYear, today: datetime.date | None = None) -> bool:
    return (today or timezone.localdate()) > programme_year.invoice_deadline


def _not_called(programme_year: ProgrammeYear) -> QuerySet:
    called = Payout.objects.filter(application=OuterRef("pk"), status__in=CALLED)
    return Application.objects.filter(programme_year=programme_year, status=S.APPROVED).filter(~Exists(called))


def _unpaid_commitments(application_ids: Iterable[int]) -> dict[int, Decimal]:
    """Per application: commitments − releases − payouts, from the ledger; one query.

    Refunds need no term: one reduces both the net commitment and the net payout.
    """

    def total(kind: str):
        return Coalesce(Sum("amount", filter=Q(kind=kind)), _ZERO)

    rows = (
        LedgerEntry.objects.filter(application_id__in=list(application_ids))
        .values("application_id")
        .annotate(committed=total(Kind.COMMITMENT), released=total(Kind.RELEASE), paid=total(Kind.PAYOUT))
        .order_by()
    )
    return {row["application_id"]: money(row["committed"] - row["released"] - row["paid"]) for row in rows}


def commitments_lapse_preview(*, programme_year: ProgrammeYear) -> list[LapseCandidate]:
    """What ``commitments_lapse`` would lapse today; empty before the invoice deadline has passed."""
    if not lapse_deadline_passed(programme_year=programme_year):
        return []
    applications = list(
        _not_called(programme_year)
        .select_related("municipality__land", "programme_year")
        .order_by("municipality__name", "file_number", "pk")
    )
    amounts = _unpaid_commitments(application.pk for application in applications)
    return [
        LapseCandidate(application=application, amount=max(amounts.get(application.pk, ZERO), ZERO))
        for application in applications
    ]


@german_records
def commitments_lapse(*, user: AbstractUser, programme_year_id: int, application_ids: Iterable[int]) -> LapseResult:
    """Lapse the listed approved applications of which nothing was called by the deadline.

    Idempotent: an application already lapsed, or no longer eligible (a payout was
    requested in the meantime, or it was never approved), is skipped with its reason.
    """
    commitments_can_lapse(user=user).require()
    ids = sorted({int(pk) for pk in application_ids})
    if not ids:
        raise WorkflowError(_("Es sind keine Anträge ausgewählt."), code="nothing_selected")
    with transaction.atomic():
        try:
            programme_year = ProgrammeYear.objects.select_for_update().get(pk=programme_year_id)
        except ProgrammeYear.DoesNotExist:
            raise WorkflowError(_("Das Programmjahr wurde nicht gefunden."), code="not_found") from None
        if not lapse_deadline_passed(programme_year=programme_year):
            raise WorkflowError(
                _(
                    "Die Frist für Rechnungen des Programmjahrs %(year)s endet am %(deadline)s; "
                    "erst danach können nicht abgerufene Mittel verfallen."
                )
                % {"year": programme_year.year, "deadline": f"{programme_year.invoice_deadline:%d.%m.%Y}"},
                code="deadline",
            )
        applications = list(
            Application.objects.select_for_update(of=("self",))
            .select_related("municipality", "programme_year")
            .filter(pk__in=ids, programme_year=programme_year)
            .order_by("pk")
        )
        # Asked only now, under the locks: no payout can be requested for these any more.
        eligible = set(_not_called(programme_year).filter(pk__in=ids).values_list("pk", flat=True))
        amounts = _unpaid_commitments(ids)
        found = {application.pk for application in applications}
        lapsed: list[LapseCandidate] = []
        skipped = [
            LapseSkip(application_id=pk, file_number="", reason=_("nicht gefunden oder aus einem anderen Jahr"))
            for pk in ids
            if pk not in found
        ]
        deadline = f"{programme_year.invoice_deadline:%d.%m.%Y}"
        for application in applications:
            number = application.file_number or str(application.pk)
            if application.status == S.LAPSED:
                skipped.append(LapseSkip(application.pk, number, _("bereits verfallen")))
                continue
            if application.pk not in eligible:
                reason = (
                    _("inzwischen wurden Mittel abgerufen")
                    if application.status == S.APPROVED
                    else _("Status »%(status)s«") % {"status": application.get_status_display()}
                )
                skipped.append(LapseSkip(application.pk, number, reason))
                continue
            amount = max(amounts.get(application.pk, ZERO), ZERO)
            if amount > ZERO:
                ledger_book(
                    application=application,
                    kind=Kind.RELEASE,
                    amount=amount,
                    booked_by=user,
                    note=_("Verfall: bis %(deadline)s nicht abgerufen (%(number)s)")
                    % {"deadline": deadline, "number": number},
                )
            application.lapse()
            application.revision += 1
            application.save(update_fields=["status", "revision", "updated_at"])
            audit_record(
                application=application,
                action="grants.application.lapsed",
                actor=user,
                from_state=S.APPROVED,
                comment=_("Bis zur Frist für Rechnungen am %(deadline)s nichts abgerufen; freigegeben: %(amount)s")
                % {"deadline": deadline, "amount": format_eur(amount)},
            )
            # The plain amount: each language of the e-mail writes it its own way.
            notify_applicant(application=application, event="lapsed", message=str(amount))
            lapsed.append(LapseCandidate(application=application, amount=amount))
    return LapseResult(lapsed=lapsed, skipped=skipped)
