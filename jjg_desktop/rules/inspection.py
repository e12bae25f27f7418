"""Rules of one inspection: its lifecycle, what an answer may be, when it is a finding, progress,
the real-name rule (seed 六), findings and their review on a re-inspection, amendments of a
locked record, and the numbers inspections and notices carry."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from jjg_desktop.rules import key_posts
from jjg_desktop.rules.checklist import (
    COMPLIANCE_VALUES,
    Deduction,
    Item,
    RealNameRule,
    Template,
    Veto,
)

COMPLIANT, NONCOMPLIANT, NOT_APPLICABLE = "符合", "不符合", "不适用"
PLANNED, IN_PROGRESS, COMPLETED = "planned", "in_progress", "completed"
STATUS_LABELS = {PLANNED: "计划", IN_PROGRESS: "检查中", COMPLETED: "已完成"}
METHODS = ("四不两直", "日常", "专项", "复查")
REINSPECTION = "复查"
PLANNABLE_METHODS = METHODS[:3]
PARTY_SIGNER = "受检单位代表"
INSPECTOR_SIGNER = "检查人员"
RECEIVER_SIGNER = "签收人"
MAX_TEXT = 2000
MAX_VALUE = 200
LOCKED = "记录已锁定，请提交更正"
NOT_STARTED = "检查尚未开始，请先开始检查"
OFFICIAL, EXPERT = "干部", "专家"

# Findings: open until a re-inspection closes them; a re-inspection that finds them not
# rectified re-opens them (open again, with the review's note and a new deadline); a finding
# whose answer was changed is withdrawn.
FINDING_OPEN, FINDING_CLOSED, FINDING_WITHDRAWN = "open", "closed", "withdrawn"
OPEN_FINDINGS = (FINDING_OPEN,)
FINDING_LABELS = {FINDING_OPEN: "待整改", FINDING_CLOSED: "已整改", FINDING_WITHDRAWN: "已撤销"}
NOT_RECTIFIED_NOTE = "复查时仍未整改到位"
REVIEW_PENDING, REVIEW_CLOSED, REVIEW_REOPENED = "pending", "closed", "reopened"
REVIEW_LABELS = {REVIEW_PENDING: "待复查", REVIEW_CLOSED: "已整改到位",
                 REVIEW_REOPENED: "未整改到位"}
RESPONSIBLE_ROLES = ("建设单位", "施工单位", "监理单位", "分包单位")

NOTICE_KINDS = ("整改通知书", "行政处罚建议书")
FINDING_FIELDS = ("problem", "legal_basis", "requirement", "responsible_role", "deadline")
FINDING_FIELD_LABELS = {"problem": "问题", "legal_basis": "依据", "requirement": "整改要求",
                        "responsible_role": "责任单位", "deadline": "整改期限"}

# A text answer of "nothing to note" is not a finding.
NOTHING_TO_NOTE = frozenset({"无", "没有", "暂无", "无。", "/", "-", "—", "不适用"})

# Targets of an amendment to a completed record: an item code (its answer), "remark:<code>",
# the conclusion, or the place.
AMEND_CONCLUSION, AMEND_PLACE, AMEND_REMARK = "conclusion", "place", "remark:"


def editing_problem(status: str) -> str | None:
    """None while the record may be filled in; otherwise why not."""
    if status == PLANNED:
        return NOT_STARTED
    if status == COMPLETED:
        return LOCKED
    return None


def team_problems(team: Sequence[Mapping[str, str]]) -> list[str]:
    """A team is at least two people, each named; officials carry their enforcement
    certificate number and at least one official leads."""
    problems: list[str] = []
    if len(team) < 2:
        problems.append("检查组至少需要两名成员")
    for n, member in enumerate(team, start=1):
        name = member.get("name", "").strip()
        if not name:
            problems.append(f"检查组第 {n} 名成员未填写姓名")
        elif member_kind(member) == OFFICIAL and not member.get("cert_no", "").strip():
            problems.append(f"{name}（干部）未填写执法证号")
    if team and not any(member_kind(m) == OFFICIAL for m in team):
        problems.append("检查组至少需要一名持执法证的干部")
    return problems


def member_kind(member: Mapping[str, str]) -> str:
    """干部 or 专家; older team entries call it "role"."""
    return member.get("kind") or member.get("role") or ""


def answer_problem(item: Item, value: str, on: date | None = None) -> str | None:
    """None when `value` is a valid answer to `item` (of a record made on `on`, when given);
    otherwise what is wrong."""
    if item.answer_type == "key_posts":
        if value == NOT_APPLICABLE:
            return None
        try:
            key_posts.parse(item, value, on)
        except key_posts.SheetError as e:
            return str(e)
        return None
    if item.answer_type in ("compliance", "photo"):
        if value not in COMPLIANCE_VALUES:
            return f"{item.code} 的结论应为“符合”“不符合”或“不适用”"
        return None
    if item.answer_type == "number":
        if value == NOT_APPLICABLE:
            return None
        try:
            number = float(value)
        except ValueError:
            return f"{item.code} 应填写数字，当前为“{value}”"
        if number != number or number in (float("inf"), float("-inf")):
            return f"{item.code} 应填写数字，当前为“{value}”"
        if item.unit == "%" and not 0 <= number <= 100:
            return f"{item.code} 的百分比应在 0 到 100 之间"
        if number < 0:
            return f"{item.code} 不能为负数"
        return None
    if len(value) > MAX_VALUE:
        return f"{item.code} 的内容不能超过 {MAX_VALUE} 字，更多情况请写在情况说明中"
    return None


def canonical_answer(item: Item, value: str) -> str:
    """A valid answer as stored: a key posts' sheet in its one compact form (so equal sheets
    are equal strings), any other as given."""
    if item.answer_type == "key_posts" and value not in ("", NOT_APPLICABLE):
        return key_posts.parse(item, value).encode()
    return value


def _number(value: str) -> float | None:
    try:
        return float(value)
    except ValueError:
        return None


def is_finding(template: Template, item: Item, value: str) -> bool:
    """Whether this answer makes a non-compliance the team must write up."""
    if item.answer_type in ("compliance", "photo"):
        return value == NONCOMPLIANT
    if item.answer_type == "number":
        number = _number(value)
        if item.code == template.real_name.attendance_item and number is not None:
            return number / 100 < template.real_name.attendance_threshold
        return False
    if item.answer_type == "key_posts":
        sheet = key_posts.sheet_of(item, value)
        return sheet is not None and bool(sheet.short(template.real_name.attendance_threshold))
    return value.strip() not in NOTHING_TO_NOTE and bool(value.strip())


def required_items(template: Template, answers: Mapping[str, str],
                   only: Collection[str] | None = None) -> tuple[Item, ...]:
    """The items this record must answer: all of the template (or those in `only`, the items
    a re-inspection looks at again); without a real-name system there is no attendance rate."""
    vetoed = answers.get(template.real_name.veto.item) == NONCOMPLIANT
    return tuple(i for i in template.items
                 if (only is None or i.code in only)
                 and not (vetoed and i.code == template.real_name.attendance_item))


@dataclass(frozen=True, slots=True)
class Progress:
    answered: int
    total: int
    findings: int
    basic_unanswered: tuple[str, ...]

    @property
    def complete(self) -> bool:
        return self.answered >= self.total


def progress(template: Template, answers: Mapping[str, str],
             only: Collection[str] | None = None) -> Progress:
    items = required_items(template, answers, only)
    answered = [i for i in items if answers.get(i.code, "") != ""]
    findings = [i for i in template.items
                if answers.get(i.code, "") and is_finding(template, i, answers[i.code])]
    basic_open = tuple(i.code for i in items if i.basic and answers.get(i.code, "") == "")
    return Progress(len(answered), len(items), len(findings), basic_open)


@dataclass(frozen=True, slots=True)
class RealNameOutcome:
    enabled: bool | None
    attendance_percent: float | None
    """The rate entered, or with a key-posts sheet the lowest person's (0–100)."""
    veto: Veto | None
    deduction: Deduction | None
    sheet: key_posts.Sheet | None = None
    """The key posts' monthly sheet, on a template that asks for one."""
    threshold: float = 0.0
    charges: tuple[key_posts.Charge, ...] = ()
    per_person: bool = False
    """Whether the template asks for the key posts' sheet rather than one rate."""

    @property
    def short(self) -> tuple[key_posts.OnDuty, ...]:
        return self.sheet.short(self.threshold) if self.sheet is not None else ()

    @property
    def summary(self) -> str:
        if self.enabled is None:
            return "实名制情况尚未检查"
        if self.veto is not None:
            return f"未开通实名制管理，一票否决：{'；'.join(self.veto.consequences)}"
        if self.per_person:
            return self._sheet_summary()
        if self.attendance_percent is None:
            return "已开通实名制管理，打卡率尚未填写"
        if self.deduction is None:
            return f"已开通实名制管理，打卡率 {self.attendance_percent:g}%，达到要求"
        points = "，".join(f"{who}扣{pts:g}分" for who, pts in self.deduction.points)
        return (f"已开通实名制管理，打卡率 {self.attendance_percent:g}%"
                f"（{self.deduction.circumstance}）：{points}")

    def _sheet_summary(self) -> str:
        sheet = self.sheet
        if sheet is None:
            return "已开通实名制管理，关键岗位人员在岗情况尚未填写"
        standard = f"{self.threshold * 100:g}%"
        if not self.short:
            return (f"已开通实名制管理，{sheet.month_label}关键岗位人员 {len(sheet.people)} 人"
                    f"月度在岗率均达到{standard}（最低：{sheet.lowest.describe()}）")
        short = "；".join(p.describe() for p in self.short)
        text = (f"已开通实名制管理，{sheet.month_label}关键岗位人员月度在岗率低于{standard}的"
                f" {len(self.short)} 人：{short}")
        if self.charges:
            text += "。扣分：" + "，".join(c.describe() for c in self.charges)
        return text

    def as_record(self) -> dict[str, object]:
        """What the province needs for the credit evaluation (seed 八)."""
        record: dict[str, object] = {
            "enabled": self.enabled, "attendance_percent": self.attendance_percent,
            "veto": list(self.veto.consequences) if self.veto else [],
            "deduction": dict(self.deduction.points) if self.deduction else {},
            "summary": self.summary}
        if self.sheet is not None and self.enabled:
            record["month"] = self.sheet.month
            record["people"] = [{"post": p.post, "name": p.name, "due": p.due,
                                 "on_duty": p.on_duty, "rate": round(p.rate, 4)}
                                for p in self.sheet.people]
            record["charges"] = [c.as_record() for c in self.charges]
        return record


