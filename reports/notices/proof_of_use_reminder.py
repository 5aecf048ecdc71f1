"""Erinnerung an den Verwendungsnachweis: the proof of use is due (or overdue)."""

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
    purpose_and_period,
    recipient_row,
    render_letter,
    salutation,
)

KIND = "proof_of_use_reminder"
TITLE = "Erinnerung an den Verwendungsnachweis"
LEGAL_KINDS = ("proof_of_use", "data_protection")
EXTRA_FIELDS = {
    # A new deadline granted with the reminder; without it the one of the approval applies.
    "due_date": ExtraField("date", required=False),
}


def story(snapshot: dict) -> list[Flowable]:
    application = snapshot["application"]
    due = snapshot["extra"].get("due_date") or snapshot.get("proof_of_use_deadline")
    parts: list[Flowable] = [*correction_note(snapshot), salutation()]
    parts.append(
        para(
            markup(
                "für das nachstehend bezeichnete Vorhaben ist der Verwendungsnachweis (Sachbericht und "
                "zahlenmäßiger Nachweis) bis zum <b>{due}</b> vorzulegen. Bitte reichen Sie ihn fristgerecht "
                "ein. Liegt er nicht vor, kann die Zuwendung ganz oder teilweise zurückgefordert werden.",
                due=date_de(due),
            )
        )
    )
    parts.append(
        facts(
            [
                recipient_row(snapshot),
                ("Vorhaben", application["title"]),
                *purpose_and_period(snapshot),
                ("Bewilligte Zuwendung", eur(application.get("approved_amount"))),
                ("Frist Verwendungsnachweis", date_de(due)),
            ]
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
            f"Ihr Antrag {snapshot.get('file_number') or ''}: {snapshot['application']['title']}",
        ],
        story=story(snapshot),
        bescheid=False,
    )
