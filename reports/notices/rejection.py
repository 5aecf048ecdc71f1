"""Ablehnungsbescheid: the rejection of an application, with its reasons."""

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
    purpose_and_period,
    render_letter,
    salutation,
    text,
)

KIND = "rejection"
TITLE = "Ablehnungsbescheid"
LEGAL_KINDS = ("rejection_basis", "remedy", "data_protection")
EXTRA_FIELDS: dict[str, ExtraField] = {}


def story(snapshot: dict) -> list[Flowable]:
    application = snapshot["application"]
    municipality = snapshot["municipality"]
    parts: list[Flowable] = [*correction_note(snapshot), salutation()]
    parts.append(
        para(
            markup(
                "Ihr Antrag vom {submitted} auf Gewährung einer Zuwendung in Höhe von {amount} für das "
                "nachstehend bezeichnete Vorhaben wird <b>abgelehnt</b>.",
                submitted=date_de(application.get("submitted_on")),
                amount=eur(application.get("requested_amount")),
            )
        )
    )
    parts.append(
        facts(
            [
                ("Antragstellerin", f"{municipality['letter_name']} (AGS {municipality['ags']})"),
                ("Vorhaben", application["title"]),
                *purpose_and_period(snapshot),
                ("Beantragter Betrag", eur(application.get("requested_amount"))),
            ]
        )
    )
    parts.append(heading("Begründung"))
    parts.extend(text(snapshot.get("reasons") or "–"))
    parts.extend(legal_texts(snapshot))
    parts.extend(closing(snapshot))
    return parts


def render(snapshot: dict) -> bytes:
    return render_letter(
        snapshot=snapshot,
        subject=[
            TITLE,
            f"Mikroförderung im Zukunftsraum Demografie, Programmjahr {snapshot['programme_year']}",
            f"Ihr Antrag {snapshot.get('file_number') or ''}: {snapshot['application']['title']}",
        ],
        story=story(snapshot),
    )
