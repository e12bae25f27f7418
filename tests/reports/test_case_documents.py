from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import date

import pytest
from pypdf import PdfReader

from jjg_desktop.cli.main import main
from jjg_desktop.paths import resource
from jjg_desktop.reports import case_documents, typefaces
from jjg_desktop.reports.case_documents import render_case_document
from jjg_desktop.services.cases import StepInput, propose, take_step
from jjg_desktop.services.context import Actor, ServiceContext
from jjg_desktop.services.errors import InvalidInput
from jjg_desktop.store.models import AbnormalCase, Enterprise
from jjg_desktop.store.rulebook import abnormal_list_workflow
from tests_support import add_enterprise, notify_and_hear


def _as(ctx, username, role, division) -> ServiceContext:
    return ServiceContext(store=ctx.store, actor=Actor(username, username, role, division),
                          clock=ctx.clock)


def _step(ctx, case, who, action, **fields):
    with ctx.store.db.read() as s:
        version = s.get(AbnormalCase, case).version
    take_step(who, case, action, base_version=version, step=StepInput(**fields))


FOUND = "2026年5月6日到登记的驻吉办公地址核查，未见办公场所，登记的联系电话无人接听"


def _listed_case(ctx, store, clock) -> str:
    ent = add_enterprise(store, clock.now, name="江苏华泰建设工程有限公司",
                         home_province="江苏省", home_province_code="320000")
    with store.db.write() as s:
        enterprise = s.get(Enterprise, ent)
        enterprise.address = "南京市建邺区江东中路 88 号"
        enterprise.legal_representative = "王建华"
    case = propose(ctx, ent, grounds=["没有固定办公场所", "联系不上"], step=StepInput(
        comment=FOUND, evidence=[{"kind": "verification", "id": "v1"}]))
    _step(ctx, case, _as(ctx, "yb01", "prefecture_reviewer", "222400"), "agree", comment="同意")
    notify_and_hear(_as(ctx, "st01", "province_admin", "220000"), case)
    _step(ctx, case, _as(ctx, "st01", "province_admin", "220000"), "list",
          decision_no="吉建管异〔2026〕3号", decision_date=date(2026, 5, 18))
    return case


def assert_laid_out_as_an_official_document(path, dated: str) -> None:
    """GB/T 9704: pages numbered "— N —"; the date, with the issuer above it, and the 版记
    (抄送, 印发) on the last page, never a date alone at the top of one."""
    pages = [p.extract_text().replace("\n", "") for p in PdfReader(path).pages]
    for n, text in enumerate(pages, start=1):
        assert f"— {n} —" in text, n
    last = pages[-1].replace(" ", "")
    assert f"吉林省住房和城乡建设厅{dated}" in last
    assert "抄送：" in last and f"{dated}印发" in last
    assert last.index(dated) < last.index("抄送：")


def _text(path) -> str:
    return "".join(p.extract_text() for p in PdfReader(path).pages).replace("\n", "")


def test_the_listing_decision_carries_what_the_law_requires(ctx, store, clock, tmp_path):
    case = _listed_case(ctx, store, clock)
    out = render_case_document(store, case, tmp_path / "列入.pdf")
    assert_laid_out_as_an_official_document(out, "2026年5月18日")
    text = _text(out)
    for expected in ("吉林省住房和城乡建设厅", "吉建管异〔2026〕3号", "入吉企业列入异常名录决定书",
                     "江苏华泰建设工程有限公司", "没有固定办公场所、联系不上", "吉建管〔2023〕8号",
                     "六十日内", "行政复议", "六个月内", "行政诉讼", "2026年5月18日",
                     "住所：南京市建邺区江东中路 88 号", "法定代表人：王建华", f"经查，{FOUND}。",
                     "90日内完成整改", "30日内提出异议"):
        assert expected in text, expected
    assert "2026-05-18" not in text
    # 文号 above the red line, as GB/T 9704 places it: the number comes before the title
    assert text.index("吉建管异〔2026〕3号", 30) < text.index("入吉企业列入异常名录决定书", 30)


def test_the_party_is_told_before_it_is_listed(ctx, store, clock, tmp_path):
    ent = add_enterprise(store, clock.now, name="江苏华泰建设工程有限公司",
                         home_province="江苏省", home_province_code="320000")
    case = propose(ctx, ent, grounds=["联系不上"], step=StepInput(
        comment=FOUND, evidence=[{"kind": "verification", "id": "v1"}]))
    _step(ctx, case, _as(ctx, "yb01", "prefecture_reviewer", "222400"), "agree", comment="同意")
    _step(ctx, case, _as(ctx, "st01", "province_admin", "220000"), "notify_listing",
          decision_no="吉建告〔2026〕5号", decision_date=date(2026, 5, 18))
    out = render_case_document(store, case, tmp_path / "告知.pdf")
    text = _text(out)
    for expected in ("入吉企业拟列入异常名录告知书", "吉建告〔2026〕5号", "2026年5月18日",
                     f"经查，{FOUND}。", "本厅拟将你单位列入吉林省入吉企业异常名录",
                     "吉建管〔2023〕8号", "行政处罚法》第四十四条、第四十五条",
                     "国办发〔2020〕49号",
                     "自收到本告知书之日起5个工作日内向本厅提出陈述和申辩",
                     "逾期未提出的，视为放弃陈述和申辩的权利"):
        assert expected in text, expected
    assert "行政复议" not in text and "决定书" not in text
    assert_laid_out_as_an_official_document(out, "2026年5月18日")


