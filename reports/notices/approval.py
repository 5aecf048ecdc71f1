"""Zuwendungsbescheid: the approval of an application, with amount, cost plan,
financing type, payout and proof-of-use terms, and the year's legal texts."""

from __future__ import annotations

from decimal import Decimal

from reportlab.platypus import Flowable

from reports.notices.fields import ExtraField
from reports.notices.letter import (
    closing,
    correction_note,
    cost_plan,
    date_de,
    enclosures,
    eur,
    facts,
    heading,
    legal_texts,
    markup,
    para,
    purpose_and_period,
    recipient_row,
    render_letter,
    salutation,
    text,
)

KIND = "approval"
TITLE = "Zuwendungsbescheid"
LEGAL_KINDS = (
    "legal_basis",
    "conditions",
    "revocation",
    "proof_of_use",
    "remedy",
    "data_protection",
    "enclosures",
)
EXTRA_FIELDS: dict[str, ExtraField] = {}
# The programme year's ANBest PDF is appended as pages (reports.services.notice_render).
ATTACHES_ANBEST = True


def _partly_refused(application: dict) -> bool:
    requested, approved = application.get("requested_amount"), application.get("approved_amount")
    return bool(requested and approved) and Decimal(str(approved)) < Decimal(str(requested))


def story(snapshot: dict) -> list[Flowable]:
    application = snapshot["application"]
    financing = snapshot["financing"]
    year = snapshot["year_conditions"]
    parts: list[Flowable] = [*correction_note(snapshot), salutation()]
    parts.append(
        para(
            markup(
                "auf Ihren Antrag vom {submitted} wird Ihnen für das nachstehend bezeichnete Vorhaben eine "
                "Zuwendung in Höhe von <b>{amount}</b> bewilligt.",
                submitted=date_de(application.get("submitted_on")),
                amount=eur(application["approved_amount"]),
            )
        )
    )
    if _partly_refused(application):
        # Granting less than applied for refuses the rest: the notice must say so (and why, under 4.).
        parts.append(
            para(
                markup(
                    "Soweit Ihr Antrag über diesen Betrag hinausgeht (beantragt: {requested}), wird er abgelehnt.",
                    requested=eur(application.get("requested_amount")),
                )
            )
        )
    parts.append(heading("1. Bewilligung"))
    parts.append(
        facts(
            [
                recipient_row(snapshot),
                ("Vorhaben", application["title"]),
                # The period the grant is for: expenses outside it are not eligible.
                *purpose_and_period(snapshot, period_label="Bewilligungszeitraum"),
                ("Zuwendungsart", financing["funding_kind"]),
                ("Finanzierungsart", financing["financing_type"]),
                ("Form der Zuwendung", financing["funding_form"]),
                ("Beantragter Betrag", eur(application.get("requested_amount"))),
                ("Bewilligte Zuwendung", eur(application["approved_amount"])),
            ]
        )
    )
    parts.append(heading("2. Kostenplan"))
    parts.append(
        para(
            "Der Bewilligung liegt der folgende Kostenplan zugrunde. Bei der Festbetragsfinanzierung bleibt die "
            "Zuwendung unverändert, wenn die zuwendungsfähigen Ausgaben den Festbetrag nicht unterschreiten."
        )
    )
    parts.append(cost_plan(snapshot["cost_lines"], snapshot["cost_total"]))
    parts.append(heading("3. Auszahlung und Verwendungsnachweis"))
    parts.append(
        para(
            markup(
                "Die Zuwendung wird auf Abruf gegen Vorlage bezahlter Rechnungen ausgezahlt. Mittel können vom "
                "{start} bis zum {end} abgerufen werden; Rechnungen sind bis zum {invoices} einzureichen.",
                start=date_de(year["payout_window_start"]),
                end=date_de(year["payout_window_end"]),
                invoices=date_de(year["invoice_deadline"]),
            )
        )
    )
    parts.append(
        para(
            markup(
                "Der Verwendungsnachweis (Sachbericht und zahlenmäßiger Nachweis) ist bis zum <b>{deadline}</b> "
                "vorzulegen ({months} Monate nach dem Ende des Vorhabens).",
                deadline=date_de(snapshot.get("proof_of_use_deadline")),
                months=year["proof_of_use_months"],
            )
        )
    )
    parts.append(heading("4. Begründung"))
    if snapshot.get("reasons"):
        parts.extend(text(snapshot["reasons"]))
    else:
        parts.append(
            para(
                "Ihr Antrag erfüllt die Voraussetzungen der Förderung. Die Zuwendung wird im Rahmen der "
                "verfügbaren Haushaltsmittel gewährt."
            )
        )
    parts.extend(legal_texts(snapshot))
    parts.extend(closing(snapshot))
    parts.extend(enclosures(snapshot))
    return parts


def render(snapshot: dict) -> bytes:
    application = snapshot["application"]
    return render_letter(
        snapshot=snapshot,
        subject=[
            TITLE,
            f"Mikroförderung im Zukunftsraum Demografie, Programmjahr {snapshot['programme_year']}",
            f"Ihr Antrag {snapshot.get('file_number') or ''}: {application['title']}",
        ],
        story=story(snapshot),
    )
