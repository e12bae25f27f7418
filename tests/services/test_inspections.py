"""Inspections through the services: lifecycle and lock, answers saved as made with their
findings, the real-name rule, amendments, notices, re-inspections, photos and sealing."""

from __future__ import annotations

import json
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from inspection_support import (
    TEAM,
    completed,
    detail,
    fill,
    photo_file,
    sign_all,
    signature_png,
    site,
    started,
)
from jjg_desktop.paths import resource
from jjg_desktop.rules import key_posts
from jjg_desktop.rules.checklist import content_hash, template_id
from jjg_desktop.rules.draw import EXPERT, OFFICIAL, DrawParams
from jjg_desktop.services import draws, findings, inspections, notices
from jjg_desktop.services.context import ServiceContext
from jjg_desktop.services.errors import InvalidInput
from jjg_desktop.services.inspections import TeamEntry
from jjg_desktop.services.startup import set_profile
from jjg_desktop.store.audit import verify_chain
from jjg_desktop.store.models import (
    Attachment,
    AuditEntry,
    ChecklistTemplate,
    Enterprise,
    Finding,
    Inspection,
    InspectionAnswer,
    OutboxCommand,
    Project,
    ProjectParty,
)
from jjg_desktop.store.read.inspections import template_for
from jjg_desktop.store.read.worklists import InspectionFilter, inspection_ids

TODAY = date(2026, 5, 18)


@pytest.fixture
def project(store, clock) -> str:
    return site(store, clock.now).project_id


@pytest.fixture
def photo(tmp_path) -> Path:
    return photo_file(tmp_path / "IMG_0001.jpg")


def commands(store) -> list[str]:
    with store.db.read() as s:
        return list(s.scalars(select(OutboxCommand.command).order_by(OutboxCommand.id)))


def test_a_record_goes_from_plan_to_locked(ctx, store, project, photo):
    inspection_id = inspections.plan(ctx, project, method="专项", planned_on=TODAY, team=TEAM)
    planned = detail(store, inspection_id)
    assert planned.number == "珲春住建市检〔2026〕001号" and planned.status == "planned"
    with pytest.raises(InvalidInput, match="检查尚未开始"):
        inspections.answer(ctx, inspection_id, "JS-01", "符合")

    inspections.start(ctx, inspection_id, place="教学楼施工现场", method="四不两直")
    fill(ctx, inspection_id, photo)
    sign_all(ctx, inspection_id)
    inspections.complete(ctx, inspection_id, "检查40项，未发现问题。")

    done = detail(store, inspection_id)
    assert (done.status, done.method, done.place) == ("completed", "四不两直", "教学楼施工现场")
    assert done.locked and done.completed_at is not None and done.completion_problems == ()
    with pytest.raises(InvalidInput, match="记录已锁定，请提交更正"):
        inspections.answer(ctx, inspection_id, "JS-01", "不符合")
    with pytest.raises(InvalidInput, match="记录已锁定"):
        inspections.attach_photo(ctx, inspection_id, photo)
    with pytest.raises(InvalidInput, match="记录已锁定"):
        inspections.sign(ctx, inspection_id, signer_role="受检单位代表", signer_name="王五",
                         png=signature_png())
    sent = commands(store)
    assert sent[:2] == ["inspection.plan", "inspection.start"]
    assert sent.count("inspection.answer") == 40 and sent[-1] == "inspection.complete"
    with store.db.read() as s:
        assert verify_chain(s).ok


def test_completion_is_refused_with_everything_missing(ctx, store, project, photo):
    inspection_id = started(ctx, project)
    inspections.answer(ctx, inspection_id, "SM-08", "符合")
    with pytest.raises(InvalidInput) as refused:
        inspections.complete(ctx, inspection_id, "")
    message = str(refused.value)
    for expected in ("尚有 39 项未填写", "以下拍照项尚无照片：SM-08", "请填写检查结论",
                     "受检单位代表尚未签名", "检查人员尚未签名：刘晓燕、金哲"):
        assert expected in message
    assert detail(store, inspection_id).status == "in_progress"


