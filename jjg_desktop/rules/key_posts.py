"""The key posts' monthly on-duty sheet (吉建规〔2023〕11号): who holds each key post of the
project, the days each was due on site in the month and the days each was on duty (a day counts
with at least two check-ins at least four hours apart). The rate is one per person; a person
under the threshold is short, and the deduction table charges the enterprise and the person by
post.

The answer of such an item is stored as compact JSON: {"month": "2026-11", "people": [{"post":
"项目负责人", "name": "张三", "due": 22, "on_duty": 18}, …]}."""

from __future__ import annotations

import calendar
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from jjg_desktop.rules.checklist import Deduction, KeyPost, RealNameRule

MAX_PEOPLE = 20
MAX_NAME = 20
ENTERPRISE = "企业"
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class SheetItem(Protocol):
    """A key-posts item as the template or a read model holds it."""

    @property
    def code(self) -> str: ...
    @property
    def posts(self) -> tuple[KeyPost, ...]: ...
    @property
    def answer_type(self) -> str: ...


class SheetError(ValueError):
    """The sheet cannot be read; the message says which row and why, in Chinese."""


@dataclass(frozen=True, slots=True)
class OnDuty:
    post: str
    name: str
    due: int
    on_duty: int

    @property
    def rate(self) -> float:
        return self.on_duty / self.due

    @property
    def percent(self) -> str:
        """'81.8%': one decimal, as the platform prints a rate."""
        return f"{self.rate * 100:.1f}%"

    def describe(self) -> str:
        """'专职安全员李四 在岗14天/应在岗22天（63.6%）'."""
        return f"{self.post}{self.name} 在岗{self.on_duty}天/应在岗{self.due}天（{self.percent}）"


@dataclass(frozen=True, slots=True)
class Sheet:
    month: str
    people: tuple[OnDuty, ...]

    @property
    def month_label(self) -> str:
        year, month = self.month.split("-")
        return f"{year}年{int(month)}月"

    @property
    def lowest(self) -> OnDuty:
        return min(self.people, key=lambda p: p.rate)

    def short(self, threshold: float) -> tuple[OnDuty, ...]:
        return tuple(p for p in self.people if p.rate < threshold)

    def encode(self) -> str:
        return encode(self.month, [(p.post, p.name, p.due, p.on_duty) for p in self.people])


@dataclass(frozen=True, slots=True)
class Charge:
    """Points the deduction table charges one subject for one short person: the enterprise
    that holds the post, or the person where the post is charged personally."""

    subject: str
    party: str
    post: str
    name: str
    circumstance: str
    points: float

    def describe(self) -> str:
        who = self.party if self.subject == ENTERPRISE else f"{self.post}{self.name}"
        return f"{who}扣{self.points:g}分"

    def as_record(self) -> dict[str, object]:
        return {"subject": self.subject, "party": self.party, "post": self.post,
                "name": self.name, "circumstance": self.circumstance, "points": self.points}


def encode(month: str, people: Sequence[tuple[str, str, int, int]]) -> str:
    """The stored form of a sheet (the order of rows is kept)."""
    rows = [{"post": post, "name": name, "due": due, "on_duty": on_duty}
            for post, name, due, on_duty in people]
    return json.dumps({"month": month, "people": rows}, ensure_ascii=False,
                      separators=(",", ":"))


def parse(item: SheetItem, value: str, on: date | None = None) -> Sheet:
    """The sheet in ``value``, checked against the item's posts (and, given the day of the
    inspection, against its month); SheetError says what is wrong."""
    try:
        raw = json.loads(value)
    except ValueError:
        raise SheetError(f"{item.code} 的在岗情况无法读取，请重新填写") from None
    if not isinstance(raw, dict) or set(raw) != {"month", "people"}:
        raise SheetError(f"{item.code} 的在岗情况格式不正确，请重新填写")
    month = _month(item, raw["month"], on)
    people = raw["people"]
    if not isinstance(people, list) or not people:
        raise SheetError(f"{item.code} 至少填写一名关键岗位人员")
    if len(people) > MAX_PEOPLE:
        raise SheetError(f"{item.code} 最多填写 {MAX_PEOPLE} 名关键岗位人员")
    days = calendar.monthrange(*map(int, month.split("-")))[1]
    posts = {p.post for p in item.posts}
    rows: list[OnDuty] = []
    for n, row in enumerate(people, start=1):
        rows.append(_row(item, n, row, posts, days))
    seen: set[tuple[str, str]] = set()
    for n, person in enumerate(rows, start=1):
        if (person.post, person.name) in seen:
            raise SheetError(f"第 {n} 行：{person.post}{person.name} 重复填写")
        seen.add((person.post, person.name))
    return Sheet(month=month, people=tuple(rows))


def _month(item: SheetItem, value: object, on: date | None) -> str:
    match = _MONTH.match(value) if isinstance(value, str) else None
    if match is None or not 1 <= int(match[2]) <= 12 or not 2000 <= int(match[1]) <= 2100:
        raise SheetError(f"{item.code} 请选择统计月份")
    if on is not None and (int(match[1]), int(match[2])) > (on.year, on.month):
        raise SheetError(f"统计月份不能晚于检查当月（{on.year}年{on.month}月）")
    return str(value)


