from __future__ import annotations

from datetime import date

import pytest
from pypdf import PdfReader

from jjg_desktop.cli.main import main
from jjg_desktop.reports.case_documents import render_case_document
from jjg_desktop.services.cases import StepInput, propose, take_step
from jjg_desktop.services.context import Actor, ServiceContext
from jjg_desktop.services.errors import InvalidInput
from jjg_desktop.store.models import AbnormalCase
from tests_support import add_enterprise


def _as(ctx, username, role, division) -> ServiceContext:
    return ServiceContext(store=ctx.store, actor=Actor(username, username, role, division),
                          clock=ctx.clock)


def _step(ctx, case, who, action, **fields):
    with ctx.store.db.read() as s:
        version = s.get(AbnormalCase, case).version
    take_step(who, case, action, base_version=version, step=StepInput(**fields))


def _listed_case(ctx, store, clock) -> str:
    ent = add_enterprise(store, clock.now, name="江苏华泰建设工程有限公司",
                         home_province="江苏省", home_province_code="320000")
    case = propose(ctx, ent, grounds=["没有固定办公场所", "联系不上"], step=StepInput(
        comment="核查未见办公场所", evidence=[{"kind": "verification", "id": "v1"}]))
    _step(ctx, case, _as(ctx, "yb01", "prefecture_reviewer", "222400"), "agree", comment="同意")
    _step(ctx, case, _as(ctx, "st01", "province_admin", "220000"), "list",
          decision_no="吉建管异〔2026〕3号", decision_date=date(2026, 5, 18))
    return case


def _text(path) -> str:
    return "".join(p.extract_text() for p in PdfReader(path).pages).replace("\n", "")


def test_the_listing_decision_carries_what_the_law_requires(ctx, store, clock, tmp_path):
    case = _listed_case(ctx, store, clock)
    out = render_case_document(store, case, tmp_path / "列入.pdf")
    assert len(PdfReader(out).pages) == 1  # a decision is one sheet
    text = _text(out)
    for expected in ("吉林省住房和城乡建设厅", "吉建管异〔2026〕3号", "入吉企业列入异常名录决定书",
                     "江苏华泰建设工程有限公司", "没有固定办公场所、联系不上", "吉建管〔2023〕8号",
                     "六十日内", "行政复议", "六个月内", "行政诉讼", "2026年5月18日"):
        assert expected in text, expected


def test_removal_and_clearing_documents(ctx, store, clock, tmp_path):
    case = _listed_case(ctx, store, clock)
    province = _as(ctx, "st01", "province_admin", "220000")
    _step(ctx, case, ctx, "apply_rectification", comment="已整改",
          evidence=[{"kind": "note", "id": "n"}])
    _step(ctx, case, ctx, "verify_rectification", comment="核实",
          evidence=[{"kind": "note", "id": "m"}])
    _step(ctx, case, province, "remove", decision_no="吉建管异〔2026〕9号",
          decision_date=date(2026, 5, 18))
    text = _text(render_case_document(store, case, tmp_path / "移出.pdf"))
    assert "入吉企业移出异常名录决定书" in text and "已按要求完成整改" in text
    assert "吉建管异〔2026〕9号" in text


def test_no_document_before_the_province_decides(ctx, store, clock, tmp_path):
    ent = add_enterprise(store, clock.now, home_province="江苏省", home_province_code="320000")
    case = propose(ctx, ent, grounds=["虚假承诺"], step=StepInput(
        comment="x", evidence=[{"kind": "verification", "id": "v1"}]))
    with pytest.raises(InvalidInput, match="尚无可打印的决定文书"):
        render_case_document(store, case, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()


def test_cli_prints_a_case_document(ctx, store, clock, tmp_path):
    case = _listed_case(ctx, store, clock)
    store.close()
    out = tmp_path / "decision.pdf"
    assert main(["--data-dir", str(store.paths.data_dir), "pdf", "case", case, "-o",
                 str(out)]) == 0
    assert "入吉企业列入异常名录决定书" in _text(out)
