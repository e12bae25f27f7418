"""异常名录 through the window: each level opens the case, sees only the steps its role may
take, takes them through the step dialog, and the timeline, the enterprise's status and the
printed decisions follow; a stale decision is refused plainly and the case shown afresh."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, datetime
from typing import TYPE_CHECKING

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QTreeWidget
from pytestqt.qtbot import QtBot

from jjg_desktop.qt.cases.case_detail import CaseDetailView
from jjg_desktop.qt.cases.case_page import CasePage
from jjg_desktop.qt.cases.case_step_dialog import CaseStepDialog
from jjg_desktop.qt.dashboard.dashboard import Dashboard
from jjg_desktop.qt.kit.presets import OVERDUE_COLORS
from jjg_desktop.qt.kit.tasks import TaskRunner
from jjg_desktop.qt.shell.app import build_main_window
from jjg_desktop.qt.shell.main_window import MainWindow
from jjg_desktop.rules.verification import FAILED, PASSED, CallAttempt, CheckResult
from jjg_desktop.services.cases import StepInput, propose, take_step
from jjg_desktop.services.context import Actor, ServiceContext, Store
from jjg_desktop.services.verifications import record_verification
from jjg_desktop.store.base import new_id
from jjg_desktop.store.models import AbnormalCase
from tests_support import notify_and_hear, signed_verification

if TYPE_CHECKING:
    from conftest import Sample, TypeChinese

TODAY = date(2026, 5, 18)
NOW = datetime(2026, 5, 18, 1, 30)
COUNTY = Actor("clerk01", "刘晓燕", "county_clerk", "222404")
PREFECTURE = Actor("yb01", "金哲", "prefecture_reviewer", "222400")
PROVINCE = Actor("st01", "孙伟", "province_admin", "220000")

OpenAs = Callable[[Actor], MainWindow]


@pytest.fixture
def open_as(qtbot: QtBot, store: Store) -> Iterator[OpenAs]:
    """The main window as this user would open it on their own machine."""
    opened: list[MainWindow] = []

    def open_(actor: Actor) -> MainWindow:
        win = build_main_window(store, actor, tasks=TaskRunner(synchronous=True),
                                today=lambda: TODAY)
        win.workspace.clock = lambda: NOW
        qtbot.addWidget(win)
        win.resize(1366, 768)
        win.show()
        opened.append(win)
        return win

    yield open_
    for win in opened:
        for dialog in win.findChildren(CaseStepDialog):
            dialog.reject()
        win.close()


def services(store: Store, actor: Actor = COUNTY) -> ServiceContext:
    return ServiceContext(store, actor, lambda: NOW)


def phone_check(store: Store, enterprise: str, on: date, outcome: str) -> str:
    call = CallAttempt(f"{on} 09:00", "13943312345", answered=outcome == PASSED)
    return record_verification(
        services(store), enterprise, verified_on=on, method="电话核查", verifiers=["刘晓燕"],
        checks={"reachable": CheckResult(outcome, "连续三日无人接听" if outcome == FAILED
                                         else "", [call])},
        signatures=signed_verification(["刘晓燕"], "电话核查"))


def proposed_case(store: Store, sample: Sample, name: str = "江苏华泰建设工程有限公司") -> tuple[
        str, str, str]:
    """(enterprise, failed verification, case) — the county's proposal."""
    ent = sample.enterprise(name, home=("320000", "江苏省"))
    failed = phone_check(store, ent, date(2026, 5, 11), FAILED)
    case = propose(services(store), ent, grounds=["联系不上"], step=StepInput(
        comment="三次电话均未接通", evidence=[{"kind": "verification", "id": failed}]))
    return ent, failed, case


def open_case(window: MainWindow, case_id: str) -> CaseDetailView:
    window.workspace.go("cases", case_id)
    page = window.pages["cases"]
    assert isinstance(page, CasePage)
    assert page.currentWidget() is page.detail
    return page.detail


def offered(detail: CaseDetailView) -> list[str]:
    return [b.text() for b in detail.action_buttons.values()]