def _row(item: SheetItem, n: int, row: object, posts: set[str], days: int) -> OnDuty:
    if not isinstance(row, dict) or set(row) != {"post", "name", "due", "on_duty"}:
        raise SheetError(f"第 {n} 行格式不正确，请重新填写")
    post, name, due, on_duty = row["post"], row["name"], row["due"], row["on_duty"]
    if post not in posts:
        raise SheetError(f"第 {n} 行：岗位应为 {'、'.join(p.post for p in item.posts)} 之一")
    if not isinstance(name, str) or not name.strip():
        raise SheetError(f"第 {n} 行：请填写{post}的姓名")
    name = name.strip()
    if len(name) > MAX_NAME:
        raise SheetError(f"第 {n} 行：姓名不能超过 {MAX_NAME} 字")
    who = f"第 {n} 行（{post}{name}）"
    if not _whole(due) or not 1 <= due <= days:
        raise SheetError(f"{who}：应在岗天数应为 1 到 {days} 之间的整数")
    if not _whole(on_duty) or not 0 <= on_duty <= due:
        raise SheetError(f"{who}：在岗天数应为 0 到 {due}（应在岗天数）之间的整数")
    return OnDuty(post=post, name=name, due=due, on_duty=on_duty)


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def sheet_of(item: SheetItem, value: str) -> Sheet | None:
    """The stored sheet of an answer, or None (not answered, 不适用, or unreadable)."""
    if item.answer_type != "key_posts" or not value.startswith("{"):
        return None
    try:
        return parse(item, value)
    except SheetError:
        return None


def charges(rule: RealNameRule, item: SheetItem, sheet: Sheet) -> tuple[Charge, ...]:
    """What the deduction table charges for the short people: each person whose post is
    charged personally by their own rate, and each enterprise once, by the lowest rate among
    the posts it holds."""
    parties = {p.post: p.party for p in item.posts}
    personal: list[Charge] = []
    worst: dict[str, tuple[OnDuty, Deduction]] = {}
    for person in sheet.short(rule.attendance_threshold):
        row = rule.deduction_for(person.rate)
        if row is None:
            continue
        party = parties[person.post]
        subjects = rule.subjects_for(person.post)
        if ENTERPRISE in subjects and (party not in worst or person.rate < worst[party][0].rate):
            worst[party] = (person, row)
        personal += [_charge(subject, party, person, row) for subject in subjects
                     if subject != ENTERPRISE]
    enterprises = [_charge(ENTERPRISE, party, person, row)
                   for party, (person, row) in worst.items()]
    return (*enterprises, *personal)


def _charge(subject: str, party: str, person: OnDuty, row: Deduction) -> Charge:
    return Charge(subject=subject, party=party, post=person.post, name=person.name,
                  circumstance=row.circumstance, points=row.points_for(subject))


def responsible_party(item: SheetItem, sheet: Sheet, threshold: float) -> str:
    """The party a finding is addressed to: the one holding every short post, else the
    contractor (which answers for the site's real-name system)."""
    parties = {p.post: p.party for p in item.posts}
    held = {parties[p.post] for p in sheet.short(threshold)}
    return held.pop() if len(held) == 1 else "施工单位"


def brief(item: SheetItem, value: str) -> str:
    """A stored sheet in a line ('2026年11月 4人，最低 63.6%'), for messages and amendments;
    anything else as it is."""
    sheet = sheet_of(item, value)
    if sheet is None:
        return value
    return f"{sheet.month_label} {len(sheet.people)}人，最低 {sheet.lowest.percent}"


def changed_lines(item: SheetItem, old: str, new: str) -> tuple[str, str] | None:
    """Two stored sheets as what differs between them: the people whose lines changed, on
    each side ('2026年11月：项目负责人张三 在岗15天/应在岗22天（68.2%）'), every line when the
    month changed; None unless both are sheets."""
    before, after = sheet_of(item, old), sheet_of(item, new)
    if before is None or after is None:
        return None
    if before.month != after.month:
        return in_words(old) or old, in_words(new) or new
    gone = [p for p in before.people if p not in after.people]
    came = [p for p in after.people if p not in before.people]

    def lines(sheet: Sheet, people: list[OnDuty]) -> str:
        return f"{sheet.month_label}：" + ("；".join(p.describe() for p in people) or "无")

    return lines(before, gone), lines(after, came)


def in_words(value: str) -> str | None:
    """A stored sheet in words, read without its template (a conflict shows both sides so):
    '2026年11月：项目负责人张三 在岗18天/应在岗22天（81.8%）；…'; None if it is not one."""
    try:
        raw = json.loads(value)
        if not isinstance(raw, dict) or set(raw) != {"month", "people"}:
            return None
        sheet = Sheet(month=str(raw["month"]), people=tuple(
            OnDuty(post=str(p["post"]), name=str(p["name"]), due=int(p["due"]),
                   on_duty=int(p["on_duty"])) for p in raw["people"]))
        return f"{sheet.month_label}：" + "；".join(p.describe() for p in sheet.people)
    except (ValueError, TypeError, KeyError, ZeroDivisionError):
        return None


def missing_posts(item: SheetItem, sheet: Sheet) -> tuple[KeyPost, ...]:
    """The item's posts nobody was entered for."""
    entered = {p.post for p in sheet.people}
    return tuple(p for p in item.posts if p.post not in entered)
