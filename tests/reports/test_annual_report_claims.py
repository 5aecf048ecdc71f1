"""The annual report shows refund claims and partial revocations, and prints on A4.

Read back with openpyxl: an open 300 EUR claim appears on its own sheet, in the
overview and beside the application, "bewilligt nach Widerruf" is the approved amount
minus the claim, and every sheet is set up for A4 landscape, one page wide, with the
header row repeated."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from reports.exports.annual_report import AnnualReport
from reports.exports.base import write_workbook
from tests.builders import approved_application, expense, in_review, open_payout_window, pay
from workflows.proofs.refunds import refund_book_received
from workflows.proofs.services import proof_claim_refund

MONEY_FORMAT = '#,##0.00 "€"'


def book(programme_year):
    buffer = io.BytesIO()
    write_workbook(AnnualReport(programme_year=programme_year, today=timezone.localdate()), buffer)
    buffer.seek(0)
    return load_workbook(buffer)


def table(ws) -> list[dict]:
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def amount(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


@pytest.fixture
def claimed(applicant, gardelegen, programme_year, active_members, clerk, approver, sepa_debtor):
    """Approved 2,550 EUR, 1,000 EUR paid, 700 EUR used: an open refund claim of 300 EUR."""
    open_payout_window(programme_year)
    application = approved_application(
        applicant=applicant, municipality=gardelegen, programme_year=programme_year, clerk=clerk, approver=approver
    )
    pay(application, applicant=applicant, clerk=clerk, approver=approver, amount="1000.00")
    proof = in_review(application, applicant, clerk, expense("700.00"))
    claim = proof_claim_refund(clerk=clerk, proof_id=proof.pk, amount=Decimal("300.00"), reason="Nicht verwendet.")
    application.refresh_from_db()
    return application, claim


def test_an_open_refund_claim_is_shown_with_the_reduced_grant(claimed, programme_year):
    application, claim = claimed
    workbook = book(programme_year)

    claims = table(workbook["Rückforderungen"])
    assert len(claims) == 2  # the claim and the sum
    row = claims[0]
    assert row["Nummer"] == claim.number
    assert row["Aktenzeichen"] == application.file_number
    assert row["Widerruf"] == "teilweise"
    assert amount(row["bewilligt"]) == Decimal("2550.00")
    assert amount(row["zurückgefordert"]) == Decimal("300.00")
    assert amount(row["bewilligt nach Widerruf"]) == Decimal("2250.00")
    assert row["Status"] == "offen"
    assert row["eingegangen am"] is None
    assert row["fällig am"].date() == claim.due_on
    assert claims[-1]["Nummer"] == "Summe"
    assert amount(claims[-1]["zurückgefordert"]) == Decimal("300.00")

    applications = {row["Aktenzeichen"]: row for row in table(workbook["Anträge"])}
    row = applications[application.file_number]
    assert amount(row["bewilligt"]) == Decimal("2550.00")
    assert amount(row["bewilligt nach Widerruf"]) == Decimal("2250.00")
    assert amount(row["zurückgefordert"]) == Decimal("300.00")
    assert amount(row["Rückforderung offen"]) == Decimal("300.00")
    assert amount(row["zurückgezahlt"]) == Decimal("0.00")
    assert row["Widerruf"] == "teilweise"

    overview = {(row["Bereich"], row["Kennzahl"]): row for row in table(workbook["Übersicht"])}
    open_row = overview[("Rückforderungen", "offen")]
    assert (amount(open_row["Betrag"]), open_row["Anzahl"]) == (Decimal("300.00"), 1)
    assert amount(overview[("Rückforderungen", "eingegangen")]["Betrag"]) == Decimal("0.00")

    for name in ("Summen nach Land", "Summen nach Strukturstatus", "Summen nach Zweck"):
        total = table(workbook[name])[-1]
        assert amount(total["bewilligt"]) == Decimal("2550.00"), name
        assert amount(total["bewilligt nach Widerruf"]) == Decimal("2250.00"), name
        assert amount(total["zurückgefordert"]) == Decimal("300.00"), name
        assert amount(total["Rückforderung offen"]) == Decimal("300.00"), name


def test_a_paid_refund_claim_is_no_longer_open(claimed, programme_year, clerk):
    application, claim = claimed
    refund_book_received(user=clerk, claim_id=claim.pk, paid_on=timezone.localdate())
    workbook = book(programme_year)

    row = table(workbook["Rückforderungen"])[0]
    assert row["Status"] == "bezahlt"
    assert row["eingegangen am"].date() == timezone.localdate()
    applications = {row["Aktenzeichen"]: row for row in table(workbook["Anträge"])}
    row = applications[application.file_number]
    assert amount(row["Rückforderung offen"]) == Decimal("0.00")
    assert amount(row["zurückgezahlt"]) == Decimal("300.00")
    assert amount(row["bewilligt nach Widerruf"]) == Decimal("2250.00")
    overview = {(row["Bereich"], row["Kennzahl"]): row for row in table(workbook["Übersicht"])}
    assert overview[("Rückforderungen", "offen")]["Anzahl"] == 0
    assert amount(overview[("Rückforderungen", "eingegangen")]["Betrag"]) == Decimal("300.00")


def test_every_sheet_prints_on_a4_landscape_one_page_wide_with_its_header(claimed, programme_year):
    workbook = book(programme_year)
    assert "Rückforderungen" in workbook.sheetnames
    for ws in workbook.worksheets:
        assert int(ws.page_setup.paperSize) == 9, ws.title  # 9 is A4 in OOXML
        assert ws.page_setup.orientation == "landscape", ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0), ws.title
        assert ws.print_title_rows == "$1:$1", ws.title


def test_money_columns_of_the_claims_sheet_are_numbers(claimed, programme_year):
    ws = book(programme_year)["Rückforderungen"]
    header = [cell.value for cell in ws[1]]
    cell = ws.cell(row=2, column=header.index("zurückgefordert") + 1)
    assert cell.data_type == "n"
    assert cell.number_format == MONEY_FORMAT