def test_a_noncompliant_answer_makes_its_finding_and_a_changed_one_withdraws_it(
        ctx, store, project, clock):
    contractor = site_contractor(store, project)
    inspection_id = started(ctx, project)
    saved = inspections.answer(ctx, inspection_id, "SM-07", "不符合", "告示牌未公示投诉电话")
    assert saved.finding_change == "created"
    (f,) = detail(store, inspection_id).findings
    assert f.problem == "未按规定设立维权信息告示牌：告示牌未公示投诉电话"
    assert f.legal_basis == "《保障农民工工资支付条例》第三十四条"
    assert f.requirement and f.responsible_role == "施工单位"
    assert f.enterprise_id == contractor and f.deadline == TODAY + timedelta(days=7)

    inspections.save_remark(ctx, inspection_id, "SM-07", "告示牌未公示法律援助渠道")
    assert detail(store, inspection_id).findings[0].problem.endswith("未公示法律援助渠道")
    findings.edit_finding(ctx, f.id, problem="告示牌内容不全", deadline=TODAY + timedelta(days=3))
    inspections.save_remark(ctx, inspection_id, "SM-07", "又补充了说明")
    assert detail(store, inspection_id).findings[0].problem == "告示牌内容不全"  # edits kept

    assert inspections.answer(ctx, inspection_id, "SM-07", "符合").finding_change == "withdrawn"
    assert detail(store, inspection_id).findings == ()
    again = inspections.answer(ctx, inspection_id, "SM-07", "不符合")
    assert again.finding_change == "restored" and again.finding_id == f.id
    (back,) = detail(store, inspection_id).findings
    assert back.problem == "告示牌内容不全" and back.deadline == TODAY + timedelta(days=3)
    assert "finding.create" in commands(store) and "finding.withdraw" in commands(store)


def site_contractor(store, project_id: str) -> str:
    with store.db.read() as s:
        return s.scalars(select(ProjectParty.enterprise_id).where(
            ProjectParty.project_id == project_id, ProjectParty.role == "施工单位")).one()


def test_every_answer_is_its_own_commit(ctx, store, project):
    inspection_id = started(ctx, project)
    inspections.answer(ctx, inspection_id, "JS-01", "符合", "施工许可证已公示")
    with sqlite3.connect(store.paths.db_path) as other:  # another connection sees it at once
        row = other.execute("SELECT value, remark FROM inspection_answer "
                            "WHERE inspection_id = ? AND item_code = 'JS-01'",
                            (inspection_id,)).fetchone()
    assert row == ("符合", "施工许可证已公示")
    inspections.answer(ctx, inspection_id, "JS-01", "不适用")
    with store.db.read() as s:
        answers = s.scalars(select(InspectionAnswer).where(
            InspectionAnswer.inspection_id == inspection_id)).all()
    assert [(a.value, a.remark) for a in answers] == [("不适用", "施工许可证已公示")]


def test_bad_answers_are_refused_and_nothing_is_written(ctx, store, project):
    inspection_id = started(ctx, project)
    with store.db.read() as s:
        before = s.scalar(select(func.count()).select_from(AuditEntry))
    for code, value, message in (("JS-01", "合格", "符合"), ("SM-02", "八成", "应填写数字"),
                                 ("ZZ-99", "符合", "没有检查项")):
        with pytest.raises(InvalidInput, match=message):
            inspections.answer(ctx, inspection_id, code, value)
    with store.db.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEntry)) == before


def test_the_veto_item_records_the_projects_real_name_system(ctx, store, project, photo):
    inspection_id = started(ctx, project)
    saved = inspections.answer(ctx, inspection_id, "SM-01", "不符合", "现场42名工人均未实名登记")
    assert saved.real_name_enabled is False and saved.finding_change == "created"
    with store.db.read() as s:
        assert s.get(Project, project).real_name_enabled is False
    fill(ctx, inspection_id, photo, {"SM-01": ("不符合", "现场42名工人均未实名登记")})
    d = detail(store, inspection_id)
    assert d.real_name.summary.startswith("未开通实名制管理，一票否决")
    assert "SM-02" not in d.answers and d.progress.complete  # no system, no attendance rate
    sign_all(ctx, inspection_id)
    inspections.complete(ctx, inspection_id, "一票否决。")
    with store.db.read() as s:
        cmd = s.scalars(select(OutboxCommand).where(
            OutboxCommand.command == "inspection.complete")).one()
    assert cmd.args["real_name"]["enabled"] is False
    assert "企业年度综合信用评价直接确定为不合格" in cmd.args["real_name"]["veto"]


