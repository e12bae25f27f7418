"""The abnormal-list (异常名录) workflow as data, and the rules that enforce it.

The province publishes the workflow (states, transitions, who may fire each at which level,
what each needs, deadlines); the client and the server both decide with `check`, so a step
refused offline is refused on the server for the same reason.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from jjg_desktop.rules.workdays import WorkCalendar

KNOWN_REQUIREMENTS = ("grounds", "evidence", "comment", "decision_no", "decision_date")
REQUIREMENT_LABELS = {"grounds": "列入事由", "evidence": "证据", "comment": "意见说明",
                      "decision_no": "决定文号", "decision_date": "决定日期"}
LEVEL_LABELS = {1: "省厅", 2: "市州", 3: "县（市、区）"}


class WorkflowError(ValueError):
    """A workflow definition that cannot be used."""


class TransitionRefused(Exception):
    """The step may not be taken; the message says why and what to do, in Chinese."""


@dataclass(frozen=True, slots=True)
class Deadline:
    days: int
    working: bool


@dataclass(frozen=True, slots=True)
class StateDef:
    key: str
    label: str
    terminal: bool
    waiting_level: int | None
    waiting_on: str = ""
    """Who the case waits on when no official level does (the enterprise)."""
    deadline_label: str = ""
    """Set when the state's deadline is a window for the party (异议期), not an official's
    time limit: it passes, it is never overdue."""

    def overdue(self, deadline: date | None, today: date) -> bool:
        return (not self.terminal and not self.deadline_label and deadline is not None
                and deadline < today)


@dataclass(frozen=True, slots=True)
class TransitionDef:
    action: str
    label: str
    sources: tuple[str | None, ...]
    target: str
    roles: tuple[str, ...]
    levels: tuple[int, ...]
    requires: tuple[str, ...]
    deadline: Deadline | None = None
    within_days_of_listing: int | None = None
    sets_enterprise_status: str | None = None
    notice: bool = False
    """A prior notice (告知): its 文号 and date name the notice served, recorded with the step,
    not the case's decision."""
    after_deadline: bool = False
    """Only once the case's deadline has passed (a period the party let lapse)."""


@dataclass(frozen=True, slots=True)
class DocumentDef:
    """What the province's decision in a state says, as the province publishes it: the
    document's title, the provisions it rests on, what is decided, what follows from it, how
    the enterprise gets out (or back in), and its remedies. `conditions` may name the
    periods ({rectification_days}, {objection_days}), the days a notice gives to state one's
    case ({statement_days}: the notice step's deadline) and the handling {division}."""

    title: str
    basis: tuple[str, ...]
    decision: str
    consequences: str = ""
    conditions: str = ""
    remedies: str = ""
    announces: str = ""
    """For a prior notice (告知书): the state whose decision it announces, whose basis it
    cites for what is proposed."""


DOCUMENT_FIELDS = ("rectification_days", "objection_days", "statement_days", "division")


@dataclass(frozen=True, slots=True)
class Workflow:
    code: str
    version: str
    title: str
    grounds: tuple[str, ...]
    states: Mapping[str, StateDef]
    transitions: tuple[TransitionDef, ...]
    periods: Mapping[str, int] = field(default_factory=dict)
    documents: Mapping[str, DocumentDef] = field(default_factory=dict)

    def transition(self, action: str) -> TransitionDef | None:
        return next((t for t in self.transitions if t.action == action), None)

    def label(self, state: str | None) -> str:
        return "（新案件）" if state is None else self.states[state].label


def parse_workflow(data: Mapping[str, Any]) -> Workflow:
    try:
        states = {key: StateDef(key, str(s["label"]), bool(s.get("terminal", False)),
                                s.get("waiting_level"), str(s.get("waiting_on", "")),
                                str(s.get("deadline_label", "")))
                  for key, s in data["states"].items()}
        transitions = tuple(_transition(t) for t in data["transitions"])
        grounds = tuple(str(g) for g in data["grounds"])
        workflow = Workflow(code=str(data["code"]), version=str(data["version"]),
                            title=str(data.get("title", "")), grounds=grounds, states=states,
                            transitions=transitions, periods=dict(data.get("periods", {})),
                            documents={state: _document(doc) for state, doc
                                       in data.get("documents", {}).items()})
    except (KeyError, TypeError, AttributeError) as exc:
        raise WorkflowError(f"流程定义缺少或错误的字段：{exc}") from exc
    _validate(workflow)
    return workflow


