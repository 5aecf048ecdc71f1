"""Renderers are pure: a snapshot in, PDF bytes out. These tests use no database at
all (pytest-django refuses any query here), which proves that renderers never query."""

from __future__ import annotations

import copy
import io

import pytest
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

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
        "sender": {
            "name": "Geschäftsstelle Zukunftsraum Demografie",
            "lines": ["Musterstraße 1", "10115 Berlin"],
            "phone": "030 1234-0",
            "email": "post@zukunftsraum.example",
            "iban": "DE02120300000000202051",
            "bic": "BYLADEM1001",
        },
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
        "contact": {
            "name": "Sabine Sachbearbeitung",
            "phone": "030 1234-567",
            "email": "s.sachbearbeitung@example.org",
        },
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


# --- every letter (issue 13, item 13) ------------------------------------------------------


def text_positions(data: bytes, page: int = 0) -> list[tuple[str, float, float, float]]:
    """(text, x from the left edge in mm, y from the top edge in mm, size in pt) of each text piece."""
    found: list[tuple[str, float, float, float]] = []
    reader = PdfReader(io.BytesIO(data))
    height = float(reader.pages[page].mediabox.height)

    def visit(text, cm, tm, font_dict, font_size):
        if text.strip():
            x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
            found.append((text.strip(), x / 72 * 25.4, (height - y) / 72 * 25.4, font_size * tm[0]))

    reader.pages[page].extract_text(visitor_text=visit)
    return found


@pytest.mark.parametrize("kind", sorted(MODULES))
def test_the_recipient_stands_in_the_din_5008_address_field(kind):
    pieces = text_positions(render_notice(snapshot(kind)))
    recipient = [(x, y) for text, x, y, _ in pieces if text == "z. Hd. Anja Antrag"]
    assert recipient, pieces
    x, y = recipient[0]
    assert x == pytest.approx(25, abs=0.1)  # text from 25 mm
    assert 45 + 17.7 < y < 90  # below the remark zone, inside the 45 mm field


def test_a_150_letter_name_is_wrapped_inside_the_address_field():
    name = "Ober" + "x" * 142 + "dorf"
    data = render_notice(
        snapshot(recipient={"lines": [name, "z. Hd. Anja Antrag", "Hauptstraße 1", "39638 Gardelegen"]})
    )
    pieces = [(text, x, size) for text, x, y, size in text_positions(data) if 62.7 < y < 90 and x < 110]
    assert "".join(text for text, *_ in pieces).startswith(name)
    for text, x, size in pieces:
        assert x + pdfmetrics.stringWidth(text, "DejaVuSans", size) / 72 * 25.4 <= 100.01  # 25 + 75 mm
    assert "39638 Gardelegen" in [text for text, *_ in pieces]  # nothing of the address is lost


def test_every_letter_names_the_clerk_with_phone_and_email():
    for kind in MODULES:
        text = pdf_text(render_notice(snapshot(kind)))
        assert "Bearbeitet von" in text and "Sabine Sachbearbeitung" in text
        assert "030 1234-567" in text and "s.sachbearbeitung@example.org" in text


def test_every_page_has_a_footer_with_the_offices_address_and_account():
    long_text = "\n\n".join("Nebenbestimmung mit langem Text. " * 12 for _ in range(30))
    data = render_notice(
        snapshot(legal_texts=[{"kind": "conditions", "title": "Nebenbestimmungen", "text": long_text}])
    )
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        text = page.extract_text()
        assert "Geschäftsstelle Zukunftsraum Demografie · Musterstraße 1 · 10115 Berlin" in text
        assert "IBAN DE02120300000000202051" in text and "BIC BYLADEM1001" in text
        assert "Telefon 030 1234-0" in text


@pytest.mark.parametrize(
    ("kind", "bescheid"),
    [
        ("approval", True),
        ("rejection", True),
        ("refund_claim", True),
        ("payout_advice", False),
        ("proof_of_use_reminder", False),
    ],
)
def test_only_a_bescheid_has_a_bescheidnummer(kind, bescheid):
    text = pdf_text(render_notice(snapshot(kind)))
    assert ("Bescheidnummer" in text) is bescheid
    assert "ZD-2026-00042" in text


