"""The annual report, reopened with openpyxl: sheets, types, sums against the ledger,
and no formula ever made from user text."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from budgets import selectors as budget_selectors
from budgets.ledger import ledger_book
from budgets.models import LedgerEntry
from grants.models import Application
from reports.exports.annual_report import AnnualReport
from reports.exports.base import BaseExporter, Column, Sheet, Total, write_workbook
from tests import factories
from workflows.applications import services

SHEETS = [
    "Übersicht",
    "Anträge",
    "Summen nach Land",
    "Summen nach Strukturstatus",
    "Summen nach Zweck",
    "Auszahlungen",
    "Rückforderungen",
]
MONEY_FORMAT = '#,##0.00 "€"'
HYPERLINK = '=HYPERLINK("https://example.org/boese","Klick")'
TODAY = datetime.date(2026, 11, 25)


def book(*, programme_year) -> tuple:
    exporter = AnnualReport(programme_year=programme_year, today=TODAY)
    buffer = io.BytesIO()
    rows = write_workbook(exporter, buffer)
    buffer.seek(0)
    return load_workbook(buffer), rows


def money(cell) -> Decimal:
    assert cell.data_type == "n", cell.coordinate
    assert cell.number_format == MONEY_FORMAT, cell.coordinate
    return Decimal(str(cell.value)).quantize(Decimal("0.01"))


def table(ws) -> list[dict]:
    rows = list(ws.iter_rows())
    header = [cell.value for cell in rows[0]]
    return [dict(zip(header, row, strict=False)) for row in rows[1:]]


@pytest.fixture
def data(
    applicant,
    foreign_applicant,
    gardelegen,
    bindlach,
    programme_year,
    active_members,
    structural_c,
    clerk,
    approver,
):
    """Gardelegen (C): approved 2,500 with payouts 1,000 + 500 and a refund of 200;
    Bindlach: approved 1,800 with a hostile title, a payout of 1,800; and one in review."""
    approved = []
    for user, municipality, amount, title in [
        (applicant, gardelegen, Decimal("2500.00"), "Dorfwerkstatt"),
        (foreign_applicant, bindlach, Decimal("1800.00"), HYPERLINK),
    ]:
        application = factories.recommended(
            applicant=user,
            municipality=municipality,
            programme_year=programme_year,
            clerk=clerk,
            amount=amount,
            title=title,
            requested_amount=amount,
        )
        factories.take(approver, application.pk)
        approved.append(services.application_approve(approver=approver, application_id=application.pk))
    factories.in_review(
        applicant=applicant,
        municipality=gardelegen,
        programme_year=programme_year,
        title="@SUMME(A1:A9) und -1+2",
        purpose=Application.Purpose.TRAVEL,
        requested_amount=Decimal("400.00"),
    )
    factories.draft(applicant=applicant, municipality=gardelegen, programme_year=programme_year, title="Entwurf")
    garde, bind = approved
    for application, kind, amount, note in [
        (garde, LedgerEntry.Kind.PAYOUT, Decimal("1000.00"), "erste Rate"),
        (garde, LedgerEntry.Kind.PAYOUT, Decimal("500.00"), "\tzweite Rate"),
        (garde, LedgerEntry.Kind.REFUND, Decimal("200.00"), "Rückzahlung"),
        (bind, LedgerEntry.Kind.PAYOUT, Decimal("1800.00"), "=1+1"),
    ]:
        ledger_book(
            application=application,
            kind=kind,
            amount=amount,
            booked_by=approver,
            note=note,
        )
    return {"gardelegen": garde, "bindlach": bind}


def test_the_workbook_has_the_sheets_frozen_headers_filters_and_widths(data, programme_year):
    workbook, _rows = book(programme_year=programme_year)
    assert workbook.sheetnames == SHEETS
    for name in SHEETS:
        ws = workbook[name]
        assert ws.freeze_panes == "A2", name
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), name
        assert ws.column_dimensions["A"].width > 10, name
        assert all(cell.font.b for cell in ws[1]), name
    assert workbook["Anträge"].auto_filter.ref == "A1:S4"


def test_one_row_per_submitted_application_with_numbers_and_dates(data, programme_year):
    workbook, _rows = book(programme_year=programme_year)
    applications = table(workbook["Anträge"])
    assert [row["Aktenzeichen"].value for row in applications] == sorted(
        Application.objects.exclude(file_number=None).values_list("file_number", flat=True)
    )
    garde = next(row for row in applications if row["Aktenzeichen"].value == data["gardelegen"].file_number)
    assert garde["AGS"].value == "15081135"
    assert garde["AGS"].data_type == "s"
    assert garde["Kommune"].value == "Gardelegen, Hansestadt"
    assert garde["Land"].value == "Sachsen-Anhalt"
    assert garde["Kreis"].value == "Altmarkkreis Salzwedel"
    assert garde["Strukturstatus"].value == "GRW-Fördergebiet C"
    assert garde["Zweck"].value == "Moderation"
    assert garde["Status"].value == "bewilligt"
    assert money(garde["beantragt"]) == Decimal("2500.00")
    assert money(garde["bewilligt"]) == Decimal("2500.00")
    assert money(garde["ausgezahlt"]) == Decimal("1500.00")
    assert money(garde["zurückgezahlt"]) == Decimal("200.00")
    for column in ("eingereicht am", "entschieden am"):
        cell = garde[column]
        assert cell.is_date, column
        assert cell.number_format == "DD.MM.YYYY"
        assert cell.value.date() == timezone.localdate()


def test_no_cell_is_a_formula_and_user_text_stays_text(data, programme_year):
    workbook, _rows = book(programme_year=programme_year)
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate}: {cell.value!r}"
    applications = table(workbook["Anträge"])
    titles = {row["Titel des Vorhabens"].value: row["Titel des Vorhabens"] for row in applications}
    for hostile in (HYPERLINK, "@SUMME(A1:A9) und -1+2"):
        cell = titles[hostile]
        assert cell.data_type == "s"
        assert cell.quotePrefix
    assert not titles["Dorfwerkstatt"].quotePrefix
    notes = [row["Vermerk"].value for row in table(workbook["Auszahlungen"])]
    assert "=1+1" in notes and "\tzweite Rate" in notes


def test_sums_equal_the_ledger(data, programme_year):
    workbook, _rows = book(programme_year=programme_year)
    ledger = LedgerEntry.objects.filter(programme_year=programme_year)
    paid = sum(e.amount for e in ledger.filter(kind="payout"))
    refunded = sum(e.amount for e in ledger.filter(kind="refund"))
    assert (paid, refunded) == (Decimal("3300.00"), Decimal("200.00"))

    overview = {row["Kennzahl"].value: row for row in table(workbook["Übersicht"])}
    assert money(overview["Programmbudget"]["Betrag"]) == programme_year.budget
    assert (
        money(overview["Ausgezahlt"]["Betrag"])
        == paid
        == budget_selectors.programme_paid(programme_year=programme_year)
    )
    assert money(overview["Rückzahlungen"]["Betrag"]) == refunded
    committed = budget_selectors.programme_committed(programme_year=programme_year)
    assert money(overview["Gebunden (Bewilligungen abzüglich Freigaben und Rückzahlungen)"]["Betrag"]) == committed
    assert money(overview["Verfügbar"]["Betrag"]) == programme_year.budget - committed
    assert overview["bewilligt"]["Anzahl"].value == 2
    assert overview["in Prüfung"]["Anzahl"].value == 1
    assert overview["eingereicht insgesamt"]["Anzahl"].value == 3

    applications = table(workbook["Anträge"])
    assert sum(money(row["ausgezahlt"]) for row in applications) == paid
    assert sum(money(row["zurückgezahlt"]) for row in applications) == refunded

    for name in ("Summen nach Land", "Summen nach Strukturstatus", "Summen nach Zweck"):
        rows = table(workbook[name])
        total = rows[-1]
        assert next(iter(total.values())).value == "Summe", name
        assert money(total["ausgezahlt"]) == paid, name
        assert money(total["zurückgezahlt"]) == refunded, name
        assert money(total["bewilligt"]) == Decimal("4300.00"), name
        assert money(total["beantragt"]) == Decimal("4700.00"), name
        assert total["Anträge"].value == 3, name
        assert sum(money(row["ausgezahlt"]) for row in rows[:-1]) == paid, name
        # The closing row stays outside the filter, so sorting never moves it.
        assert workbook[name].auto_filter.ref.endswith(str(len(rows))), name

    by_land = {row["Land"].value: row for row in table(workbook["Summen nach Land"])}
    assert money(by_land["Bayern"]["ausgezahlt"]) == Decimal("1800.00")
    assert money(by_land["Sachsen-Anhalt"]["zurückgezahlt"]) == Decimal("200.00")
    by_status = {row["Strukturstatus"].value: row for row in table(workbook["Summen nach Strukturstatus"])}
    assert by_status["GRW-Fördergebiet C"]["Anträge"].value == 2
    assert by_status["kein Fördergebiet"]["Anträge"].value == 1

    payouts = table(workbook["Auszahlungen"])
    assert len(payouts) == 4  # three entries and the sum
    assert sum(money(row["Betrag"]) for row in payouts[:-1]) == money(payouts[-1]["Betrag"]) == paid
    assert payouts[0]["gebucht am"].is_date


def test_query_count_does_not_grow_with_the_applications(data, programme_year, applicant, gardelegen, clerk, approver):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            write_workbook(AnnualReport(programme_year=programme_year, today=TODAY), io.BytesIO())
        return len(captured)

    before = queries()
    for _ in range(3):
        factories.in_review(applicant=applicant, municipality=gardelegen, programme_year=programme_year)
    assert queries() == before


# --- the writer on its own ------------------------------------------------------------------------


class _Tiny(BaseExporter):
    def sheets(self):
        yield Sheet(
            "Test",
            [Column("Text"), Column("Betrag", "money"), Column("Tag", "date"), Column("Zahl", "int")],
            iter(
                [
                    ("=1+2", Decimal("1.50"), datetime.date(2026, 1, 2), 3),
                    ("#N/A", None, None, None),
                    ("+49 3907", Decimal("2"), None, 0),
                    ("ok\x00\x07", Decimal("0.10"), None, 1),
                    Total(("Summe", Decimal("3.60"), None, 4)),
                ]
            ),
        )


def test_writer_neutralises_formulas_errors_and_control_characters():
    buffer = io.BytesIO()
    assert write_workbook(_Tiny(), buffer) == 4
    ws = load_workbook(buffer)["Test"]
    assert [ws.cell(row, 1).value for row in range(2, 7)] == ["=1+2", "#N/A", "+49 3907", "ok", "Summe"]
    assert [ws.cell(row, 1).data_type for row in range(2, 7)] == ["s"] * 5
    assert ws["B2"].value == 1.5 and ws["B2"].number_format == MONEY_FORMAT
    assert ws["C2"].is_date and ws["C2"].number_format == "DD.MM.YYYY"
    assert ws["B6"].font.b and ws.auto_filter.ref == "A1:D5"


def test_writer_refuses_floats():
    class Floaty(BaseExporter):
        def sheets(self):
            yield Sheet("F", [Column("Betrag", "money")], iter([(1.5,)]))

    with pytest.raises(TypeError, match="float"):
        write_workbook(Floaty(), io.BytesIO())
