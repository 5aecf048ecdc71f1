"""Reads for documents: the frozen snapshot of a notice, notices of an application,
exports of a year. Services write, selectors read."""

from __future__ import annotations

import calendar
import datetime
import hashlib
from decimal import Decimal

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from core.money import money
from grants.addresses import address_lines, address_missing, address_of
from grants.legal_defaults import AUTHORITY_TOKEN
from grants.models import Application, LegalTextBlock, Municipality
from reports.models import Notice, ReportExport
from reports.notices import notice_module
from reports.notices.fields import ExtraField

# 2: per-kind legal texts, the clerk's contact, the office's phone, e-mail and account.
SNAPSHOT_SCHEMA = 2

# The micro-grant is a fixed sum per project: it does not shrink when the actual costs
# come in lower, as long as they still reach the amount granted. The programme year has
# no field for it (every year so far uses the same), so it is a constant here.
FUNDING_KIND = "Projektförderung"
FINANCING_TYPE = "Festbetragsfinanzierung"
FUNDING_FORM = "nicht rückzahlbarer Zuschuss"

# Order of the legal text blocks on a notice, whatever order they were entered in.
LEGAL_ORDER = [
    LegalTextBlock.Kind.LEGAL_BASIS,
    LegalTextBlock.Kind.REJECTION_BASIS,
    LegalTextBlock.Kind.REFUND_BASIS,
    LegalTextBlock.Kind.CONDITIONS,
    LegalTextBlock.Kind.REVOCATION,
    LegalTextBlock.Kind.PROOF_OF_USE,
    LegalTextBlock.Kind.REMEDY,
    LegalTextBlock.Kind.DATA_PROTECTION,
    LegalTextBlock.Kind.ENCLOSURES,
]