def begin(qtbot: QtBot, detail: CaseDetailView, action: str) -> CaseStepDialog:
    qtbot.mouseClick(detail.action_buttons[action], Qt.MouseButton.LeftButton)
    dialog = detail.step_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def fill(dialog: CaseStepDialog, type_chinese: TypeChinese, *, comment: str = "",
         evidence: tuple[str, ...] = (), note: str = "", decision_no: str = "") -> None:
    if comment:
        type_chinese(dialog.comment, comment)
    for item_id in evidence:
        dialog.check(item_id)
    if note:
        type_chinese(dialog.note, note)
        dialog.add_note_button.click()
    if decision_no:
        type_chinese(dialog.decision_no, decision_no)


def confirm(qtbot: QtBot, dialog: CaseStepDialog) -> None:
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def step(qtbot: QtBot, type_chinese: TypeChinese, detail: CaseDetailView, action: str,
         **fields: str | tuple[str, ...]) -> None:
    dialog = begin(qtbot, detail, action)
    fill(dialog, type_chinese, **fields)  # type: ignore[arg-type]
    confirm(qtbot, dialog)
    assert not dialog.isVisible(), dialog.message.text()


def timeline(detail: CaseDetailView) -> list[list[str]]:
    """Each step as the user reads it: its heading line, who, then comment and evidence."""
    entries: list[list[str]] = []
    for line in detail.timeline.toPlainText().splitlines():
        if line.startswith("●"):
            entries.append([line])
        elif line.strip():
            entries[-1].append(line)
    return entries


def steps_taken(detail: CaseDetailView) -> list[tuple[str, str, str]]:
    """(action, who, comment) of each step."""
    out = []
    for entry in timeline(detail):
        action = entry[0].removeprefix("● ").split("  ")[0]
        comment = entry[2] if len(entry) > 2 and not entry[2].startswith("证据") else ""
        out.append((action, entry[1], comment))
    return out


def evidence_of_step(detail: CaseDetailView, row: int) -> list[str]:
    return [line for line in timeline(detail)[row] if line.startswith("证据")]


def print_decision(qtbot: QtBot, detail: CaseDetailView, title: str) -> None:
    assert detail.print_button.isVisible()
    qtbot.mouseClick(detail.print_button, Qt.MouseButton.LeftButton)
    preview = detail.preview
    assert preview is not None and preview.windowTitle() == title
    assert preview.document.pageCount() >= 1
    preview.close()


