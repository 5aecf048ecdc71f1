"""Payouts (Mittelabruf) and SEPA batches: the only code that drives their transitions.

Reimbursement model: the municipality lists invoices it has already paid and asks for
at most what is left of the approved amount (approved minus paid minus requests still
open). A clerk checks the request (accept, reduce with a reason, or ask for
documents); another person releases it; released payouts leave in a SEPA batch that
is exported to the bank and, once the bank statement shows the value date, booked as
paid: one ledger entry per payout, exactly once.

The application stays "approved" while it is partly paid and becomes "paid" when the
paid total reaches the approved amount. If the municipality spends less, the rest is
settled with the proof of use (not here).

As in ``workflows.applications.services``: every service opens its own transaction, locks the rows
before it looks at their state, calls one transition per object, writes one audit
record on the application per payout transition, and raises ``WorkflowError`` with a
German message and a code.

Lock order, to rule out deadlocks: SEPA batch, then applications (by id), then payouts
(by id); number sequences last. ``sepa_batch_create`` locks released payouts only.
"""

from __future__ import annotations

import dataclasses
import datetime
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractUser
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from schwifty import BIC
from schwifty.exceptions import SchwiftyException

from budgets.models import InvoiceFile, Payout, PayoutInvoice
from budgets.selectors import application_payout_remaining, measure_start_date, payout_date_warnings
from budgets.sepa import sepa_has_latin
from core.money import ZERO, format_eur, money
from grants.banking import iban_details, iban_normalise
from grants.errors import GrantsError
from grants.models import Application, CostType, ProgrammeYear
from grants.roles import Role
from grants.services import number_next
from workflows.common.attachments import MAX_ATTACHMENTS, check_upload, clean_file_name
from workflows.common.audit import audit_payout
from workflows.common.errors import WorkflowError
from workflows.common.guards import (
    clean_line,
    clean_reason,
    expect_near_period,
    german_records,
    lock_application,
)
from workflows.common.notifications import notify_applicant
from workflows.common.staff_notifications import holder_or_role, role_members, staff_notify
from workflows.models import AuditRecord
from workflows.payouts.permissions import (
    payout_application_approved,
    payout_can_add_file,
    payout_can_check,
    payout_can_reject,
    payout_can_release,
    payout_can_request,
    payout_can_request_documents,
    payout_can_resubmit,
    payout_can_send_back,
    payout_can_withdraw,
)

S = Application.Status
P = Payout.Status
PAYOUT_NUMBER_PREFIX = "MA"
MAX_INVOICES = 50
MAX_FILES = MAX_ATTACHMENTS


@dataclass(frozen=True)
class InvoiceInput:
    issuer: str
    number: str
    invoice_date: datetime.date
    amount: Decimal
    cost_type: CostType


@dataclass(frozen=True)
class PayeeAddress:
    """Where the payee sits; SEPA needs at least the town and the country."""

    town: str
    postcode: str = ""
    street: str = ""
    building_number: str = ""
    country: str = "DE"


# --- helpers -------------------------------------------------------------------------


def _lock_payout(payout_id: int) -> Payout:
    """Lock the payout's application, then the payout (the lock order of this module)."""
    application_id = Payout.objects.filter(pk=payout_id).values_list("application_id", flat=True).first()
    if application_id is None:
        raise WorkflowError(_("Der Mittelabruf wurde nicht gefunden."), code="not_found")
    application = lock_application(application_id)
    payout = Payout.objects.select_for_update().get(pk=payout_id)
    payout.application = application
    return payout


