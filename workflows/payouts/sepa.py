"""SEPA credit transfers: released payouts collected into one batch, handed to the bank, booked as paid.

Lock order as for payouts: the batch, then the applications, then their payouts.
"""

from __future__ import annotations

import dataclasses
import datetime

from django.contrib.auth.models import AbstractUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from budgets.ledger import ledger_book
from budgets.models import LedgerEntry, Payout, SepaBatch, SepaBatchLine
from budgets.selectors import ReadyForBatch, application_paid_total, payouts_ready_for_batch
from budgets.sepa import (
    SCHEMA,
    SepaAddress,
    SepaError,
    SepaTransferLine,
    debtor_from_settings,
    debtor_settings_missing,
    pain001_summary,
    render_pain001,
    sha256_hex,
    transfer_line_problems,
    validate_pain001,
)
from core.money import ZERO, format_eur, money
from grants.banking import iban_details
from grants.errors import GrantsError
from grants.models import Application
from grants.services import number_next
from reports.models import Notice
from workflows.common.audit import audit_payout, audit_record
from workflows.common.errors import WorkflowError
from workflows.common.guards import (
    german_records,
)
from workflows.common.notices import notice_issue
from workflows.common.notifications import notify_applicant
from workflows.payouts.permissions import (
    payout_in_state,
    sepa_batch_can_book,
    sepa_batch_can_create,
    sepa_batch_can_export,
)

S = Application.Status
P = Payout.Status
B = SepaBatch.Status
SEPA_NUMBER_PREFIX = "SEPA"
# A requested execution date further ahead is a typing error; banks accept a few weeks ahead.
SEPA_MAX_EXECUTION_DAYS = 30


def _debtor():
    debtor = debtor_from_settings()
    missing = debtor_settings_missing(debtor)
    if not missing:
        try:
            details = iban_details(iban=debtor.iban)
        except GrantsError as error:
            raise WorkflowError(
                _("Das Auftraggeberkonto (SEPA_DEBTOR_IBAN) ist ungültig. %(reason)s") % {"reason": error.message},
                code="sepa_config",
            ) from None
        debtor = dataclasses.replace(debtor, iban=details.iban, bic=debtor.bic or details.bic)
        if not debtor.bic:
            missing.append("SEPA_DEBTOR_BIC")
    if missing:
        raise WorkflowError(
            _("Der SEPA-Export ist nicht eingerichtet. Es fehlen die Einstellungen: %(names)s.")
            % {"names": ", ".join(missing)},
            code="sepa_config",
        )
    return debtor


def _remittance(payout: Payout) -> str:
    return _("Zuwendung Mikrofoerderung %(file)s, Mittelabruf %(payout)s") % {
        "file": payout.application.file_number or "",
        "payout": payout.number,
    }


def _execution_date(execution_date: datetime.date | None, *, today: datetime.date) -> datetime.date:
    """The day the bank is to execute: today unless given, never past, at most a few weeks ahead."""
    execution_date = execution_date or today
    if execution_date < today:
        raise WorkflowError(_("Der Ausführungstermin darf nicht in der Vergangenheit liegen."), code="execution_date")
    latest = today + datetime.timedelta(days=SEPA_MAX_EXECUTION_DAYS)
    if execution_date > latest:
        raise WorkflowError(
            _("Der Ausführungstermin darf höchstens %(days)d Tage in der Zukunft liegen, also bis zum %(latest)s.")
            % {"days": SEPA_MAX_EXECUTION_DAYS, "latest": f"{latest:%d.%m.%Y}"},
            code="execution_date",
        )
    return execution_date


def _transfer_line(payout: Payout) -> SepaTransferLine:
    return SepaTransferLine(
        end_to_end_id=payout.number,
        amount=money(payout.checked_amount),
        name=payout.account_holder,
        iban=payout.iban,
        bic=payout.bic,
        address=SepaAddress(
            street=payout.street,
            building_number=payout.building_number,
            postcode=payout.postcode,
            town=payout.town,
            country=payout.country,
        ),
        remittance=_remittance(payout),
    )


