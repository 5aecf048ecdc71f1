"""One writer for every Excel export: exporters yield sheets of a header and rows,
this module writes them with openpyxl in write-only mode (rows go to disk as they
come, so memory stays flat however many rows there are).

What every sheet gets: the header row in bold and frozen, an auto-filter over header
and data, column widths, amounts as numbers with the format ``#,##0.00 "€"``, dates as
date cells ``DD.MM.YYYY``. A closing ``Total`` row is written in bold below the
filter range, so sorting the data never moves it. Every sheet prints on A4 landscape,
fitted to the page width (as many pages down as it needs), with the header row
repeated on every page.

Text from users is never a formula: a string starting with = + - @, a tab or a
carriage return is written as a text cell with Excel's quote prefix (what Excel does
when one types an apostrophe first), so it stays text even when someone edits the
cell; "#N/A" and the like stay text, not error values; control characters that XML
cannot hold are dropped.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Literal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

MONEY_FORMAT = '#,##0.00 "€"'
DATE_FORMAT = "DD.MM.YYYY"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PROGRESS_EVERY = 5000

ColumnKind = Literal["text", "int", "money", "date"]


@dataclass(frozen=True)
class Column:
    header: str
    kind: ColumnKind = "text"
    width: float = 16


class Total(tuple):
    """The closing row of sums of a sheet (a tuple like any row)."""

    __slots__ = ()


@dataclass
class Sheet:
    title: str
    columns: Sequence[Column]
    # Lazily produced rows, one value per column; the last one may be a ``Total``.
    rows: Iterable[Sequence]


class BaseExporter:
    """An export: a name, a file name and its sheets. Subclasses only yield data."""

    identifier: str = ""
    verbose_name: str = ""

    def filename(self) -> str:
        raise NotImplementedError

    def sheets(self) -> Iterator[Sheet]:
        raise NotImplementedError

    def row_count(self) -> int:
        """How many data rows to expect, for the progress shown while the export runs."""
        return 0

    def properties(self) -> dict[str, str]:
        return {"title": self.verbose_name, "creator": "Mikroförderung"}


def safe_text(value: object) -> tuple[str, bool]:
    """The text to write and whether it needs the quote prefix to stay text."""
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))
    return text, text.startswith(FORMULA_TRIGGERS)


class _CellMaker:
    """Turns Python values into cells of one worksheet, styled by column kind."""

    def __init__(self, ws) -> None:
        self.ws = ws

    def text(self, value, *, bold: bool = False):
        if value is None or value == "":
            return None
        text, quote = safe_text(value)
        if not quote and not bold and text not in ERROR_CODES:
            return text
        cell = WriteOnlyCell(self.ws, value=text)
        # openpyxl takes a string starting with "=" for a formula and "#N/A" for an
        # error value: make it text again.
        cell.data_type = "s"
        if quote:
            cell.quotePrefix = True
        if bold:
            cell.font = Font(bold=True)
        return cell

    def number(self, value, *, fmt: str | None, bold: bool = False):
        if value is None:
            return None
        if isinstance(value, float):
            raise TypeError("Exports take Decimal or int, never float.")
        if not isinstance(value, int | Decimal):
            raise TypeError(f"Not a number: {value!r}")
        if fmt is None and not bold:
            return value
        cell = WriteOnlyCell(self.ws, value=value)
        if fmt:
            cell.number_format = fmt
        if bold:
            cell.font = Font(bold=True)
        return cell

    def date(self, value, *, bold: bool = False):
        if value is None:
            return None
        if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
            raise TypeError(f"Date columns take dates (convert datetimes to local dates first): {value!r}")
        cell = WriteOnlyCell(self.ws, value=value)
        cell.number_format = DATE_FORMAT
        if bold:
            cell.font = Font(bold=True)
        return cell

    def make(self, kind: ColumnKind, value, *, bold: bool = False):
        if kind == "money":
            return self.number(value, fmt=MONEY_FORMAT, bold=bold)
        if kind == "int":
            return self.number(value, fmt=None, bold=bold)
        if kind == "date":
            return self.date(value, bold=bold)
        return self.text(value, bold=bold)


def _print_on_a4(ws) -> None:
    """A4 landscape, one page wide, the header row on every page."""
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    ws.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
    ws.page_setup.fitToWidth = 1
    # 0: as many pages down as the rows need; only the width is fitted.
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.print_title_rows = "1:1"


def write_workbook(
    exporter: BaseExporter,
    target: str | IO[bytes],
    *,
    progress: Callable[[int], None] | None = None,
    progress_every: int = PROGRESS_EVERY,
) -> int:
    """Write every sheet of ``exporter`` to ``target``; returns the number of data rows."""
    workbook = Workbook(write_only=True)
    for name, value in exporter.properties().items():
        setattr(workbook.properties, name, value)
    written = 0
    try:
        for sheet in exporter.sheets():
            ws = workbook.create_sheet(title=sheet.title)
            cells = _CellMaker(ws)
            kinds = [column.kind for column in sheet.columns]
            # Widths and the frozen header belong to the top of the sheet's XML: set them
            # before the first row; the filter comes at the end, when the size is known.
            for index, column in enumerate(sheet.columns, start=1):
                ws.column_dimensions[get_column_letter(index)].width = column.width
            ws.freeze_panes = "A2"
            _print_on_a4(ws)
            ws.append([cells.text(column.header, bold=True) for column in sheet.columns])
            last_data_row = 1
            for row in sheet.rows:
                if len(row) != len(kinds):
                    raise ValueError(f"Sheet {sheet.title!r}: row has {len(row)} values for {len(kinds)} columns.")
                if isinstance(row, Total):
                    # A label such as "Summe" may stand in any column of the closing row.
                    ws.append(
                        [
                            cells.text(value, bold=True)
                            if isinstance(value, str)
                            else cells.make(kind, value, bold=True)
                            for kind, value in zip(kinds, row, strict=True)
                        ]
                    )
                    continue
                ws.append([cells.make(kind, value) for kind, value in zip(kinds, row, strict=True)])
                last_data_row += 1
                written += 1
                if progress is not None and written % progress_every == 0:
                    progress(written)
            ws.auto_filter.ref = f"A1:{get_column_letter(len(kinds))}{last_data_row}"
    except BaseException:
        # Finish the sheets' temporary files so nothing is left half-written behind.
        for ws in workbook.worksheets:
            with contextlib.suppress(Exception):
                if not ws.closed:
                    ws.close()
        raise
    workbook.save(target)
    if progress is not None:
        progress(written)
    return written