def test_attendance_below_the_threshold_deducts_points_on_the_record(ctx, store, project,
                                                                     photo):
    inspection_id = completed(ctx, project, photo, {"SM-02": ("72.5", "近30日打卡率72.5%")})
    d = detail(store, inspection_id)
    assert d.real_name.summary == ("已开通实名制管理，打卡率 72.5%（打卡率不低于70%但低于80%）："
                                   "企业扣1分，项目负责人扣1分，总监理工程师扣0.5分")
    (f,) = d.findings
    assert f.item_code == "SM-02" and f.problem.endswith("近30日打卡率72.5%")
    with store.db.read() as s:
        cmd = s.scalars(select(OutboxCommand).where(
            OutboxCommand.command == "inspection.complete")).one()
    assert cmd.args["real_name"]["deduction"] == {"企业": 1, "项目负责人": 1,
                                                  "总监理工程师": 0.5}
    assert cmd.args["findings"] == [f.id]


def test_an_amendment_is_kept_beside_the_original(ctx, store, project, photo, clock):
    inspection_id = completed(ctx, project, photo)
    with pytest.raises(InvalidInput, match="更正须说明理由"):
        inspections.amend(ctx, inspection_id, target="SM-05", new_value="不符合", reason="")
    clock.now += timedelta(days=1)
    inspections.amend(ctx, inspection_id, target="SM-05", new_value="不符合",
                      reason="复核工资保证金凭证，保函已于检查前过期")
    inspections.amend(ctx, inspection_id, target="conclusion", new_value="发现1项问题。",
                      reason="随SM-05更正")
    d = detail(store, inspection_id)
    item = next(i for i in d.items if i.code == "SM-05")
    assert (item.value, item.original_value, item.amended) == ("不符合", "符合", True)
    assert (d.conclusion, d.original_conclusion) == ("发现1项问题。", "检查完毕。")
    assert [(a.label, a.old_value, a.new_value) for a in d.amendments] == [
        ("SM-05 检查结论", "符合", "不符合"), ("检查结论", "检查完毕。", "发现1项问题。")]
    assert d.amendments[0].amended_by == "刘晓燕"
    (f,) = d.findings  # the amended answer is a finding, due from the day of the amendment
    assert f.item_code == "SM-05" and f.deadline == TODAY + timedelta(days=31)
    with store.db.read() as s:  # the locked answer itself is untouched
        stored = s.scalars(select(InspectionAnswer.value).where(
            InspectionAnswer.inspection_id == inspection_id,
            InspectionAnswer.item_code == "SM-05")).one()
    assert stored == "符合" and d.status == "completed"
    with pytest.raises(InvalidInput, match="与原记录相同"):
        inspections.amend(ctx, inspection_id, target="SM-05", new_value="不符合", reason="再次")
    open_one = started(ctx, project)
    with pytest.raises(InvalidInput, match="可以直接修改"):
        inspections.amend(ctx, open_one, target="JS-01", new_value="符合", reason="x")


def test_a_notice_is_numbered_and_due_with_its_latest_finding(ctx, store, project, photo):
    inspection_id = started(ctx, project)
    fill(ctx, inspection_id, photo, {"SM-07": ("不符合", "告示牌不全"),
                                     "JS-06": ("不符合", "未提供支付担保")})
    with pytest.raises(InvalidInput, match="请先完成检查记录"):
        notices.issue_notice(ctx, inspection_id)
    sign_all(ctx, inspection_id)
    inspections.complete(ctx, inspection_id, "发现2项问题。")
    d = detail(store, inspection_id)
    # one notice per responsible unit: the contractor's board, the client's guarantee
    with pytest.raises(InvalidInput, match="分属 2 个责任单位"):
        notices.issue_notice(ctx, inspection_id)
    first, second = notices.issue_notices(ctx, inspection_id)
    (n1, n2) = detail(store, inspection_id).notices
    assert (n1.id, n2.id) == (first, second)
    assert n1.number == "珲春住建市整〔2026〕1号" and n2.number == "珲春住建市整〔2026〕2号"
    by_item = {f.id: f.item_code for f in d.findings}
    assert {by_item[n1.finding_ids[0]], by_item[n2.finding_ids[0]]} == {"SM-07", "JS-06"}
    assert len(n1.finding_ids) == len(n2.finding_ids) == 1
    deadlines = {by_item[n.finding_ids[0]]: n.deadline for n in (n1, n2)}
    assert deadlines == {"JS-06": TODAY + timedelta(days=30), "SM-07": TODAY + timedelta(days=7)}
    board = next(f.id for f in d.findings if f.item_code == "SM-07")
    third = notices.issue_notice(ctx, inspection_id, finding_ids=[board],
                                 deadline=TODAY + timedelta(days=3))
    n3 = detail(store, inspection_id).notices[2]
    assert n3.id == third and n3.number == "珲春住建市整〔2026〕3号" and n3.finding_ids == (board,)
    with pytest.raises(InvalidInput, match="不属于本次检查"):
        notices.issue_notice(ctx, inspection_id, finding_ids=["nope"])
    notices.sign_receipt(ctx, first, signer_name="张立新", png=signature_png())
    assert detail(store, inspection_id).notices[0].received_by == "张立新"