def real_name_enabled(template: Template, answers: Mapping[str, str]) -> bool | None:
    """What the veto item's answer says of the project's real-name system (None: unknown)."""
    answer = answers.get(template.real_name.veto.item, "")
    return None if answer in ("", NOT_APPLICABLE) else answer != NONCOMPLIANT


def real_name_outcome(template: Template, answers: Mapping[str, str]) -> RealNameOutcome:
    rule = template.real_name
    enabled = real_name_enabled(template, answers)
    veto = rule.veto if enabled is False else None
    item = template.item(rule.attendance_item)
    if item.answer_type == "key_posts":
        sheet = key_posts.sheet_of(item, answers.get(item.code, "")) if enabled else None
        return RealNameOutcome(
            enabled=enabled, veto=veto, deduction=None, sheet=sheet,
            attendance_percent=round(sheet.lowest.rate * 100, 1) if sheet else None,
            threshold=rule.attendance_threshold, per_person=True,
            charges=key_posts.charges(rule, item, sheet) if sheet else ())
    rate = _number(answers.get(rule.attendance_item, ""))
    deduction = rule.deduction_for(rate / 100) if (rate is not None and enabled) else None
    return RealNameOutcome(enabled=enabled,
                           attendance_percent=rate if enabled is not False else None,
                           veto=veto, deduction=deduction,
                           threshold=rule.attendance_threshold)