def test_a_case_from_proposal_to_removal_with_each_level_in_its_role(
        qtbot: QtBot, store: Store, sample: Sample, type_chinese: TypeChinese,
        open_as: OpenAs) -> None:
    ent, _, case = proposed_case(store, sample)

    # 市州: only review steps; sends the case back for more evidence
    detail = open_case(open_as(PREFECTURE), case)
    assert detail.status.text() == "拟列入（待市州审核）"
    assert offered(detail) == ["退回补充证据", "同意列入"]
    dialog = begin(qtbot, detail, "return")
    assert dialog.comment.isVisibleTo(dialog)
    assert not dialog.evidence.isVisibleTo(dialog)
    assert not dialog.decision_no.isVisibleTo(dialog)
    confirm(qtbot, dialog)
    assert dialog.isVisible() and dialog.message.text() == "请填写：意见说明。"
    fill(dialog, type_chinese, comment="请补充实地核查记录")
    confirm(qtbot, dialog)
    assert detail.status.text() == "退回补充证据"
    assert offered(detail) == []
    assert detail.actions_hint.text() == "当前待县（市、区）办理，您没有可办理的事项。"

    # 县: a site visit, then resubmits citing it
    site = record_verification(
        services(store), ent, verified_on=date(2026, 5, 15), method="实地核查",
        verifiers=["刘晓燕", "王丽"], checks={"office_present": CheckResult(
            FAILED, "登记的办公地址为空置商铺")},
        signatures=signed_verification(["刘晓燕", "王丽"], "实地核查"))
    detail = open_case(open_as(COUNTY), case)
    assert offered(detail) == ["补充后重新报送", "撤回"]
    dialog = begin(qtbot, detail, "resubmit")
    choices = [dialog.evidence.item(n).text() for n in range(dialog.evidence.count())]
    assert choices == ["2026-05-15 实地核查：固定办公场所不通过",
                       "2026-05-11 电话核查：能够取得联系不通过（案卷中已有）"]
    fill(dialog, type_chinese, comment="已补充实地核查记录", evidence=(site,))
    confirm(qtbot, dialog)
    assert detail.status.text() == "拟列入（待市州审核）"

    # 市州 agrees; 省厅 first tells the enterprise and hears it, then lists with a number
    step(qtbot, type_chinese, open_case(open_as(PREFECTURE), case), "agree",
         comment="事实清楚，同意列入")
    detail = open_case(open_as(PROVINCE), case)
    assert offered(detail) == ["告知拟列入", "不予列入"]
    assert not detail.print_button.isVisible()
    step(qtbot, type_chinese, detail, "notify_listing", decision_no="吉建告〔2026〕3号")
    assert detail.status.text() == "已告知拟列入（陈述申辩期）"
    assert detail.values["enterpriseStatusValue"].text() == "正常"
    print_decision(qtbot, detail, "入吉企业拟列入异常名录告知书")
    assert offered(detail) == ["登记陈述申辩", "期满未陈述申辩"]
    dialog = begin(qtbot, detail, "lapse_listing")
    confirm(qtbot, dialog)
    assert "陈述申辩期（至 2026-05-25）尚未届满，届满后方可“期满未陈述申辩”" in (
        detail.notice.text()), detail.notice.text()
    assert detail.status.text() == "已告知拟列入（陈述申辩期）"
    step(qtbot, type_chinese, detail, "hear_listing", comment="企业陈述已恢复联系，未提交证明")
    assert offered(detail) == ["决定列入", "不予列入"]
    dialog = begin(qtbot, detail, "list")
    assert not dialog.comment.isVisibleTo(dialog)
    assert dialog.decision_date.date().toPython() == TODAY
    fill(dialog, type_chinese, decision_no="吉建管异〔2026〕3号")
    confirm(qtbot, dialog)
    assert detail.status.text() == "已列入"
    assert detail.values["enterpriseStatusValue"].text() == "异常名录"
    assert detail.values["decisionNoValue"].text() == "吉建管异〔2026〕3号"
    assert detail.values["decisionDateValue"].text() == "2026-05-18"
    print_decision(qtbot, detail, "入吉企业列入异常名录决定书")

    # 县 registers the rectification and verifies it
    passed = phone_check(store, ent, date(2026, 5, 18), PASSED)
    county = open_as(COUNTY)
    detail = open_case(county, case)
    assert offered(detail) == ["登记异议", "登记整改申请"]
    step(qtbot, type_chinese, detail, "apply_rectification", comment="企业已在珲春设立办公场所",
         note="企业提交的整改报告（纸质）")
    step(qtbot, type_chinese, detail, "verify_rectification", comment="经电话核查可正常联系",
         evidence=(passed,))
    assert detail.status.text() == "整改已核实（待省厅移出）"

    # 省厅 removes it
    province = open_as(PROVINCE)
    detail = open_case(province, case)
    step(qtbot, type_chinese, detail, "remove", decision_no="吉建管异〔2026〕9号")
    assert detail.status.text() == "已移出"
    assert detail.values["enterpriseStatusValue"].text() == "正常"
    assert detail.actions_hint.text() == "案件已办结，无需再办理。"
    print_decision(qtbot, detail, "入吉企业移出异常名录决定书")

    county_clerk = "刘晓燕 · 县级住建局 · 珲春市"
    reviewer = "金哲 · 市州审核 · 延边朝鲜族自治州"
    admin = "孙伟 · 省厅 · 吉林省"
    assert steps_taken(detail) == [
        ("拟列入", county_clerk, "三次电话均未接通"),
        ("退回补充证据", reviewer, "请补充实地核查记录"),
        ("补充后重新报送", county_clerk, "已补充实地核查记录"),
        ("同意列入", reviewer, "事实清楚，同意列入"),
        ("告知拟列入", admin, ""),
        ("登记陈述申辩", admin, "企业陈述已恢复联系，未提交证明"),
        ("决定列入", admin, ""),
        ("登记整改申请", county_clerk, "企业已在珲春设立办公场所"),
        ("整改核实通过", county_clerk, "经电话核查可正常联系"),
        ("决定移出", admin, "")]
    assert evidence_of_step(detail, 0) == [
        "证据 · 核查记录：2026-05-11 电话核查：能够取得联系不通过"]
    assert evidence_of_step(detail, 2) == [
        "证据 · 核查记录：2026-05-15 实地核查：固定办公场所不通过"]
    assert evidence_of_step(detail, 7) == ["证据 · 书面材料：企业提交的整改报告（纸质）"]
    assert timeline(detail)[9][0].endswith("· 本机办理，待上传")
    assert detail.evidence.rowCount() == 4

    # the enterprise page and the list show the new status
    province.enterprises.open(ent)
    assert province.enterprises.detail.status.text() == "正常"
    page = province.pages["cases"]
    assert isinstance(page, CasePage)
    qtbot.mouseClick(detail.back_button, Qt.MouseButton.LeftButton)
    assert page.currentWidget() is page.list and page.list.current_id() == case
    assert page.model.data(page.model.index(0, 3)) == "已移出"