def test_a_reinspection_closes_or_reopens_each_finding(ctx, store, project, photo, clock):
    original = completed(ctx, project, photo, {
        "SM-07": ("不符合", "告示牌不全"), "SG-08": ("不符合", "安全员社保在外单位"),
        "SM-02": ("72.5", "")})
    clock.now += timedelta(days=20)
    re_id = inspections.reinspect(ctx, original, planned_on=TODAY + timedelta(days=20))
    with pytest.raises(InvalidInput, match="已安排复查"):
        inspections.reinspect(ctx, original, planned_on=TODAY + timedelta(days=21))
    planned = detail(store, re_id)
    assert planned.method == "复查" and planned.reinspection_of.id == original
    assert len(planned.reviews) == 3 and {r.outcome for r in planned.reviews} == {"pending"}

    inspections.start(ctx, re_id, place="施工现场")
    assert inspections.answer(ctx, re_id, "SM-07", "符合", "已补全").review_outcome == "closed"
    saved = inspections.answer(ctx, re_id, "SG-08", "不符合", "社保仍未转入")
    assert saved.review_outcome == "reopened" and saved.finding_change == ""  # no new finding
    board = next(r.finding.id for r in planned.reviews if r.finding.item_code == "SM-07")
    rate = next(r.finding.id for r in planned.reviews if r.finding.item_code == "SM-02")
    findings.review_finding(ctx, re_id, rate, outcome="closed", note="打卡率已达86%")
    with pytest.raises(InvalidInput, match="新的整改期限"):
        findings.review_finding(ctx, re_id, board, outcome="reopened", note="x")
    d = detail(store, re_id)
    assert d.review_items == ("SG-08", "SM-02", "SM-07")
    assert not any("未复查" in p for p in d.completion_problems)
    assert any("尚有 1 项未填写" in p for p in d.completion_problems)  # SM-02 not answered
    inspections.answer(ctx, re_id, "SM-02", "86")
    sign_all(ctx, re_id)
    inspections.complete(ctx, re_id, "复查3项：2项已整改，1项未整改。")

    by_item = {f.item_code: f for f in detail(store, original).findings}
    assert by_item["SM-07"].status == "closed" and by_item["SM-02"].status == "closed"
    sg08 = by_item["SG-08"]
    assert sg08.status == "open" and sg08.status_label == "复查未整改"
    assert sg08.review_note == "社保仍未转入" and sg08.deadline == TODAY + timedelta(days=35)
    with store.db.read() as s:
        closed_by = s.get(Finding, board).closed_by
    assert closed_by == re_id
    assert {"finding.close", "finding.reopen", "finding.review"} <= set(commands(store))
    with pytest.raises(InvalidInput, match="请重新安排复查"):
        inspections.amend(ctx, re_id, target="SG-08", new_value="符合", reason="看错了")
    second = inspections.reinspect(ctx, re_id, planned_on=TODAY + timedelta(days=40))
    assert [r.finding.item_code for r in detail(store, second).reviews] == ["SG-08"]