def completion_problems(template: Template, answers: Mapping[str, str], conclusion: str,
                        team_names: Iterable[str], signer_roles: Iterable[tuple[str, str]],
                        findings_without_deadline: int, *,
                        only: Collection[str] | None = None,
                        photos_missing: Iterable[str] = (),
                        reviews_pending: int = 0) -> list[str]:
    """Everything still missing before the record may be completed and locked."""
    problems: list[str] = []
    p = progress(template, answers, only)
    if not p.complete:
        problems.append(f"尚有 {p.total - p.answered} 项未填写（已填 {p.answered}/{p.total}）")
    missing_photos = list(photos_missing)
    if missing_photos:
        problems.append(f"以下拍照项尚无照片：{'、'.join(missing_photos)}")
    if reviews_pending:
        problems.append(f"尚有 {reviews_pending} 个问题未复查（已整改或未整改）")
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


def photos_missing(template: Template, answers: Mapping[str, str],
                   with_photos: Collection[str],
                   only: Collection[str] | None = None) -> list[str]:
    """Photo items answered 符合 or 不符合 that have no photo attached."""
    return [i.code for i in required_items(template, answers, only)
            if i.answer_type == "photo" and answers.get(i.code) in (COMPLIANT, NONCOMPLIANT)
            and i.code not in with_photos]


