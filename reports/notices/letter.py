"""The German business letter every notice is printed on: A4, DIN 5008 form B.

Pure functions: a frozen snapshot (plain JSON) goes in, PDF bytes come out. Nothing
here reads the database, the settings or the clock, so the same snapshot always gives
the same bytes (reportlab's ``invariant`` mode fixes the creation date and file id).

Positions (DIN 5008, form B), measured from the top left corner of the page:

- letterhead (Briefkopf) in the top 45 mm;
- address field 20 mm from the left, 45 mm from the top, 85 × 45 mm, for the window
  of a DL envelope, its text from 25 mm (the field's 5 mm inner margin): 17.7 mm for
  the return address (sender line) and remarks, then 27.3 mm (six lines of 10 pt) for
  the recipient; a longer address is set smaller rather than cut, and a word longer
  than the field (a 150-letter name) is broken inside it;
- information block 125 mm from the left, from 50 mm down: file number, notice
  number ("Bescheidnummer" only on a Bescheid), date of the application, the clerk
  with phone and e-mail, date of the notice;
- footer on every page: the office's address, phone, e-mail and account;
- subject in bold from 98.46 mm, text from 25 mm left to 20 mm right;
- fold marks at 105 mm and 210 mm, punch mark at 148.5 mm;
- "Seite x von y" on every page (the total is known only at the end, so the canvas
  keeps every page and writes the numbers when the document is saved).

Every text that comes from a person (titles, names, reasons, legal texts typed into
the admin) goes through ``esc``: reportlab paragraphs read a small markup language, so
``<font size=40>`` or ``&`` in a title would otherwise change the layout.
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdfcanvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from core.money import format_eur, money

FONT_DIR = Path(__file__).resolve().parent.parent / "fonts"
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"

PAGE_WIDTH, PAGE_HEIGHT = A4
LEFT = 25 * mm
RIGHT = 20 * mm
TEXT_WIDTH = PAGE_WIDTH - LEFT - RIGHT
BOTTOM = 25 * mm
ADDRESS_LEFT = 25 * mm  # text of the address field (the field itself starts at 20 mm)
ADDRESS_TOP = 45 * mm
ADDRESS_WIDTH = 75 * mm  # 85 mm field less 5 mm inner margin on either side
ADDRESS_REMARK_ZONE = 17.7 * mm
ADDRESS_LINES = 6
INFO_LEFT = 125 * mm
INFO_TOP = 50 * mm
INFO_VALUE_LEFT = 150 * mm
INFO_LABEL_WIDTH = INFO_VALUE_LEFT - INFO_LEFT - 2 * mm
INFO_VALUE_WIDTH = PAGE_WIDTH - RIGHT - INFO_VALUE_LEFT
FOOTER_TOP = 19 * mm  # baseline of the first footer line, from the bottom edge
SUBJECT_TOP = 98.46 * mm
FOLLOW_TOP = 25 * mm
LINE = 4.23 * mm  # 12 pt: one line of 10 pt text
GREY = colors.Color(0.35, 0.35, 0.35)


def _y(from_top: float) -> float:
    """reportlab measures from the bottom; DIN 5008 from the top."""
    return PAGE_HEIGHT - from_top


_fonts_registered = False


def register_fonts() -> None:
    """Register the embedded TrueType fonts once per process (umlauts, ß and € included)."""
    global _fonts_registered
    if _fonts_registered:
        return
    pdfmetrics.registerFont(TTFont(FONT, str(FONT_DIR / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(FONT_BOLD, str(FONT_DIR / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD)
    _fonts_registered = True


# --- text helpers ---------------------------------------------------------------------------

# Control characters have no glyph and some break the PDF text operators; tab and
# line breaks are kept (line breaks become <br/>).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def plain(text: object) -> str:
    """User text without control characters, for the canvas (which reads no markup)."""
    value = "" if text is None else str(text)
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n")).replace("\t", " ")


def esc(text: object) -> str:
    """User text for a Paragraph: markup characters escaped, line breaks kept."""
    return escape(plain(text)).replace("\n", "<br/>")


def markup(template: str, **values: object) -> str:
    """Fill a template written in code (which may use <b>) with escaped user values."""
    return template.format(**{name: esc(value) for name, value in values.items()})


def eur(amount: str | Decimal | None) -> str:
    """A snapshot amount ("1234.56") in German notation: 1.234,56 €."""
    if amount in (None, ""):
        return "–"
    return format_eur(money(amount))


def date_de(value: str | None) -> str:
    """A snapshot date ("2026-11-24") in German notation: 24.11.2026."""
    if not value:
        return "–"
    return datetime.date.fromisoformat(value).strftime("%d.%m.%Y")


def days_de(value: str | None) -> str:
    if value in (None, ""):
        return "–"
    number = Decimal(value).normalize()
    text = f"{number:f}"
    return text.replace(".", ",")


# --- styles ----------------------------------------------------------------------------------


def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=10, leading=13, spaceAfter=6)
    return {
        "body": body,
        "subject": ParagraphStyle("subject", parent=body, fontName=FONT_BOLD, fontSize=11, leading=14, spaceAfter=0),
        "subject_line": ParagraphStyle("subject_line", parent=body, spaceAfter=0),
        "heading": ParagraphStyle(
            "heading",
            parent=body,
            fontName=FONT_BOLD,
            fontSize=10,
            leading=13,
            spaceBefore=8,
            spaceAfter=3,
            keepWithNext=1,
        ),
        "small": ParagraphStyle("small", parent=body, fontSize=8, leading=10, textColor=GREY),
        "cell": ParagraphStyle("cell", parent=body, fontSize=9, leading=11, spaceAfter=0),
        "cell_bold": ParagraphStyle("cell_bold", parent=body, fontName=FONT_BOLD, fontSize=9, leading=11, spaceAfter=0),
        "cell_right": ParagraphStyle(
            "cell_right", parent=body, fontSize=9, leading=11, spaceAfter=0, alignment=TA_RIGHT
        ),
        "cell_right_bold": ParagraphStyle(
            "cell_right_bold", parent=body, fontName=FONT_BOLD, fontSize=9, leading=11, spaceAfter=0, alignment=TA_RIGHT
        ),
        "note": ParagraphStyle(
            "note",
            parent=body,
            borderColor=colors.black,
            borderWidth=0.5,
            borderPadding=4,
            spaceBefore=4,
            spaceAfter=12,
        ),
    }


# --- building blocks for the notice modules ---------------------------------------------------


def para(html: str, style: str = "body") -> Paragraph:
    """A paragraph of markup written in code; user values must already be escaped."""
    return Paragraph(html, styles()[style])


def text(value: object, style: str = "body") -> list[Paragraph]:
    """User text as paragraphs: escaped, one paragraph per blank-line separated block."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", plain(value)) if block.strip()]
    return [Paragraph(esc(block), styles()[style]) for block in blocks]


