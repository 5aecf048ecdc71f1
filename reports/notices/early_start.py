"""Zustimmung zum vorzeitigen Maßnahmebeginn: the consent to start before the grant is decided.

The consent is no promise of the grant: it only keeps the early start from being a reason to
refuse. The municipality bears the costs if the application is refused afterwards.
"""

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

KIND = "early_start"
TITLE = "Zustimmung zum vorzeitigen Maßnahmebeginn"
LEGAL_KINDS = ("remedy", "data_protection")
EXTRA_FIELDS: dict[str, ExtraField] = {}


def story(snapshot: dict) -> list[Flowable]:
    application = snapshot["application"]
    municipality = snapshot["municipality"]
    parts: list[Flowable] = [*correction_note(snapshot), salutation()]
    parts.append(
        para(
            markup(
                "zu Ihrem Antrag vom {submitted} auf Gewährung einer Zuwendung in Höhe von {amount} für das "
                "nachstehend bezeichnete Vorhaben <b>stimme ich dem vorzeitigen Maßnahmebeginn zu</b>.",
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
    parts.append(heading("Hinweise"))
    parts.append(
        para(
            "Diese Zustimmung begründet <b>keinen Rechtsanspruch auf die Zuwendung</b> und keine Zusage über "
            "ihre Höhe. Über den Antrag wird gesondert entschieden."
        )
    )
    parts.append(
        para(
            "Beginnen Sie das Vorhaben vor der Bewilligung, tragen Sie <b>das Risiko der Kosten</b>: Wird der "
            "Antrag abgelehnt oder nur teilweise bewilligt, werden die bereits entstandenen Ausgaben nicht "
            "oder nicht vollständig erstattet."
        )
    )
    parts.append(heading("Begründung Ihres Antrags"))
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
