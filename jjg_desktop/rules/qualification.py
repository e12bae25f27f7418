"""When an enterprise's qualification must be dynamically verified (资质动态核查, seed item 九).

Triggers: annual credit evaluation 不合格; a major quality or safety accident; no output for
two consecutive years; frequent moves of key personnel; safety production licence missing or
expired; no fixed office / unreachable. Only what has been recorded counts: a year with no
output figure is unknown, not zero.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

CREDIT, ACCIDENT, OUTPUT, PERSONNEL = "信用评价", "质量安全事故", "年度产值", "人员变动"
FACT_KINDS = (CREDIT, ACCIDENT, OUTPUT, PERSONNEL)
FAILING_GRADE = "不合格"


@dataclass(frozen=True, slots=True)
class Fact:
    kind: str
    year: int | None = None
    occurred_on: date | None = None
    value: str = ""
    detail: str = ""


@dataclass(frozen=True, slots=True)
class TriggerSettings:
    accident_window_days: int = 365
    personnel_window_days: int = 365
    personnel_moves: int = 3
    no_output_years: int = 2


@dataclass(frozen=True, slots=True)
class Trigger:
    code: str
    label: str
    reason: str


@dataclass(slots=True)
class EnterpriseSituation:
    """What is known locally about one enterprise."""

    safety_licence_no: str
    safety_licence_expiry: date | None
    facts: list[Fact] = field(default_factory=list)
    office_failed_on: date | None = None
    unreachable_on: date | None = None
    qualifications: list[str] = field(default_factory=list)


CONSTRUCTION_WORDS = ("施工", "承包", "劳务")
"""A qualification naming one of these is a 建筑施工企业's: only those need a 安全生产许可证
(《安全生产许可证条例》第二条; 《建筑施工企业安全生产许可证管理规定》第二条)."""


def needs_safety_licence(qualifications: list[str]) -> bool:
    """Whether the enterprise is a construction enterprise (or its type is unknown): 监理、
    咨询、设计、勘察、造价 firms need no safety licence."""
    if not qualifications:
        return True
    return any(word in q for q in qualifications for word in CONSTRUCTION_WORDS)


def triggers(s: EnterpriseSituation, today: date,
             settings: TriggerSettings = TriggerSettings()) -> list[Trigger]:
    found: list[Trigger] = []
    grades = sorted((f for f in s.facts if f.kind == CREDIT and f.year), key=lambda f: f.year or 0)
    if grades and grades[-1].value == FAILING_GRADE:
        found.append(Trigger("credit", "年度信用综合评价不合格",
                             f"{grades[-1].year}年度信用综合评价为“不合格”"))
    since = today - timedelta(days=settings.accident_window_days)
    accidents = [f for f in s.facts if f.kind == ACCIDENT and f.occurred_on
                 and since <= f.occurred_on <= today]
    if accidents:
        latest = max(accidents, key=lambda f: f.occurred_on or today)
        found.append(Trigger("accident", "发生重大质量安全事故",
                             f"{latest.occurred_on}：{latest.detail or '重大质量安全事故'}"))
    no_output = _years_without_output(s.facts, today, settings.no_output_years)
    if no_output:
        found.append(Trigger("no_output", f"连续{settings.no_output_years}年没有产值",
                             f"{'、'.join(str(y) for y in no_output)}年产值均为0"))
    window = today - timedelta(days=settings.personnel_window_days)
    moves = [f for f in s.facts if f.kind == PERSONNEL and f.occurred_on
             and window <= f.occurred_on <= today]
    if len(moves) >= settings.personnel_moves:
        found.append(Trigger("personnel", "主要人员频繁调动",
                             f"近{settings.personnel_window_days}天内主要人员变动{len(moves)}次"))
    licensed = needs_safety_licence(s.qualifications)
    if licensed and not s.safety_licence_no.strip():
        found.append(Trigger("licence", "未及时办理安全生产许可证", "未登记安全生产许可证"))
    elif licensed and s.safety_licence_expiry is not None and s.safety_licence_expiry < today:
        found.append(Trigger("licence", "未及时办理安全生产许可证",
                             f"安全生产许可证已于{s.safety_licence_expiry}过期"))
    if s.office_failed_on or s.unreachable_on:
        parts = []
        if s.office_failed_on:
            parts.append(f"{s.office_failed_on}核查无固定办公场所")
        if s.unreachable_on:
            parts.append(f"{s.unreachable_on}核查联系不上")
        found.append(Trigger("office", "没有固定办公场所、联系不上", "；".join(parts)))
    return found


def _years_without_output(facts: list[Fact], today: date, years: int) -> list[int]:
    wanted = list(range(today.year - years, today.year))
    recorded = {f.year: f.value for f in facts if f.kind == OUTPUT and f.year in wanted}
    if len(recorded) < years:
        return []
    try:
        zero = all(float(recorded[y] or 0) == 0 for y in wanted)
    except ValueError:
        return []
    return wanted if zero else []