def _clean_invoices(invoices: list[InvoiceInput]) -> list[InvoiceInput]:
    if not invoices:
        raise WorkflowError(_("Bitte führen Sie mindestens eine bezahlte Rechnung auf."), code="no_invoices")
    if len(invoices) > MAX_INVOICES:
        raise WorkflowError(
            _("Je Mittelabruf sind höchstens %(limit)d Rechnungen möglich.") % {"limit": MAX_INVOICES},
            code="too_many_invoices",
        )
    today = timezone.localdate()
    cleaned, seen = [], set()
    for invoice in invoices:
        issuer = clean_line(invoice.issuer, label=_("den Rechnungssteller"), max_length=200)
        number = clean_line(invoice.number, label=_("die Rechnungsnummer"), max_length=100)
        if invoice.invoice_date is None or invoice.invoice_date > today:
            raise WorkflowError(
                _("Die Rechnung %(number)s ist in der Zukunft datiert; abgerufen werden nur bezahlte Rechnungen.")
                % {"number": number},
                code="invoice_date",
            )
        amount = money(invoice.amount)
        if amount <= ZERO:
            raise WorkflowError(
                _("Der Betrag der Rechnung %(number)s muss größer als 0 € sein.") % {"number": number},
                code="amount",
            )
        key = (issuer.casefold(), number.casefold())
        if key in seen:
            raise WorkflowError(
                _("Die Rechnung %(number)s von %(issuer)s ist doppelt aufgeführt.")
                % {"number": number, "issuer": issuer},
                code="duplicate_invoice",
            )
        seen.add(key)
        cleaned.append(dataclasses.replace(invoice, issuer=issuer, number=number, amount=amount))
    return cleaned


def _clean_address(address: PayeeAddress) -> PayeeAddress:
    country = (address.country or "").strip().upper()
    if len(country) != 2 or not country.isascii() or not country.isalpha():
        raise WorkflowError(_("Bitte geben Sie das Land als ISO-Kürzel an (z. B. DE)."), code="address")
    town = clean_line(address.town, label=_("den Ort"), max_length=35)
    if not sepa_has_latin(town, 35):
        raise WorkflowError(
            _("Bitte geben Sie den Ort in lateinischen Buchstaben an: Die Überweisung (SEPA) kennt nur diese."),
            code="address",
        )
    return PayeeAddress(
        town=town,
        postcode=clean_line(address.postcode, label=_("die Postleitzahl"), max_length=16, required=False),
        street=clean_line(address.street, label=_("die Straße"), max_length=70, required=False),
        building_number=clean_line(address.building_number, label=_("die Hausnummer"), max_length=16, required=False),
        country=country,
    )


def _check_files(files: list[UploadedFile]) -> list[tuple[UploadedFile, str, str]]:
    """Each upload with its clean name and sniffed content type; refuses what is not allowed."""
    if len(files) > MAX_FILES:
        raise WorkflowError(
            _("Je Mittelabruf sind höchstens %(limit)d Belege möglich.") % {"limit": MAX_FILES},
            code="too_many_files",
        )
    checked = []
    for upload in files:
        name = clean_file_name(upload.name)
        checked.append((upload, name, check_upload(upload, name)))
    return checked


def _store_file(payout: Payout, user: AbstractUser, upload: UploadedFile, name: str, content_type: str) -> InvoiceFile:
    invoice_file = InvoiceFile(
        payout=payout,
        token=secrets.token_urlsafe(24),
        original_name=name,
        content_type=content_type,
        size=upload.size,
        uploaded_by=user,
    )
    upload.seek(0)
    invoice_file.file.save(invoice_file.token, upload, save=False)
    return invoice_file


def _delete_stored(names: list[str]) -> None:
    storage = InvoiceFile._meta.get_field("file").storage
    for name in names:
        storage.delete(name)


def _check_window(programme_year: ProgrammeYear) -> None:
    today = timezone.localdate()
    last = min(programme_year.payout_window_end, programme_year.invoice_deadline)
    if not programme_year.payout_window_start <= today <= last:
        raise WorkflowError(
            _("Mittel für %(year)s können nur vom %(start)s bis zum %(end)s abgerufen werden.")
            % {
                "year": programme_year.year,
                "start": f"{programme_year.payout_window_start:%d.%m.%Y}",
                "end": f"{last:%d.%m.%Y}",
            },
            code="window",
        )


