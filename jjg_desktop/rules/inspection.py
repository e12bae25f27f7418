"""Rules of one inspection: what an answer may be, when it is a finding, progress, the real-name
rule (seed 六), and what must be there before the record is completed and locked."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from jjg_desktop.rules.checklist import (
    COMPLIANCE_VALUES,
    Deduction,
    Item,
    Template,
    Veto,
)

NONCOMPLIANT = "不符合"
PLANNED, IN_PROGRESS, COMPLETED = "planned", "in_progress", "completed"
STATUS_LABELS = {PLANNED: "计划", IN_PROGRESS: "检查中", COMPLETED: "已完成"}
METHODS = ("四不两直", "日常", "专项", "复查")
PARTY_SIGNER = "受检单位代表"
INSPECTOR_SIGNER = "检查人员"
MAX_TEXT = 2000


def answer_problem(item: Item, value: str) -> str | None:
    """None when `value` is a valid answer to `item`; otherwise what is wrong."""
    if item.answer_type in ("compliance", "photo"):
        if value not in COMPLIANCE_VALUES:
            return f"{item.code} 的结论应为“符合”“不符合”或“不适用”"
        return None
    if item.answer_type == "number":
        try:
            number = float(value)
        except ValueError:
            return f"{item.code} 应填写数字，当前为“{value}”"
        if item.unit == "%" and not 0 <= number <= 100:
            return f"{item.code} 的百分比应在 0 到 100 之间"
        return None
    if len(value) > MAX_TEXT:
        return f"{item.code} 的内容不能超过 {MAX_TEXT} 字"
    return None


def is_finding(template: Template, item: Item, value: str) -> bool:
    """Whether this answer makes a non-compliance the team must write up."""
    if item.answer_type in ("compliance", "photo"):
        return value == NONCOMPLIANT
    if item.answer_type == "number":
        if item.code == template.real_name.attendance_item and value:
            return float(value) / 100 < template.real_name.attendance_threshold
        return False
    return bool(value.strip())


@dataclass(frozen=True, slots=True)
class Progress:
    answered: int
    total: int
    findings: int
    basic_unanswered: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return self.answered == self.total


def progress(template: Template, answers: Mapping[str, str]) -> Progress:
    items = template.items
    answered = [i for i in items if answers.get(i.code, "") != ""]
    findings = [i for i in answered if is_finding(template, i, answers[i.code])]
    basic_open = tuple(i.code for i in items if i.basic and answers.get(i.code, "") == "")
    return Progress(len(answered), len(items), len(findings), basic_open)


@dataclass(frozen=True, slots=True)
class RealNameOutcome:
    enabled: bool | None
    attendance_percent: float | None
    veto: Veto | None
    deduction: Deduction | None

    @property
    def summary(self) -> str:
        if self.enabled is None:
            return "实名制情况尚未检查"
        if self.veto is not None:
            return f"未开通实名制管理，一票否决：{'；'.join(self.veto.consequences)}"
        if self.attendance_percent is None:
            return "已开通实名制管理，打卡率尚未填写"
        if self.deduction is None:
            return f"已开通实名制管理，打卡率 {self.attendance_percent:g}%，达到要求"
        points = "，".join(f"{who}扣{pts:g}分" for who, pts in self.deduction.points)
        return (f"已开通实名制管理，打卡率 {self.attendance_percent:g}%"
                f"（{self.deduction.circumstance}）：{points}")


def real_name_outcome(template: Template, answers: Mapping[str, str]) -> RealNameOutcome:
    rule = template.real_name
    enabled_answer = answers.get(rule.veto.item, "")
    enabled = None if enabled_answer in ("", "不适用") else enabled_answer != NONCOMPLIANT
    rate_text = answers.get(rule.attendance_item, "")
    rate = float(rate_text) if rate_text else None
    veto = rule.veto if enabled is False else None
    deduction = rule.deduction_for(rate / 100) if (rate is not None and enabled) else None
    return RealNameOutcome(enabled=enabled, attendance_percent=rate, veto=veto,
                           deduction=deduction)


def completion_problems(template: Template, answers: Mapping[str, str], conclusion: str,
                        team_names: Iterable[str], signer_roles: Iterable[tuple[str, str]],
                        findings_without_deadline: int) -> list[str]:
    """Everything still missing before the record may be completed and locked."""
    problems: list[str] = []
    p = progress(template, answers)
    if not p.complete:
        problems.append(f"尚有 {p.total - p.answered} 项未填写（已填 {p.answered}/{p.total}）")
    if not conclusion.strip():
        problems.append("请填写检查结论")
    signed = set(signer_roles)
    if not any(role == PARTY_SIGNER for role, _ in signed):
        problems.append("受检单位代表尚未签名")
    missing = [n for n in team_names if (INSPECTOR_SIGNER, n) not in signed]
    if missing:
        problems.append(f"检查人员尚未签名：{'、'.join(missing)}")
    if findings_without_deadline:
        problems.append(f"{findings_without_deadline} 个问题尚未确定整改期限")
    return problems
