"""Renderers are pure: a snapshot in, PDF bytes out. These tests use no database at
all (pytest-django refuses any query here), which proves that renderers never query."""

from __future__ import annotations

import copy
import io

import pytest
from pypdf import PdfReader

from reports.models import Notice
from reports.notices import MODULES, notice_module, render_notice


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages).replace("\xa0", " ")


def page_count(data: bytes) -> int:
    return len(PdfReader(io.BytesIO(data)).pages)


def snapshot(kind: str = "approval", **changes) -> dict:
    data = {
        "schema": 1,
        "kind": kind,
        "title": notice_module(kind).TITLE,
        "number": "ZD-2026-00042",
        "issued_on": "2026-11-24",
        "sender": {"name": "Geschäftsstelle Zukunftsraum Demografie", "lines": ["Musterstraße 1", "10115 Berlin"]},
        "recipient": {"lines": ["Hansestadt Gardelegen", "z. Hd. Anja Antrag", "39638 Gardelegen"]},
        "municipality": {
            "name": "Gardelegen, Hansestadt",
            "letter_name": "Hansestadt Gardelegen",
            "ags": "15081135",
            "postcode": "39638",
            "land": "Sachsen-Anhalt",
            "kreis": "Altmarkkreis Salzwedel",
        },
        "contact_name": "Anja Antrag",
        "file_number": "MF-2026-00001",
        "programme_year": 2026,
        "application": {
            "title": "Moderation Dorfwerkstatt Demografie",
            "purpose": "moderation",
            "purpose_label": "Moderation",
            "period_start": "2026-12-01",
            "period_end": "2026-12-20",
            "submitted_on": "2026-11-20",
            "decided_on": "2026-11-24",
            "requested_amount": "2550.00",
            "approved_amount": "2500.00",
        },
        "financing": {
            "funding_kind": "Projektförderung",
            "financing_type": "Festbetragsfinanzierung",
            "funding_form": "nicht rückzahlbarer Zuschuss",
        },
        "cost_lines": [
            {
                "cost_type": "Moderation",
                "description": "Moderation zweier Werkstätten",
                "days": "3.00",
                "day_rate": "850.00",
                "flat_amount": None,
                "amount": "2550.00",
            }
        ],
        "cost_total": "2550.00",
        "year_conditions": {
            "cap_per_municipality": "5000.00",
            "max_day_rate": "850.00",
            "invoice_deadline": "2026-12-15",
            "payout_window_start": "2026-01-01",
            "payout_window_end": "2026-12-15",
            "proof_of_use_months": 3,
        },
        "proof_of_use_deadline": "2027-03-20",
        "legal_texts": [
            {"kind": "remedy", "title": "Rechtsbehelfsbelehrung", "text": "Widerspruch binnen eines Monats."}
        ],
        "reasons": "Die Voraussetzungen sind erfüllt.",
        "signatory": "Bernd Bewilligung",
        "extra": {name: None for name in notice_module(kind).EXTRA_FIELDS},
        "supersedes": None,
        "correction_reason": "",
    }
    extras = {
        "payout_advice": {"payout_number": "MA-2026-00007", "amount": "1200.00", "value_date": "2026-11-30"},
        "refund_claim": {"amount": "300.00", "reason": "Weniger ausgegeben.", "due_date": "2027-01-31"},
        "proof_of_use_reminder": {"due_date": "2027-03-20"},
    }
    data["extra"].update(extras.get(kind, {}))
    data.update(changes)
    return data


def test_every_kind_of_the_model_has_a_renderer():
    assert set(MODULES) == set(Notice.Kind.values)


@pytest.mark.parametrize("kind", sorted(MODULES))
def test_each_notice_shows_number_municipality_and_its_letter_parts(kind):
    text = pdf_text(render_notice(snapshot(kind)))
    assert "ZD-2026-00042" in text
    assert "Hansestadt Gardelegen" in text
    assert "MF-2026-00001" in text
    assert "24.11.2026" in text
    assert MODULES[kind].TITLE in text
    pages = page_count(render_notice(snapshot(kind)))
    assert f"Seite 1 von {pages}" in text and f"Seite {pages} von {pages}" in text
    assert "Rechtsbehelfsbelehrung" in text