def heading(label: str) -> Paragraph:
    return Paragraph(esc(label), styles()["heading"])


def facts(rows: Iterable[tuple[str, str]]) -> Table:
    """Label/value pairs (both plain text, escaped here) as a two-column table."""
    s = styles()
    data = [[Paragraph(esc(label), s["cell_bold"]), Paragraph(esc(value), s["cell"])] for label, value in rows]
    table = Table(data, colWidths=[50 * mm, TEXT_WIDTH - 50 * mm], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
            ]
        )
    )
    return table


def cost_plan(lines: Sequence[dict], total: str) -> Table:
    """The cost plan of the snapshot with its total; the header repeats on every page."""
    s = styles()
    header = [
        Paragraph("Kostenart", s["cell_bold"]),
        Paragraph("Beschreibung", s["cell_bold"]),
        Paragraph("Tage", s["cell_right_bold"]),
        Paragraph("Tagessatz", s["cell_right_bold"]),
        Paragraph("Betrag", s["cell_right_bold"]),
    ]
    data = [header]
    for line in lines:
        data.append(
            [
                Paragraph(esc(line["cost_type"]), s["cell"]),
                Paragraph(esc(line["description"]), s["cell"]),
                Paragraph(esc(days_de(line.get("days"))), s["cell_right"]),
                Paragraph(esc(eur(line["day_rate"]) if line.get("day_rate") else "pauschal"), s["cell_right"]),
                Paragraph(esc(eur(line["amount"])), s["cell_right"]),
            ]
        )
    data.append(["", Paragraph("Summe", s["cell_bold"]), "", "", Paragraph(esc(eur(total)), s["cell_right_bold"])])
    widths = [30 * mm, TEXT_WIDTH - 102 * mm, 16 * mm, 28 * mm, 28 * mm]
    table = Table(data, colWidths=widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                ("LINEABOVE", (0, -1), (-1, -1), 0.6, colors.black),
                ("LEFTPADDING", (0, 0), (0, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
            ]
        )
    )
    return table


