"""Rules of one inspection: answers, findings, the real-name rule, completion, amendments,
reviews and numbers, on the shipped checklist."""

from __future__ import annotations

import json
from datetime import date

import pytest

from jjg_desktop.paths import resource
from jjg_desktop.rules import inspection as rules
from jjg_desktop.rules.checklist import Template, parse_template

TODAY = date(2026, 5, 18)


@pytest.fixture(scope="module")
def template() -> Template:
    return parse_template(json.loads(
        resource("checklists", "jzsc-zfjcb-2023.v1.json").read_text(encoding="utf-8")))


def all_compliant(t: Template, **overrides: str) -> dict[str, str]:
    usual = {"compliance": "符合", "photo": "符合", "number": "92", "text": "无"}
    return {i.code: usual[i.answer_type] for i in t.items} | {
        k.replace("_", "-"): v for k, v in overrides.items()}


def test_only_an_open_record_takes_answers():
    assert rules.editing_problem(rules.IN_PROGRESS) is None
    assert rules.editing_problem(rules.PLANNED) == "检查尚未开始，请先开始检查"
    assert rules.editing_problem(rules.COMPLETED) == "记录已锁定，请提交更正"


def test_answers_are_checked_by_their_type(template):
    compliance, number, text = (template.item(c) for c in ("JS-01", "SM-02", "XM-03"))
    assert rules.answer_problem(compliance, "符合") is None
    assert "符合" in rules.answer_problem(compliance, "合格")
    assert rules.answer_problem(number, "72.5") is None
    assert rules.answer_problem(number, "不适用") is None  # no real-name system, no rate
    assert "数字" in rules.answer_problem(number, "七十")
    assert "数字" in rules.answer_problem(number, "nan")
    assert "0 到 100" in rules.answer_problem(number, "120")
    assert rules.answer_problem(text, "平台登记的总监与现场不一致") is None
    assert "200" in rules.answer_problem(text, "字" * 201)


def test_what_makes_a_finding(template):
    assert rules.is_finding(template, template.item("JS-01"), "不符合")
    assert not rules.is_finding(template, template.item("JS-01"), "不适用")
    attendance = template.item("SM-02")
    assert rules.is_finding(template, attendance, "79.9")
    assert not rules.is_finding(template, attendance, "80")
    assert not rules.is_finding(template, attendance, "不适用")
    text = template.item("XM-03")
    assert rules.is_finding(template, text, "平台登记的总监与现场不一致")
    assert not any(rules.is_finding(template, text, v) for v in ("无", " 无 ", "/", "", "不适用"))


@pytest.mark.parametrize(("rate", "circumstance", "enterprise_points"), [
    ("80", None, None), ("95", None, None), ("79.9", "打卡率不低于70%但低于80%", 1),
    ("70", "打卡率不低于70%但低于80%", 1), ("69.9", "打卡率不低于50%但低于70%", 2),
    ("50", "打卡率不低于50%但低于70%", 2), ("49.9", "打卡率低于50%", 3), ("0", "打卡率低于50%", 3),
])
def test_attendance_below_the_threshold_costs_points_by_the_table(template, rate, circumstance,
                                                                  enterprise_points):
    outcome = rules.real_name_outcome(template, {"SM-01": "符合", "SM-02": rate})
    assert outcome.veto is None and outcome.enabled is True
    if circumstance is None:
        assert outcome.deduction is None
        assert outcome.summary.endswith("达到要求")
    else:
        assert outcome.deduction.circumstance == circumstance
        assert outcome.deduction.points_for("企业") == enterprise_points
        assert f"打卡率 {float(rate):g}%" in outcome.summary and "企业扣" in outcome.summary


def test_no_real_name_system_is_a_veto_whatever_the_rate(template):
    outcome = rules.real_name_outcome(template, {"SM-01": "不符合", "SM-02": "10"})
    assert outcome.enabled is False and outcome.deduction is None
    assert outcome.summary.startswith("未开通实名制管理，一票否决")
    assert "企业年度综合信用评价直接确定为不合格" in outcome.summary
    record = outcome.as_record()
    assert record["veto"] and record["deduction"] == {} and record["attendance_percent"] is None