def _check_invoices_against_application(application: Application, invoices: list[InvoiceInput]) -> None:
    eligible = set(application.programme_year.eligible_cost_types.values_list("pk", flat=True))
    for invoice in invoices:
        expect_near_period(
            application,
            invoice.invoice_date,
            what=_("Die Rechnung %(number)s") % {"number": invoice.number},
            code="invoice_date",
        )
        if invoice.cost_type.pk not in eligible:
            raise WorkflowError(
                _("Die Kostenart »%(cost_type)s« der Rechnung %(number)s ist %(year)s nicht förderfähig.")
                % {"cost_type": invoice.cost_type.name, "number": invoice.number, "year": application.programme_year},
                code="cost_type",
            )
    claimed = PayoutInvoice.objects.filter(
        payout__application=application, payout__status__in=[*Payout.OPEN, P.PAID]
    ).values_list("issuer", "number", "payout__number")
    earlier = {(issuer.casefold(), number.casefold()): payout for issuer, number, payout in claimed}
    for invoice in invoices:
        payout_number = earlier.get((invoice.issuer.casefold(), invoice.number.casefold()))
        if payout_number:
            raise WorkflowError(
                _("Die Rechnung %(number)s von %(issuer)s ist bereits mit dem Mittelabruf %(payout)s abgerufen.")
                % {"number": invoice.number, "issuer": invoice.issuer, "payout": payout_number},
                code="duplicate_invoice",
            )


def _staff_payout(payout: Payout, *, event: str, recipients, actor: AbstractUser, message: str = "") -> None:
    """Tell the office about a payout step; the amount is the checked one once there is one."""
    amount = payout.checked_amount if payout.checked_amount is not None else payout.requested_amount
    staff_notify(
        recipients=recipients,
        event=event,
        application=payout.application,
        context={
            "payout_id": payout.pk,
            "payout_number": payout.number,
            "amount": str(amount),
            "message": message,
        },
        actor=actor,
    )


def _documents_requested_by(payout: Payout) -> AbstractUser | None:
    """The clerk who last asked for documents on ``payout`` (they hear the answer first)."""
    record = (
        AuditRecord.objects.filter(payout=payout, action="budgets.payout.documents_requested")
        .select_related("actor")
        .order_by("-at", "-pk")
        .first()
    )
    return record.actor if record is not None else None


# --- the municipality ------------------------------------------------------------------


def _requested_amount(invoices: list[InvoiceInput], amount: Decimal | None) -> Decimal:
    """The invoices' total, or less when given; never more."""
    invoice_total = money(sum((invoice.amount for invoice in invoices), ZERO))
    amount = invoice_total if amount is None else money(amount)
    if amount <= ZERO:
        raise WorkflowError(_("Der abgerufene Betrag muss größer als 0 € sein."), code="amount")
    if amount > invoice_total:
        raise WorkflowError(
            _("Der abgerufene Betrag darf die Summe der Rechnungen (%(total)s) nicht übersteigen.")
            % {"total": format_eur(invoice_total)},
            code="amount",
        )
    return amount


def _refuse_over_request(application: Application, amount: Decimal) -> None:
    """Approved minus paid minus what other open requests claim is the most one may request."""
    remaining = application_payout_remaining(application=application)
    if amount > remaining:
        raise WorkflowError(
            _(
                "Der Mittelabruf übersteigt den noch abrufbaren Betrag: bewilligt sind %(approved)s, "
                "ausgezahlt oder bereits abgerufen %(used)s, abrufbar noch %(remaining)s; "
                "abgerufen werden sollen %(amount)s."
            )
            % {
                "approved": format_eur(application.approved_amount),
                "used": format_eur(application.approved_amount - remaining),
                "remaining": format_eur(max(remaining, ZERO)),
                "amount": format_eur(amount),
            },
            code="over_request",
        )


