"""Chinese typesetting of the printed documents: no line of any paragraph begins with closing
punctuation (GB/T 15834; the lines as laid out for the PDF), and no heading is left alone at
the foot of a page (read back from the PDF)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from inspection_support import completed, photo_file, site
from jjg_desktop.reports.document import CANNOT_START_LINE, grid
from jjg_desktop.reports.inspection_record import BODY_WIDTH, heading, render_inspection_record
from jjg_desktop.reports.rectification_notice import render_rectification_notice
from jjg_desktop.services import notices

HEADINGS = ("检查人员", "检查情况", "实名制管理情况", "发现的问题", "检查结论", "现场照片",
            "更正记录",
            # a table's header row with nothing under it
            "情况说明", "责任单位及期限", "行政执法证号")
FOOTER_ZONE = 60  # points from the bottom: page numbers and the QR code


def _runs(path: Path) -> list[list[tuple[float, str]]]:
    """Each page's lines of text with their height on the page, as the PDF draws them."""
    pages = []
    for page in PdfReader(path).pages:
        runs: list[tuple[float, str]] = []

        def visit(text: str, cm: list[float], tm: list[float], _font: object, _size: float,
                  runs: list[tuple[float, str]] = runs) -> None:
            if text.strip():  # the height on the page: the text matrix through the CTM
                runs.append((tm[4] * cm[1] + tm[5] * cm[3] + cm[5], text.strip()))

        page.extract_text(visitor_text=visit)
        pages.append(runs)
    return pages


def _remark(n: int) -> str:
    """A long remark whose punctuation falls at every position of a line in turn."""
    return "经查：" + "，".join(f"现场第{k}处{'临边防护' * (1 + (n + k) % 3)}缺失"
                                for k in range(n))


@pytest.fixture
def laid_out(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every line of every paragraph as the documents lay them out."""
    lines: list[str] = []
    wrap = Paragraph.wrap

    def recording(self: Paragraph, width: float, height: float) -> tuple[float, float]:
        size = wrap(self, width, height)
        para = self.blPara
        for line in para.lines:
            if para.kind == 0:
                lines.append("".join(line[1]))
            else:
                lines.append("".join(getattr(w, "text", "") for w in line.words))
        return size

    monkeypatch.setattr(Paragraph, "wrap", recording)
    return lines


@pytest.mark.parametrize("extra", range(0, 36, 9))
def test_no_line_starts_with_closing_punctuation_and_no_heading_is_orphaned(
        ctx, store, clock, tmp_path, laid_out, extra):
    project = site(store, clock.now).project_id
    photo = photo_file(tmp_path / "board.jpg", size=(1600, 1200))
    answers = {code: ("不符合", _remark(extra + n)) for n, code in enumerate(
        ("SM-07", "JS-02", "SG-03", "XM-01"))}
    inspection_id = completed(ctx, project, photo, answers,
                              conclusion="；".join(_remark(extra) for _ in range(2)))
    notice_id = notices.issue_notices(ctx, inspection_id, received_by="张立新")[0]
    for render, name, target in ((render_inspection_record, "记录", inspection_id),
                                 (render_rectification_notice, "通知书", notice_id)):
        laid_out.clear()
        pdf = render(store, target, tmp_path / f"{name}{extra}.pdf")
        assert len(laid_out) > 50
        starts = [line for line in laid_out if line[:1] in CANNOT_START_LINE]
        assert starts == [], f"{name}: lines begin with closing punctuation: {starts[:5]}"
        pages = _runs(pdf)
        for number, runs in enumerate(pages[:-1], start=1):
            body = [(y, text) for y, text in runs if y > FOOTER_ZONE]
            if body:
                _lowest, last = min(body)
                assert not last.startswith(HEADINGS), (
                    f"{name} p.{number} ends with the heading “{last}”")


def test_a_heading_keeps_with_the_start_of_its_table_wherever_it_falls(tmp_path):
    """The findings heading and a table whose first finding is tall, pushed down the page in
    2 mm steps through a whole page: the heading never ends a page."""
    width = BODY_WIDTH
    finding = "告示牌未公示法律援助申请渠道；" * 12
    rows = [["序号", "存在的问题及依据", "整改要求", "责任单位及期限"],
            ["1", finding, "立即整改", "施工单位"],
            ["2", "未设置实名制考勤设备", "限期整改", "施工单位"]]
    for step in range(0, 115):
        path = tmp_path / f"h{step}.pdf"
        story = [Spacer(1, step * 2 * mm),
                 *heading("发现的问题", grid(rows, [0.08 * width, 0.46 * width, 0.24 * width,
                                                0.22 * width], header=True))]
        SimpleDocTemplate(str(path), pagesize=A4, leftMargin=27 * mm, rightMargin=27 * mm,
                          topMargin=30 * mm, bottomMargin=30 * mm).build(story)
        for number, runs in enumerate(_runs(path)[:-1], start=1):
            if runs:
                _lowest, last = min(runs)
                assert not last.startswith("发现的问题"), (
                    f"pushed down {step * 2} mm: page {number} ends with the heading")
