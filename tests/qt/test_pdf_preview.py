"""A generated document previews with all its pages and prints every page."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from pytestqt.qtbot import QtBot

from jjg_desktop.qt.kit.pdf_preview import PdfLoadError, PdfPreview
from jjg_desktop.reports.case_documents import render_case_document
from jjg_desktop.services.cases import StepInput, propose, take_step
from jjg_desktop.services.context import Actor, ServiceContext
from jjg_desktop.store.models import AbnormalCase
from tests_support import add_enterprise


def _decision(ctx, store, clock, tmp_path: Path) -> Path:
    ent = add_enterprise(store, clock.now, name="江苏华泰建设工程有限公司",
                         home_province="江苏省", home_province_code="320000")
    case = propose(ctx, ent, grounds=["联系不上"], step=StepInput(
        comment="x", evidence=[{"kind": "verification", "id": "v"}]))
    for actor, action, step in [
            (Actor("yb01", "金哲", "prefecture_reviewer", "222400"), "agree",
             StepInput(comment="同意")),
            (Actor("st01", "孙伟", "province_admin", "220000"), "notify_listing",
             StepInput(decision_no="吉建告〔2026〕3号", decision_date=date(2026, 5, 18))),
            (Actor("st01", "孙伟", "province_admin", "220000"), "hear_listing",
             StepInput(comment="企业未提出新的事实")),
            (Actor("st01", "孙伟", "province_admin", "220000"), "list",
             StepInput(decision_no="吉建管异〔2026〕3号", decision_date=date(2026, 5, 18)))]:
        with store.db.read() as s:
            version = s.get(AbnormalCase, case).version
        take_step(ServiceContext(store, actor, clock), case, action, base_version=version,
                  step=step)
    return render_case_document(store, case, tmp_path / "decision.pdf")


def test_preview_shows_the_document_and_prints_every_page(qtbot: QtBot, ctx, store, clock,
                                                          tmp_path):
    source = _decision(ctx, store, clock, tmp_path)
    dialog = PdfPreview(source, "列入决定书")
    qtbot.addWidget(dialog)
    pages = len(PdfReader(source).pages)
    assert pages == 2 and dialog.pages.text() == f"共 {pages} 页"

    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(tmp_path / "printed.pdf"))
    assert dialog.print_to(printer) == pages
    printed = PdfReader(tmp_path / "printed.pdf")
    assert len(printed.pages) == pages
    assert all(len(p.images) == 1 for p in printed.pages)  # each page rendered for the printer

    assert dialog.save_to(tmp_path / "copy.pdf")
    assert (tmp_path / "copy.pdf").read_bytes() == source.read_bytes()


def test_a_broken_file_is_refused_in_chinese(qtbot: QtBot, tmp_path):
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 truncated")
    with pytest.raises(PdfLoadError, match="不是有效的 PDF"):
        PdfPreview(bad, "坏文件")