def test_approval_prints_amount_financing_type_cost_plan_and_deadline():
    text = pdf_text(render_notice(snapshot("approval")))
    assert "2.500,00 €" in text
    assert "Festbetragsfinanzierung" in text
    assert "Moderation zweier Werkstätten" in text
    assert "2.550,00 €" in text
    assert "20.03.2027" in text


def test_kind_specific_values_are_printed():
    assert "1.200,00 €" in pdf_text(render_notice(snapshot("payout_advice")))
    refund = pdf_text(render_notice(snapshot("refund_claim")))
    assert "300,00 €" in refund and "31.01.2027" in refund and "Weniger ausgegeben." in refund


def test_umlauts_sharp_s_and_euro_sign_are_embedded_and_extractable():
    data = render_notice(snapshot(reasons="Größe, Maße, Übermaß: 5 € für Ärger und Öl."))
    assert "Größe, Maße, Übermaß: 5 € für Ärger und Öl." in pdf_text(data)
    assert b"DejaVuSans" in data  # the font travels with the file


def test_user_markup_is_printed_literally_and_does_not_change_the_layout():
    hostile = "<font size=40>&<para>"
    plain = render_notice(snapshot(reasons="x"))
    data = render_notice(
        snapshot(
            application={**snapshot()["application"], "title": hostile},
            reasons=f'{hostile} </para><b>fett</b> &amp; <img src="x"/>',
            signatory="<i>Bernd</i>",
        )
    )
    text = pdf_text(data)
    assert hostile in text
    assert '</para><b>fett</b> &amp; <img src="x"/>' in text
    assert "<i>Bernd</i>" in text
    assert page_count(data) == page_count(plain)


def test_legal_texts_come_from_the_snapshot_only():
    text = pdf_text(render_notice(snapshot(legal_texts=[])))
    assert "Rechtsbehelfsbelehrung" not in text
    text = pdf_text(
        render_notice(
            snapshot(legal_texts=[{"kind": "data_protection", "title": "Datenschutz", "text": "Art. 13 DSGVO gilt."}])
        )
    )
    assert "Datenschutz" in text and "Art. 13 DSGVO gilt." in text


def test_long_notices_number_their_pages():
    long_text = "\n\n".join(f"Absatz {n}: " + "Nebenbestimmung mit langem Text. " * 12 for n in range(40))
    data = render_notice(
        snapshot(legal_texts=[{"kind": "conditions", "title": "Nebenbestimmungen", "text": long_text}])
    )
    pages = page_count(data)
    assert pages >= 3
    text = pdf_text(data)
    assert "Seite 1 von" in text and f"Seite {pages} von {pages}" in text
    # Later pages repeat the notice number in their header.
    second = PdfReader(io.BytesIO(data)).pages[1].extract_text()
    assert "ZD-2026-00042" in second


def test_rendering_is_deterministic():
    assert render_notice(snapshot()) == render_notice(copy.deepcopy(snapshot()))


def test_a_correction_names_the_notice_it_replaces():
    data = render_notice(
        snapshot(
            supersedes={"number": "ZD-2026-00041", "issued_on": "2026-11-20"},
            correction_reason="Betrag falsch übertragen.",
        )
    )
    text = pdf_text(data)
    assert "ersetzt den Bescheid ZD-2026-00041 vom 20.11.2026" in text
    assert "Betrag falsch übertragen." in text


def test_control_characters_in_user_text_do_not_break_the_pdf():
    data = render_notice(snapshot(reasons="Zeile\x00eins\x0b\r\nzwei\x1f"))
    assert "Zeileeins" in pdf_text(data)