def test_a_reinspection_needs_open_findings(ctx, store, project, photo):
    inspection_id = completed(ctx, project, photo)
    with pytest.raises(InvalidInput, match="没有待整改的问题"):
        inspections.reinspect(ctx, inspection_id, planned_on=TODAY)


def test_photos_are_kept_with_their_item_and_a_corrupt_one_is_refused(ctx, store, project,
                                                                      tmp_path):
    inspection_id = started(ctx, project)
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(photo_file(tmp_path / "ok.jpg").read_bytes()[:3000])
    with pytest.raises(InvalidInput, match=r"照片 broken\.jpg 已损坏或不完整"):
        inspections.attach_photo(ctx, inspection_id, broken, item_code="SM-08")
    not_a_photo = tmp_path / "notes.jpg"
    not_a_photo.write_text("现场记录", encoding="utf-8")
    with pytest.raises(InvalidInput, match="不是可识别的照片文件"):
        inspections.attach_photo(ctx, inspection_id, not_a_photo)
    with store.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Attachment)) == 0
        assert s.scalar(select(func.count()).select_from(InspectionAnswer)) == 0

    kept = inspections.attach_photo(ctx, inspection_id, tmp_path / "ok.jpg", item_code="SM-08",
                                    caption="告示牌")
    general = inspections.attach_photo(ctx, inspection_id, tmp_path / "ok.jpg")
    d = detail(store, inspection_id)
    board = next(i for i in d.items if i.code == "SM-08")
    assert [p.id for p in board.photos] == [kept] and board.value == ""  # not yet answered
    assert [p.id for p in d.photos] == [general]
    inspections.remove_photo(ctx, general)
    assert detail(store, inspection_id).photos == ()


def test_signatures_come_from_the_team_and_the_inspected_party(ctx, store, project):
    inspection_id = started(ctx, project)
    with pytest.raises(InvalidInput, match="不是本次检查组成员"):
        inspections.sign(ctx, inspection_id, signer_role="检查人员", signer_name="路人",
                         png=signature_png())
    with pytest.raises(InvalidInput, match="签名图像已损坏"):
        inspections.sign(ctx, inspection_id, signer_role="检查人员", signer_name="金哲",
                         png=b"\x89PNG broken")
    inspections.sign(ctx, inspection_id, signer_role="检查人员", signer_name="金哲",
                     png=signature_png())
    assert [(s.role, s.name) for s in detail(store, inspection_id).signatures] == [
        ("检查人员", "金哲")]


def test_planning_checks_the_method_and_the_team(ctx, project):
    with pytest.raises(InvalidInput, match="复查请从原检查记录安排"):
        inspections.plan(ctx, project, method="复查", planned_on=TODAY, team=TEAM)
    with pytest.raises(InvalidInput, match="检查组至少需要两名成员"):
        inspections.plan(ctx, project, method="日常", planned_on=TODAY, team=TEAM[:1])
    with pytest.raises(InvalidInput, match="未填写执法证号"):
        inspections.plan(ctx, project, method="日常", planned_on=TODAY,
                         team=[TeamEntry("刘晓燕", "干部"), TeamEntry("金哲", "专家")])


def test_a_drawn_spot_check_is_sealed_until_its_team_starts_it(ctx, store, clock, project):
    draws.add_pool_member(ctx, kind=OFFICIAL, name="朴成哲", enforcement_cert_no="22240400017",
                          username="inspector01")
    draws.add_pool_member(ctx, kind=EXPERT, name="金哲", specialty="建筑工程")
    draw_id = draws.make_draw(ctx, DrawParams(projects=1), seed="s")
    with store.db.read() as s:
        drawn = s.scalars(select(Inspection).where(Inspection.draw_id == draw_id)).one()
    assert drawn.sealed and drawn.number == "珲春住建市检〔2026〕001号"

    drawer = ctx.actor
    outsider = ServiceContext(store=store, clock=clock, actor=set_profile(
        store, username="clerk02", display_name="王丽", role="county_clerk",
        division_code="222404"))
    assert visible(store) == []
    with pytest.raises(InvalidInput, match="只有抽中的检查组成员可以开始检查"):
        inspections.start(outsider, drawn.id, place="现场")

    member = ServiceContext(store=store, clock=clock, actor=set_profile(
        store, username="inspector01", display_name="朴成哲", role="inspector",
        division_code="222404"))
    assert visible(store) == [drawn.id]
    set_profile(store, username=drawer.username, display_name=drawer.display_name,
                role=drawer.role, division_code=drawer.division_code)
    assert visible(store) == [drawn.id]
    with pytest.raises(InvalidInput, match="抽取产生的检查组不能更改"):
        inspections.start(member, drawn.id, place="现场", team=TEAM)
    inspections.start(member, drawn.id, place="现场")
    assert not detail(store, drawn.id).sealed
    set_profile(store, username="clerk02", display_name="王丽", role="county_clerk",
                division_code="222404")
    assert visible(store) == [drawn.id]


