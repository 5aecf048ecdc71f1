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

from budgets.models import InvoiceFile, LedgerEntry, Payout, PayoutInvoice, SepaBatch, SepaBatchLine
from budgets.selectors import application_paid_total, application_payout_remaining, measure_start_date
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
    validate_pain001,
)
from core.money import ZERO, format_eur, money
from grants.banking import iban_details, iban_normalise
from grants.errors import GrantsError
from grants.models import Application, AuditRecord, CostType, ProgrammeYear
from grants.roles import Role
from grants.services import number_next
from reports.models import Notice
from workflows.common.attachments import MAX_ATTACHMENTS, check_upload, clean_file_name
from workflows.common.errors import WorkflowError
from workflows.common.guards import (
    MAX_TEXT,
    clean_reason,
    expect_near_period,
    german_records,
    lock_application,
    require_applicant,
    require_role,
)
from workflows.common.notices import notice_issue

S = Application.Status
P = Payout.Status
B = SepaBatch.Status
PAYOUT_NUMBER_PREFIX = "MA"
SEPA_NUMBER_PREFIX = "SEPA"
MAX_INVOICES = 50
# A requested execution date further ahead is a typing error; banks accept a few weeks ahead.
SEPA_MAX_EXECUTION_DAYS = 30
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


def _expect(payout: Payout, *states: str) -> None:
    if payout.status not in states:
        raise WorkflowError(
            _(
                "Diese Aktion ist für den Mittelabruf im Status »%(status)s« nicht möglich. "
                "Bitte laden Sie die Seite neu."
            )
            % {"status": payout.get_status_display()},
            code="wrong_state",
        )


def _expect_approved(application: Application) -> None:
    if application.status != S.APPROVED:
        raise WorkflowError(
            _("Der Antrag ist im Status »%(status)s«; Mittel gibt es nur für einen bewilligten Antrag.")
            % {"status": application.get_status_display()},
            code="application_state",
        )


def _record(payout: Payout, *, action: str, actor: AbstractUser | None, from_state: str, comment: str = "") -> None:
    """One audit record on the application for one payout transition.

    ``from_state``/``to_state`` of the record are the application's (a payout does not
    change them); the payout's own transition is named in the comment.
    """
    application = payout.application
    if from_state and from_state != payout.status:
        head = _("Mittelabruf %(number)s: %(before)s → %(after)s") % {
            "number": payout.number,
            "before": P(from_state).label,
            "after": payout.get_status_display(),
        }
    else:
        head = _("Mittelabruf %(number)s: %(status)s") % {
            "number": payout.number,
            "status": payout.get_status_display(),
        }
    AuditRecord.objects.create(
        application=application,
        action=action,
        actor=actor,
        from_state=application.status,
        to_state=application.status,
        comment=f"{head}. {comment}" if comment else head,
    )