# --- findings ----------------------------------------------------------------------------


def responsible_role(item: Item, value: str = "", rule: RealNameRule | None = None) -> str:
    """The party a finding on this item is addressed to (a project item: the contractor; a
    key-posts sheet: the party holding the short posts)."""
    sheet = key_posts.sheet_of(item, value)
    if sheet is not None and rule is not None:
        return key_posts.responsible_party(item, sheet, rule.attendance_threshold)
    return "施工单位" if item.party == "项目" else item.party


def finding_problem(item: Item, value: str, remark: str,
                    rule: RealNameRule | None = None) -> str:
    """The problem as first written from the answer; the inspector may edit it. A key-posts
    sheet names who is short, and the remark follows."""
    detail = remark.strip()
    sheet = key_posts.sheet_of(item, value)
    if sheet is not None and rule is not None:
        short = "；".join(p.describe() for p in sheet.short(rule.attendance_threshold))
        detail = "；".join(part for part in (f"{sheet.month_label} {short}", detail) if part)
    elif not detail and item.answer_type == "number":
        detail = f"实测 {value}{item.unit}" if item.unit else f"实测 {value}"
    elif not detail and item.answer_type == "text":
        detail = value.strip()
    return f"{item.finding}：{detail}" if detail else item.finding


def finding_label(status: str, review_note: str) -> str:
    """待整改, or 复查未整改 for one a re-inspection re-opened; 已整改; 已撤销."""
    if status == FINDING_OPEN and review_note:
        return "复查未整改"
    return FINDING_LABELS.get(status, status)


def finding_deadline(day: date, item: Item) -> date:
    return day + timedelta(days=item.deadline_days)


def finding_problems(problem: str, responsible: str, deadline: date | None,
                     today: date) -> list[str]:
    problems: list[str] = []
    if not problem.strip():
        problems.append("请填写问题描述")
    if len(problem) > MAX_TEXT:
        problems.append(f"问题描述不能超过 {MAX_TEXT} 字")
    if responsible and responsible not in RESPONSIBLE_ROLES:
        problems.append(f"责任单位应为 {'、'.join(RESPONSIBLE_ROLES)} 之一")
    if deadline is not None and deadline < today:
        problems.append("整改期限不能早于今天")
    return problems


def review_problem(outcome: str, note: str, new_deadline: date | None,
                   today: date) -> str | None:
    if outcome not in (REVIEW_CLOSED, REVIEW_REOPENED):
        return "复查结果应为“已整改到位”或“未整改到位”"
    if outcome == REVIEW_REOPENED:
        if new_deadline is None:
            return "未整改到位的问题须确定新的整改期限"
        if new_deadline <= today:
            return "新的整改期限应晚于今天"
        if not note.strip():
            return "请说明未整改到位的情况"
    return None


def notice_deadline(finding_deadlines: Iterable[date | None], given: date | None) -> date | None:
    """The notice's deadline: the one given, else the latest of its findings."""
    if given is not None:
        return given
    return max((d for d in finding_deadlines if d is not None), default=None)


# --- amendments --------------------------------------------------------------------------


def amend_problem(template: Template, target: str, new_value: str, reason: str,
                  on: date | None = None) -> str | None:
    """None when the amendment may be recorded on a completed record (inspected on `on`:
    a corrected sheet's month may not be after it)."""
    if not reason.strip():
        return "更正须说明理由"
    if target in (AMEND_CONCLUSION, AMEND_PLACE):
        return None if new_value.strip() else "更正后的内容不能为空"
    code = target.removeprefix(AMEND_REMARK)
    try:
        item = template.item(code)
    except KeyError:
        return f"检查表中没有检查项“{code}”"
    if target.startswith(AMEND_REMARK):
        return None if len(new_value) <= MAX_TEXT else f"情况说明不能超过 {MAX_TEXT} 字"
    return answer_problem(item, new_value, on)


def amend_value_labels(template: Template, target: str, old: str,
                       new: str) -> tuple[str, str]:
    """An amendment's before and after as people read them: a key posts' sheet as the lines
    that changed (a reader must see whose days were corrected), any other value as it is."""
    if target in (AMEND_CONCLUSION, AMEND_PLACE) or target.startswith(AMEND_REMARK):
        return old, new
    try:
        item = template.item(target)
    except KeyError:
        return old, new
    return key_posts.changed_lines(item, old, new) or (answer_label(item, old),
                                                       answer_label(item, new))