def test_real_name_not_yet_checked(template):
    assert rules.real_name_outcome(template, {}).summary == "实名制情况尚未检查"
    assert rules.real_name_enabled(template, {"SM-01": "不适用"}) is None
    assert rules.real_name_outcome(template, {"SM-01": "符合"}).summary.endswith("尚未填写")


def test_without_a_real_name_system_the_rate_is_not_required(template):
    answers = all_compliant(template, SM_01="不符合")
    del answers["SM-02"]
    p = rules.progress(template, answers)
    assert p.complete and p.total == len(template.items) - 1
    answers["SM-01"] = "符合"
    assert not rules.progress(template, answers).complete


def test_a_reinspection_answers_only_the_items_it_looks_at_again(template):
    p = rules.progress(template, {"SM-07": "符合"}, only={"SM-07", "SG-08"})
    assert (p.answered, p.total, p.complete) == (1, 2, False)


def test_completion_lists_everything_missing(template):
    answers = all_compliant(template)
    del answers["JS-01"]
    problems = rules.completion_problems(
        template, answers, "", ["刘晓燕", "金哲"], [("检查人员", "刘晓燕")], 1,
        photos_missing=["SM-08"], reviews_pending=2)
    assert problems == [
        f"尚有 1 项未填写（已填 {len(template.items) - 1}/{len(template.items)}）",
        "以下拍照项尚无照片：SM-08",
        "尚有 2 个问题未复查（已整改或未整改）",
        "请填写检查结论", "受检单位代表尚未签名", "检查人员尚未签名：金哲",
        "1 个问题尚未确定整改期限"]
    signed = [("检查人员", "刘晓燕"), ("检查人员", "金哲"), ("受检单位代表", "王建国")]
    assert rules.completion_problems(template, all_compliant(template), "未发现问题。",
                                     ["刘晓燕", "金哲"], signed, 0) == []


def test_photo_items_need_a_photo_unless_not_applicable(template):
    answers = all_compliant(template, XM_04="不适用")
    assert rules.photos_missing(template, answers, with_photos=set()) == ["SM-08"]
    assert rules.photos_missing(template, answers, with_photos={"SM-08"}) == []


def test_a_team_is_two_people_led_by_an_official_with_a_certificate():
    assert rules.team_problems([{"name": "刘晓燕", "kind": "干部", "cert_no": "22240400001"},
                                {"name": "金哲", "kind": "专家"}]) == []
    assert rules.team_problems([{"name": "刘晓燕", "role": "干部", "cert_no": "1"},
                                {"name": "金哲", "role": "专家"}]) == []  # older entries
    assert rules.team_problems([{"name": "刘晓燕", "kind": "干部", "cert_no": "1"}]) == [
        "检查组至少需要两名成员"]
    assert rules.team_problems([{"name": "刘晓燕", "kind": "干部"}, {"name": "金哲",
                                                                  "kind": "专家"}]) == [
        "刘晓燕（干部）未填写执法证号"]
    assert rules.team_problems([{"name": "甲", "kind": "专家"}, {"name": "乙", "kind": "专家"}]) \
        == ["检查组至少需要一名持执法证的干部"]


def test_a_finding_is_written_from_the_item_and_the_answer(template):
    attendance, board, text = (template.item(c) for c in ("SM-02", "SM-07", "XM-03"))
    assert rules.finding_problem(board, "不符合", "告示牌缺投诉电话") == \
        "未按规定设立维权信息告示牌：告示牌缺投诉电话"
    assert rules.finding_problem(board, "不符合", "") == "未按规定设立维权信息告示牌"
    assert rules.finding_problem(attendance, "72.5", "").endswith("：实测 72.5%")
    assert rules.finding_problem(text, "总监不一致", "").endswith("：总监不一致")
    assert rules.finding_deadline(TODAY, board) == date(2026, 5, 25)
    assert rules.responsible_role(template.item("XM-01")) == "施工单位"
    assert rules.responsible_role(template.item("JL-01")) == "监理单位"


