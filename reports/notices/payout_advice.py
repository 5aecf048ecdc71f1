"""Auszahlungsmitteilung: tells the municipality that a payout (Mittelabruf) was paid."""

from __future__ import annotations

from reportlab.platypus import Flowable

from reports.notices.fields import ExtraField
from reports.notices.letter import (
    closing,
    correction_note,
    date_de,
    eur,
    facts,
    legal_texts,
    markup,
    para,
    recipient_row,
    render_letter,
    salutation,
)

KIND = "payout_advice"
TITLE = "Auszahlungsmitteilung"
LEGAL_KINDS = ("data_protection",)
EXTRA_FIELDS = {
    "payout_number": ExtraField("text"),
    "amount": ExtraField("money"),
    "value_date": ExtraField("date", required=False),
    "account_holder": ExtraField("text", required=False),
    "iban": ExtraField("text", required=False),
    "paid_total": ExtraField("money", required=False),
}


def _masked(iban: str) -> str:
    """Only the end of the account is printed: enough to recognise it, no more."""
    compact = iban.replace(" ", "")
    return f"{compact[:4]} **** {compact[-4:]}" if len(compact) > 8 else compact


def story(snapshot: dict) -> list[Flowable]:
    extra = snapshot["extra"]
    application = snapshot["application"]
    parts: list[Flowable] = [*correction_note(snapshot), salutation()]
    parts.append(
        para(
            markup(
                "auf Ihren Mittelabruf {payout} zum Zuwendungsbescheid für das Vorhaben »{title}« wird ein Betrag "
                "von <b>{amount}</b> ausgezahlt.",
                payout=extra["payout_number"],
                title=application["title"],
                amount=eur(extra["amount"]),
            )
        )
    )
    rows = [
        recipient_row(snapshot),
        ("Mittelabruf", extra["payout_number"]),
        ("Auszahlungsbetrag", eur(extra["amount"])),
    ]
    if extra.get("value_date"):
        rows.append(("Wertstellung", date_de(extra["value_date"])))
    if extra.get("iban"):
        holder = extra.get("account_holder") or ""
        rows.append(("Empfängerkonto", f"{holder}, {_masked(extra['iban'])}" if holder else _masked(extra["iban"])))
    rows.append(("Bewilligte Zuwendung", eur(application.get("approved_amount"))))
    if extra.get("paid_total"):
        rows.append(("Insgesamt ausgezahlt", eur(extra["paid_total"])))
    parts.append(facts(rows))
    parts.append(
        para(
            markup(
                "Bitte denken Sie an den Verwendungsnachweis, der bis zum {deadline} vorzulegen ist.",
                deadline=date_de(snapshot.get("proof_of_use_deadline")),
            )
        )
    )
    parts.extend(legal_texts(snapshot))
    parts.extend(closing(snapshot))
    return parts


def render(snapshot: dict) -> bytes:
    return render_letter(
        snapshot=snapshot,
        subject=[
            TITLE,
            f"Mittelabruf {snapshot['extra']['payout_number']}",
            f"Ihr Antrag {snapshot.get('file_number') or ''}: {snapshot['application']['title']}",
        ],
        story=story(snapshot),
        bescheid=False,
    )