def test_the_second_of_two_offline_reviewers_is_told_and_sees_the_first_decision(
        qtbot: QtBot, store: Store, sample: Sample, type_chinese: TypeChinese,
        open_as: OpenAs) -> None:
    _, _, case = proposed_case(store, sample)
    first = open_case(open_as(PREFECTURE), case)
    second = open_case(open_as(Actor("yb02", "朴美兰", "prefecture_reviewer", "222400")), case)
    late = begin(qtbot, second, "return")
    fill(late, type_chinese, comment="请补充证据")

    step(qtbot, type_chinese, first, "agree", comment="同意列入")
    confirm(qtbot, late)

    assert not late.isVisible()
    assert second.notice.isVisible()
    assert second.notice.text().startswith("未能办理“退回补充证据”：该案件已在别处被处理")
    assert "最近一步是金哲于 " in second.notice.text()
    assert second.notice.text().endswith(" 办理的“同意列入”。下面已是案件的最新情况。")
    assert second.status.text() == "市州同意（待省厅决定）"
    assert steps_taken(second)[-1] == ("同意列入", "金哲 · 市州审核 · 延边朝鲜族自治州", "同意列入")
    assert offered(second) == []
    assert second.actions_hint.text() == "当前待省厅办理，您没有可办理的事项。"
    with store.db.read() as s:
        assert s.get(AbnormalCase, case).state == "reviewed"


def test_each_role_is_offered_only_its_own_steps(
        qtbot: QtBot, store: Store, sample: Sample, type_chinese: TypeChinese,
        open_as: OpenAs) -> None:
    _, _, case = proposed_case(store, sample)
    county, prefecture, province = (open_as(a) for a in (COUNTY, PREFECTURE, PROVINCE))
    other_prefecture = open_as(Actor("cc01", "赵磊", "prefecture_reviewer", "220100"))
    assert offered(open_case(county, case)) == ["撤回"]
    assert offered(open_case(province, case)) == []
    assert offered(open_case(other_prefecture, case)) == []
    step(qtbot, type_chinese, open_case(prefecture, case), "agree", comment="同意")
    assert offered(open_case(county, case)) == []
    assert offered(open_case(prefecture, case)) == []
    assert offered(open_case(province, case)) == ["告知拟列入", "不予列入"]


