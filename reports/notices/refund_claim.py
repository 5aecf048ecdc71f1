"""Rückforderungsbescheid: (partial) revocation of the approval and the refund claim."""

from __future__ import annotations

from reportlab.platypus import Flowable

from reports.notices.fields import ExtraField
from reports.notices.letter import (
    closing,
    correction_note,
    date_de,
    eur,
    facts,
    heading,
    legal_texts,
    markup,
    para,
    recipient_row,
    render_letter,
    salutation,
    text,
)

KIND = "refund_claim"
TITLE = "Rückforderungsbescheid"
LEGAL_KINDS = ("refund_basis", "remedy", "data_protection")
EXTRA_FIELDS = {
    "amount": ExtraField("money"),
    "reason": ExtraField("text"),
    "due_date": ExtraField("date"),
    # The day the claim arose; interest runs from it (§ 49a Abs. 3 VwVfG).
    "interest_from": ExtraField("date", required=False),
    "approval_number": ExtraField("text", required=False),
}


def story(snapshot: dict) -> list[Flowable]:
    extra = snapshot["extra"]
    application = snapshot["application"]
    parts: list[Flowable] = [*correction_note(snapshot), salutation()]
    revoked = f"Der Zuwendungsbescheid {extra['approval_number']}" if extra.get("approval_number") else None
    parts.append(
        para(
            markup(
                "{revoked} über eine Zuwendung von {approved} für das Vorhaben »{title}« wird in Höhe von "
                "<b>{amount}</b> widerrufen. Der Betrag von <b>{amount}</b> ist bis zum <b>{due}</b> zu erstatten.",
                revoked=revoked or "Der Zuwendungsbescheid",
                approved=eur(application.get("approved_amount")),
                title=application["title"],
                amount=eur(extra["amount"]),
                due=date_de(extra["due_date"]),
            )
        )
    )
    parts.append(
        facts(
            [
                recipient_row(snapshot),
                ("Vorhaben", application["title"]),
                ("Bewilligte Zuwendung", eur(application.get("approved_amount"))),
                ("Erstattungsbetrag", eur(extra["amount"])),
                ("Fällig am", date_de(extra["due_date"])),
            ]
        )
    )
    if extra.get("interest_from"):
        parts.append(
            para(
                markup(
                    "Der Erstattungsbetrag ist vom {start} an mit fünf Prozentpunkten über dem Basiszinssatz "
                    "jährlich zu verzinsen (§ 49a Abs. 3 VwVfG).",
                    start=date_de(extra["interest_from"]),
                )
            )
        )
    parts.append(heading("Begründung"))
    parts.extend(text(extra["reason"]))
    parts.extend(legal_texts(snapshot))
    parts.extend(closing(snapshot))
    return parts


def render(snapshot: dict) -> bytes:
    return render_letter(
        snapshot=snapshot,
        subject=[
            TITLE,
            f"Ihr Antrag {snapshot.get('file_number') or ''}: {snapshot['application']['title']}",
        ],
        story=story(snapshot),
    )