def _invoices_store(payout: Payout, invoices: list[InvoiceInput]) -> None:
    # Invoices dated before the measure could start are flagged for the clerk, not refused.
    start = measure_start_date(application=payout.application)
    PayoutInvoice.objects.bulk_create(
        [
            PayoutInvoice(
                payout=payout,
                issuer=invoice.issuer,
                number=invoice.number,
                invoice_date=invoice.invoice_date,
                amount=invoice.amount,
                cost_type=invoice.cost_type,
                before_start=start is not None and invoice.invoice_date < start,
                position=index,
            )
            for index, invoice in enumerate(invoices)
        ]
    )


@german_records
def payout_request(
    *,
    user: AbstractUser,
    application_id: int,
    invoices: list[InvoiceInput],
    address: PayeeAddress,
    files: list[UploadedFile],
    amount: Decimal | None = None,
) -> Payout:
    """Request money for paid invoices (Mittelabruf).

    ``amount`` defaults to the invoices' total and may be less (costs above the approved
    amount). It never exceeds the approved amount minus what was paid and what other
    requests still claim. Invoices dated before the measure could start are flagged for
    the clerk, not refused. The payee's account is the one of the application.
    """
    invoices = _clean_invoices(invoices)
    address = _clean_address(address)
    uploads = _check_files(files)
    if not uploads:
        raise WorkflowError(_("Bitte laden Sie die Rechnungen und Zahlungsbelege hoch."), code="no_files")
    amount = _requested_amount(invoices, amount)
    stored: list[str] = []
    try:
        with transaction.atomic():
            application = lock_application(application_id)
            payout_can_request(user=user, application=application).require()
            _check_window(application.programme_year)
            _check_invoices_against_application(application, invoices)
            _refuse_over_request(application, amount)
            if not application.iban or not application.account_holder:
                raise WorkflowError(
                    _("Im Antrag ist keine vollständige Bankverbindung angegeben."), code="account_missing"
                )
            payout = Payout(
                number=number_next(prefix=PAYOUT_NUMBER_PREFIX, year=application.programme_year.year),
                application=application,
                requested_amount=amount,
                account_holder=application.account_holder[:70],
                iban=iban_normalise(application.iban),
                bic=(application.bic or "").strip().upper(),
                street=address.street,
                building_number=address.building_number,
                postcode=address.postcode,
                town=address.town,
                country=address.country,
                requested_by=user,
            )
            payout.save()
            _invoices_store(payout, invoices)
            for upload, name, content_type in uploads:
                invoice_file = _store_file(payout, user, upload, name, content_type)
                stored.append(invoice_file.file.name)
                invoice_file.save()
            audit_payout(
                payout=payout,
                action="budgets.payout.requested",
                actor=user,
                from_state="",
                comment=_("%(amount)s für %(count)d Rechnung(en)")
                % {"amount": format_eur(amount), "count": len(invoices)},
            )
            notify_applicant(application=application, event="payout_requested", payout_id=payout.pk)
            _staff_payout(payout, event="payout_check", recipients=role_members(Role.CLERK), actor=user)
    except BaseException:
        # The rows were rolled back; the files written for them must not stay behind.
        _delete_stored(stored)
        raise
    return payout


@german_records
def payout_add_file(*, user: AbstractUser, payout_id: int, upload: UploadedFile) -> InvoiceFile:
    """Add a document to a request that is still with the municipality (e.g. when asked for it)."""
    [(upload, name, content_type)] = _check_files([upload])
    stored = ""
    try:
        with transaction.atomic():
            payout = _lock_payout(payout_id)
            payout_can_add_file(user=user, payout=payout).require()
            if payout.files.count() >= MAX_FILES:
                raise WorkflowError(
                    _("Je Mittelabruf sind höchstens %(limit)d Belege möglich.") % {"limit": MAX_FILES},
                    code="too_many_files",
                )
            invoice_file = _store_file(payout, user, upload, name, content_type)
            stored = invoice_file.file.name
            invoice_file.save()
            audit_payout(
                payout=payout, action="budgets.payout.file_added", actor=user, from_state=payout.status, comment=name
            )
    except BaseException:
        if stored:
            _delete_stored([stored])
        raise
    return invoice_file