def test_dashboard_reminds_each_level_of_the_cases_waiting_on_it(
        qtbot: QtBot, store: Store, sample: Sample, open_as: OpenAs) -> None:
    _, _, proposed = proposed_case(store, sample, "江苏华泰建设工程有限公司")
    returned_ent = sample.enterprise("天津远祥路桥工程有限责任公司", home=("120000", "天津市"))
    returned = sample.case(returned_ent, state="returned", deadline=date(2026, 5, 8))
    later = sample.case(sample.enterprise("济南鼎立建筑工程有限公司"), state="listed",
                        deadline=date(2026, 8, 1))
    sample.case(sample.enterprise("四川亿通建筑工程有限公司"), state="removed")

    def waiting(window: MainWindow) -> tuple[Dashboard, QTreeWidget]:
        dash = window.pages["dashboard"]
        assert isinstance(dash, Dashboard)
        return dash, dash.waiting

    dash, tree = waiting(open_as(COUNTY))
    rows = [[tree.topLevelItem(n).text(c) for c in range(5)]
            for n in range(tree.topLevelItemCount())]
    # a listed case waits on the enterprise (an objection or an application), not the county
    assert rows == [
        ["天津远祥路桥工程有限责任公司", "联系不上", "退回补充证据", "2026-05-08（已逾期）",
         "珲春市"]]
    assert tree.topLevelItem(0).background(0).color() == OVERDUE_COLORS[1]
    assert dash.waiting_caption.text() == "待我办理的异常名录案件（1 件）"
    assert tree.topLevelItem(0).data(0, Qt.ItemDataRole.UserRole) == returned
    assert later not in {tree.topLevelItem(n).data(0, Qt.ItemDataRole.UserRole)
                         for n in range(tree.topLevelItemCount())}

    prefecture = open_as(PREFECTURE)
    dash, tree = waiting(prefecture)
    assert tree.topLevelItemCount() == 1
    assert tree.topLevelItem(0).text(0) == "江苏华泰建设工程有限公司"
    tree.setFocus()
    tree.setCurrentItem(tree.topLevelItem(0))
    qtbot.keyClick(tree, Qt.Key.Key_Return)
    assert prefecture.page_key() == "cases"
    page = prefecture.pages["cases"]
    assert isinstance(page, CasePage)
    assert page.detail.case_id == proposed and offered(page.detail) == ["退回补充证据", "同意列入"]

    dash, tree = waiting(open_as(PROVINCE))
    assert dash.waiting_caption.text() == "待我办理的异常名录案件：暂无"
    dash, tree = waiting(open_as(Actor("insp01", "张伟", "inspector", "222404")))
    assert tree.topLevelItemCount() == 0


def test_the_list_by_state_waiting_level_and_mine_with_escalation(
        qtbot: QtBot, store: Store, sample: Sample, open_as: OpenAs) -> None:
    _, _, proposed = proposed_case(store, sample)
    old = sample.case(sample.enterprise("天津远祥路桥工程有限责任公司"), state="listed",
                      deadline=date(2023, 8, 10))
    with store.db.write() as s:
        case = s.get(AbnormalCase, old)
        case.decision_no, case.decision_date = "吉建管异〔2023〕12号", date(2023, 5, 12)
    sample.case(sample.enterprise("四川亿通建筑工程有限公司"), state="removed")

    window = open_as(COUNTY)
    window.show_page(4)
    page = window.pages["cases"]
    assert isinstance(page, CasePage)
    headers = [page.model.headerData(c, Qt.Orientation.Horizontal)
               for c in range(page.model.columnCount())]
    assert headers == ["企业", "信用代码", "事由", "状态", "期限", "待办层级", "提示"]

    def rows() -> list[list[str]]:
        return [[page.model.data(page.model.index(r, c)) for c in (0, 3, 4, 5, 6)]
                for r in range(page.model.rowCount())]

    # the objection period is the enterprise's window: once past, it is past, not overdue
    assert rows()[0] == ["天津远祥路桥工程有限责任公司", "已列入", "异议期至 2023-08-10（已过）",
                         "企业", "列入满3年，应转入严重违法失信名单"]
    assert rows()[1][0] == "江苏华泰建设工程有限公司" and rows()[1][3:] == ["市州", ""]
    assert rows()[2][3] == ""

    page.mine.setCurrentIndex(page.mine.findText("只看待我办理"))
    assert [r[0] for r in rows()] == []
    page.mine.setCurrentIndex(0)
    page.state.setCurrentIndex(page.state.findText("拟列入（待市州审核）"))
    assert [r[0] for r in rows()] == ["江苏华泰建设工程有限公司"]
    assert page.list.count_label.text() == "共 1 件"

    page.state.setCurrentIndex(0)
    page.list.table.setCurrentIndex(page.model.index(0, 0))
    qtbot.keyClick(page.list.table, Qt.Key.Key_Return)
    assert page.currentWidget() is page.detail
    assert page.detail.escalation.isVisible()
    assert page.detail.escalation.text() == "列入满3年，应转入严重违法失信名单"
    assert page.detail.values["deadlineValue"].text() == "异议期至 2023-08-10（已过）"
    assert page.detail.values["waitingValue"].text() == (
        "等待企业提出异议或申请移出（由县级登记）")
    assert offered(page.detail) == ["登记异议", "登记整改申请"]  # the county can act on it
    window.workspace.go("cases", proposed)
    assert not page.detail.escalation.isVisible()