# Destatis writes "Gardelegen, Hansestadt"; a letter is addressed to "Hansestadt Gardelegen".
_LETTER_PREFIX = {
    Municipality.Kind.MARKT: "Markt",
    Municipality.Kind.STADT: "Stadt",
    Municipality.Kind.KREISFREIE_STADT: "Stadt",
    Municipality.Kind.STADTKREIS: "Stadt",
    Municipality.Kind.GROSSE_KREISSTADT: "Stadt",
    Municipality.Kind.GEMEINDE: "Gemeinde",
}


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` plus whole months; the 31st becomes the last day of a shorter month."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return datetime.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def municipality_letter_name(*, name: str, kind: str) -> str:
    if "," in name:
        place, title = (part.strip() for part in name.split(",", 1))
        return f"{title} {place}"
    prefix = _LETTER_PREFIX.get(kind)
    return f"{prefix} {name}" if prefix else name


def municipality_town(name: str) -> str:
    return name.split(",", 1)[0].strip()


def office_sender() -> dict:
    """The programme office as the sender of notices: the same office that pays (SEPA settings)."""
    street = " ".join(part for part in (settings.SEPA_DEBTOR_STREET, settings.SEPA_DEBTOR_BUILDING_NUMBER) if part)
    town = " ".join(part for part in (settings.SEPA_DEBTOR_POSTCODE, settings.SEPA_DEBTOR_TOWN) if part)
    return {
        "name": settings.SEPA_DEBTOR_NAME,
        "lines": [line for line in (street, town) if line],
        # For the footer of every letter and for paying a refund claim.
        "phone": settings.OFFICE_PHONE,
        "email": settings.OFFICE_EMAIL,
        "iban": settings.SEPA_DEBTOR_IBAN,
        "bic": settings.SEPA_DEBTOR_BIC,
    }


def notice_contact(*, application: Application, issued_by=None) -> dict:
    """Who the municipality asks about the notice: the clerk of the case (the one who
    recommended it), else the person who issued it; phone and e-mail fall back on the office's."""
    clerk = application.recommended_by or issued_by
    return {
        "name": _display_name(clerk),
        "phone": settings.OFFICE_PHONE,
        "email": (clerk.email if clerk is not None else "") or settings.OFFICE_EMAIL,
    }


def authority_with_address(sender: dict) -> str:
    """The office as a legal text names it: "Geschäftsstelle …, Musterstraße 1, 10115 Berlin"."""
    return ", ".join(part for part in [sender["name"], *sender.get("lines", [])] if part)


def _legal_text(text: str, *, sender: dict) -> str:
    return text.replace(AUTHORITY_TOKEN, authority_with_address(sender))


def _amount(value: Decimal | None) -> str | None:
    return None if value is None else str(money(value))


def _date(value: datetime.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _local_date(value: datetime.datetime | None) -> str | None:
    return None if value is None else timezone.localdate(value).isoformat()


def _extra(fields: dict[str, ExtraField], extra: dict | None, *, kind: str) -> dict:
    """Check the extra values against the notice module and make them plain JSON."""
    extra = dict(extra or {})
    unknown = set(extra) - set(fields)
    if unknown:
        raise ValueError(f"Notice {kind!r} takes no extra value {', '.join(sorted(unknown))}.")
    result: dict[str, str | None] = {}
    for name, field in fields.items():
        value = extra.get(name)
        if value in (None, ""):
            if field.required:
                raise ValueError(f"Notice {kind!r} needs the extra value {name!r}.")
            result[name] = None
        elif field.kind == "money":
            result[name] = _amount(value)
        elif field.kind == "date":
            # ISO strings are accepted so that a correction can reuse the frozen values.
            if isinstance(value, str):
                value = datetime.date.fromisoformat(value)
            if not isinstance(value, datetime.date) or isinstance(value, datetime.datetime):
                raise ValueError(f"Extra value {name!r} of notice {kind!r} must be a date.")
            result[name] = value.isoformat()
        else:
            result[name] = str(value)
    return result


def _attached_pdfs(module, year) -> list[dict]:
    """The year's ANBest PDF for the notice kinds that carry it, named with its SHA-256
    so that the rendered notice holds exactly the file that was stored when it was issued."""
    if not getattr(module, "ATTACHES_ANBEST", False) or not year.anbest_pdf:
        return []
    with year.anbest_pdf.open("rb") as handle:
        digest = hashlib.sha256(handle.read()).hexdigest()
    return [{"name": year.anbest_pdf.name, "sha256": digest}]


def _display_name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def notice_snapshot(*, application: Application, kind: str, extra: dict | None = None, issued_by=None) -> dict:
    """Everything a notice of ``kind`` prints, as plain JSON (amounts "1234.56", ISO dates).

    Without number and date: the issuing service adds both when it draws the number.
    """
    module = notice_module(kind)
    application = (
        Application.objects.select_related(
            "municipality__land", "municipality__kreis", "programme_year", "recommended_by"
        )
        .prefetch_related("cost_lines__cost_type")
        .get(pk=application.pk)
    )
    year = application.programme_year
    municipality = application.municipality
    letter_name = municipality_letter_name(name=municipality.name, kind=municipality.kind)
    address = address_of(municipality=municipality)
    recipient = [(address.recipient if address is not None else "") or letter_name]
    if application.contact_name:
        recipient.append(f"z. Hd. {application.contact_name}")
    if address is not None and not address_missing(address=address):
        recipient.extend(address_lines(address=address))
    else:
        # Only a preview gets here: issuing refuses a notice without a deliverable address.
        recipient.append(f"{municipality.postcode} {municipality_town(municipality.name)}".strip())
    cost_lines = [
        {
            "cost_type": line.cost_type.name,
            "description": line.description,
            "days": None if line.days is None else str(line.days),
            "day_rate": _amount(line.day_rate),
            "flat_amount": _amount(line.flat_amount),
            "amount": _amount(line.amount),
        }
        for line in application.cost_lines.all()
    ]
    legal = {block.kind: block for block in year.legal_texts.filter(printed=True, kind__in=module.LEGAL_KINDS)}
    deadline = (
        add_months(application.period_end, year.proof_of_use_months) if application.period_end is not None else None
    )
    sender = office_sender()
    return {
        "schema": SNAPSHOT_SCHEMA,
        "kind": kind,
        "title": module.TITLE,
        "sender": sender,
        "recipient": {"lines": recipient},
        "municipality": {
            "name": municipality.name,
            "letter_name": letter_name,
            "ags": municipality.ags,
            "postcode": municipality.postcode,
            "land": municipality.land.name,
            "kreis": municipality.kreis.name if municipality.kreis else "",
        },
        "contact_name": application.contact_name,
        "contact": notice_contact(application=application, issued_by=issued_by),
        "file_number": application.file_number,
        "programme_year": year.year,
        "application": {
            "title": application.title,
            "purpose": application.purpose,
            "purpose_label": str(application.get_purpose_display()) if application.purpose else "",
            "period_start": _date(application.period_start),
            "period_end": _date(application.period_end),
            "submitted_on": _local_date(application.submitted_at),
            "decided_on": _local_date(application.decided_at),
            "requested_amount": _amount(application.requested_amount),
            "approved_amount": _amount(application.approved_amount),
        },
        "financing": {"funding_kind": FUNDING_KIND, "financing_type": FINANCING_TYPE, "funding_form": FUNDING_FORM},
        "cost_lines": cost_lines,
        "cost_total": _amount(sum((money(line.amount) for line in application.cost_lines.all()), Decimal("0"))),
        "year_conditions": {
            "cap_per_municipality": _amount(year.cap_per_municipality),
            "max_day_rate": _amount(year.max_day_rate),
            "invoice_deadline": _date(year.invoice_deadline),
            "payout_window_start": _date(year.payout_window_start),
            "payout_window_end": _date(year.payout_window_end),
            "proof_of_use_months": year.proof_of_use_months,
        },
        "proof_of_use_deadline": _date(deadline),
        "legal_texts": [
            {"kind": kind_, "title": legal[kind_].title, "text": _legal_text(legal[kind_].text, sender=sender)}
            for kind_ in LEGAL_ORDER
            if kind_ in legal
        ],
        "attached_pdfs": _attached_pdfs(module, year),
        # The consent to an early start answers the municipality's request, not the grant decision.
        "reasons": application.early_start_reason if kind == Notice.Kind.EARLY_START else application.decision_reason,
        "signatory": _display_name(issued_by),
        "extra": _extra(module.EXTRA_FIELDS, extra, kind=kind),
        "supersedes": None,
        "correction_reason": "",
    }


def notices_of_application(*, application: Application) -> QuerySet[Notice]:
    """Notices of one application, oldest first, each with the notice that replaced it (if any)."""
    return (
        Notice.objects.filter(application=application)
        .select_related("superseded_by", "supersedes")
        .order_by("issued_at", "pk")
    )


def notices_waiting_for_pdf() -> QuerySet[Notice]:
    """Issued notices whose PDF was not rendered (the task failed or never ran)."""
    return Notice.objects.filter(pdf="").order_by("issued_at", "pk")


def report_exports(*, exporter: str, year: int) -> QuerySet[ReportExport]:
    return ReportExport.objects.filter(exporter=exporter, year=year).select_related("requested_by")
