"""Checklist templates (建筑市场执法检查表): the province's versioned data, parsed and checked.

A template is a JSON object published by the province. `parse_template` turns it into frozen
dataclasses or refuses it with a `TemplateError` whose message names the field path and
what is wrong, in Chinese, so a bad file is fixed at its source rather than half-used.
"""

from __future__ import annotations

import hashlib
import json
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import Any

ANSWER_TYPES = ("compliance", "number", "text", "photo", "key_posts")
ATTENDANCE_TYPES = ("number", "key_posts")
PARTIES = ("建设单位", "施工单位", "监理单位", "项目")
COMPLIANCE_VALUES = ("符合", "不符合", "不适用")
DEDUCTION_SUBJECTS = ("企业", "项目负责人", "总监理工程师")

_SECTION_CODE = re.compile(r"^[A-Z]{2,4}$")
_ITEM_CODE = re.compile(r"^([A-Z]{2,4})-\d{2,3}$")
_TYPE_NAMES = {str: "文字", int: "整数", float: "数值", bool: "布尔值（true/false）",
               list: "列表", dict: "对象", type(None): "空值（null）"}


class TemplateError(ValueError):
    """The template cannot be used; the message says where and why, in Chinese."""


@dataclass(frozen=True, slots=True)
class KeyPost:
    """A key post whose monthly on-duty rate a key-posts item records, and the party that
    holds it (施工单位 or 监理单位)."""

    post: str
    party: str


@dataclass(frozen=True, slots=True)
class Item:
    code: str
    section: str
    text: str
    basis: str
    party: str
    answer_type: str
    basic: bool
    noncompliance: tuple[str, ...]
    finding: str
    requirement: str
    deadline_days: int
    unit: str = ""
    penalty_basis: str = ""
    """The provision that punishes the violation (for a 行政处罚建议书); '' when the template
    names none."""
    posts: tuple[KeyPost, ...] = ()
    """The key posts of a key-posts item (answer type key_posts); empty for any other."""


@dataclass(frozen=True, slots=True)
class Section:
    code: str
    title: str
    items: tuple[Item, ...]


@dataclass(frozen=True, slots=True)
class Veto:
    """一票否决: answering this item 不符合 on the condition carries these consequences."""

    item: str
    condition: str
    consequences: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Deduction:
    """One row of the deduction table: attendance in [rate_from, rate_below) costs points."""

    circumstance: str
    rate_from: float
    rate_below: float
    points: tuple[tuple[str, float], ...]

    def points_for(self, subject: str) -> float:
        return dict(self.points)[subject]


@dataclass(frozen=True, slots=True)
class RealNameRule:
    attendance_item: str
    attendance_threshold: float
    veto: Veto
    deductions: tuple[Deduction, ...]
    charged: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """Per key post, the subjects of the deduction table a short person's rate charges (企业:
    the enterprise holding the post); empty when attendance is one number."""

    def subjects_for(self, post: str) -> tuple[str, ...]:
        return dict(self.charged).get(post, ())

    def deduction_for(self, rate: float) -> Deduction | None:
        """The table row for an attendance rate (0–1); None at or above the threshold."""
        if rate >= self.attendance_threshold:
            return None
        for row in self.deductions:
            if row.rate_from <= rate < row.rate_below:
                return row
        return None


@dataclass(frozen=True, slots=True)
class Template:
    code: str
    version: str
    title: str
    published_on: date
    issuer: str
    notice: str
    sections: tuple[Section, ...]
    real_name: RealNameRule
    content_hash: str
    content: Mapping[str, Any] = field(compare=False, repr=False)
    rectification_basis: tuple[str, ...] = ()
    """The provisions under which the bureau orders a finding put right (a 整改通知书 cites
    them); empty when the version names none."""

    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(item for section in self.sections for item in section.items)

    def item(self, code: str) -> Item:
        for item in self.items:
            if item.code == code:
                return item
        raise KeyError(code)