def test_a_cited_verification_opens_as_its_printed_record(
        qtbot: QtBot, store: Store, sample: Sample, open_as: OpenAs) -> None:
    _, failed, case = proposed_case(store, sample)
    with store.db.write() as s:
        s.get(AbnormalCase, case).evidence = [
            *s.get(AbnormalCase, case).evidence,
            {"kind": "note", "id": new_id(), "summary": "企业登记电话为空号的截图"}]
    detail = open_case(open_as(PREFECTURE), case)
    assert [detail.evidence.item(n, 0).text() for n in range(2)] == ["核查记录", "书面材料"]
    detail.evidence.setCurrentCell(1, 1)
    assert not detail.open_evidence_button.isEnabled()
    detail.evidence.setCurrentCell(0, 1)
    assert detail.open_evidence_button.isEnabled()
    qtbot.mouseClick(detail.open_evidence_button, Qt.MouseButton.LeftButton)
    assert detail.preview is not None
    assert detail.preview.windowTitle() == "入吉企业动态核查记录"
    assert detail.preview.document.pageCount() >= 1
    detail.preview.close()

    # the same record from its link in the timeline
    assert f'href="verification:{failed}"' in detail.timeline.toHtml()
    detail.timeline.anchorClicked.emit(QUrl(f"verification:{failed}"))
    assert detail.preview is not None
    assert detail.preview.windowTitle() == "入吉企业动态核查记录"


def test_the_decision_number_is_checked_as_the_province_writes_it(
        qtbot: QtBot, store: Store, sample: Sample, open_as: OpenAs,
        type_chinese: TypeChinese) -> None:
    _ent, _failed, case = proposed_case(store, sample)
    _other_ent, _f, other = proposed_case(store, sample, "浙江恒达建设有限公司")
    for n, proposal in enumerate((case, other), start=1):
        take_step(ServiceContext(store, PREFECTURE, lambda: NOW), proposal, "agree",
                  base_version=1, step=StepInput(comment="同意"))
        notify_and_hear(ServiceContext(store, PROVINCE, lambda: NOW), proposal,
                        number=f"吉建告〔2026〕{n}号")
    detail = open_case(open_as(PROVINCE), case)
    dialog = begin(qtbot, detail, "list")
    assert dialog.decision_no.placeholderText() == "如：吉建管异〔2026〕3号"
    for typed, why in (("abc", "格式不对"), ("吉建管异〔2026〕003号", "不加虚位 0"),
                       ("吉建管异〔2025〕3号", "与决定日期 2026-05-18 不在同一年")):
        dialog.decision_no.clear()
        fill(dialog, type_chinese, decision_no=typed)
        confirm(qtbot, dialog)
        assert dialog.isVisible() and why in dialog.message.text(), dialog.message.text()
    dialog.decision_no.clear()
    fill(dialog, type_chinese, decision_no="吉建管异[2026]3号")
    confirm(qtbot, dialog)
    assert not dialog.isVisible()
    assert detail.values["decisionNoValue"].text() == "吉建管异〔2026〕3号"

    detail = open_case(open_as(PROVINCE), other)
    dialog = begin(qtbot, detail, "list")
    fill(dialog, type_chinese, decision_no="吉建管异〔2026〕3号")
    confirm(qtbot, dialog)
    assert "决定文号 吉建管异〔2026〕3号 已用于“江苏华泰建设工程有限公司”的异常名录案件" in (
        detail.notice.text())
    assert detail.status.text() == "陈述申辩已听取（待省厅决定）"