@dataclasses.dataclass(frozen=True)
class LeftOut:
    """A released payout the bank cannot be sent, and why (German); it stays released."""

    payout: Payout
    reasons: list[str]


def _line_refusal(line: SepaTransferLine, *, debtor, execution_date: datetime.date) -> list[str]:
    """Why ``line`` cannot go into a file: the known causes by name, anything else as the
    schema says, from a file with this line alone (one bad line must not sink the others)."""
    problems = transfer_line_problems(line)
    if problems or debtor is None:
        return problems
    try:
        validate_pain001(
            render_pain001(message_id=line.end_to_end_id, execution_date=execution_date, debtor=debtor, lines=[line])
        )
    except SepaError as error:
        return [
            _("Die Überweisung entspricht nicht dem Schema %(schema)s: %(reason)s")
            % {"schema": SCHEMA, "reason": error.message}
        ]
    return []


def _partition(payouts: list[Payout], *, debtor, execution_date: datetime.date):
    """The payouts that can go to the bank with their lines, and those left out with reasons."""
    good: list[tuple[Payout, SepaTransferLine]] = []
    left_out: list[LeftOut] = []
    for payout in payouts:
        line = _transfer_line(payout)
        reasons = _line_refusal(line, debtor=debtor, execution_date=execution_date)
        if reasons:
            left_out.append(LeftOut(payout=payout, reasons=reasons))
        else:
            good.append((payout, line))
    return good, left_out


def sepa_ready(*, shown: int = 0) -> tuple[ReadyForBatch, list[LeftOut]]:
    """What the next batch would hold (count, total, the first ``shown``) and the released
    payouts it would leave out, with the reasons for the approver to see."""
    try:
        debtor = _debtor()
    except WorkflowError:
        # Without the settings no file is written at all; the named causes still show.
        debtor = None
    payouts = list(payouts_ready_for_batch().select_related("application__municipality"))
    good, left_out = _partition(payouts, debtor=debtor, execution_date=timezone.localdate())
    ready = [payout for payout, _line in good]
    total = money(sum((payout.checked_amount for payout in ready), ZERO))
    return ReadyForBatch(count=len(ready), total=total, payouts=ready[:shown] if shown else []), left_out


def _pain001_checked(*, number: str, execution_date: datetime.date, debtor, lines: list[SepaTransferLine]):
    """The XML for the bank, valid against the XSD and read back: count, sum and references as booked."""
    try:
        xml = render_pain001(message_id=number, execution_date=execution_date, debtor=debtor, lines=lines)
        validate_pain001(xml)
    except SepaError as error:
        raise WorkflowError(
            _("Die SEPA-Datei entspricht nicht dem Schema %(schema)s: %(reason)s")
            % {"schema": SCHEMA, "reason": error.message},
            code="sepa_invalid",
        ) from None
    # What the bank will read must be what we book (a guard against a change in the
    # library that writes the file).
    summary = pain001_summary(xml)
    if (
        summary.transaction_count != len(lines)
        or summary.control_sum != money(sum((line.amount for line in lines), ZERO))
        or summary.end_to_end_ids != tuple(line.end_to_end_id for line in lines)
        or summary.amounts != tuple(line.amount for line in lines)
    ):
        raise WorkflowError(_("Die SEPA-Datei stimmt nicht mit den Auszahlungen überein."), code="sepa_invalid")
    return xml, summary


def _lines_store(batch: SepaBatch, payouts: list[Payout], lines: list[SepaTransferLine]) -> None:
    SepaBatchLine.objects.bulk_create(
        [
            SepaBatchLine(
                batch=batch,
                payout=payout,
                end_to_end_id=line.end_to_end_id,
                amount=line.amount,
                creditor_name=line.name[:70],
                iban=line.iban,
                bic=line.bic,
                remittance=line.remittance[:140],
            )
            for payout, line in zip(payouts, lines, strict=True)
        ]
    )