def canonical_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def content_hash(data: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


def _type_name(value: Any) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


class _Node:
    """A JSON object at a path; each accessor checks presence and type or raises."""

    def __init__(self, data: Any, path: str, required: tuple[str, ...],
                 optional: tuple[str, ...] = ()) -> None:
        self.path = path
        if not isinstance(data, dict):
            raise self.error(f"应为对象，实际是{_type_name(data)}")
        self.data = data
        for key in required:
            if key not in data:
                raise TemplateError(f"{self.at(key)}：缺少必填字段")
        for key in data:
            if key not in required and key not in optional:
                raise TemplateError(f"{self.at(key)}：未知字段（是否拼写错误？）")

    def at(self, key: str | int) -> str:
        if isinstance(key, int):
            return f"{self.path}[{key}]"
        return f"{self.path}.{key}" if self.path else key

    def error(self, fault: str) -> TemplateError:
        return TemplateError(f"{self.path or '模板'}：{fault}")

    def _typed(self, key: str, kind: type) -> Any:
        value = self.data.get(key)
        accepted = (int, float) if kind is float else kind
        if not isinstance(value, accepted) or (kind is not bool and isinstance(value, bool)):
            raise TemplateError(
                f"{self.at(key)}：应为{_TYPE_NAMES[kind]}，实际是{_type_name(value)}")
        return value

    def text(self, key: str) -> str:
        value: str = self._typed(key, str)
        if not value.strip():
            raise TemplateError(f"{self.at(key)}：不能为空")
        return value.strip()

    def optional_text(self, key: str) -> str:
        return self.text(key) if key in self.data else ""

    def number(self, key: str) -> float:
        return float(self._typed(key, float))

    def flag(self, key: str) -> bool:
        value: bool = self._typed(key, bool)
        return value

    def integer(self, key: str, low: int, high: int) -> int:
        value: int = self._typed(key, int)
        if not low <= value <= high:
            raise TemplateError(f"{self.at(key)}：应在 {low} 到 {high} 之间，当前为 {value}")
        return value

    def fraction(self, key: str) -> float:
        value = self.number(key)
        if not 0 <= value <= 1:
            raise TemplateError(f"{self.at(key)}：应在 0 到 1 之间，当前为 {value:g}")
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        values: list[Any] = self._typed(key, list)
        if not values:
            raise TemplateError(f"{self.at(key)}：至少需要一条")
        out = []
        for i, value in enumerate(values):
            if not isinstance(value, str) or not value.strip():
                raise TemplateError(f"{self.at(key)}[{i}]：应为非空文字")
            out.append(value.strip())
        return tuple(out)

    def nodes(self, key: str) -> list[Any]:
        values: list[Any] = self._typed(key, list)
        if not values:
            raise TemplateError(f"{self.at(key)}：至少需要一项")
        return values

    def choice(self, key: str, allowed: tuple[str, ...], what: str) -> str:
        value = self.text(key)
        if value not in allowed:
            raise TemplateError(
                f"{self.at(key)}：未知的{what}“{value}”，应为 {'、'.join(allowed)} 之一")
        return value


def parse_template(data: Mapping[str, Any]) -> Template:
    """Check a template object and return it as dataclasses; raise TemplateError if unusable."""
    root = _Node(data, "", ("code", "version", "title", "published_on", "issuer", "sections",
                            "rules"), ("notice", "rectification_basis"))
    published = root.text("published_on")
    try:
        published_on = date.fromisoformat(published)
    except ValueError:
        raise TemplateError(
            f"published_on：日期格式应为 YYYY-MM-DD，当前为“{published}”") from None
    seen: dict[str, str] = {}
    sections = tuple(_section(raw, f"sections[{i}]", seen)
                     for i, raw in enumerate(root.nodes("sections")))
    section_codes = [s.code for s in sections]
    for i, code in enumerate(section_codes):
        if code in section_codes[:i]:
            raise TemplateError(f"sections[{i}].code：分节编号“{code}”重复")
    items = {item.code: item for section in sections for item in section.items}
    rules = _Node(root.data["rules"], "rules", ("real_name",))
    return Template(
        code=root.text("code"), version=root.text("version"), title=root.text("title"),
        published_on=published_on, issuer=root.text("issuer"),
        notice=root.optional_text("notice"),
        sections=sections, real_name=_real_name(rules.data["real_name"], items),
        rectification_basis=root.texts("rectification_basis")
        if "rectification_basis" in root.data else (),
        content_hash=content_hash(data), content=json.loads(canonical_json(data)))


def _section(raw: Any, path: str, seen: dict[str, str]) -> Section:
    node = _Node(raw, path, ("code", "title", "items"))
    code = node.text("code")
    if not _SECTION_CODE.match(code):
        raise TemplateError(f"{node.at('code')}：分节编号应为 2–4 个大写字母，当前为“{code}”")
    items = tuple(_item(item, node.at("items") + f"[{i}]", code, seen)
                  for i, item in enumerate(node.nodes("items")))
    return Section(code=code, title=node.text("title"), items=items)


def _item(raw: Any, path: str, section: str, seen: dict[str, str]) -> Item:
    node = _Node(raw, path, ("code", "text", "basis", "party", "answer_type", "basic",
                             "noncompliance", "finding", "requirement", "deadline_days"),
                 ("unit", "penalty_basis", "posts"))
    code = node.text("code")
    match = _ITEM_CODE.match(code)
    if match is None:
        raise TemplateError(f"{node.at('code')}：检查项编号应形如“JS-01”，当前为“{code}”")
    if match.group(1) != section:
        raise TemplateError(f"{node.at('code')}：检查项“{code}”不属于分节“{section}”")
    if code in seen:
        raise TemplateError(f"{node.at('code')}：检查项编号“{code}”重复（已用于 {seen[code]}）")
    seen[code] = path
    node.path = f"{path}（{code}）"
    answer_type = node.choice("answer_type", ANSWER_TYPES, "回答类型")
    unit = node.optional_text("unit")
    if unit and answer_type != "number":
        raise node.error("只有数值类检查项（number）可以设置单位 unit")
    posts = _posts(node) if answer_type == "key_posts" else ()
    if "posts" in node.data and answer_type != "key_posts":
        raise node.error("只有关键岗位在岗类检查项（key_posts）可以设置岗位 posts")
    return Item(
        code=code, section=section, text=node.text("text"), basis=node.text("basis"),
        party=node.choice("party", PARTIES, "责任主体"), answer_type=answer_type,
        basic=node.flag("basic"), noncompliance=node.texts("noncompliance"),
        finding=node.text("finding"), requirement=node.text("requirement"),
        deadline_days=node.integer("deadline_days", 1, 365), unit=unit,
        penalty_basis=node.optional_text("penalty_basis"), posts=posts)


def _posts(node: _Node) -> tuple[KeyPost, ...]:
    if "posts" not in node.data:
        raise TemplateError(f"{node.at('posts')}：关键岗位在岗类检查项须列出岗位")
    out: list[KeyPost] = []
    for i, raw in enumerate(node.nodes("posts")):
        post = _Node(raw, node.at("posts") + f"[{i}]", ("post", "party"))
        name = post.text("post")
        if name in (p.post for p in out):
            raise TemplateError(f"{post.at('post')}：岗位“{name}”重复")
        out.append(KeyPost(post=name, party=post.choice("party", PARTIES[:3], "责任主体")))
    return tuple(out)


def _real_name(raw: Any, items: dict[str, Item]) -> RealNameRule:
    node = _Node(raw, "rules.real_name",
                 ("attendance_item", "attendance_threshold", "veto", "deductions"),
                 ("charged",))
    attendance_item = _item_ref(node, "attendance_item", items, ATTENDANCE_TYPES)
    for code, item in items.items():
        if item.answer_type == "key_posts" and code != attendance_item:
            raise TemplateError(f"{node.at('attendance_item')}：关键岗位在岗类检查项“{code}”"
                                "须是实名制打卡项")
    threshold = node.fraction("attendance_threshold")
    veto_node = _Node(node.data["veto"], node.at("veto"), ("item", "condition", "consequences"))
    veto = Veto(item=_item_ref(veto_node, "item", items, ("compliance",)),
                condition=veto_node.text("condition"),
                consequences=veto_node.texts("consequences"))
    rows = tuple(_deduction(row, node.at("deductions") + f"[{i}]", threshold)
                 for i, row in enumerate(node.nodes("deductions")))
    ordered = sorted(rows, key=lambda r: r.rate_from)
    for low, high in pairwise(ordered):
        if high.rate_from < low.rate_below:
            raise TemplateError(
                f"rules.real_name.deductions：“{low.circumstance}”与“{high.circumstance}”"
                "的打卡率区间重叠")
    return RealNameRule(attendance_item=attendance_item, attendance_threshold=threshold,
                        veto=veto, deductions=rows,
                        charged=_charged(node, items[attendance_item]))


def _charged(node: _Node, item: Item) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Per post of a key-posts attendance item, whom a short person's rate charges."""
    if item.answer_type != "key_posts":
        if "charged" in node.data:
            raise node.error("只有关键岗位在岗类（key_posts）打卡项可以设置 charged")
        return ()
    if "charged" not in node.data:
        raise TemplateError(f"{node.at('charged')}：须列出每个关键岗位的扣分对象")
    posts = tuple(p.post for p in item.posts)
    charged = _Node(node.data["charged"], node.at("charged"), posts)
    out = []
    for post in posts:
        subjects = charged.texts(post)
        for subject in subjects:
            if subject not in DEDUCTION_SUBJECTS:
                raise TemplateError(
                    f"{charged.at(post)}：未知的扣分对象“{subject}”，应为 "
                    f"{'、'.join(DEDUCTION_SUBJECTS)} 之一")
        out.append((post, subjects))
    return tuple(out)


def _item_ref(node: _Node, key: str, items: dict[str, Item],
              answer_types: tuple[str, ...]) -> str:
    code = node.text(key)
    if code not in items:
        raise TemplateError(f"{node.at(key)}：检查项“{code}”不在本检查表中")
    if items[code].answer_type not in answer_types:
        raise TemplateError(
            f"{node.at(key)}：检查项“{code}”的回答类型应为 {' 或 '.join(answer_types)}，"
            f"实际是 {items[code].answer_type}")
    return code


def _deduction(raw: Any, path: str, threshold: float) -> Deduction:
    node = _Node(raw, path, ("circumstance", "rate_from", "rate_below", "points"))
    rate_from, rate_below = node.fraction("rate_from"), node.fraction("rate_below")
    if rate_from >= rate_below:
        raise node.error(f"rate_from（{rate_from:g}）应小于 rate_below（{rate_below:g}）")
    if rate_below > threshold:
        raise node.error(f"rate_below（{rate_below:g}）不能高于打卡率标准（{threshold:g}）")
    points = _Node(node.data["points"], node.at("points"), DEDUCTION_SUBJECTS)
    values = []
    for subject in DEDUCTION_SUBJECTS:
        value = points.number(subject)
        if value < 0:
            raise TemplateError(f"{points.at(subject)}：扣分不能为负数，当前为 {value:g}")
        values.append((subject, value))
    return Deduction(circumstance=node.text("circumstance"), rate_from=rate_from,
                     rate_below=rate_below, points=tuple(values))


_TEMPLATE_IDS = uuid.UUID("6f1d3c52-8a4e-4b7f-9c21-5e0a7d3b9f14")


def template_id(code: str, version: str) -> str:
    """The record id of a template version: the same on every laptop and on the server."""
    return str(uuid.uuid5(_TEMPLATE_IDS, f"checklist_template/{code}/{version}"))