def test_a_new_proposal_from_the_case_page_with_evidence_to_tick(
        qtbot: QtBot, store: Store, sample: Sample, open_as: OpenAs,
        type_chinese: TypeChinese) -> None:
    ent = sample.enterprise("江苏华泰建设工程有限公司", home=("320000", "江苏省"))
    sample.enterprise("珲春本地建筑有限公司")
    failed = phone_check(store, ent, date(2026, 5, 11), FAILED)
    phone_check(store, ent, date(2026, 5, 1), PASSED)
    window = open_as(COUNTY)
    window.workspace.go("cases")
    page = window.pages["cases"]
    assert isinstance(page, CasePage)
    assert page.new_button.isVisible()
    qtbot.mouseClick(page.new_button, Qt.MouseButton.LeftButton)
    chooser = page.new_dialog
    assert chooser is not None and chooser.isVisible()
    type_chinese(chooser.search, "华泰")
    assert chooser.matches.count() == 1  # out-of-province enterprises only
    qtbot.mouseClick(chooser.next_button, Qt.MouseButton.LeftButton)
    proposal = chooser.proposal
    assert proposal is not None and proposal.isVisible()
    assert proposal.chosen_grounds() == []
    texts = [proposal.evidence.item(n).text() for n in range(proposal.evidence.count())]
    assert texts == ["2026-05-11 电话核查：能够取得联系不通过"]  # the passed call is left out
    proposal.grounds["联系不上"].setChecked(True)
    type_chinese(proposal.comment, "三次电话均未接通")
    qtbot.mouseClick(proposal.submit_button, Qt.MouseButton.LeftButton)
    assert proposal.case_id is not None
    with store.db.read() as session:
        case = session.get_one(AbnormalCase, proposal.case_id)
        assert case.state == "proposed" and [e["id"] for e in case.evidence] == [failed]
    assert not open_as(PREFECTURE).pages["cases"].new_button.isVisible()


def test_a_deadline_running_into_a_year_without_its_holidays_says_so(
        qtbot: QtBot, store: Store, sample: Sample, open_as: OpenAs) -> None:
    """The shipped calendar holds 2023–2026: a working-day deadline in 2027 was counted with
    weekends only, and the screen says so (nothing does for one inside 2026)."""
    late = sample.case(sample.enterprise("江苏华泰建设工程有限公司", home=("320000", "江苏省")),
                       deadline=date(2027, 1, 8))
    near = sample.case(sample.enterprise("浙江恒达建设有限公司", home=("330000", "浙江省")),
                       deadline=date(2026, 6, 1))
    window = open_as(PREFECTURE)
    detail = open_case(window, late)
    assert detail.values["deadlineValue"].text() == (
        "2027-01-08（2027年法定节假日安排尚未公布，期限暂按双休日推算，以国务院公布的安排为准）")
    detail = open_case(window, near)
    assert detail.values["deadlineValue"].text() == "2026-06-01"
    page = window.pages["cases"]
    assert isinstance(page, CasePage)
    qtbot.mouseClick(detail.back_button, Qt.MouseButton.LeftButton)
    page.list.search.clear()
    page.list.apply_filter()
    qtbot.waitUntil(lambda: page.model.rowCount() == 2)
    shown = {page.model.data(page.model.index(n, 0)): page.model.data(page.model.index(n, 4))
             for n in range(page.model.rowCount())}
    assert shown["江苏华泰建设工程有限公司"] == "2027-01-08（2027年假日未公布，按双休日计）"
    assert shown["浙江恒达建设有限公司"] == "2026-06-01"