def visible(store) -> list[str]:
    """The inspections the 检查 page lists for the active user."""
    with store.db.read() as s:
        return inspection_ids(s, InspectionFilter())


def test_an_inspection_uses_the_checklist_in_force_on_its_day(ctx, store, project):
    """Version 2 was published on 2026-12-01 and version 3 on 2026-12-07: a check takes the
    newest published by its planned day; the version stays with the record."""
    days = (date(2026, 11, 30), date(2026, 12, 1), date(2026, 12, 6), date(2026, 12, 7))
    planned = [inspections.plan(ctx, project, method="专项", planned_on=d, team=TEAM)
               for d in days]
    with store.db.read() as s:
        versions = [s.get(ChecklistTemplate, s.get(Inspection, i).template_id).version
                    for i in planned]
        jl3 = template_for(s, s.get(Inspection, planned[1]).template_id).item("JL-03")
    assert versions == ["1", "2", "2", "3"]
    assert detail(store, planned[1]).template_version == "2"
    assert jl3.noncompliance[0].startswith("总监理工程师同时担任超过三项")
    on_v2, on_v3 = planned[2], planned[3]
    for inspection_id in (on_v2, on_v3):
        inspections.start(ctx, inspection_id, place="施工现场")
    assert inspections.answer(ctx, on_v2, "SM-02", "75").finding_id is not None  # one rate
    with pytest.raises(InvalidInput, match="SM-02 的在岗情况格式不正确"):
        inspections.answer(ctx, on_v3, "SM-02", "75")  # version 3 asks each person's days
    month = f"{TODAY.year}-{TODAY.month - 1:02d}"
    assert inspections.answer(ctx, on_v3, "SM-02", key_posts.encode(
        month, [("项目负责人", "张立新", 22, 15)])).finding_id is not None


def test_a_version_this_program_cannot_read_is_passed_over(ctx, store, project, caplog):
    """The province publishes version 4 for a newer program (an answer type this one does
    not know) and sync brings it: checks go on with version 3, and the log says why; naming
    version 4 outright is refused in Chinese, nothing stored."""
    shipped = json.loads(resource("checklists", "jzsc-zfjcb-2023.v3.json").read_text("utf-8"))
    future = json.loads(json.dumps(shipped))
    future["version"], future["published_on"] = "4", "2027-01-04"
    future["sections"][0]["items"][0]["answer_type"] = "signature_and_video"
    future_id = template_id(future["code"], "4")
    with store.db.write() as s:  # as the sync's apply writes a pulled record
        s.add(ChecklistTemplate(id=future_id, code=future["code"], version="4",
                                title=future["title"], content=future,
                                content_hash=content_hash(future),
                                published_on=date(2027, 1, 4), server_version=7,
                                created_at=datetime(2027, 1, 4), updated_at=datetime(2027, 1, 4)))
    inspection_id = inspections.plan(ctx, project, method="专项", planned_on=date(2027, 1, 5),
                                     team=TEAM)
    assert detail(store, inspection_id).template_version == "3"
    assert "检查表 JZSC-ZFJCB-2023 第 4 版无法在本机程序中使用" in caplog.text
    with store.db.read() as s:
        before = s.scalar(select(func.count()).select_from(Inspection))
    with pytest.raises(InvalidInput, match="该版本检查表无法在本机使用，请升级吉建管"):
        inspections.plan(ctx, project, method="专项", planned_on=date(2027, 1, 5), team=TEAM,
                         template_id=future_id)
    with store.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Inspection)) == before