def _document(d: Mapping[str, Any]) -> DocumentDef:
    basis = d["basis"]
    if not isinstance(basis, list) or not basis or not all(isinstance(b, str) and b
                                                           for b in basis):
        raise WorkflowError("文书的依据（basis）应为至少一条条文")
    return DocumentDef(title=str(d["title"]), basis=tuple(basis), decision=str(d["decision"]),
                       consequences=str(d.get("consequences", "")),
                       conditions=str(d.get("conditions", "")),
                       remedies=str(d.get("remedies", "")),
                       announces=str(d.get("announces", "")))


def _transition(t: Mapping[str, Any]) -> TransitionDef:
    deadline = t.get("deadline")
    return TransitionDef(
        action=str(t["action"]), label=str(t["label"]), sources=tuple(t["from"]),
        target=str(t["to"]), roles=tuple(t["roles"]), levels=tuple(int(x) for x in t["levels"]),
        requires=tuple(t.get("requires", ())),
        deadline=Deadline(int(deadline["days"]), bool(deadline["working"])) if deadline else None,
        within_days_of_listing=t.get("within_days_of_listing"),
        sets_enterprise_status=t.get("sets_enterprise_status"),
        notice=bool(t.get("notice", False)), after_deadline=bool(t.get("after_deadline", False)))


def _validate(wf: Workflow) -> None:
    for state, doc in wf.documents.items():
        if state not in wf.states:
            raise WorkflowError(f"文书“{doc.title}”对应的状态“{state}”不在流程中")
        if doc.announces and doc.announces not in wf.documents:
            raise WorkflowError(f"文书“{doc.title}”告知的决定“{doc.announces}”没有对应的文书")
        try:
            doc.conditions.format(**{name: "" for name in DOCUMENT_FIELDS})
        except (KeyError, IndexError, ValueError) as exc:
            raise WorkflowError(f"文书“{doc.title}”的条件中有无法填写的占位：{exc}") from exc
    actions = [t.action for t in wf.transitions]
    duplicates = {a for a in actions if actions.count(a) > 1}
    if duplicates:
        raise WorkflowError(f"流程中的动作重复：{'、'.join(sorted(duplicates))}")
    for t in wf.transitions:
        for state in (*t.sources, t.target):
            if state is not None and state not in wf.states:
                raise WorkflowError(f"动作 {t.action} 引用了未定义的状态 {state}")
        unknown = set(t.requires) - set(KNOWN_REQUIREMENTS)
        if unknown:
            raise WorkflowError(f"动作 {t.action} 要求未知的内容：{'、'.join(sorted(unknown))}")
        if any(level not in LEVEL_LABELS for level in t.levels):
            raise WorkflowError(f"动作 {t.action} 的层级应为 1、2 或 3")
    if not any(None in t.sources for t in wf.transitions):
        raise WorkflowError("流程缺少立案动作（from 含 null）")


@dataclass(frozen=True, slots=True)
class CaseState:
    state: str | None
    version: int
    listed_on: date | None = None
    deadline: date | None = None


@dataclass(frozen=True, slots=True)
class ActorRef:
    role: str
    level: int
    in_scope: bool


@dataclass(frozen=True, slots=True)
class Submission:
    action: str
    base_version: int
    today: date
    comment: str = ""
    grounds: Sequence[str] = ()
    evidence: Sequence[Mapping[str, str]] = ()
    decision_no: str = ""
    decision_date: date | None = None


def available(wf: Workflow, case: CaseState, actor: ActorRef) -> list[TransitionDef]:
    """The steps this actor may take on the case now, in the workflow's order."""
    return [t for t in wf.transitions if case.state in t.sources and actor.role in t.roles
            and actor.level in t.levels and actor.in_scope]