def _text(value: str, *, label: str, max_length: int, required: bool = True) -> str:
    value = " ".join((value or "").split())
    if required and not value:
        raise WorkflowError(_("Bitte geben Sie %(what)s an.") % {"what": label}, code="incomplete")
    if len(value) > max_length:
        raise WorkflowError(
            _("%(what)s ist zu lang (höchstens %(max)d Zeichen).") % {"what": label, "max": max_length},
            code="too_long",
        )
    return value


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
        issuer = _text(invoice.issuer, label=_("den Rechnungssteller"), max_length=200)
        number = _text(invoice.number, label=_("die Rechnungsnummer"), max_length=100)
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
    return PayeeAddress(
        town=_text(address.town, label=_("den Ort"), max_length=35),
        postcode=_text(address.postcode, label=_("die Postleitzahl"), max_length=16, required=False),
        street=_text(address.street, label=_("die Straße"), max_length=70, required=False),
        building_number=_text(address.building_number, label=_("die Hausnummer"), max_length=16, required=False),
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


# --- the municipality ------------------------------------------------------------------


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
    stored: list[str] = []
    try:
        with transaction.atomic():
            application = lock_application(application_id)
            require_applicant(user, application.municipality)
            _expect_approved(application)
            _check_window(application.programme_year)
            _check_invoices_against_application(application, invoices)
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
            if not application.iban or not application.account_holder:
                raise WorkflowError(
                    _("Im Antrag ist keine vollständige Bankverbindung angegeben."), code="account_missing"
                )
            start = measure_start_date(application=application)
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
            for upload, name, content_type in uploads:
                invoice_file = _store_file(payout, user, upload, name, content_type)
                stored.append(invoice_file.file.name)
                invoice_file.save()
            _record(
                payout,
                action="budgets.payout.requested",
                actor=user,
                from_state="",
                comment=_("%(amount)s für %(count)d Rechnung(en)")
                % {"amount": format_eur(amount), "count": len(invoices)},
            )
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
            require_applicant(user, payout.application.municipality)
            _expect(payout, *Payout.WITH_APPLICANT)
            if payout.files.count() >= MAX_FILES:
                raise WorkflowError(
                    _("Je Mittelabruf sind höchstens %(limit)d Belege möglich.") % {"limit": MAX_FILES},
                    code="too_many_files",
                )
            invoice_file = _store_file(payout, user, upload, name, content_type)
            stored = invoice_file.file.name
            invoice_file.save()
            _record(payout, action="budgets.payout.file_added", actor=user, from_state=payout.status, comment=name)
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
        require_applicant(user, payout.application.municipality)
        _expect(payout, P.DOCUMENTS_REQUESTED)
        answer = clean_reason(answer, what=_("Ihre Antwort"))
        payout.resubmit()
        payout.save(update_fields=["status", "updated_at"])
        _record(
            payout, action="budgets.payout.resubmitted", actor=user, from_state=P.DOCUMENTS_REQUESTED, comment=answer
        )
    return payout


@german_records
def payout_withdraw(*, user: AbstractUser, payout_id: int, reason: str = "") -> Payout:
    with transaction.atomic():
        payout = _lock_payout(payout_id)
        require_applicant(user, payout.application.municipality)
        _expect(payout, *Payout.WITH_APPLICANT)
        before = payout.status
        payout.withdraw()
        payout.save(update_fields=["status", "closed_at", "updated_at"])
        _record(
            payout,
            action="budgets.payout.withdrawn",
            actor=user,
            from_state=before,
            comment=(reason or "").strip()[:MAX_TEXT],
        )
    return payout


# --- the programme office --------------------------------------------------------------


@german_records
def payout_request_documents(*, clerk: AbstractUser, payout_id: int, message: str) -> Payout:
    require_role(clerk, Role.CLERK)
    with transaction.atomic():
        payout = _lock_payout(payout_id)
        _expect(payout, P.REQUESTED)
        message = clean_reason(message, what=_("welche Unterlagen fehlen"))
        payout.request_documents()
        payout.save(update_fields=["status", "updated_at"])
        _record(
            payout, action="budgets.payout.documents_requested", actor=clerk, from_state=P.REQUESTED, comment=message
        )
    return payout


@german_records
def payout_check(*, clerk: AbstractUser, payout_id: int, amount: Decimal | None = None, note: str = "") -> Payout:
    """Accept the request as it is, or reduce it with a reason.

    Invoices dated before the measure could start are never accepted silently: the
    clerk must say in ``note`` why they are recognised (or reduce the amount).
    """
    require_role(clerk, Role.CLERK)
    with transaction.atomic():
        payout = _lock_payout(payout_id)
        _expect(payout, P.REQUESTED)
        _expect_approved(payout.application)
        amount = payout.requested_amount if amount is None else money(amount)
        note = (note or "").strip()
        if len(note) > MAX_TEXT:
            raise WorkflowError(_("Der Text ist zu lang (höchstens 10.000 Zeichen)."), code="too_long")
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
        _record(
            payout,
            action="budgets.payout.checked",
            actor=clerk,
            from_state=P.REQUESTED,
            comment=f"{comment} – {note}" if note else comment,
        )
    return payout


@german_records
def payout_reject(*, clerk: AbstractUser, payout_id: int, reason: str) -> Payout:
    require_role(clerk, Role.CLERK)
    with transaction.atomic():
        payout = _lock_payout(payout_id)
        _expect(payout, *Payout.WITH_APPLICANT)
        reason = clean_reason(reason, what=_("eine Begründung der Ablehnung"))
        before = payout.status
        payout.rejection_reason = reason
        payout.reject()
        payout.save(update_fields=["status", "rejection_reason", "closed_at", "updated_at"])
        _record(payout, action="budgets.payout.rejected", actor=clerk, from_state=before, comment=reason)
    return payout


@german_records
def payout_send_back(*, approver: AbstractUser, payout_id: int, reason: str) -> Payout:
    """The second person does not release: the request goes back to the clerks."""
    require_role(approver, Role.APPROVER)
    with transaction.atomic():
        payout = _lock_payout(payout_id)
        _expect(payout, P.CHECKED)
        reason = clean_reason(reason, what=_("eine Begründung"))
        payout.checked_amount = None
        payout.checked_by = None
        payout.check_note = ""
        payout.send_back()
        payout.save(update_fields=["status", "checked_amount", "checked_by", "check_note", "checked_at", "updated_at"])
        _record(payout, action="budgets.payout.sent_back", actor=approver, from_state=P.CHECKED, comment=reason)
    return payout


@german_records
def payout_release(*, approver: AbstractUser, payout_id: int) -> Payout:
    """Release a checked payout for the bank (four-eyes: never by the person who checked it).

    The IBAN is checked again here: a payout leaves only to a valid account in the
    SEPA zone.
    """
    require_role(approver, Role.APPROVER)
    with transaction.atomic():
        payout = _lock_payout(payout_id)
        _expect(payout, P.CHECKED)
        _expect_approved(payout.application)
        if payout.checked_by_id == approver.pk:
            raise WorkflowError(
                _("Vier-Augen-Prinzip: Wer den Mittelabruf geprüft hat, kann ihn nicht selbst freigeben."),
                code="four_eyes",
            )
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
        _record(
            payout,
            action="budgets.payout.released",
            actor=approver,
            from_state=P.CHECKED,
            comment=_("Freigegeben: %(amount)s") % {"amount": format_eur(payout.checked_amount)},
        )
    return payout


# --- SEPA batches ----------------------------------------------------------------------


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


@german_records
def sepa_batch_create(*, approver: AbstractUser, execution_date: datetime.date | None = None) -> SepaBatch:
    """Collect every released payout that is in no batch yet into one SEPA credit transfer.

    The XML is written, checked against the XSD and frozen with its SHA-256 in the same
    transaction that assigns the payouts; a payout is never in two batches.
    """
    require_role(approver, Role.APPROVER)
    debtor = _debtor()
    today = timezone.localdate()
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
        number = number_next(prefix=SEPA_NUMBER_PREFIX, year=today.year)
        lines = [
            SepaTransferLine(
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
            for payout in payouts
        ]
        control_sum = money(sum((line.amount for line in lines), ZERO))
        try:
            xml = render_pain001(message_id=number, execution_date=execution_date, debtor=debtor, lines=lines)
            validate_pain001(xml)
        except SepaError as error:
            raise WorkflowError(
                _("Die SEPA-Datei entspricht nicht dem Schema %(schema)s: %(reason)s")
                % {"schema": SCHEMA, "reason": error.message},
                code="sepa_invalid",
            ) from None
        # What the bank will read must be what we book: count, sum and references
        # (a guard against a change in the library that writes the file).
        summary = pain001_summary(xml)
        if (
            summary.transaction_count != len(lines)
            or summary.control_sum != control_sum
            or summary.end_to_end_ids != tuple(line.end_to_end_id for line in lines)
            or summary.amounts != tuple(line.amount for line in lines)
        ):
            raise WorkflowError(_("Die SEPA-Datei stimmt nicht mit den Auszahlungen überein."), code="sepa_invalid")
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
        for payout in payouts:
            _record(
                payout,
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


def _expect_batch(batch: SepaBatch, state: str) -> None:
    if batch.status != state:
        raise WorkflowError(
            _("Diese Aktion ist für die Sammelüberweisung %(number)s im Status »%(status)s« nicht möglich.")
            % {"number": batch.number, "status": batch.get_status_display()},
            code="wrong_state",
        )


@german_records
def sepa_batch_mark_exported(*, approver: AbstractUser, batch_id: int) -> SepaBatch:
    """Record that the file was downloaded and handed to the bank."""
    require_role(approver, Role.APPROVER)
    with transaction.atomic():
        batch = _lock_batch(batch_id)
        _expect_batch(batch, B.CREATED)
        _applications, payouts = _lock_batch_payouts(batch)
        for payout in payouts:
            _expect(payout, P.RELEASED)
            payout.mark_exported()
            payout.save(update_fields=["status", "exported_at", "updated_at"])
            _record(
                payout,
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
    require_role(user, Role.CLERK, Role.APPROVER)
    if value_date > timezone.localdate():
        raise WorkflowError(_("Die Wertstellung darf nicht in der Zukunft liegen."), code="value_date")
    with transaction.atomic():
        batch = _lock_batch(batch_id)
        if batch.status == B.BOOKED:
            raise WorkflowError(
                _("Die Sammelüberweisung %(number)s ist bereits am %(date)s als ausgezahlt gebucht.")
                % {"number": batch.number, "date": f"{batch.value_date:%d.%m.%Y}"},
                code="already_booked",
            )
        _expect_batch(batch, B.EXPORTED)
        if value_date < timezone.localdate(batch.created_at):
            raise WorkflowError(
                _("Die Wertstellung darf nicht vor der Erstellung der Sammelüberweisung liegen."), code="value_date"
            )
        applications, payouts = _lock_batch_payouts(batch)
        amounts = dict(batch.lines.values_list("payout_id", "amount"))
        for payout in payouts:
            _expect(payout, P.EXPORTED)
            application = payout.application
            LedgerEntry.objects.create(
                programme_year=application.programme_year,
                municipality=application.municipality,
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
            _record(
                payout,
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
                AuditRecord.objects.create(
                    application=application,
                    action="grants.application.paid",
                    actor=user,
                    from_state=S.APPROVED,
                    to_state=S.PAID,
                    comment=_("Vollständig ausgezahlt: %(amount)s") % {"amount": format_eur(paid)},
                )
        batch.value_date = value_date
        batch.booked_by = user
        batch.book()
        batch.save(update_fields=["status", "value_date", "booked_by", "booked_at"])
    return batch