def test_a_notice_is_due_with_its_latest_finding():
    days = [date(2026, 6, 2), None, date(2026, 6, 17)]
    assert rules.notice_deadline(days, None) == date(2026, 6, 17)
    assert rules.notice_deadline(days, date(2026, 6, 30)) == date(2026, 6, 30)
    assert rules.notice_deadline([None], None) is None


def test_a_review_that_finds_no_rectification_needs_what_and_until_when():
    assert rules.review_problem("closed", "", None, TODAY) is None
    assert "新的整改期限" in rules.review_problem("reopened", "仍未整改", None, TODAY)
    assert "晚于今天" in rules.review_problem("reopened", "仍未整改", TODAY, TODAY)
    assert "说明" in rules.review_problem("reopened", "", date(2026, 6, 1), TODAY)
    assert rules.review_problem("reopened", "仍未整改", date(2026, 6, 1), TODAY) is None
    assert rules.review_problem("pending", "", None, TODAY) is not None
    assert rules.finding_label("open", "") == "待整改"
    assert rules.finding_label("open", "复查时仍未整改到位") == "复查未整改"
    assert rules.finding_label("closed", "已整改") == "已整改"


def test_an_amendment_needs_a_reason_and_a_valid_value(template):
    assert rules.amend_problem(template, "SM-05", "不符合", "复核凭证") is None
    assert rules.amend_problem(template, "SM-05", "不符合", " ") == "更正须说明理由"
    assert "结论应为" in rules.amend_problem(template, "SM-05", "差", "复核")
    assert "没有检查项" in rules.amend_problem(template, "ZZ-01", "符合", "复核")
    assert rules.amend_problem(template, "remark:SM-05", "保函已过期", "补充") is None
    assert rules.amend_problem(template, "conclusion", "", "补充") == "更正后的内容不能为空"
    assert rules.amend_target_label(template, "SM-05") == "SM-05 检查结论"
    assert rules.amend_target_label(template, "conclusion") == "检查结论"


def test_numbers_follow_the_issuing_bureau_and_the_year():
    assert rules.short_division_name("珲春市") == "珲春"
    assert rules.short_division_name("延边朝鲜族自治州") == "延边"
    assert rules.short_division_name("长白朝鲜族自治县") == "长白"
    assert rules.inspection_number("珲春市", 2023, 29) == "珲春住建市检〔2023〕029号"
    assert rules.notice_number("珲春市", "整改通知书", 2023, 10) == "珲春住建市整〔2023〕10号"
    assert rules.notice_number("珲春市", "行政处罚建议书", 2023, 3) == "珲春住建罚建〔2023〕3号"
    prefix = rules.inspection_number_prefix("珲春市", 2023)
    assert rules.serial_of("珲春住建市检〔2023〕029号", prefix) == 29
    assert rules.serial_of("珲春住建市检〔2023〕1029号", prefix) == 1029
    assert rules.serial_of("珲春住建市检〔2022〕029号", prefix) is None
    assert rules.bureau_name("珲春市", 3) == "珲春市住房和城乡建设局"
    assert rules.bureau_name("吉林省", 1) == "吉林省住房和城乡建设厅"


def test_a_clashing_number_moves_to_the_next_free_one_of_its_series():
    from jjg_desktop.rules.inspection import next_free_number

    taken = ["珲春住建市检〔2026〕029号", "珲春住建市检〔2026〕030号", "延吉住建市检〔2026〕031号",
             "珲春住建市检〔2025〕099号"]
    assert next_free_number("珲春住建市检〔2026〕029号", taken) == "珲春住建市检〔2026〕031号"
    assert next_free_number("珲春住建市整〔2026〕7号", ["珲春住建市整〔2026〕7号"]) == (
        "珲春住建市整〔2026〕8号")
    assert next_free_number("临时编号", taken) is None
    registrations = ["吉入登〔2026〕222404-0001", "吉入登〔2026〕222404-0002",
                     "吉入登〔2026〕222401-0009"]
    assert next_free_number("吉入登〔2026〕222404-0001", registrations) == (
        "吉入登〔2026〕222404-0003")
