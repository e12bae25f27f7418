"""Inspections of the county's projects: planned, under way and completed, with findings.

The plans below tell a story a clerk would recognise on opening the demo: findings past
their deadline awaiting a 督办函, a 挂证 case, a project vetoed for having no real-name
system, a re-inspection that closed two of three findings, and today's spot check half done.
Each step is what `services.inspections` writes for the same action, under the same command
name and with the same data; numbers and findings follow `rules.inspection`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from jjg_desktop.demo.images import board_photo, signature_png, site_photo
from jjg_desktop.demo.market import Market, ProjectBundle
from jjg_desktop.demo.places import Place
from jjg_desktop.demo.seeded import CHINA_OFFSET, Seeded, china_time
from jjg_desktop.demo.steps import Official, Step, row_data
from jjg_desktop.rules import inspection as rules
from jjg_desktop.rules.checklist import Item, Template
from jjg_desktop.store.models import (
    Attachment,
    Finding,
    FindingReview,
    Inspection,
    InspectionAnswer,
    RectificationNotice,
    Signature,
)

Answer = tuple[str, str]
Problem = Callable[[ProjectBundle, Market], Answer]
FIRST_NUMBER, FIRST_NOTICE = 21, 9


@dataclass(frozen=True, slots=True)
class Plan:
    key: str
    method: str
    status: str
    day: date
    problems: dict[str, Problem] = field(default_factory=dict)
    answered: int | None = None
    reinspects: str = ""


def _other_project(b: ProjectBundle, m: Market) -> str:
    first, second = m.hung_certificate
    return (first if b is second else second).project.name


def _moved_office(b: ProjectBundle, m: Market) -> Answer:
    registration = b.contractor.registration
    assert registration is not None
    return "不符合", f"登记的在吉办公地址{registration.office_address}现为一家商铺，企业已搬离"


PLANS = (
    Plan("routine", "日常", "completed", date(2023, 6, 15)),
    Plan("spot", "四不两直", "completed", date(2023, 8, 22), {
        "SM-02": lambda b, m: ("72.5", "实名制平台统计近30日打卡率72.5%"),
        "SG-08": lambda b, m: ("不符合", f"安全管理负责人{b.person('施工单位', '安全员').name}"
                                      "的社会养老保险由其他单位缴纳"),
        "SM-07": lambda b, m: ("不符合", "告示牌未公示劳动争议调解仲裁申请渠道和法律援助申请渠道"),
    }),
    Plan("recheck", "复查", "completed", date(2023, 9, 12), {
        "SM-02": lambda b, m: ("86.3", "整改后近30日打卡率86.3%"),
        "SG-08": lambda b, m: ("不符合", "安全管理负责人社会养老保险关系仍未转入施工单位"),
        "SM-07": lambda b, m: ("符合", "已补充公示调解仲裁和法律援助渠道"),
    }, reinspects="spot"),
    Plan("hung", "四不两直", "completed", date(2023, 9, 14), {
        "SG-07": lambda b, m: ("不符合", (
            f"项目负责人{b.person('施工单位', '项目负责人').name}"
            f"（注册证书{b.person('施工单位', '项目负责人').cert_no}）"
            f"同时担任“{_other_project(b, m)}”的项目负责人，该项目在建")),
        "SG-06": lambda b, m: ("不符合", "检查时项目负责人不在现场，近30日考勤记录仅4天"),
    }),
    Plan("veto", "专项", "completed", date(2023, 10, 10), {
        "SM-01": lambda b, m: ("不符合",
                               "项目至检查之日未开通实名制管理，现场42名作业人员均未实名登记"),
        "SM-03": lambda b, m: ("不符合", "项目部未配备劳资专管员，未建立用工管理台账"),
    }),
    Plan("guarantee", "日常", "completed", date(2023, 10, 24), {
        "JS-06": lambda b, m: ("不符合", "建设单位未向施工单位提供工程款支付担保"),
    }),
    Plan("office", "四不两直", "completed", date(2023, 11, 7), {
        "RJ-03": _moved_office,
        "XM-02": lambda b, m: ("不符合", "平台登记的总监理工程师与现场实际人员不一致"),
        "XM-03": lambda b, m: (
            f"平台登记总监理工程师为{b.person('监理单位', '专业监理工程师').name}，"
            f"现场实际为{b.person('监理单位', '总监理工程师').name}", ""),
    }),
    Plan("started", "日常", "in_progress", date(2023, 11, 17), answered=12),
    Plan("today", "四不两直", "in_progress", date(2023, 11, 20), answered=21),
    Plan("next", "四不两直", "planned", date(2023, 11, 22)),
    Plan("later", "日常", "planned", date(2023, 11, 28)),
    Plan("special", "专项", "planned", date(2023, 12, 5)),
)


@dataclass(slots=True)
class Inspected:
    plan: Plan
    bundle: ProjectBundle
    row: Inspection
    values: dict[str, str] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    reviews: dict[str, FindingReview] = field(default_factory=dict)
    answers: dict[str, InspectionAnswer] = field(default_factory=dict)


class InspectionMaker:
    def __init__(self, s: Seeded, county: Place, market: Market, template: Template,
                 template_id: str, clerk: Official, colleagues: list[Official],
                 experts: list[str]) -> None:
        self.s, self.county, self.market = s, county, market
        self.template, self.template_id = template, template_id
        self.clerk, self.colleagues, self.experts = clerk, colleagues, experts
        self.steps: list[Step] = []
        self.done: dict[str, Inspected] = {}
        self.notices = 0
        self.files: dict[str, tuple[bytes, str]] = {}
        """Photos and signatures by SHA-256, with their type, for the attachment store."""

    def make(self) -> list[Step]:
        targets = self._targets()
        for n, plan in enumerate(PLANS):
            self._inspection(FIRST_NUMBER + n, plan, targets[plan.key])
        return self.steps

    def _targets(self) -> dict[str, ProjectBundle]:
        s, projects = self.s, self.market.projects
        building = [b for b in projects if b.project.status == "在建"]
        hung = self.market.hung_certificate[1]
        vetoed = next((b for b in building if b.project.real_name_enabled is False), None)
        if vetoed is None:
            vetoed = next(b for b in building if b is not hung)
            vetoed.project.real_name_enabled = False
        outsider = next(b for b in building if b.contractor.registration is not None
                        and b.contractor.registration.division_code == self.county.code
                        and b not in (hung, vetoed))
        chosen = {"hung": hung, "veto": vetoed, "office": outsider}
        rest = [b for b in building if b not in chosen.values() and b.project.real_name_enabled
                and b is not self.market.hung_certificate[0]]
        for plan, bundle in zip((p for p in PLANS if p.key not in chosen and not p.reinspects),
                                s.rng.sample(rest, len(PLANS) - len(chosen) - 1), strict=True):
            chosen[plan.key] = bundle
        for plan in PLANS:
            if plan.reinspects:
                chosen[plan.key] = chosen[plan.reinspects]
        return chosen

    @property
    def office_case(self) -> Inspected:
        return self.done["office"]

    @property
    def inspected_firms(self) -> set[str]:
        """Every enterprise on an inspected project: its status must agree with the answers."""
        return {firm.row.id for i in self.done.values()
                for firm in (i.bundle.builder, i.bundle.contractor, i.bundle.supervisor,
                             i.bundle.subcontractor) if firm is not None}

    def _team(self) -> list[dict[str, str]]:
        colleague = self.s.pick(self.colleagues)
        return [_member(self.clerk), _member(colleague),
                {"name": self.s.pick(self.experts), "kind": rules.EXPERT, "cert_no": "",
                 "username": ""}]

    def _inspection(self, number: int, plan: Plan, bundle: ProjectBundle) -> None:
        s, rng = self.s, self.s.rng
        planned_at = china_time(plan.day - timedelta(days=rng.randint(3, 7)), 16,
                                rng.randint(0, 59))
        previous = self.done.get(plan.reinspects)
        row = Inspection(
            id=s.uuid(), number=rules.inspection_number(self.county.name, plan.day.year, number),
            project_id=bundle.project.id, template_id=self.template_id,
            division_code=self.county.code, method=plan.method, status=plan.status,
            planned_on=plan.day, place=bundle.project.address, team=self._team(),
            reinspection_of=previous.row.id if previous else None,
            created_at=planned_at, updated_at=planned_at)
        data = {"id": row.id} | row_data(row, "number", "project_id", "template_id",
                                         "division_code", "method", "planned_on", "team",
                                         "reinspection_of")
        rows: list[object] = [row]
        reviews: dict[str, FindingReview] = {}
        if previous is not None:
            for finding in previous.findings:
                reviews[finding.item_code] = FindingReview(
                    id=s.uuid(), inspection_id=row.id, finding_id=finding.id,
                    outcome=rules.REVIEW_PENDING, note="", previous_deadline=finding.deadline,
                    created_at=planned_at,
                    updated_at=planned_at)
            data["findings"] = [f.id for f in previous.findings]
            rows += reviews.values()
        self.steps.append(Step(planned_at, "inspection.plan", "inspection", row.id, data,
                               rows=rows))
        inspected = Inspected(plan=plan, bundle=bundle, row=row, reviews=reviews)
        self.done[plan.key] = inspected
        if plan.status == "planned":
            return
        row.started_at = china_time(plan.day, 9, rng.randint(0, 40))
        self.steps.append(Step(row.started_at, "inspection.start", "inspection", row.id, {
            "id": row.id, "started_at": row.started_at.isoformat(), "place": row.place,
            "method": row.method, "team": row.team}))
        at = self._answer(inspected, previous)
        row.updated_at = at
        if plan.status == "completed":
            self._complete(inspected, at + timedelta(minutes=20), previous)

    def _answers(self, inspected: Inspected, previous: Inspected | None) -> list[
            tuple[Item, Answer]]:
        plan, b = inspected.plan, inspected.bundle
        if previous is not None:
            return [(self.template.item(code), problem(b, self.market))
                    for code, problem in plan.problems.items()]
        out = []
        for item in self.template.items:
            if item.code in plan.problems:
                out.append((item, plan.problems[item.code](b, self.market)))
            elif not (plan.key == "veto" and item.code == "SM-02"):
                out.append((item, self._usual(item, b)))
        return out[: plan.answered] if plan.answered is not None else out

    def _usual(self, item: Item, b: ProjectBundle) -> Answer:
        if item.answer_type == "number":
            return f"{self.s.rng.uniform(81, 98):.1f}", ""
        if item.answer_type == "text":
            return "无", ""
        outsider = {"RJ-01": b.contractor, "RJ-02": b.contractor, "RJ-03": b.contractor,
                    "RJ-04": b.supervisor}.get(item.code)
        if outsider is not None and not outsider.out_of_province:
            return "不适用", "本省企业"
        if item.code in ("SG-10", "SG-11", "SM-06") and b.subcontractor is None:
            return "不适用", "本项目无分包"
        return "符合", ""

    def _answer(self, inspected: Inspected, previous: Inspected | None) -> datetime:
        s, row = self.s, inspected.row
        assert row.started_at is not None
        at = row.started_at
        for item, (value, remark) in self._answers(inspected, previous):
            at += timedelta(minutes=s.rng.randint(2, 5))
            answer = InspectionAnswer(id=s.uuid(), inspection_id=row.id, item_code=item.code,
                                      value=value, remark=remark, answered_at=at,
                                      created_at=at, updated_at=at)
            self.steps.append(Step(at, "inspection.answer", "inspection_answer", answer.id,
                                   {"id": answer.id} | row_data(
                                       answer, "inspection_id", "item_code", "value", "remark",
                                       "answered_at"), rows=[answer]))
            inspected.values[item.code] = value
            inspected.answers[item.code] = answer
            if item.answer_type == "photo" and value != rules.NOT_APPLICABLE:
                at = self._photo(inspected, item, answer, at)
            review = inspected.reviews.get(item.code)
            if review is not None:
                self._review(review, item, value, remark, at)
            elif rules.is_finding(self.template, item, value):
                self._finding(inspected, item, value, remark, at)
        return at

    def _review(self, review: FindingReview, item: Item, value: str, remark: str,
                at: datetime) -> None:
        """On a re-inspection the answer of a finding's item is its review (sync_review)."""
        reopened = rules.is_finding(self.template, item, value)
        review.outcome = rules.REVIEW_REOPENED if reopened else rules.REVIEW_CLOSED
        review.note, review.reviewed_at, review.updated_at = remark, at, at
        if reopened:
            review.new_deadline = rules.finding_deadline((at + CHINA_OFFSET).date(), item)
        self.steps.append(Step(at, "finding.review", "finding_review", review.id, row_data(
            review, "id", "inspection_id", "finding_id", "outcome", "note", "new_deadline")))

    def _finding(self, inspected: Inspected, item: Item, value: str, remark: str,
                 at: datetime) -> None:
        """The finding a non-compliant answer makes as it is saved (sync_finding)."""
        role = rules.responsible_role(item, value, self.template.real_name)
        firm = inspected.bundle.firm(role)
        finding = Finding(
            id=self.s.uuid(), inspection_id=inspected.row.id, item_code=item.code,
            problem=rules.finding_problem(item, value, remark, self.template.real_name),
            legal_basis=item.basis,
            requirement=item.requirement, responsible_role=role,
            enterprise_id=firm.row.id if firm else None,
            deadline=rules.finding_deadline(inspected.plan.day, item),
            status=rules.FINDING_OPEN, created_at=at, updated_at=at)
        inspected.findings.append(finding)
        self.steps.append(Step(at, "finding.create", "finding", finding.id, row_data(
            finding, "id", "inspection_id", "item_code", "problem", "legal_basis",
            "requirement", "responsible_role", "enterprise_id", "deadline", "status"),
            rows=[finding]))

    def _file(self, data: bytes, mime: str) -> str:
        sha = hashlib.sha256(data).hexdigest()
        self.files[sha] = (data, mime)
        return sha

    def _photo(self, inspected: Inspected, item: Item, answer: InspectionAnswer,
               at: datetime) -> datetime:
        """The picture a photo item asks for, taken as it is answered."""
        b, rng = inspected.bundle, self.s.rng
        if item.code == "SM-08":
            person = b.person("施工单位", "项目负责人")
            data = board_photo(rng, b.project.name, b.contractor.row.name, person.phone)
            caption = "维权信息告示牌"
        else:
            data, caption = site_photo(rng), "施工现场全景"
        at += timedelta(minutes=1)
        att = Attachment(id=self.s.uuid(), sha256=self._file(data, "image/jpeg"),
                         owner_kind="inspection_answer", owner_id=answer.id, purpose="photo",
                         caption=caption, original_name=f"{caption}.jpg",
                         taken_at=at + CHINA_OFFSET, created_at=at, updated_at=at)
        self.steps.append(Step(at, "inspection.attach_photo", "attachment", att.id, {
            "id": att.id, "inspection_id": inspected.row.id, "item_code": item.code,
            "answer_id": answer.id, "owner_kind": att.owner_kind, "owner_id": answer.id,
            "sha256": att.sha256, "caption": caption,
            "taken_at": (at + CHINA_OFFSET).isoformat(), "gps": None},
            rows=[att]))
        return at

    def _signatures(self, inspected: Inspected, at: datetime) -> datetime:
        """Each member of the team, then the inspected party's representative."""
        row, rng = inspected.row, self.s.rng
        signers = [(rules.INSPECTOR_SIGNER, m["name"]) for m in row.team or []]
        signers.append((rules.PARTY_SIGNER,
                        inspected.bundle.person("施工单位", "项目负责人").name))
        for role, name in signers:
            at += timedelta(minutes=1)
            sig = Signature(id=self.s.uuid(), owner_kind="inspection", owner_id=row.id,
                            signer_role=role, signer_name=name,
                            sha256=self._file(signature_png(rng), "image/png"), signed_at=at,
                            created_at=at, updated_at=at)
            args = {"id": sig.id, "owner_kind": "inspection", "owner_id": row.id,
                    "signer_role": role, "signer_name": name, "sha256": sig.sha256,
                    "signed_at": at.isoformat()}
            self.steps.append(Step(at, "signature.add", "signature", sig.id, args, rows=[sig],
                                   args=args))
        return at

    def _complete(self, inspected: Inspected, done: datetime,
                  previous: Inspected | None) -> None:
        row, findings = inspected.row, inspected.findings
        done = self._signatures(inspected, done) + timedelta(minutes=2)
        row.completed_at = row.updated_at = done
        row.conclusion = self._conclusion(inspected, previous)
        outcome = rules.real_name_outcome(self.template, inspected.values)
        self.steps.append(Step(done, "inspection.complete", "inspection", row.id, {
            "id": row.id, "completed_at": done.isoformat(), "conclusion": row.conclusion,
            "real_name": outcome.as_record(), "findings": [f.id for f in findings]}))
        if previous is not None:
            for review in inspected.reviews.values():
                self._apply(review, previous, row, done)
        if findings:
            self._notice(inspected, done + timedelta(minutes=15))

    def _conclusion(self, inspected: Inspected, previous: Inspected | None) -> str:
        if previous is None:
            answers = list(inspected.values.values())
            return (f"检查{len(answers)}项：不符合{len(inspected.findings)}项，"
                    f"不适用{answers.count(rules.NOT_APPLICABLE)}项。"
                    + ("已当场下达整改通知书。" if inspected.findings else "未发现问题。"))
        reviews = list(inspected.reviews.values())
        fixed = [r for r in reviews if r.outcome == rules.REVIEW_CLOSED]
        open_ = [code for code, r in inspected.reviews.items()
                 if r.outcome == rules.REVIEW_REOPENED]
        return (f"复查{len(reviews)}项问题：{len(fixed)}项已整改到位，"
                f"{len(open_)}项未整改（{'、'.join(open_)}），拟发督办函。")

    def _apply(self, review: FindingReview, previous: Inspected, by: Inspection,
               at: datetime) -> None:
        """Completing a re-inspection makes its outcomes the findings' state (apply_reviews)."""
        finding = next(f for f in previous.findings if f.id == review.finding_id)
        closed = review.outcome == rules.REVIEW_CLOSED

        def apply() -> None:
            finding.status = rules.FINDING_CLOSED if closed else rules.FINDING_OPEN
            finding.closed_by = by.id if closed else None
            finding.deadline = deadline
            finding.review_note, finding.updated_at = review.note, at

        deadline = finding.deadline if closed else review.new_deadline
        data = {"id": finding.id,
                "status": rules.FINDING_CLOSED if closed else rules.FINDING_OPEN,
                "closed_by": by.id if closed else None, "reviewed_by": by.id,
                "review_note": review.note,
                "deadline": deadline.isoformat() if deadline else None}
        self.steps.append(Step(at, "finding.close" if closed else "finding.reopen", "finding",
                               finding.id, data, apply=apply))

    def _notice(self, inspected: Inspected, at: datetime) -> None:
        self.notices += 1
        day = inspected.plan.day
        kind = rules.NOTICE_KINDS[0]
        notice = RectificationNotice(
            id=self.s.uuid(), inspection_id=inspected.row.id,
            number=rules.notice_number(self.county.name, kind, day.year,
                                       FIRST_NOTICE + self.notices),
            kind=kind, issued_on=day,
            deadline=rules.notice_deadline((f.deadline for f in inspected.findings), None),
            received_by=inspected.bundle.person("施工单位", "项目负责人").name,
            finding_ids=[f.id for f in inspected.findings], created_at=at, updated_at=at)
        self.steps.append(Step(at, "notice.issue", "rectification_notice", notice.id, row_data(
            notice, "id", "inspection_id", "number", "kind", "issued_on", "deadline",
            "received_by", "finding_ids"), rows=[notice]))


def _member(official: Official) -> dict[str, str]:
    """A team entry as `services.inspections` stores it."""
    return {"name": official.display_name, "kind": rules.OFFICIAL, "cert_no": official.cert_no,
            "username": official.username}