def legal_texts(snapshot: dict) -> list[Flowable]:
    """The year's legal text blocks copied into the snapshot (only those marked "printed")."""
    story: list[Flowable] = []
    for block in snapshot.get("legal_texts") or []:
        if block["kind"] == ENCLOSURES:
            continue  # listed after the signature, see ``enclosures``
        story.append(heading(block["title"]))
        story.extend(text(block["text"]))
    return story


ENCLOSURES = "enclosures"


def enclosures(snapshot: dict) -> list[Flowable]:
    """The list of enclosures ("Anlagen") below the signature: one per line of its block."""
    for block in snapshot.get("legal_texts") or []:
        if block["kind"] == ENCLOSURES:
            items = [line.strip() for line in plain(block["text"]).split("\n") if line.strip()]
            if items:
                return [
                    Spacer(1, 2 * mm),
                    heading(block["title"] or "Anlagen"),
                    *(para("– " + esc(item)) for item in items),
                ]
    return []


def correction_note(snapshot: dict) -> list[Flowable]:
    previous = snapshot.get("supersedes")
    if not previous:
        return []
    return [
        para(
            markup(
                "<b>Berichtigung:</b> Dieser Bescheid ersetzt den Bescheid {number} vom {date}. "
                "Grund der Berichtigung: {reason}",
                number=previous["number"],
                date=date_de(previous["issued_on"]),
                reason=snapshot.get("correction_reason", ""),
            ),
            "note",
        )
    ]


def salutation() -> Paragraph:
    return para("Sehr geehrte Damen und Herren,")


def closing(snapshot: dict) -> list[Flowable]:
    signatory = snapshot.get("signatory") or ""
    lines = ["Mit freundlichen Grüßen", "", "Im Auftrag"]
    if signatory:
        lines.append(esc(signatory))
    return [
        Spacer(1, 4 * mm),
        KeepTogether([para("<br/>".join(lines))]),
        Spacer(1, 2 * mm),
        para("Dieses Schreiben wurde elektronisch erstellt und ist ohne Unterschrift gültig.", "small"),
    ]


def purpose_and_period(snapshot: dict, *, period_label: str = "Zeitraum") -> list[tuple[str, str]]:
    application = snapshot["application"]
    return [
        ("Zweck", application.get("purpose_label") or "–"),
        (period_label, f"{date_de(application.get('period_start'))} bis {date_de(application.get('period_end'))}"),
    ]


def recipient_row(snapshot: dict) -> tuple[str, str]:
    municipality = snapshot["municipality"]
    return ("Zuwendungsempfänger", f"{municipality['letter_name']} (AGS {municipality['ags']})")


# --- the page ----------------------------------------------------------------------------------


