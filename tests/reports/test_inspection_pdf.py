"""The printed inspection record and rectification notice, read back: Chinese text, embedded
font, photos and signatures, A4 pages, the QR binding, and the CLI."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from inspection_support import (
    completed,
    detail,
    fill,
    photo_file,
    sign_all,
    signature_png,
    site,
    started,
)
from jjg_desktop.cli.main import main
from jjg_desktop.reports.inspection_record import render_inspection_record
from jjg_desktop.reports.rectification_notice import render_rectification_notice
from jjg_desktop.rules import key_posts
from jjg_desktop.services import inspections, notices
from jjg_desktop.services.errors import InvalidInput
from jjg_desktop.store import attachments
from jjg_desktop.store.models import Enterprise
from jjg_desktop.store.read.local_settings import CONTACT_PHONE, PENALTY_AUTHORITY

A4 = (595, 842)


@pytest.fixture
def record(ctx, store, clock, tmp_path) -> tuple[str, str]:
    """A completed spot check with two findings, an amendment and a signed notice."""
    project = site(store, clock.now).project_id
    photo = photo_file(tmp_path / "board.jpg", size=(3000, 2000))
    inspection_id = completed(ctx, project, photo, {
        "SM-02": ("72.5", "实名制平台统计近30日打卡率72.5%"),
        "SM-07": ("不符合", "告示牌未公示法律援助申请渠道"),
        "XM-03": ("平台登记总监理工程师为赵刚，现场实际为李明", "")},
        conclusion="检查40项：不符合3项。已当场下达整改通知书。")
    inspections.amend(ctx, inspection_id, target="SM-05", new_value="不符合",
                      reason="复核保函已过期")
    notice_id = notices.issue_notice(ctx, inspection_id, received_by="张立新")
    notices.sign_receipt(ctx, notice_id, signer_name="张立新", png=signature_png(5))
    return inspection_id, notice_id


def text_of(path: Path) -> str:
    """The text of every page, lines joined (table cells wrap Chinese anywhere)."""
    return "".join(page.extract_text() for page in PdfReader(path).pages).replace("\n", "")


def assert_fonts_embedded(reader: PdfReader) -> None:
    fonts = [f.get_object() for p in reader.pages for f in p["/Resources"]["/Font"].values()]
    embedded = [f for f in fonts if f["/Subtype"] == "/TrueType"]
    assert embedded and all("/FontFile2" in f["/FontDescriptor"].get_object() for f in embedded)


def test_the_record_reads_back_with_everything_on_it(store, record, tmp_path):
    inspection_id, _ = record
    out = render_inspection_record(store, inspection_id, tmp_path / "检查记录.pdf")
    reader = PdfReader(out)
    text = text_of(out)
    for expected in (
            "建筑市场执法检查记录表", "珲春住建市检〔2026〕001号",
            "珲春市第一中学综合教学楼新建工程",
            "吉林省鑫源建筑工程有限公司", "延边正信工程监理有限公司", "张立新（吉222151612345）",
            "刘晓燕", "22240400001", "金哲", "专家", "日常",
            "工程开工前是否依法取得建筑工程施工许可证", "符合",
            "实名制管理情况", "打卡率 72.5%", "企业扣1分", "发现的问题",
            "告示牌未公示法律援助申请渠道", "《保障农民工工资支付条例》第三十四条",
            "平台登记总监理工程师为赵刚", "检查结论", "已当场下达整改通知书",
            "更正记录", "复核保函已过期", "原为符合", "珲春住建市整〔2026〕1号", "现场照片",
            "受检单位代表", f"记录编号 {inspection_id}",
            "受检单位确认：本记录所载检查情况及发现的问题已向受检单位代表出示，张立新已阅读并签名确认。"):
        assert expected in text, expected
    assert "\x00" not in text
    assert_fonts_embedded(reader)
    assert all((round(float(p.mediabox.width)), round(float(p.mediabox.height))) == A4
               for p in reader.pages)
    images = [img for page in reader.pages for img in page.images]
    photos = [img for img in images if img.name.endswith(".jpg")]
    assert len(photos) == 1 and len(images) == 1 + 3  # one photo (on two items), 3 signatures
    assert max(img.image.width for img in images) <= 1000  # printed size, not the camera's
    assert out.stat().st_size < 1_500_000


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_every_page_renders(store, record, tmp_path):
    out = render_inspection_record(store, record[0], tmp_path / "r.pdf")
    done = subprocess.run(["pdftoppm", "-r", "30", "-png", str(out), str(tmp_path / "page")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0 and not done.stderr
    assert len(list(tmp_path.glob("page*.png"))) == len(PdfReader(out).pages)


def test_the_qr_digest_follows_the_content(store, ctx, record, tmp_path):
    inspection_id, _ = record

    def digest(name: str) -> str:
        first = PdfReader(render_inspection_record(store, inspection_id, tmp_path / name))
        return next(line for line in first.pages[0].extract_text().splitlines()
                    if "内容校验" in line)

    same = digest("a.pdf")
    assert same == digest("b.pdf")
    inspections.amend(ctx, inspection_id, target="conclusion", new_value="检查40项：不符合4项。",
                      reason="随SM-05更正")
    assert digest("c.pdf") != same


def test_the_notice_reads_back_with_its_problems_deadline_and_receipt(store, record, tmp_path):
    inspection_id, notice_id = record
    out = render_rectification_notice(store, notice_id, tmp_path / "整改通知书.pdf")
    reader = PdfReader(out)
    text = text_of(out)
    d = detail(store, inspection_id)
    due = max(f.deadline for f in d.findings)
    for expected in (
            "珲春市住房和城乡建设局", "整改通知书", "珲春住建市整〔2026〕1号",
            "吉林省鑫源建筑工程有限公司：", "珲春市第一中学综合教学楼新建工程",
            "珲春住建市检〔2026〕001号", "告示牌未公示法律援助申请渠道",
            "《保障农民工工资支付条例》第三十四条",
            f"{due.year}年{due.month}月{due.day}日前整改完毕",
            "刘晓燕（执法证号：22240400001）", "送达回执", "张立新", "送达方式直接送达",
            "见证人", "拒签情况", "联系人：刘晓燕。"):
        assert expected in text, expected
    assert "责令你单位" not in text  # checklist version 1 names no provision to order it by
    assert_fonts_embedded(reader)
    assert [img for page in reader.pages for img in page.images]  # the receipt signature


def test_a_notice_on_version_two_cites_the_power_to_order_and_gives_a_contact(
        ctx, store, clock, tmp_path):
    clock.now = datetime(2026, 12, 2, 1, 0)
    project = site(store, clock.now).project_id
    photo = photo_file(tmp_path / "site.jpg")
    notices.set_document_setting(ctx, CONTACT_PHONE, "0433-7512345")
    inspection_id = completed(ctx, project, photo, {"JS-09": ("不符合", "未办理质量监督手续")},
                              planned_on=date(2026, 12, 2))
    notice_id = notices.issue_notice(ctx, inspection_id)
    text = text_of(render_rectification_notice(store, notice_id, tmp_path / "通知书.pdf"))
    for expected in ("依据《建设工程质量管理条例》第四十八条、《建设工程安全生产管理条例》"
                     "第四十三条的规定，现责令你单位对下列问题限期整改",
                     "《建设工程质量管理条例》第十三条", "联系人：刘晓燕；联系电话：0433-7512345。",
                     "珲春市城市建设投资集团有限公司：", "□直接送达"):
        assert expected in text, expected


def test_a_key_posts_sheet_prints_each_person_and_the_charges(ctx, store, clock, tmp_path):
    """Version 2's SM-02 on paper: the month, each key post's person with days and rate, who
    is short, whom the deduction table charges; the checklist cell names the lowest rate."""
    clock.now = datetime(2026, 12, 7, 1, 0)
    project = site(store, clock.now).project_id
    sheet = key_posts.encode("2026-11", [
        ("项目负责人", "张立新", 22, 15), ("专职安全员", "王强", 22, 20),
        ("总监理工程师", "李明", 21, 19), ("安全监理工程师", "赵晓", 22, 22)])
    inspection_id = completed(ctx, project, photo_file(tmp_path / "site.jpg"),
                              {"SM-02": (sheet, "项目负责人多次外出未报备")},
                              planned_on=date(2026, 12, 7))
    text = text_of(render_inspection_record(store, inspection_id, tmp_path / "记录.pdf"))
    for expected in (
            "最低68.2%", "实名制管理情况",
            "2026年11月关键岗位人员月度在岗率低于80%的 1 人：项目负责人张立新 在岗15天/应在岗22天"
            "（68.2%）", "施工单位扣2分，项目负责人张立新扣2分",
            "统计月份：2026年11月", "项目负责人多次外出未报备"):
        assert expected in text, expected
    cells = text.replace(" ", "")  # a table's cells, side by side
    for row in ("序号岗位姓名应在岗天数在岗天数月度在岗率个人扣分",
                "1项目负责人张立新221568.2%2分", "2专职安全员王强222090.9%—",
                "3总监理工程师李明211990.5%—", "4安全监理工程师赵晓2222100.0%—"):
        assert row in cells, row
    assert '{"month"' not in text  # never the stored form
    # corrected: 王强 was on duty 16 days, not 20; the lowest rate stays 张立新's 68.2 %, so
    # only the changed line tells the reader what was corrected
    corrected = key_posts.encode("2026-11", [
        ("项目负责人", "张立新", 22, 15), ("专职安全员", "王强", 22, 16),
        ("总监理工程师", "李明", 21, 19), ("安全监理工程师", "赵晓", 22, 22)])
    inspections.amend(ctx, inspection_id, target="SM-02", new_value=corrected,
                      reason="复核实名制平台考勤记录")
    text = text_of(render_inspection_record(store, inspection_id, tmp_path / "更正.pdf"))
    cells = text.replace(" ", "")
    assert "最低68.2%（已更正，见更正记录）" in cells
    assert ("2026年11月：专职安全员王强在岗20天/应在岗22天（90.9%）"
            "2026年11月：专职安全员王强在岗16天/应在岗22天（72.7%）复核实名制平台考勤记录") in cells
    assert "2专职安全员王强221672.7%" in cells
    assert '{"month"' not in text


def test_a_penalty_proposal_goes_to_the_punishing_authority_with_the_case(
        ctx, store, clock, tmp_path):
    """Not addressed by the bureau to itself, naming the party, the facts and evidence, the
    provision violated and the one that punishes it; ordering nothing."""
    clock.now = datetime(2026, 12, 2, 1, 0)
    project = site(store, clock.now).project_id
    photo = photo_file(tmp_path / "site.jpg")
    fact = "施工总承包单位未派驻项目负责人，现场由个人组织施工"
    inspection_id = started(ctx, project, planned_on=date(2026, 12, 2))
    fill(ctx, inspection_id, photo, {"SG-03": ("不符合", fact)})
    inspections.attach_photo(ctx, inspection_id, photo, item_code="SG-03", caption="现场")
    sign_all(ctx, inspection_id)
    inspections.complete(ctx, inspection_id, "检查完毕。")
    with pytest.raises(InvalidInput, match="请先在 设置 中填写“行政处罚机关”"):
        notices.issue_notice(ctx, inspection_id, kind="行政处罚建议书")
    with store.db.write() as s:
        contractor = s.scalars(select(Enterprise).where(
            Enterprise.name == "吉林省鑫源建筑工程有限公司")).one()
        contractor.address, contractor.legal_representative = "长春市南关区人民大街 1 号", "孙立"
    notices.set_document_setting(ctx, PENALTY_AUTHORITY, "珲春市城市管理综合行政执法局")
    notice_id = notices.issue_notice(ctx, inspection_id, kind="行政处罚建议书")
    out = render_rectification_notice(store, notice_id, tmp_path / "建议书.pdf")
    text = text_of(out)
    for expected in ("行政处罚建议书", "珲春市城市管理综合行政执法局：", "当事人",
                     "吉林省鑫源建筑工程有限公司", "统一社会信用代码", "长春市南关区人民大街 1 号",
                     "孙立", fact, "《中华人民共和国建筑法》第二十八条",
                     "《中华人民共和国建筑法》第六十七条；《建设工程质量管理条例》第六十二条",
                     "检查记录第 SG-03 项；现场照片 1 张", "建议你单位依照上列规定立案调查",
                     "附件：1. 检查记录（珲春住建市检〔2026〕", "珲春市住房和城乡建设局"):
        assert expected in text, expected
    assert "责令" not in text and "整改完毕" not in text
    assert "送达回执" in text and "留置送达" not in text  # an authority signs; no 拒签 row
    assert "珲春市住房和城乡建设局：" not in text  # never to the bureau itself
    assert_fonts_embedded(PdfReader(out))


def test_a_reinspection_record_shows_each_finding_reviewed(ctx, store, clock, record, tmp_path):
    inspection_id, _ = record
    clock.now += timedelta(days=20)
    re_id = inspections.reinspect(ctx, inspection_id, planned_on=clock.now.date())
    inspections.start(ctx, re_id, place="施工现场")
    inspections.answer(ctx, re_id, "SM-07", "符合", "已补充公示法律援助渠道")
    inspections.answer(ctx, re_id, "SM-02", "65", "打卡率仍未达标")
    inspections.answer(ctx, re_id, "XM-03", "无", "平台信息已更正")
    inspections.answer(ctx, re_id, "SM-05", "符合", "已重新开具保函")
    sign_all(ctx, re_id)
    inspections.complete(ctx, re_id, "复查4项问题：3项已整改，1项未整改。")
    text = text_of(render_inspection_record(store, re_id, tmp_path / "复查.pdf"))
    for expected in ("复查情况", "已整改到位", "未整改到位", "打卡率仍未达标", "新整改期限",
                     "原检查记录", "珲春住建市检〔2026〕001号"):
        assert expected in text, expected


def test_a_damaged_photo_file_is_noted_and_the_rest_still_prints(store, record, tmp_path):
    inspection_id, _ = record
    photo = next(p for i in detail(store, inspection_id).items for p in i.photos)
    path = attachments.path_of(store.paths.attachments_dir, photo.sha256)
    path.write_bytes(path.read_bytes()[:1000])
    text = text_of(render_inspection_record(store, inspection_id, tmp_path / "r.pdf"))
    assert f"文件缺失或已损坏，无法打印：{photo.sha256[:12]}" in text
    assert "发现的问题" in text


def test_cli_prints_the_record_and_the_notice(store, record, tmp_path, capsys):
    inspection_id, notice_id = record
    store.close()
    args = ["--data-dir", str(store.paths.data_dir), "pdf"]
    assert main([*args, "inspection", inspection_id, "-o", str(tmp_path / "r.pdf")]) == 0
    assert main([*args, "notice", notice_id, "-o", str(tmp_path / "n.pdf")]) == 0
    assert "建筑市场执法检查记录表" in text_of(tmp_path / "r.pdf")
    assert "整改通知书" in text_of(tmp_path / "n.pdf")
    assert main([*args, "inspection", "no-such-id", "-o", str(tmp_path / "x.pdf")]) == 2
    assert main([*args, "notice", "no-such-id", "-o", str(tmp_path / "y.pdf")]) == 2
    err = capsys.readouterr().err
    assert "找不到检查记录" in err and "找不到整改通知书" in err
    assert not (tmp_path / "x.pdf").exists()
