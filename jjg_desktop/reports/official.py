"""The parts of an official document (公文) as GB/T 9704 lays them out, for the decisions and
notices: the issuing authority's red mark with the 文号 above the red line, the title, a
3号 body, the signature block with room for the seal and the date four characters from the
right, and the 版记 (抄送, 印发) closing the last page."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, HRFlowable, KeepTogether, Paragraph, Spacer

from jjg_desktop.reports.document import chinese_date, escape
from jjg_desktop.reports.typefaces import Faces

RED = colors.HexColor("#C8102E")
BODY_PT = 16
"""三号."""
TITLE_PT = 22
"""二号."""
NOTE_PT = 14
"""四号, the 版记."""
SEAL_ROOM = 18 * mm
"""Above the signature: where the seal goes (it overlaps the date, as the standard has it)."""


def style(name: str, font: str, **kw: object) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=font, wordWrap="CJK", **kw)


def body_style(faces: Faces) -> ParagraphStyle:
    return style("gw-body", faces.body, fontSize=BODY_PT, leading=28,
                 firstLineIndent=2 * BODY_PT)


def line_style(faces: Faces) -> ParagraphStyle:
    """A body-sized line with no indent (the addressee, the party's particulars)."""
    return style("gw-line", faces.body, fontSize=BODY_PT, leading=28)


def head(faces: Faces, issuer: str, number: str, title: str) -> list[Flowable]:
    """发文机关标志 in red, the 文号 centred under it and above the red line, the title."""
    return [
        Paragraph(escape(issuer), style("gw-issuer", faces.title, fontSize=26, leading=36,
                                        alignment=TA_CENTER, textColor=RED)),
        Spacer(1, 4 * mm),
        Paragraph(escape(number), style("gw-number", faces.body, fontSize=BODY_PT,
                                        leading=24, alignment=TA_CENTER)),
        HRFlowable(width="100%", thickness=1.5, color=RED, spaceBefore=2 * mm,
                   spaceAfter=6 * mm),
        Paragraph(escape(title), style("gw-title", faces.title, fontSize=TITLE_PT, leading=34,
                                       alignment=TA_CENTER)),
        Spacer(1, 4 * mm),
    ]


def signature(faces: Faces, issuer: str, day: date | None,
              last: Sequence[Flowable] = ()) -> KeepTogether:
    """The last of the body (`last`), room for the seal, the issuer centred over the date and
    the date four characters from the right margin: kept on one page."""
    when = chinese_date(day)
    date_indent = 4 * BODY_PT
    # centre the issuer over the date: half the difference of their widths, in characters
    issuer_indent = date_indent + max(0.0, (_width(when) - _width(issuer)) / 2) * BODY_PT
    return KeepTogether([
        *last, Spacer(1, SEAL_ROOM),
        Paragraph(escape(issuer), style("gw-signer", faces.body, fontSize=BODY_PT,
                                        leading=28, alignment=TA_RIGHT,
                                        rightIndent=issuer_indent)),
        Paragraph(when, style("gw-date", faces.body, fontSize=BODY_PT, leading=28,
                              alignment=TA_RIGHT, rightIndent=date_indent)),
    ])


def colophon(faces: Faces, copied_to: Sequence[str], printed_by: str,
             day: date | None) -> KeepTogether:
    """版记: 抄送 and 印发机关、印发日期 between rules, at the end of the document."""
    note = style("gw-note", faces.body, fontSize=NOTE_PT, leading=22, leftIndent=NOTE_PT)
    right = style("gw-printed", faces.body, fontSize=NOTE_PT, leading=22, alignment=TA_RIGHT,
                  rightIndent=NOTE_PT)
    lines: list[Flowable] = [Spacer(1, 8 * mm),
                             HRFlowable(width="100%", thickness=1, color=colors.black)]
    if copied_to:
        lines += [Paragraph(escape(f"抄送：{'，'.join(copied_to)}。"), note),
                  HRFlowable(width="100%", thickness=0.5, color=colors.black)]
    lines += [Paragraph(escape(f"{printed_by}　{chinese_date(day)}印发"), right),
              HRFlowable(width="100%", thickness=1, color=colors.black)]
    return KeepTogether(lines)


def _width(text: str) -> float:
    """Width in characters: a CJK character is one, a digit or Latin letter half."""
    return sum(1.0 if ord(c) > 0x2E80 else 0.5 for c in text)