def test_what_a_decision_cites_and_decides_is_the_published_data(
        ctx, store, clock, tmp_path, monkeypatch):
    case = _listed_case(ctx, store, clock)
    shipped = abnormal_list_workflow()
    listed = replace(shipped.documents["listed"], basis=("《某某条例》第十条", "第十二条"),
                     decision="将你单位列入异常名录", consequences="列入期间不得参加评优。",
                     conditions="自公示之日起{rectification_days}日内向{division}住房城乡建设局申请核实。")
    published = replace(shipped, documents={**shipped.documents, "listed": listed},
                        periods={**shipped.periods, "rectification_days": 60})
    monkeypatch.setattr(case_documents, "abnormal_list_workflow", lambda: published)
    text = _text(render_case_document(store, case, tmp_path / "列入.pdf"))
    assert "依据《某某条例》第十条、第十二条的规定，本厅决定将你单位列入异常名录。" in text
    assert "列入期间不得参加评优。" in text
    assert "自公示之日起60日内向珲春市住房城乡建设局申请核实。" in text
    assert "吉建管〔2023〕8号" not in text and "逾期未整改" not in text


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


def test_a_clearing_states_the_facts_found_not_a_template_alternative(
        ctx, store, clock, tmp_path):
    case = _listed_case(ctx, store, clock)
    reasons = "列入异常名录后逾期未申请整改核实，再次核查仍无固定办公场所"
    province = _as(ctx, "st01", "province_admin", "220000")
    _step(ctx, case, province, "notify_clearing", comment=reasons,
          decision_no="吉建告〔2026〕12号", decision_date=date(2026, 5, 18))
    told = _text(render_case_document(store, case, tmp_path / "告知.pdf"))
    assert "入吉企业拟清出吉林省建筑市场告知书" in told and "吉建告〔2026〕12号" in told
    assert f"经查，{reasons}。" in told and "拟将你单位清出吉林省建筑市场" in told
    assert "5个工作日内向本厅提出陈述和申辩" in told and "行政处罚法》第四十四条" in told
    assert "行政复议" not in told
    _step(ctx, case, province, "hear_clearing", comment="企业称已另租办公场所，未提交租赁合同")
    _step(ctx, case, province, "clear_out",
          decision_no="吉建管异〔2026〕11号", decision_date=date(2026, 5, 18), comment=reasons)
    out = render_case_document(store, case, tmp_path / "清出.pdf")
    text = _text(out)
    assert "入吉企业清出吉林省建筑市场通知书" in text
    assert f"经查，{reasons}。" in text
    assert "或情节严重" not in text and "（或" not in text
    assert "被列入吉林省入吉企业异常名录" in text and "年" in text.split("被列入")[0][-12:]
    assert "重新办理入吉信息登记" in text and "不得在我省承揽" in text
    assert "不服本通知" in text
    assert_laid_out_as_an_official_document(out, "2026年5月18日")


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


def _fonts(path) -> set[str]:
    """The faces the PDF uses, each checked embedded and subset (TrueType outlines)."""
    names = set()
    for page in PdfReader(path).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if font["/Subtype"] != "/TrueType":
                continue
            assert "/FontFile2" in font["/FontDescriptor"].get_object()
            base = str(font["/BaseFont"])
            assert base[7] == "+", base  # subset: 'AAAAAA+Name'
            names.add(base[8:])
    return names


@pytest.fixture
def fresh_faces(monkeypatch, tmp_path):
    """No system 仿宋 unless a test puts one in the folder looked at first."""
    folder = tmp_path / "fonts"
    folder.mkdir()
    monkeypatch.setenv(typefaces.FONTS_ENV, str(folder))
    monkeypatch.setattr(typefaces, "font_dirs", lambda: [folder])
    typefaces.official_faces.cache_clear()
    yield folder
    typefaces.official_faces.cache_clear()


def test_a_decision_is_set_in_a_song_face_embedded_where_the_laptop_has_no_fangsong(
        ctx, store, clock, tmp_path, fresh_faces):
    case = _listed_case(ctx, store, clock)
    out = render_case_document(store, case, tmp_path / "列入.pdf")
    assert "BousungEG-Light-GB" in _fonts(out)  # AR PL SungtiL GB, bundled


def test_the_laptops_own_fangsong_is_used_for_the_body(
        ctx, store, clock, tmp_path, fresh_faces):
    shutil.copy(resource("fonts", "WenQuanYiMicroHei.ttf"), fresh_faces / "SIMFANG.TTF")
    assert typefaces.official_faces().body == "jjg-fangsong"
    case = _listed_case(ctx, store, clock)
    out = render_case_document(store, case, tmp_path / "列入.pdf")
    assert {"WenQuanYiMicroHei", "BousungEG-Light-GB"} <= _fonts(out)  # body; title


def test_a_name_the_song_face_lacks_is_printed_not_left_blank(
        ctx, store, clock, tmp_path, fresh_faces):
    ent = add_enterprise(store, clock.now, name="江苏喆犇建设工程有限公司",
                         home_province="江苏省", home_province_code="320000")
    case = propose(ctx, ent, grounds=["联系不上"], step=StepInput(
        comment=FOUND, evidence=[{"kind": "verification", "id": "v1"}]))
    _step(ctx, case, _as(ctx, "yb01", "prefecture_reviewer", "222400"), "agree", comment="同意")
    _step(ctx, case, _as(ctx, "st01", "province_admin", "220000"), "notify_listing",
          decision_no="吉建告〔2026〕6号", decision_date=date(2026, 5, 18))
    out = render_case_document(store, case, tmp_path / "告知.pdf")
    assert "当事人：江苏喆犇建设工程有限公司" in _text(out)
    assert _fonts(out) == {"WenQuanYiMicroHei"}