def check(wf: Workflow, case: CaseState, actor: ActorRef, sub: Submission) -> TransitionDef:
    """The transition if the submission may be applied; otherwise TransitionRefused."""
    t = wf.transition(sub.action)
    if t is None:
        raise TransitionRefused(f"流程中没有“{sub.action}”这一步")
    if sub.base_version != case.version:
        raise TransitionRefused(
            f"该案件已在别处被处理（当前第 {case.version} 版，"
            f"您的操作基于第 {sub.base_version} 版），请查看最新进展后重新决定")
    if case.state not in t.sources:
        raise TransitionRefused(f"案件当前为“{wf.label(case.state)}”，不能“{t.label}”")
    if actor.role not in t.roles or actor.level not in t.levels:
        who = "、".join(LEVEL_LABELS[level] for level in t.levels)
        raise TransitionRefused(f"“{t.label}”应由{who}办理")
    if not actor.in_scope:
        raise TransitionRefused("该案件不在您的管辖范围内")
    missing = [REQUIREMENT_LABELS[r] for r in t.requires if not _has(sub, r)]
    if missing:
        raise TransitionRefused(f"“{t.label}”需要填写：{'、'.join(missing)}")
    unknown = [g for g in sub.grounds if g not in wf.grounds]
    if unknown:
        raise TransitionRefused(f"不是规定的列入事由：{'、'.join(unknown)}")
    if t.within_days_of_listing is not None and case.listed_on is not None and (
            sub.today > case.listed_on + timedelta(days=t.within_days_of_listing)):
        raise TransitionRefused(
            f"已超过列入后 {t.within_days_of_listing} 日的期限（列入日期 {case.listed_on}）")
    if t.after_deadline and (case.deadline is None or sub.today <= case.deadline):
        state = wf.states.get(case.state or "")
        period = (state.deadline_label if state else "") or "期限"
        until = f"（至 {case.deadline.isoformat()}）" if case.deadline else ""
        raise TransitionRefused(f"{period}{until}尚未届满，届满后方可“{t.label}”")
    if sub.decision_date is not None and sub.decision_date > sub.today:
        raise TransitionRefused("决定日期不能晚于今天")
    if sub.decision_no.strip():
        problem = decision_number_problem(sub.decision_no, sub.decision_date)
        if problem:
            raise TransitionRefused(problem)
    return t


_DECISION_NUMBER = re.compile(
    r"^(?P<agency>[\u4e00-\u9fff]{2,16})〔(?P<year>\d{4})〕(?P<serial>[1-9]\d{0,5})号$")
_BRACKETS = str.maketrans({"[": "〔", "]": "〕", "(": "〔", ")": "〕", "（": "〔", "）": "〕",
                           "【": "〔", "】": "〕", "［": "〔", "］": "〕"})


def normalized_decision_number(text: str) -> str:
    """A 文号 as typed with other brackets or spaces, in the province's form
    ('吉建管异[2026]3号' → '吉建管异〔2026〕3号')."""
    return re.sub(r"\s+", "", text).translate(_BRACKETS)


def decision_number_problem(number: str, decision_date: date | None) -> str | None:
    """Why ``number`` is not a decision's 文号 (机关代字〔年份〕序号号, GB/T 9704: the year in
    full, the serial without leading zeros, the year that of the decision), or None."""
    match = _DECISION_NUMBER.match(normalized_decision_number(number))
    if match is None:
        return (f"决定文号“{number.strip()}”格式不对：应为 机关代字〔年份〕序号号，"
                "如 吉建管异〔2026〕3号（年份写全，序号不加虚位 0）")
    if decision_date is not None and int(match["year"]) != decision_date.year:
        return (f"决定文号的年份 {match['year']} 与决定日期 {decision_date.isoformat()} "
                "不在同一年")
    return None


def _has(sub: Submission, requirement: str) -> bool:
    values = {"grounds": sub.grounds, "evidence": sub.evidence, "comment": sub.comment.strip(),
              "decision_no": sub.decision_no.strip(), "decision_date": sub.decision_date}
    return bool(values[requirement])


def due_date(t: TransitionDef, start: date, calendar: WorkCalendar) -> date | None:
    """When the next step is due after `t` is taken on `start`."""
    if t.deadline is None:
        return None
    if t.deadline.working:
        return calendar.add_workdays(start, t.deadline.days)
    return start + timedelta(days=t.deadline.days)