class NumberedCanvas(pdfcanvas.Canvas):
    """Keeps every page until ``save`` so that each can say "Seite x von y"."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self):  # reportlab's name
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._pages)
        for state in self._pages:
            self.__dict__.update(state)
            self.setFont(FONT, 8)
            self.setFillColor(GREY)
            self.drawRightString(PAGE_WIDTH - RIGHT, 12 * mm, f"Seite {self._pageNumber} von {total}")
            super().showPage()
        super().save()


def _draw_fold_marks(canvas) -> None:
    canvas.setStrokeColor(GREY)
    canvas.setLineWidth(0.3)
    for from_top, length in ((105 * mm, 5 * mm), (148.5 * mm, 7 * mm), (210 * mm, 5 * mm)):
        canvas.line(3 * mm, _y(from_top), 3 * mm + length, _y(from_top))


def _fitting(text: str, font: str, size: float, width: float) -> str:
    return simpleSplit(text, font, size, width)[0] if text else ""


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """``text`` in lines no wider than ``width``; a word longer than a line is broken
    between letters (``simpleSplit`` alone would let it run off the page)."""
    lines: list[str] = []
    for line in simpleSplit(text, font, size, width) or [""]:
        while pdfmetrics.stringWidth(line, font, size) > width:
            cut = len(line) - 1
            while cut > 1 and pdfmetrics.stringWidth(line[:cut], font, size) > width:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
        lines.append(line)
    return lines


def _draw_letterhead(canvas, sender: dict) -> None:
    # Right-aligned at the right margin, inside the 45 mm of the letterhead.
    right = PAGE_WIDTH - RIGHT
    canvas.setFillColor(colors.black)
    canvas.setFont(FONT_BOLD, 12)
    canvas.drawRightString(right, _y(18 * mm), _fitting(plain(sender["name"]), FONT_BOLD, 12, TEXT_WIDTH))
    canvas.setFont(FONT, 9)
    canvas.drawRightString(right, _y(23 * mm), "Mikroförderung im Zukunftsraum Demografie")
    canvas.setFont(FONT, 8)
    canvas.setFillColor(GREY)
    for index, line in enumerate((sender.get("lines") or [])[:3]):
        canvas.drawRightString(right, _y(28 * mm + index * 3.6 * mm), _fitting(plain(line), FONT, 8, TEXT_WIDTH))


def _draw_address(canvas, snapshot: dict) -> None:
    sender = snapshot["sender"]
    # Return address: one small underlined line at the top of the remark zone.
    sender_line = " · ".join(plain(part) for part in [sender["name"], *(sender.get("lines") or [])] if part)
    # Smaller rather than shorter: a return address without postcode and town is useless.
    size = 7.0
    while size > 5 and pdfmetrics.stringWidth(sender_line, FONT, size) > ADDRESS_WIDTH:
        size -= 0.5
    if pdfmetrics.stringWidth(sender_line, FONT, size) > ADDRESS_WIDTH:
        # Still too long at 5 pt: the street goes, name and town stay.
        parts = [plain(sender["name"]), *[plain(line) for line in (sender.get("lines") or [])[-1:]]]
        sender_line = _fitting(" · ".join(part for part in parts if part), FONT, size, ADDRESS_WIDTH)
    canvas.setFont(FONT, size)
    canvas.setFillColor(GREY)
    canvas.drawString(ADDRESS_LEFT, _y(ADDRESS_TOP + 4 * mm), sender_line)
    width = pdfmetrics.stringWidth(sender_line, FONT, size)
    canvas.setLineWidth(0.3)
    canvas.setStrokeColor(GREY)
    canvas.line(ADDRESS_LEFT, _y(ADDRESS_TOP + 4.8 * mm), ADDRESS_LEFT + width, _y(ADDRESS_TOP + 4.8 * mm))

    # Recipient: six lines of 10 pt fill the zone; a longer address is set smaller (down
    # to 7 pt) so that no line of it is lost, and only then cut.
    zone = 45 * mm - ADDRESS_REMARK_ZONE
    for size in (10, 9, 8, 7):
        lines = [
            part for line in snapshot["recipient"]["lines"] for part in wrap(plain(line), FONT, size, ADDRESS_WIDTH)
        ]
        leading = LINE * size / 10
        fits = int((zone - 1 * mm) // leading)
        if len(lines) <= fits:
            break
    else:
        # Still too long at 7 pt: postcode and town must reach the envelope's window.
        lines = [*lines[: fits - 2], *lines[-2:]]
    canvas.setFillColor(colors.black)
    canvas.setFont(FONT, size)
    first_baseline = ADDRESS_TOP + ADDRESS_REMARK_ZONE + 3.5 * mm * size / 10
    for index, line in enumerate(lines[:fits]):
        canvas.drawString(ADDRESS_LEFT, _y(first_baseline + index * leading), line)


def _draw_info_block(canvas, snapshot: dict, *, bescheid: bool) -> None:
    application = snapshot["application"]
    contact = snapshot.get("contact") or {}
    rows = [
        ("Aktenzeichen", snapshot.get("file_number") or "–"),
        # A reminder or an advice is no administrative act: it has a number, not a Bescheidnummer.
        ("Bescheidnummer" if bescheid else "Schreiben-Nr.", snapshot["number"]),
        ("Ihr Antrag vom", date_de(application.get("submitted_on"))),
    ]
    rows.extend(
        (label, contact[key])
        for label, key in (("Bearbeitet von", "name"), ("Telefon", "phone"), ("E-Mail", "email"))
        if contact.get(key)
    )
    rows.append(("Datum", date_de(snapshot["issued_on"])))
    for index, (label, value) in enumerate(rows):
        baseline = _y(INFO_TOP + 3.5 * mm + index * LINE)
        # The label never runs into its value: a long label is set smaller.
        label_size = 8.0
        while label_size > 6 and pdfmetrics.stringWidth(label, FONT, label_size) > INFO_LABEL_WIDTH:
            label_size -= 0.5
        canvas.setFont(FONT, label_size)
        canvas.setFillColor(GREY)
        canvas.drawString(INFO_LEFT, baseline, label)
        value = plain(value)
        size = 9
        while size > 6 and pdfmetrics.stringWidth(value, FONT, size) > INFO_VALUE_WIDTH:
            size -= 0.5
        canvas.setFont(FONT, size)
        canvas.setFillColor(colors.black)
        canvas.drawString(INFO_VALUE_LEFT, baseline, wrap(value, FONT, size, INFO_VALUE_WIDTH)[0])


def footer_lines(sender: dict) -> list[str]:
    """The office's address and how to reach and pay it, as two lines."""
    first = " · ".join(plain(part) for part in [sender["name"], *(sender.get("lines") or [])] if part)
    reach = [f"Telefon {sender['phone']}" if sender.get("phone") else "", sender.get("email") or ""]
    bank = [f"IBAN {sender['iban']}" if sender.get("iban") else "", f"BIC {sender['bic']}" if sender.get("bic") else ""]
    second = " · ".join(plain(part) for part in [*reach, *bank] if part)
    return [line for line in (first, second) if line]