def answer_label(item: key_posts.SheetItem, value: str) -> str:
    """An answer as a message or a list shows it (a key posts' sheet in a line)."""
    return key_posts.brief(item, value)


def amend_target_label(template: Template, target: str) -> str:
    if target == AMEND_CONCLUSION:
        return "检查结论"
    if target == AMEND_PLACE:
        return "检查地点"
    if target.startswith(AMEND_REMARK):
        return f"{target.removeprefix(AMEND_REMARK)} 情况说明"
    return f"{target} 检查结论"


# --- numbers -----------------------------------------------------------------------------

_SUFFIXES = ("朝鲜族自治州", "朝鲜族自治县", "满族自治县", "蒙古族自治县", "市", "县", "区")


def short_division_name(name: str) -> str:
    """'珲春市' -> '珲春', '延边朝鲜族自治州' -> '延边' (the 发文机关 short name)."""
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def inspection_number_prefix(division_name: str, year: int) -> str:
    return f"{short_division_name(division_name)}住建市检〔{year}〕"


def inspection_number(division_name: str, year: int, serial: int) -> str:
    """'珲春住建市检〔2023〕029号': the record's serial, three digits so lists sort by it."""
    return f"{inspection_number_prefix(division_name, year)}{serial:03d}号"


_SPOKEN_NUMBER = re.compile(
    r"^(?:[〔\[(（]?\s*(?P<year>(?:19|20)\d{2})\s*[〕\])）]|(?P<year2>(?:19|20)\d{2})\s*[-—/年])?"
    r"\s*(?:第\s*)?0*(?P<serial>\d{1,5})\s*号?$")


def spoken_inspection_number(text: str) -> str | None:
    """The end of an inspection number as people say it — '035', '35', '〔2023〕035', '2023-35',
    '第35号' — as a LIKE pattern ('%〔2023〕035号'); None if ``text`` is not one."""
    match = _SPOKEN_NUMBER.match(text.strip())
    if match is None:
        return None
    serial = int(match["serial"])
    if serial == 0:
        return None
    year = match["year"] or match["year2"]
    return f"%〔{year}〕{serial:03d}号" if year else f"%〕{serial:03d}号"


def notice_number_prefix(division_name: str, kind: str, year: int) -> str:
    word = "市整" if kind == NOTICE_KINDS[0] else "罚建"
    return f"{short_division_name(division_name)}住建{word}〔{year}〕"


def notice_number(division_name: str, kind: str, year: int, serial: int) -> str:
    """'珲春住建市整〔2023〕10号': a 文号, without padding (GB/T 9704: 不编虚位)."""
    return f"{notice_number_prefix(division_name, kind, year)}{serial}号"


def verification_number_prefix(division_name: str, year: int) -> str:
    return f"{short_division_name(division_name)}住建核查〔{year}〕"


def verification_number(division_name: str, year: int, serial: int) -> str:
    """'珲春住建核查〔2023〕7号': a 入吉企业动态核查记录's number, unpadded like a 文号."""
    return f"{verification_number_prefix(division_name, year)}{serial}号"


def bureau_name(division_name: str, level: int) -> str:
    """The housing and construction authority of a division (the province's is a 厅)."""
    return f"{division_name}住房和城乡建设{'厅' if level == 1 else '局'}"


def serial_of(number: str, prefix: str) -> int | None:
    rest = number.removeprefix(prefix).removesuffix("号") if number.startswith(prefix) else ""
    return int(rest) if rest.isdigit() else None


_SERIES = re.compile(r"^(?P<prefix>.*〕(?:[^\d]*|\d+-))(?P<serial>\d+)(?P<suffix>号?)$")
"""A document number's series and serial: '珲建检〔2026〕029号' (serial 029) or a
registration's '吉入登〔2026〕222404-0007' (series 吉入登〔2026〕222404-, serial 0007)."""


def next_free_number(number: str, taken: Iterable[str]) -> str | None:
    """The next number of ``number``'s series after every taken one ('…〔2026〕029号' with
    029 and 030 taken → '…〔2026〕031号', padded as the original was); None if ``number``
    is not of a series."""
    match = _SERIES.match(number)
    if match is None:
        return None
    prefix, width, suffix = match["prefix"], len(match["serial"]), match["suffix"]
    serials = [int(m["serial"]) for t in taken
               if (m := _SERIES.match(t)) is not None and m["prefix"] == prefix]
    return f"{prefix}{max(serials, default=0) + 1:0{width}d}{suffix}"
