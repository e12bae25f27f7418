"""The frame every printed document shares: A4 in official-document proportions (GB/T 9704),
the embedded CJK font, the document number, and a QR code binding the sheet to its record."""

from __future__ import annotations

import hashlib
import io
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from PIL import Image as PILImage
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib import textsplit as rl_textsplit
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Image, Paragraph, SimpleDocTemplate, Table, TableStyle
from reportlab.platypus import paragraph as rl_paragraph

from jjg_desktop.paths import resource
from jjg_desktop.store.audit import canonical_json

FONT = "JJGSans"
# GB/T 9704 margins: top 37 mm, bottom 35 mm, left (binding) 28 mm, right 26 mm.
MARGINS = {"topMargin": 37 * mm, "bottomMargin": 35 * mm, "leftMargin": 28 * mm,
           "rightMargin": 26 * mm}
PHOTO_PRINT_EDGE = 1200
PHOTO_QUALITY = 80


CANNOT_START_LINE = "，。、；：？！）》」』】〕〉］｝”’·%‰℃"
"""Chinese punctuation that never begins a line (GB/T 15834, 标点符号用法): reportlab's
CJK line breaking knows only the Japanese set (one copy for single-style paragraphs, one for
mixed ones), so the rest is added to both once, here."""
for _module in (rl_textsplit, rl_paragraph):
    _module.ALL_CANNOT_START += "".join(  # type: ignore[attr-defined]
        c for c in CANNOT_START_LINE if c not in _module.ALL_CANNOT_START)


TALL_ROW = 150 * mm


@cache
def register_font() -> str:
    pdfmetrics.registerFont(TTFont(FONT, str(resource("fonts", "WenQuanYiMicroHei.ttf"))))
    return FONT


@cache
def styles() -> dict[str, ParagraphStyle]:
    font = register_font()
    return {
        "title": ParagraphStyle("title", fontName=font, fontSize=20, leading=30,
                                alignment=TA_CENTER, spaceAfter=4 * mm),
        "number": ParagraphStyle("number", fontName=font, fontSize=11, leading=16,
                                 alignment=TA_CENTER, spaceAfter=5 * mm),
        "heading": ParagraphStyle("heading", fontName=font, fontSize=13, leading=20,
                                  spaceBefore=4 * mm, spaceAfter=2 * mm, keepWithNext=1),
        "body": ParagraphStyle("body", fontName=font, fontSize=11, leading=18,
                               wordWrap="CJK"),
        "cell": ParagraphStyle("cell", fontName=font, fontSize=10, leading=14, wordWrap="CJK"),
        "small": ParagraphStyle("small", fontName=font, fontSize=8, leading=11,
                                wordWrap="CJK", textColor=colors.HexColor("#444444")),
    }


def content_hash(data: Any) -> str:
    """What the QR code commits to: the record's printed content, canonically serialised."""
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def para(text: str, style: str = "body") -> Paragraph:
    return Paragraph(escape(text or "").replace("\n", "<br/>"), styles()[style])


def escape(text: str) -> str:
    """Text as reportlab's paragraph markup takes it."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def grid(rows: Sequence[Sequence[Any]], widths: Sequence[float], *, header: bool = False,
         label_column: bool = False,
         spans: Sequence[tuple[tuple[int, int], tuple[int, int]]] = ()) -> Table:
    """A ruled table; strings become wrapped paragraphs; spans are ((col, row), (col, row))."""
    cells = [[para(c, "cell") if isinstance(c, str) else c for c in row] for row in rows]
    table = Table(cells, colWidths=list(widths), repeatRows=1 if header else 0)
    style = [("GRID", (0, 0), (-1, -1), 0.5, colors.black),
             ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
             ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")))
    if label_column:
        style.append(("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#F4F4F4")))
    style += [("SPAN", start, end) for start, end in spans]
    table.setStyle(TableStyle(style))
    # A row nearly a page tall (a very long remark) may split across pages rather than fail
    # to print; other tables split only between rows, so no page ends on a bare header.
    table.wrap(sum(widths), 10 * A4[1])
    if max((h or 0 for h in table._rowHeights), default=0) > TALL_ROW:
        table.splitInRow = 1
    return table


def photo(data: bytes, max_width: float, max_height: float) -> Image:
    """A photo scaled to print resolution (not the camera's), re-encoded as JPEG."""
    with PILImage.open(io.BytesIO(data)) as img:
        img = img.convert("RGB") if img.mode not in ("RGB", "L") else img.copy()
    img.thumbnail((PHOTO_PRINT_EDGE, PHOTO_PRINT_EDGE))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=PHOTO_QUALITY, optimize=True)
    out.seek(0)
    scale = min(max_width / img.width, max_height / img.height)
    return Image(out, width=img.width * scale, height=img.height * scale)


def signature(data: bytes, width: float = 40 * mm, height: float = 16 * mm) -> Image:
    with PILImage.open(io.BytesIO(data)) as img:
        w, h = img.size
    scale = min(width / w, height / h)
    return Image(io.BytesIO(data), width=w * scale, height=h * scale, mask="auto")


@dataclass(frozen=True, slots=True)
class Stamp:
    """What every page carries so a printed sheet can be checked against the record."""

    title: str
    number: str
    record_id: str
    digest: str

    @property
    def qr_payload(self) -> str:
        return f"jjg:{self.record_id}:{self.digest}"


def _draw_frame(stamp: Stamp, canvas: Canvas, doc: SimpleDocTemplate) -> None:
    font = register_font()
    width, height = A4
    canvas.saveState()
    canvas.setFont(font, 9)
    canvas.drawString(MARGINS["leftMargin"], height - 20 * mm, stamp.title)
    canvas.drawRightString(width - MARGINS["rightMargin"], height - 20 * mm, stamp.number)
    canvas.setLineWidth(0.5)
    canvas.line(MARGINS["leftMargin"], height - 22 * mm, width - MARGINS["rightMargin"],
                height - 22 * mm)
    size = 22 * mm
    widget = QrCodeWidget(stamp.qr_payload, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    drawing = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    drawing.add(widget)
    renderPDF.draw(drawing, canvas, width - MARGINS["rightMargin"] - size, 8 * mm)
    canvas.setFont(font, 8)
    canvas.drawString(MARGINS["leftMargin"], 20 * mm, f"记录编号 {stamp.record_id}")
    canvas.drawString(MARGINS["leftMargin"], 15 * mm, f"内容校验 {stamp.digest[:32]}")
    canvas.drawCentredString(width / 2, 10 * mm, f"— {doc.page} —")  # GB/T 9704 page number
    canvas.restoreState()


def write_pdf(path: Path, stamp: Stamp, story: list[Flowable]) -> Path:
    """Build the document into a temporary file and move it into place when complete."""
    path = path.expanduser()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".jjg-", suffix=".pdf", dir=path.parent)
    os.close(fd)
    try:
        doc = SimpleDocTemplate(tmp, pagesize=A4, title=stamp.title, author="吉建管",
                                subject=stamp.number, creator="吉建管 desktop", **MARGINS)
        doc.build(story, onFirstPage=lambda c, d: _draw_frame(stamp, c, d),
                  onLaterPages=lambda c, d: _draw_frame(stamp, c, d))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def chinese_date(day: date | None) -> str:
    """2023年11月20日, as dates are written in an official document's text."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""