def test_a_snapshot_of_schema_1_without_contact_and_account_still_renders():
    old = snapshot(sender={"name": "Geschäftsstelle", "lines": ["10115 Berlin"]})
    del old["contact"]
    text = pdf_text(render_notice(old))
    assert "Bearbeitet von" not in text and "IBAN" not in text


def test_a_refund_claim_whose_rate_is_not_yet_published_says_its_interest_is_provisional():
    data = snapshot("refund_claim")
    data["extra"].update(
        interest_from="2026-12-01",
        interest_to_due="1.50",
        interest_missing_from="2027-01-01",
        interest_rate="6.27",
        interest_per_day="0.05",
    )
    text = " ".join(pdf_text(render_notice(data)).split())
    assert "Bei Zahlung am 31.01.2027 betragen die Zinsen 1,50 €" in text
    assert "vorläufig: Der Basiszinssatz ab dem 01.01.2027 ist noch nicht bekannt gegeben" in text
    assert "kommen 0,05 € an Zinsen hinzu" in text
    assert "Verwendungszweck ZD-2026-00042" in text and "IBAN DE02120300000000202051" in text


def test_a_long_email_address_stays_inside_the_information_block():
    email = "sabine.sachbearbeitung-vertretung@geschaeftsstelle-zukunftsraum-demografie.example"
    data = render_notice(snapshot(contact={"name": "Sabine Sachbearbeitung", "phone": "", "email": email}))
    pieces = [piece for piece in text_positions(data) if email.startswith(piece[0]) and piece[1] > 140]
    assert pieces
    for text, x, _, size in pieces:
        assert x + pdfmetrics.stringWidth(text, "DejaVuSans", size) / 72 * 25.4 <= 190.01  # 20 mm right margin


def test_an_address_too_long_for_the_field_keeps_postcode_and_town():
    lines = [f"Ortsteil {n} " + "lang " * 12 for n in range(8)] + ["Hauptstraße 1", "39638 Gardelegen"]
    data = render_notice(snapshot(recipient={"lines": lines}))
    field = [text for text, x, y, _ in text_positions(data) if 62.7 < y < 90 and x < 110]
    assert field[-2:] == ["Hauptstraße 1", "39638 Gardelegen"]


def test_the_return_address_keeps_postcode_and_town_however_long_the_name():
    sender = {**snapshot()["sender"], "name": "Geschäftsstelle Zukunftsraum Demografie (Demo) beim Bundesamt"}
    pieces = text_positions(render_notice(snapshot(sender=sender)))
    return_line = [(text, x, size) for text, x, y, size in pieces if 45 < y < 52 and x < 110]
    assert return_line and return_line[0][0].endswith("10115 Berlin"), return_line
    text, x, size = return_line[0]
    assert x + pdfmetrics.stringWidth(text, "DejaVuSans", size) / 72 * 25.4 <= 100.01


def test_no_label_of_the_information_block_runs_into_its_value():
    for kind in MODULES:
        for text, x, _, size in text_positions(render_notice(snapshot(kind))):
            if 124 < x < 126:  # a label at 125 mm
                assert x + pdfmetrics.stringWidth(text, "DejaVuSans", size) / 72 * 25.4 <= 148.01, text


def test_granting_less_than_applied_for_refuses_the_rest_in_the_notice():
    partly = snapshot()  # 2.550,00 € applied for, 2.500,00 € granted
    assert "Soweit Ihr Antrag über diesen Betrag hinausgeht (beantragt: 2.550,00 €), wird er abgelehnt." in " ".join(
        pdf_text(render_notice(partly)).split()
    )
    whole = snapshot(application={**partly["application"], "approved_amount": "2550.00"})
    assert "wird er abgelehnt" not in pdf_text(render_notice(whole))
