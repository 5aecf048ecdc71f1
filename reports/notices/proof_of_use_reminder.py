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
    # The new time limit granted with the reminder.
    "due_date": ExtraField("date", required=False),
    # The proof's own due date, as the proof of use holds it; absent in notices issued
    # before it was frozen, which printed the year's default deadline instead.
    "proof_due_date": ExtraField("date", required=False),
}


def story(snapshot: dict) -> list[Flowable]:
    application = snapshot["application"]
    extra = snapshot["extra"]
    proof_due = extra.get("proof_due_date")
    new_limit = extra.get("due_date")
    parts: list[Flowable] = [*correction_note(snapshot), salutation()]
    if proof_due and new_limit:
        parts.append(
            para(
                markup(
                    "für das nachstehend bezeichnete Vorhaben war der Verwendungsnachweis (Sachbericht und "
                    "zahlenmäßiger Nachweis) bis zum <b>{proof_due}</b> vorzulegen. Er liegt uns bisher nicht vor.",
                    proof_due=date_de(proof_due),
                )
            )
        )
        parts.append(
            para(
                markup(
                    "Bitte legen Sie den Verwendungsnachweis bis zum <b>{new_limit}</b> vor (neue Frist).",
                    new_limit=date_de(new_limit),
                )
            )
        )
        parts.append(
            para(
                "Geht der Verwendungsnachweis bis zu dieser Frist nicht ein, müssen Sie damit rechnen, dass der "
                "Zuwendungsbescheid nach § 49 Abs. 3 Satz 1 Nr. 2 VwVfG ganz oder teilweise mit Wirkung für die "
                "Vergangenheit widerrufen wird. Die ausgezahlte Zuwendung wäre dann nach § 49a Abs. 1 VwVfG zu "
                "erstatten und nach § 49a Abs. 3 VwVfG zu verzinsen."
            )
        )
        rows = [("Frist Verwendungsnachweis", date_de(proof_due)), ("Neue Frist", date_de(new_limit))]
    else:
        due = new_limit or proof_due or snapshot.get("proof_of_use_deadline")
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
        rows = [("Frist Verwendungsnachweis", date_de(due))]
    parts.append(
        facts(
            [
                recipient_row(snapshot),
                ("Vorhaben", application["title"]),
                *purpose_and_period(snapshot),
                ("Bewilligte Zuwendung", eur(application.get("approved_amount"))),
                *rows,
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