def test_a_key_posts_sheet_is_saved_with_its_finding_addressed_to_who_is_short(
        ctx, store, project, photo):
    """Version 3's SM-02: the sheet is one answer; the finding names the short people and
    goes to the party holding their posts, following the sheet while the inspector has not
    rewritten it; completion records each person's rate and the charges."""
    ctx.clock.now = datetime(2026, 12, 7, 1, 0)
    inspection_id = started(ctx, project, planned_on=date(2026, 12, 7))
    month = "2026-11"
    supervisor_short = key_posts.encode(month, [
        ("项目负责人", "张立新", 22, 21), ("专职安全员", "王强", 22, 20),
        ("总监理工程师", "李明", 22, 15), ("安全监理工程师", "赵晓", 22, 22)])
    saved = inspections.answer(ctx, inspection_id, "SM-02", supervisor_short)
    with store.db.read() as s:
        f = s.get(Finding, saved.finding_id)
        assert (f.responsible_role, f.problem) == ("监理单位", (
            "关键岗位人员月度在岗率低于80%：2026年11月 "
            "总监理工程师李明 在岗15天/应在岗22天（68.2%）"))
        supervisor_id = f.enterprise_id
        assert s.get(Enterprise, supervisor_id).name == "延边正信工程监理有限公司"
    both_short = key_posts.encode(month, [
        ("项目负责人", "张立新", 22, 10), ("专职安全员", "王强", 22, 20),
        ("总监理工程师", "李明", 22, 15), ("安全监理工程师", "赵晓", 22, 22)])
    inspections.answer(ctx, inspection_id, "SM-02", both_short)
    with store.db.read() as s:
        f = s.get(Finding, saved.finding_id)
        assert f.responsible_role == "施工单位" and "项目负责人张立新 在岗10天" in f.problem
        assert s.get(Enterprise, f.enterprise_id).name == "吉林省鑫源建筑工程有限公司"
        edits = [o.args for o in s.scalars(select(OutboxCommand).where(
            OutboxCommand.entity_id == f.id, OutboxCommand.command == "finding.edit"))]
    assert edits[-1]["responsible_role"] == "施工单位" and "problem" in edits[-1]
    with pytest.raises(InvalidInput, match="第 1 行（项目负责人张立新）：在岗天数应为 0 到 22"):
        inspections.answer(ctx, inspection_id, "SM-02", key_posts.encode(
            month, [("项目负责人", "张立新", 22, 23)]))
    with pytest.raises(InvalidInput, match="统计月份不能晚于检查当月（2026年12月）"):
        inspections.answer(ctx, inspection_id, "SM-02", key_posts.encode(
            "2027-01", [("项目负责人", "张立新", 22, 20)]))
    assert detail(store, inspection_id).answers["SM-02"] == both_short  # kept as it was
    fill(ctx, inspection_id, photo, {"SM-02": (both_short, "")})
    sign_all(ctx, inspection_id)
    inspections.complete(ctx, inspection_id, "检查完毕。")
    with store.db.read() as s:
        done = s.scalars(select(OutboxCommand).where(
            OutboxCommand.command == "inspection.complete")).one().args["real_name"]
    assert done["attendance_percent"] == 45.5 and done["month"] == month
    assert [(p["name"], p["on_duty"]) for p in done["people"]] == [
        ("张立新", 10), ("王强", 20), ("李明", 15), ("赵晓", 22)]
    assert {(c["subject"], c["party"], c["name"]) for c in done["charges"]} == {
        ("企业", "施工单位", "张立新"), ("项目负责人", "施工单位", "张立新"),
        ("企业", "监理单位", "李明"), ("总监理工程师", "监理单位", "李明")}
    # corrected in February: the sheet's month still may not be after the inspection's
    ctx.clock.now = datetime(2027, 2, 1, 1, 0)
    with pytest.raises(InvalidInput, match="统计月份不能晚于检查当月（2026年12月）"):
        inspections.amend(ctx, inspection_id, target="SM-02", reason="复核考勤", new_value=(
            key_posts.encode("2027-01", [("项目负责人", "张立新", 22, 20)])))
    corrected = key_posts.encode(month, [("项目负责人", "张立新", 22, 20)])
    inspections.amend(ctx, inspection_id, target="SM-02", new_value=corrected, reason="复核考勤")
    assert detail(store, inspection_id).answers["SM-02"] == corrected