@german_records
def payout_resubmit(*, user: AbstractUser, payout_id: int, answer: str) -> Payout:
    """Send the request back to the office after documents were asked for."""
    with transaction.atomic():
        payout = _lock_payout(payout_id)
        payout_can_resubmit(user=user, payout=payout).require()
        answer = clean_reason(answer, what=_("Ihre Antwort"))
        payout.resubmit()
        payout.save(update_fields=["status", "updated_at"])
        audit_payout(
            payout=payout,
            action="budgets.payout.resubmitted",
            actor=user,
            from_state=P.DOCUMENTS_REQUESTED,
            comment=answer,
        )
        _staff_payout(
            payout,
            event="payout_answer",
            recipients=holder_or_role(_documents_requested_by(payout), Role.CLERK),
            actor=user,
            message=answer,
        )
    return payout


@german_records
def payout_withdraw(*, user: AbstractUser, payout_id: int, reason: str = "") -> Payout:
    with transaction.atomic():
        payout = _lock_payout(payout_id)
        payout_can_withdraw(user=user, payout=payout).require()
        before = payout.status
        payout.withdraw()
        payout.save(update_fields=["status", "closed_at", "updated_at"])
        audit_payout(
            payout=payout,
            action="budgets.payout.withdrawn",
            actor=user,
            from_state=before,
            comment=clean_reason(reason, what=_("einen Grund"), required=False),
        )
        notify_applicant(application=payout.application, event="payout_withdrawn", payout_id=payout.pk)
    return payout


# --- the programme office --------------------------------------------------------------


@german_records
def payout_request_documents(*, clerk: AbstractUser, payout_id: int, message: str) -> Payout:
    with transaction.atomic():
        payout = _lock_payout(payout_id)
        payout_can_request_documents(user=clerk, payout=payout).require()
        message = clean_reason(message, what=_("welche Unterlagen fehlen"))
        payout.request_documents()
        payout.save(update_fields=["status", "updated_at"])
        audit_payout(
            payout=payout,
            action="budgets.payout.documents_requested",
            actor=clerk,
            from_state=P.REQUESTED,
            comment=message,
        )
        notify_applicant(
            application=payout.application, event="payout_documents_requested", message=message, payout_id=payout.pk
        )
    return payout


@german_records
def payout_check(*, clerk: AbstractUser, payout_id: int, amount: Decimal | None = None, note: str = "") -> Payout:
    """Accept the request as it is, or reduce it with a reason.

    Invoices dated before the measure could start are never accepted silently: the
    clerk must say in ``note`` why they are recognised (or reduce the amount).
    """
    with transaction.atomic():
        payout = _lock_payout(payout_id)
        payout_can_check(user=clerk, payout=payout).require()
        payout_application_approved(payout.application).require()
        amount = payout.requested_amount if amount is None else money(amount)
        note = clean_reason(note, what=_("einen Prüfvermerk"), required=False)
        if amount <= ZERO:
            raise WorkflowError(
                _("Der anerkannte Betrag muss größer als 0 € sein; sonst lehnen Sie den Mittelabruf ab."),
                code="amount",
            )
        if amount > payout.requested_amount:
            raise WorkflowError(
                _("Der anerkannte Betrag darf den abgerufenen Betrag von %(requested)s nicht übersteigen.")
                % {"requested": format_eur(payout.requested_amount)},
                code="amount",
            )
        if amount < payout.requested_amount and not note:
            raise WorkflowError(_("Bitte begründen Sie die Kürzung."), code="reason_missing")
        early = list(payout.invoices.filter(before_start=True).values_list("number", flat=True))
        if early and not note:
            raise WorkflowError(
                _(
                    "Rechnungen vor dem zulässigen Maßnahmebeginn (%(numbers)s): Bitte begründen Sie im Prüfvermerk, "
                    "warum sie anerkannt werden, oder kürzen Sie den Betrag."
                )
                % {"numbers": ", ".join(early)},
                code="early_invoices",
            )
        payout.checked_amount = amount
        payout.check_note = note
        payout.checked_by = clerk
        payout.mark_checked()
        payout.save(update_fields=["status", "checked_amount", "check_note", "checked_by", "checked_at", "updated_at"])
        if amount < payout.requested_amount:
            comment = _("Gekürzt auf %(amount)s") % {"amount": format_eur(amount)}
        else:
            comment = _("Anerkannt: %(amount)s") % {"amount": format_eur(amount)}
        # The check record keeps what the clerk was warned of about the invoice dates.
        warned = payout_date_warnings(payout=payout)
        if warned:
            comment = f"{comment} – {_('Hinweis bei der Prüfung:')} {' '.join(warned)}"
        audit_payout(
            payout=payout,
            action="budgets.payout.checked",
            actor=clerk,
            from_state=P.REQUESTED,
            comment=f"{comment} – {note}" if note else comment,
        )
        _staff_payout(payout, event="payout_release", recipients=role_members(Role.APPROVER), actor=clerk)
    return payout