def _draw_footer(canvas, snapshot: dict) -> None:
    canvas.setFont(FONT, 7)
    canvas.setFillColor(GREY)
    # Left of "Seite x von y", which takes the last 25 mm of the line below.
    for index, line in enumerate(footer_lines(snapshot["sender"])):
        canvas.drawString(LEFT, FOOTER_TOP - index * 3.2 * mm, _fitting(line, FONT, 7, TEXT_WIDTH))


def _first_page(snapshot: dict, *, bescheid: bool):
    def draw(canvas, doc) -> None:
        canvas.saveState()
        _draw_letterhead(canvas, snapshot["sender"])
        _draw_address(canvas, snapshot)
        _draw_info_block(canvas, snapshot, bescheid=bescheid)
        _draw_footer(canvas, snapshot)
        _draw_fold_marks(canvas)
        canvas.restoreState()

    return draw


def _later_page(snapshot: dict):
    def draw(canvas, doc) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillColor(GREY)
        canvas.drawString(
            LEFT,
            _y(15 * mm),
            f"{snapshot['title']} {snapshot['number']} vom {date_de(snapshot['issued_on'])}",
        )
        _draw_footer(canvas, snapshot)
        _draw_fold_marks(canvas)
        canvas.restoreState()

    return draw


def render_letter(*, snapshot: dict, subject: Sequence[str], story: Sequence[Flowable], bescheid: bool = True) -> bytes:
    """The letter as PDF bytes: letterhead, address, information block, subject, ``story``.

    ``subject`` holds plain text lines (escaped here); the first is printed bold.
    ``bescheid`` is False for letters that are no administrative act (reminder, advice).
    """
    register_fonts()
    s = styles()
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=LEFT,
        rightMargin=RIGHT,
        topMargin=FOLLOW_TOP,
        bottomMargin=BOTTOM,
        title=f"{snapshot['title']} {snapshot['number']}",
        author=plain(snapshot["sender"]["name"]),
        subject=plain(subject[0]) if subject else "",
        creator="Mikroförderung",
        lang="de-DE",
        invariant=True,
    )
    no_padding = {"leftPadding": 0, "rightPadding": 0, "topPadding": 0, "bottomPadding": 0}
    first_frame = Frame(LEFT, BOTTOM, TEXT_WIDTH, PAGE_HEIGHT - SUBJECT_TOP - BOTTOM, id="first", **no_padding)
    later_frame = Frame(LEFT, BOTTOM, TEXT_WIDTH, PAGE_HEIGHT - FOLLOW_TOP - BOTTOM, id="later", **no_padding)
    doc.addPageTemplates(
        [
            PageTemplate(id="first", frames=[first_frame], onPage=_first_page(snapshot, bescheid=bescheid)),
            PageTemplate(id="later", frames=[later_frame], onPage=_later_page(snapshot)),
        ]
    )
    head: list[Flowable] = [NextPageTemplate("later")]
    for index, line in enumerate(subject):
        head.append(Paragraph(esc(line), s["subject" if index == 0 else "subject_line"]))
    head.append(Spacer(1, 2 * LINE))
    doc.build([*head, *story], canvasmaker=NumberedCanvas)
    return buffer.getvalue()
