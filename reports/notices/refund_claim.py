"""Rückforderungsbescheid: (partial) revocation of the approval and the refund claim."""

from __future__ import annotations

from decimal import Decimal

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
    # budgets.interest.refund_terms, frozen when the notice is issued.
    "interest_to_due": ExtraField("money", required=False),
    "interest_missing_from": ExtraField("date", required=False),
    "interest_rate": ExtraField("text", required=False),
    "interest_per_day": ExtraField("money", required=False),
}


def _percent(value: str) -> str:
    return f"{Decimal(value):.2f}".replace(".", ",") + " %"


def _interest(snapshot: dict) -> list[Flowable]:
    extra = snapshot["extra"]
    if not extra.get("interest_from"):
        return []
    parts: list[Flowable] = [heading("2. Verzinsung")]
    parts.append(
        para(
            markup(
                "Der Erstattungsbetrag ist vom {start} an mit fünf Prozentpunkten über dem Basiszinssatz jährlich "
                "zu verzinsen (§ 49a Abs. 3 VwVfG).",
                start=date_de(extra["interest_from"]),
            )
        )
    )
    if extra.get("interest_to_due") is not None:
        sentence = markup(
            "Bei Zahlung am {due} betragen die Zinsen <b>{interest}</b>.",
            due=date_de(extra["due_date"]),
            interest=eur(extra["interest_to_due"]),
        )
        if extra.get("interest_missing_from"):
            sentence += markup(
                " Dieser Betrag ist vorläufig: Der Basiszinssatz ab dem {day} ist noch nicht bekannt gegeben; "
                "die Zinsen ab diesem Tag werden nachberechnet.",
                day=date_de(extra["interest_missing_from"]),
            )
        parts.append(para(sentence))
    if extra.get("interest_per_day") and extra.get("interest_rate"):
        parts.append(
            para(
                markup(
                    "Für jeden Tag nach dem {due}, an dem der Betrag nicht gezahlt ist, kommen {per_day} an Zinsen "
                    "hinzu (Zinssatz {rate} jährlich; er ändert sich mit dem Basiszinssatz zum 1. Januar und "
                    "1. Juli).",
                    due=date_de(extra["due_date"]),
                    per_day=eur(extra["interest_per_day"]),
                    rate=_percent(extra["interest_rate"]),
                )
            )
        )
    return parts


def _payment(snapshot: dict, number: str) -> list[Flowable]:
    extra = snapshot["extra"]
    sender = snapshot["sender"]
    return [
        heading(f"{number}. Zahlung"),
        para(
            markup(
                "Bitte überweisen Sie den Erstattungsbetrag{plus} bis zum <b>{due}</b> auf das folgende Konto und "
                "geben Sie als Verwendungszweck die Bescheidnummer an:",
                plus=" zuzüglich der Zinsen" if extra.get("interest_from") else "",
                due=date_de(extra["due_date"]),
            )
        ),
        facts(
            [
                ("Empfänger", sender["name"]),
                ("IBAN", sender.get("iban") or "–"),
                ("BIC", sender.get("bic") or "–"),
                ("Verwendungszweck", snapshot["number"]),
                ("Betrag", eur(extra["amount"])),
                ("Fällig am", date_de(extra["due_date"])),
            ]
        ),
    ]


def story(snapshot: dict) -> list[Flowable]:
    extra = snapshot["extra"]
    application = snapshot["application"]
    parts: list[Flowable] = [*correction_note(snapshot), salutation()]
    revoked = f"Der Zuwendungsbescheid {extra['approval_number']}" if extra.get("approval_number") else None
    # § 49a Abs. 1 VwVfG: what was paid is refunded only as far as the approval is revoked
    # with effect for the past; the day it takes effect is the day the claim arose.
    effect = (
        markup(" mit Wirkung für die Vergangenheit ab dem {day}", day=date_de(extra["interest_from"]))
        if extra.get("interest_from")
        else " mit Wirkung für die Vergangenheit"
    )
    parts.append(
        para(
            markup(
                "{revoked} über eine Zuwendung von {approved} für das Vorhaben »{title}« wird in Höhe von "
                "<b>{amount}</b>",
                revoked=revoked or "Der Zuwendungsbescheid",
                approved=eur(application.get("approved_amount")),
                title=application["title"],
                amount=eur(extra["amount"]),
            )
            + effect
            + markup(
                " widerrufen (§ 49 Abs. 3 VwVfG). Der Betrag von <b>{amount}</b> ist nach § 49a Abs. 1 VwVfG bis "
                "zum <b>{due}</b> zu erstatten.",
                amount=eur(extra["amount"]),
                due=date_de(extra["due_date"]),
            )
        )
    )
    parts.append(heading("1. Widerruf und Erstattung"))
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
    interest = _interest(snapshot)
    parts.extend(interest)
    parts.extend(_payment(snapshot, "3" if interest else "2"))
    parts.append(heading(f"{4 if interest else 3}. Begründung"))
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