@german_records
def sepa_batch_create(*, approver: AbstractUser, execution_date: datetime.date | None = None) -> SepaBatch:
    """Collect every released payout that is in no batch yet into one SEPA credit transfer.

    The XML is written, checked against the XSD and frozen with its SHA-256 in the same
    transaction that assigns the payouts; a payout is never in two batches.
    """
    sepa_batch_can_create(user=approver).require()
    debtor = _debtor()
    today = timezone.localdate()
    execution_date = _execution_date(execution_date, today=today)
    with transaction.atomic():
        # Lock every released payout (in id order: two creators queue, never deadlock),
        # then ask again which are in no batch. A batch created while this one waited for
        # the locks is committed by now, and a new query sees its lines.
        locked = list(
            Payout.objects.select_for_update().filter(status=P.RELEASED).order_by("pk").values_list("pk", flat=True)
        )
        payouts = list(
            Payout.objects.filter(pk__in=locked, sepa_line__isnull=True).select_related("application").order_by("pk")
        )
        if not payouts:
            raise WorkflowError(
                _("Es gibt keine freigegebenen Auszahlungen, die noch in keiner Sammelüberweisung stehen."),
                code="nothing_to_batch",
            )
        # A payout the bank cannot be sent stays released and out of the file; the page
        # lists it with the reason. The others go to the bank.
        good, left_out = _partition(payouts, debtor=debtor, execution_date=execution_date)
        if not good:
            raise WorkflowError(
                _("Keine der freigegebenen Auszahlungen kann in eine SEPA-Datei: %(reasons)s")
                % {"reasons": " ".join(f"{item.payout.number}: {' '.join(item.reasons)}" for item in left_out)},
                code="nothing_to_batch",
            )
        payouts = [payout for payout, _line in good]
        lines = [line for _payout, line in good]
        number = number_next(prefix=SEPA_NUMBER_PREFIX, year=today.year)
        control_sum = money(sum((line.amount for line in lines), ZERO))
        xml, summary = _pain001_checked(number=number, execution_date=execution_date, debtor=debtor, lines=lines)
        batch = SepaBatch.objects.create(
            number=number,
            schema=SCHEMA,
            message_id=summary.message_id,
            execution_date=execution_date,
            debtor_name=debtor.name[:70],
            debtor_iban=debtor.iban,
            debtor_bic=debtor.bic,
            transaction_count=len(lines),
            control_sum=control_sum,
            xml=xml.decode("utf-8"),
            sha256=sha256_hex(xml),
            created_by=approver,
        )
        _lines_store(batch, payouts, lines)
        for payout in payouts:
            audit_payout(
                payout=payout,
                action="budgets.payout.batched",
                actor=approver,
                from_state=P.RELEASED,
                comment=_("In der Sammelüberweisung %(batch)s") % {"batch": number},
            )
    return batch


def _lock_batch(batch_id: int) -> SepaBatch:
    try:
        return SepaBatch.objects.select_for_update().get(pk=batch_id)
    except SepaBatch.DoesNotExist:
        raise WorkflowError(_("Die Sammelüberweisung wurde nicht gefunden."), code="not_found") from None


def _lock_batch_payouts(batch: SepaBatch) -> tuple[list[Application], list[Payout]]:
    """Lock the applications (by id), then the payouts (by id) of a locked batch."""
    payout_ids = list(batch.lines.values_list("payout_id", flat=True))
    application_ids = set(Payout.objects.filter(pk__in=payout_ids).values_list("application_id", flat=True))
    applications = list(
        Application.objects.select_for_update(of=("self",))
        .select_related("municipality", "programme_year")
        .filter(pk__in=application_ids)
        .order_by("pk")
    )
    by_id = {application.pk: application for application in applications}
    payouts = list(Payout.objects.select_for_update().filter(pk__in=payout_ids).order_by("pk"))
    for payout in payouts:
        payout.application = by_id[payout.application_id]
    return applications, payouts