@german_records
def payout_reject(*, clerk: AbstractUser, payout_id: int, reason: str) -> Payout:
    with transaction.atomic():
        payout = _lock_payout(payout_id)
        payout_can_reject(user=clerk, payout=payout).require()
        reason = clean_reason(reason, what=_("eine Begründung der Ablehnung"))
        before = payout.status
        payout.rejection_reason = reason
        payout.reject()
        payout.save(update_fields=["status", "rejection_reason", "closed_at", "updated_at"])
        audit_payout(payout=payout, action="budgets.payout.rejected", actor=clerk, from_state=before, comment=reason)
        notify_applicant(application=payout.application, event="payout_rejected", message=reason, payout_id=payout.pk)
    return payout


@german_records
def payout_send_back(*, approver: AbstractUser, payout_id: int, reason: str) -> Payout:
    """The second person does not release: the request goes back to the clerks."""
    with transaction.atomic():
        payout = _lock_payout(payout_id)
        payout_can_send_back(user=approver, payout=payout).require()
        reason = clean_reason(reason, what=_("eine Begründung"))
        payout.checked_amount = None
        payout.checked_by = None
        payout.check_note = ""
        payout.send_back()
        payout.save(update_fields=["status", "checked_amount", "checked_by", "check_note", "checked_at", "updated_at"])
        audit_payout(
            payout=payout, action="budgets.payout.sent_back", actor=approver, from_state=P.CHECKED, comment=reason
        )
        _staff_payout(payout, event="payout_check", recipients=role_members(Role.CLERK), actor=approver, message=reason)
    return payout


@german_records
def payout_release(*, approver: AbstractUser, payout_id: int) -> Payout:
    """Release a checked payout for the bank (four-eyes: never by the person who checked it).

    The IBAN is checked again here: a payout leaves only to a valid account in the
    SEPA zone.
    """
    with transaction.atomic():
        payout = _lock_payout(payout_id)
        payout_can_release(user=approver, payout=payout).require()
        payout_application_approved(payout.application).require()
        try:
            iban_details(iban=payout.iban)
        except GrantsError as error:
            raise WorkflowError(
                _("Die Auszahlung kann nicht freigegeben werden. %(reason)s") % {"reason": error.message},
                code="iban_invalid",
            ) from None
        if payout.bic:
            try:
                BIC(payout.bic)
            except SchwiftyException:
                raise WorkflowError(
                    _("Die Auszahlung kann nicht freigegeben werden. Die BIC %(bic)s ist ungültig.")
                    % {"bic": payout.bic},
                    code="bic_invalid",
                ) from None
        payout.released_by = approver
        payout.release()
        payout.save(update_fields=["status", "released_by", "released_at", "updated_at"])
        audit_payout(
            payout=payout,
            action="budgets.payout.released",
            actor=approver,
            from_state=P.CHECKED,
            comment=_("Freigegeben: %(amount)s") % {"amount": format_eur(payout.checked_amount)},
        )
        notify_applicant(application=payout.application, event="payout_released", payout_id=payout.pk)
    return payout