@german_records
def sepa_batch_mark_exported(*, approver: AbstractUser, batch_id: int) -> SepaBatch:
    """Record that the file was downloaded and handed to the bank."""
    with transaction.atomic():
        batch = _lock_batch(batch_id)
        sepa_batch_can_export(user=approver, batch=batch).require()
        _applications, payouts = _lock_batch_payouts(batch)
        for payout in payouts:
            payout_in_state(payout, P.RELEASED).require()
            payout.mark_exported()
            payout.save(update_fields=["status", "exported_at", "updated_at"])
            audit_payout(
                payout=payout,
                action="budgets.payout.exported",
                actor=approver,
                from_state=P.RELEASED,
                comment=_("Sammelüberweisung %(batch)s") % {"batch": batch.number},
            )
        batch.exported_by = approver
        batch.mark_exported()
        batch.save(update_fields=["status", "exported_by", "exported_at"])
    return batch


@german_records
def sepa_batch_book_paid(*, user: AbstractUser, batch_id: int, value_date: datetime.date) -> SepaBatch:
    """Book every payout of an exported batch as paid on the bank's value date.

    One ledger entry per payout, exactly once: the batch row is locked and must still be
    exported, and the ledger refuses a second payout entry for the same payout. An
    application whose payouts now reach its approved amount becomes "paid".
    """
    if value_date > timezone.localdate():
        raise WorkflowError(_("Die Wertstellung darf nicht in der Zukunft liegen."), code="value_date")
    with transaction.atomic():
        batch = _lock_batch(batch_id)
        sepa_batch_can_book(user=user, batch=batch).require()
        if value_date < timezone.localdate(batch.created_at):
            raise WorkflowError(
                _("Die Wertstellung darf nicht vor der Erstellung der Sammelüberweisung liegen."), code="value_date"
            )
        applications, payouts = _lock_batch_payouts(batch)
        amounts = dict(batch.lines.values_list("payout_id", "amount"))
        for payout in payouts:
            payout_in_state(payout, P.EXPORTED).require()
            application = payout.application
            ledger_book(
                application=application,
                payout=payout,
                kind=LedgerEntry.Kind.PAYOUT,
                amount=amounts[payout.pk],
                booked_by=user,
                note=f"{payout.number}, {batch.number}, Wertstellung {value_date:%d.%m.%Y}",
            )
            payout.value_date = value_date
            payout.mark_paid()
            payout.save(update_fields=["status", "value_date", "paid_at", "updated_at"])
            notice_issue(
                application=application,
                kind=Notice.Kind.PAYOUT_ADVICE,
                user=user,
                extra={
                    "payout_number": payout.number,
                    "amount": amounts[payout.pk],
                    "value_date": value_date,
                    "account_holder": application.account_holder,
                    "iban": application.iban,
                    "paid_total": application_paid_total(application=application),
                },
            )
            notify_applicant(application=application, event="payout_paid", payout_id=payout.pk)
            audit_payout(
                payout=payout,
                action="budgets.payout.paid",
                actor=user,
                from_state=P.EXPORTED,
                comment=_("%(amount)s, Wertstellung %(date)s")
                % {"amount": format_eur(amounts[payout.pk]), "date": f"{value_date:%d.%m.%Y}"},
            )
        for application in applications:
            paid = application_paid_total(application=application)
            if application.status == S.APPROVED and paid >= application.approved_amount:
                application.mark_paid()
                application.revision += 1
                application.save(update_fields=["status", "revision", "updated_at"])
                audit_record(
                    application=application,
                    action="grants.application.paid",
                    actor=user,
                    from_state=S.APPROVED,
                    comment=_("Vollständig ausgezahlt: %(amount)s") % {"amount": format_eur(paid)},
                )
        batch.value_date = value_date
        batch.booked_by = user
        batch.book()
        batch.save(update_fields=["status", "value_date", "booked_by", "booked_at"])
    return batch
