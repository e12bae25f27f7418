"""Read models of inspections: one record in full (the form and the printed record), the
parsed checklist a record was made on, and the 工作台 lists — overdue rectifications, due
re-inspections, and active projects not yet inspected this year.

Amendments of a completed record are applied here, on reading: the stored answers and
conclusion stay as they were when the record was locked, and the detail shows the amended
value with the original beside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jjg_desktop.rules import inspection as rules
from jjg_desktop.rules.checklist import KeyPost, Template, parse_template
from jjg_desktop.store.base import natural_id
from jjg_desktop.store.models import (
    Attachment,
    AuditEntry,
    ChecklistTemplate,
    Division,
    Enterprise,
    Finding,
    FindingReview,
    Inspection,
    InspectionAmendment,
    InspectionAnswer,
    InspectionDraw,
    KeyPerson,
    Project,
    ProjectParty,
    RectificationNotice,
    Signature,
)
from jjg_desktop.store.read.local_settings import CONTACT_PHONE, document_setting

_TEMPLATES: dict[str, Template] = {}


def template_for(session: Session, template_id: str) -> Template:
    """The parsed checklist of a record; parsed once per content hash (a version never
    changes), so saving an answer does not re-read the template."""
    content_hash = session.scalar(select(ChecklistTemplate.content_hash).where(
        ChecklistTemplate.id == template_id))
    if content_hash is None:
        raise LookupError(f"checklist template {template_id} is not in the store")
    template = _TEMPLATES.get(content_hash)
    if template is None:
        content = session.scalar(select(ChecklistTemplate.content).where(
            ChecklistTemplate.id == template_id))
        template = parse_template(content or {})
        _TEMPLATES[content_hash] = template
    return template


# --- one record --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TeamMember:
    name: str
    kind: str
    """干部 or 专家."""
    cert_no: str
    """Law-enforcement certificate number (执法证号); experts may have none."""
    username: str = ""


@dataclass(frozen=True, slots=True)
class PhotoRef:
    id: str
    sha256: str
    item_code: str
    """The checklist item it shows, or '' for a photo of the inspection as a whole."""
    caption: str
    taken_at: datetime | None
    gps: tuple[float, float] | None


@dataclass(frozen=True, slots=True)
class ItemView:
    code: str
    section: str
    text: str
    basis: str
    party: str
    answer_type: str
    unit: str
    basic: bool
    value: str
    """The answer as it stands (amended if it was)."""
    remark: str
    original_value: str
    """The answer as the record was completed; differs from `value` after an amendment."""
    original_remark: str
    answered_at: datetime | None
    finding: bool
    photos: tuple[PhotoRef, ...]
    penalty_basis: str = ""
    """The provision that punishes a violation of this item, as the template names it."""
    posts: tuple[KeyPost, ...] = ()
    """A key-posts item's posts (whose monthly on-duty days the team enters per person)."""

    @property
    def amended(self) -> bool:
        return self.value != self.original_value or self.remark != self.original_remark


@dataclass(frozen=True, slots=True)
class SectionView:
    code: str
    title: str
    items: tuple[ItemView, ...]


@dataclass(frozen=True, slots=True)
class FindingView:
    id: str
    inspection_id: str
    inspection_number: str
    item_code: str
    problem: str
    legal_basis: str
    requirement: str
    responsible_role: str
    enterprise_id: str | None
    enterprise: str
    deadline: date | None
    status: str
    status_label: str
    review_note: str

    @property
    def open(self) -> bool:
        return self.status in rules.OPEN_FINDINGS


@dataclass(frozen=True, slots=True)
class ReviewView:
    id: str
    finding: FindingView
    outcome: str
    outcome_label: str
    note: str
    previous_deadline: date | None
    """The deadline the finding had when the re-inspection was planned."""
    new_deadline: date | None
    reviewed_at: datetime | None


@dataclass(frozen=True, slots=True)
class NoticeRef:
    id: str
    number: str
    kind: str
    issued_on: date
    deadline: date
    received_by: str
    finding_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class SignatureRef:
    id: str
    role: str
    name: str
    sha256: str
    signed_at: datetime


@dataclass(frozen=True, slots=True)
class AmendmentRef:
    id: str
    target: str
    label: str
    old_value: str
    new_value: str
    reason: str
    amended_by: str
    amended_at: datetime


@dataclass(frozen=True, slots=True)
class PartyView:
    role: str
    enterprise_id: str
    name: str
    credit_code: str
    address: str = ""
    legal_representative: str = ""


@dataclass(frozen=True, slots=True)
class PersonView:
    role: str
    name: str
    cert_no: str
    enterprise: str


@dataclass(frozen=True, slots=True)
class InspectionRef:
    id: str
    number: str
    status: str


@dataclass(frozen=True, slots=True)
class InspectionDetail:
    id: str
    number: str
    status: str
    status_label: str
    method: str
    sealed: bool
    drawn: bool
    project_id: str
    project_name: str
    project_code: str
    project_address: str
    permit_no: str
    division_code: str
    division_name: str
    template_id: str
    template_title: str
    template_version: str
    planned_on: date | None
    started_at: datetime | None
    completed_at: datetime | None
    place: str
    conclusion: str
    original_conclusion: str
    team: tuple[TeamMember, ...]
    parties: tuple[PartyView, ...]
    people: tuple[PersonView, ...]
    sections: tuple[SectionView, ...]
    findings: tuple[FindingView, ...]
    """This record's own findings (withdrawn ones left out)."""
    reviews: tuple[ReviewView, ...]
    """On a re-inspection: the earlier findings it looks at again."""
    reinspection_of: InspectionRef | None
    reinspections: tuple[InspectionRef, ...]
    notices: tuple[NoticeRef, ...]
    photos: tuple[PhotoRef, ...]
    """Photos of the inspection as a whole (item photos are on their items)."""
    signatures: tuple[SignatureRef, ...]
    amendments: tuple[AmendmentRef, ...]
    real_name: rules.RealNameOutcome
    progress: rules.Progress
    completion_problems: tuple[str, ...]
    """What is missing before the record may be completed (empty once completed)."""
    review_items: tuple[str, ...]
    """On a re-inspection: the items it answers (those of its findings); else empty, all."""
    answers: dict[str, str] = field(default_factory=dict)
    """Item code → answer as it stands."""
    rectification_basis: tuple[str, ...] = ()
    """The provisions under which findings are ordered put right, as the checklist names them."""

    @property
    def locked(self) -> bool:
        return self.status == rules.COMPLETED

    @property
    def items(self) -> tuple[ItemView, ...]:
        return tuple(item for section in self.sections for item in section.items)

    def item(self, code: str) -> ItemView | None:
        return next((i for i in self.items if i.code == code), None)


def _team(raw: Sequence[dict[str, str]] | None) -> tuple[TeamMember, ...]:
    return tuple(TeamMember(name=m.get("name", ""), kind=rules.member_kind(m),
                            cert_no=m.get("cert_no", ""), username=m.get("username", ""))
                 for m in raw or [])


def _photo(a: Attachment, item_code: str) -> PhotoRef:
    gps = (a.gps_lat, a.gps_lon) if a.gps_lat is not None and a.gps_lon is not None else None
    return PhotoRef(id=a.id, sha256=a.sha256, item_code=item_code, caption=a.caption,
                    taken_at=a.taken_at, gps=gps)


def finding_views(session: Session, where: Any) -> list[FindingView]:
    rows = session.execute(
        select(Finding, Inspection.number, Enterprise.name)
        .join(Inspection, Inspection.id == Finding.inspection_id)
        .join(Enterprise, Enterprise.id == Finding.enterprise_id, isouter=True)
        .where(where, Finding.deleted_at.is_(None))
        .order_by(Finding.created_at, Finding.item_code, Finding.id)).all()
    return [FindingView(
        id=f.id, inspection_id=f.inspection_id, inspection_number=number, item_code=f.item_code,
        problem=f.problem, legal_basis=f.legal_basis, requirement=f.requirement,
        responsible_role=f.responsible_role, enterprise_id=f.enterprise_id,
        enterprise=enterprise or "", deadline=f.deadline, status=f.status,
        status_label=rules.finding_label(f.status, f.review_note), review_note=f.review_note)
        for f, number, enterprise in rows]


def stored_answers(session: Session, inspection_id: str) -> dict[str, InspectionAnswer]:
    return {a.item_code: a for a in session.scalars(select(InspectionAnswer).where(
        InspectionAnswer.inspection_id == inspection_id,
        InspectionAnswer.deleted_at.is_(None)))}


def amendments(session: Session, inspection_id: str) -> list[InspectionAmendment]:
    return list(session.scalars(select(InspectionAmendment).where(
        InspectionAmendment.inspection_id == inspection_id,
        InspectionAmendment.deleted_at.is_(None)).order_by(
        InspectionAmendment.amended_at, InspectionAmendment.created_at)))


def effective_answers(session: Session, inspection_id: str) -> dict[str, str]:
    """Item code → the answer as it stands, amendments applied."""
    values = {code: a.value for code, a in stored_answers(session, inspection_id).items()}
    for amendment in amendments(session, inspection_id):
        if amendment.target not in (rules.AMEND_CONCLUSION, rules.AMEND_PLACE) \
                and not amendment.target.startswith(rules.AMEND_REMARK):
            values[amendment.target] = amendment.new_value
    return {k: v for k, v in values.items() if v != ""}


def review_item_codes(session: Session, inspection_id: str) -> set[str]:
    """The checklist items a re-inspection looks at again (those of its findings)."""
    return set(session.scalars(
        select(Finding.item_code).join(FindingReview, FindingReview.finding_id == Finding.id)
        .where(FindingReview.inspection_id == inspection_id, FindingReview.deleted_at.is_(None),
               Finding.item_code != "")))


def inspection_detail(session: Session, inspection_id: str) -> InspectionDetail | None:
    insp = session.get(Inspection, inspection_id)
    if insp is None or insp.deleted_at is not None:
        return None
    template = template_for(session, insp.template_id)
    project = session.get(Project, insp.project_id)
    assert project is not None
    division = session.get(Division, insp.division_code)

    stored = stored_answers(session, insp.id)
    values = {code: a.value for code, a in stored.items()}
    remarks = {code: a.remark for code, a in stored.items()}
    conclusion, place = insp.conclusion, insp.place
    amended = amendments(session, insp.id)
    for am in amended:
        if am.target == rules.AMEND_CONCLUSION:
            conclusion = am.new_value
        elif am.target == rules.AMEND_PLACE:
            place = am.new_value
        elif am.target.startswith(rules.AMEND_REMARK):
            remarks[am.target.removeprefix(rules.AMEND_REMARK)] = am.new_value
        else:
            values[am.target] = am.new_value
    answers = {k: v for k, v in values.items() if v != ""}

    item_photos: dict[str, list[PhotoRef]] = {}
    answer_codes = {natural_id("inspection_answer", insp.id, i.code): i.code
                    for s in template.sections for i in s.items}
    answer_codes.update({a.id: code for code, a in stored.items()})
    general: list[PhotoRef] = []
    for att in session.scalars(select(Attachment).where(
            Attachment.deleted_at.is_(None),
            ((Attachment.owner_kind == "inspection") & (Attachment.owner_id == insp.id))
            | ((Attachment.owner_kind == "inspection_answer")
               & Attachment.owner_id.in_(list(answer_codes)))).order_by(
            Attachment.created_at, Attachment.id)):
        if att.owner_kind == "inspection":
            general.append(_photo(att, ""))
        else:
            code = answer_codes[att.owner_id]
            item_photos.setdefault(code, []).append(_photo(att, code))

    sections = tuple(SectionView(code=s.code, title=s.title, items=tuple(ItemView(
        code=i.code, section=s.title, text=i.text, basis=i.basis, party=i.party,
        answer_type=i.answer_type, unit=i.unit, basic=i.basic,
        value=values.get(i.code, ""), remark=remarks.get(i.code, ""),
        original_value=stored[i.code].value if i.code in stored else "",
        original_remark=stored[i.code].remark if i.code in stored else "",
        answered_at=stored[i.code].answered_at if i.code in stored else None,
        finding=bool(values.get(i.code)) and rules.is_finding(template, i, values[i.code]),
        photos=tuple(item_photos.get(i.code, ())), penalty_basis=i.penalty_basis,
        posts=i.posts)
        for i in s.items))
        for s in template.sections)

    findings = tuple(f for f in finding_views(session, Finding.inspection_id == insp.id)
                     if f.status != rules.FINDING_WITHDRAWN)
    reviews = _reviews(session, insp.id)
    only = ({f.finding.item_code for f in reviews if f.finding.item_code}
            if insp.method == rules.REINSPECTION else None)
    signatures = tuple(SignatureRef(s.id, s.signer_role, s.signer_name, s.sha256, s.signed_at)
                       for s in session.scalars(select(Signature).where(
                           Signature.owner_kind == "inspection", Signature.owner_id == insp.id,
                           Signature.deleted_at.is_(None)).order_by(
                           Signature.signed_at, Signature.id)))
    team = _team(insp.team)
    problems: list[str] = []
    if insp.status != rules.COMPLETED:
        with_photos = {code for code, photos in item_photos.items() if photos}
        problems = rules.completion_problems(
            template, answers, conclusion, [m.name for m in team],
            [(s.role, s.name) for s in signatures],
            sum(1 for f in findings if f.open and f.deadline is None), only=only,
            photos_missing=rules.photos_missing(template, answers, with_photos, only),
            reviews_pending=sum(1 for r in reviews if r.outcome == rules.REVIEW_PENDING))
    parent = session.get(Inspection, insp.reinspection_of) if insp.reinspection_of else None
    return InspectionDetail(
        id=insp.id, number=insp.number, status=insp.status,
        status_label=rules.STATUS_LABELS.get(insp.status, insp.status), method=insp.method,
        sealed=insp.sealed, drawn=insp.draw_id is not None, project_id=project.id,
        project_name=project.name, project_code=project.code, project_address=project.address,
        permit_no=project.permit_no, division_code=insp.division_code,
        division_name=division.name if division else insp.division_code,
        template_id=insp.template_id, template_title=template.title,
        template_version=template.version, planned_on=insp.planned_on,
        started_at=insp.started_at, completed_at=insp.completed_at, place=place,
        conclusion=conclusion, original_conclusion=insp.conclusion, team=team,
        parties=_parties(session, project.id), people=_people(session, project.id),
        sections=sections, findings=findings, reviews=reviews,
        reinspection_of=InspectionRef(parent.id, parent.number, parent.status)
        if parent else None,
        reinspections=tuple(InspectionRef(i.id, i.number, i.status) for i in session.scalars(
            select(Inspection).where(Inspection.reinspection_of == insp.id,
                                     Inspection.deleted_at.is_(None)).order_by(
                Inspection.created_at))),
        notices=_notices(session, insp.id), photos=tuple(general), signatures=signatures,
        amendments=tuple(AmendmentRef(
            a.id, a.target, rules.amend_target_label(template, a.target),
            *rules.amend_value_labels(template, a.target, a.old_value, a.new_value), a.reason,
            a.amended_by, a.amended_at) for a in amended),
        real_name=rules.real_name_outcome(template, answers),
        progress=rules.progress(template, answers, only),
        completion_problems=tuple(problems),
        review_items=tuple(sorted(only)) if only is not None else (), answers=answers,
        rectification_basis=template.rectification_basis)


def _reviews(session: Session, inspection_id: str) -> tuple[ReviewView, ...]:
    rows = list(session.scalars(select(FindingReview).where(
        FindingReview.inspection_id == inspection_id, FindingReview.deleted_at.is_(None))))
    if not rows:
        return ()
    findings = {f.id: f for f in finding_views(
        session, Finding.id.in_([r.finding_id for r in rows]))}
    out = [ReviewView(id=r.id, finding=findings[r.finding_id], outcome=r.outcome,
                      outcome_label=rules.REVIEW_LABELS.get(r.outcome, r.outcome), note=r.note,
                      previous_deadline=r.previous_deadline, new_deadline=r.new_deadline,
                      reviewed_at=r.reviewed_at)
           for r in rows if r.finding_id in findings]
    order = {f: n for n, f in enumerate(findings)}
    return tuple(sorted(out, key=lambda r: order[r.finding.id]))


def _parties(session: Session, project_id: str) -> tuple[PartyView, ...]:
    order = {role: n for n, role in enumerate(rules.RESPONSIBLE_ROLES)}
    rows = session.execute(
        select(ProjectParty.role, Enterprise.id, Enterprise.name, Enterprise.credit_code,
               Enterprise.address, Enterprise.legal_representative)
        .join(Enterprise, Enterprise.id == ProjectParty.enterprise_id)
        .where(ProjectParty.project_id == project_id, ProjectParty.deleted_at.is_(None))).all()
    return tuple(sorted((PartyView(*r) for r in rows),
                        key=lambda p: (order.get(p.role, 9), p.name)))


def _people(session: Session, project_id: str) -> tuple[PersonView, ...]:
    rows = session.execute(
        select(KeyPerson.role, KeyPerson.name, KeyPerson.cert_no, Enterprise.name)
        .join(ProjectParty, ProjectParty.id == KeyPerson.party_id)
        .join(Enterprise, Enterprise.id == ProjectParty.enterprise_id)
        .where(KeyPerson.project_id == project_id, KeyPerson.deleted_at.is_(None))
        .order_by(KeyPerson.role, KeyPerson.name)).all()
    return tuple(PersonView(*r) for r in rows)


def _notices(session: Session, inspection_id: str) -> tuple[NoticeRef, ...]:
    return tuple(NoticeRef(n.id, n.number, n.kind, n.issued_on, n.deadline, n.received_by,
                           tuple(n.finding_ids or ()))
                 for n in session.scalars(select(RectificationNotice).where(
                     RectificationNotice.inspection_id == inspection_id,
                     RectificationNotice.deleted_at.is_(None)).order_by(
                     RectificationNotice.issued_on, RectificationNotice.created_at)))


def may_see(session: Session, inspection_id: str, username: str) -> bool:
    """A sealed (drawn, not yet started) inspection is seen only by its team and the drawer."""
    insp = session.get(Inspection, inspection_id)
    if insp is None:
        return False
    if not insp.sealed:
        return True
    if any(m.get("username") == username for m in insp.team or []):
        return True
    drawn_by = session.scalar(select(InspectionDraw.drawn_by).where(
        InspectionDraw.id == insp.draw_id)) if insp.draw_id else None
    return drawn_by == username


# --- one notice --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NoticeDetail:
    id: str
    number: str
    kind: str
    issued_on: date
    deadline: date
    received_by: str
    inspection: InspectionDetail
    findings: tuple[FindingView, ...]
    addressees: tuple[PartyView, ...]
    """The parties the notice is addressed to: those its findings are charged to."""
    signatures: tuple[SignatureRef, ...]
    issuer: str
    """The authority that issued it: that of the division of the user who did."""
    addressed_to: str = ""
    """A 行政处罚建议书's addressee: the authority that holds the power to punish."""
    contact: str = ""
    """Whom the party asks about the notice: the team's leader and the bureau's telephone."""

    def item(self, code: str) -> ItemView | None:
        return self.inspection.item(code)


def _issuer(session: Session, notice: RectificationNotice, fallback: str) -> str:
    code = session.scalar(select(AuditEntry.actor_division).where(
        AuditEntry.entity_id == notice.id, AuditEntry.action == "notice.issue").limit(1))
    division = session.get(Division, code or fallback)
    if division is None:
        return ""
    return rules.bureau_name(division.name, division.level)


def _contact(session: Session, inspection: InspectionDetail) -> str:
    leader = next((m.name for m in inspection.team if m.kind == rules.OFFICIAL), "")
    phone = document_setting(session, CONTACT_PHONE)
    if not leader:
        return ""
    return f"联系人：{leader}" + (f"；联系电话：{phone}" if phone else "") + "。"


def notice_detail(session: Session, notice_id: str) -> NoticeDetail | None:
    notice = session.get(RectificationNotice, notice_id)
    if notice is None or notice.deleted_at is not None:
        return None
    inspection = inspection_detail(session, notice.inspection_id)
    if inspection is None:
        return None
    ids = list(notice.finding_ids or [])
    by_id = {f.id: f for f in finding_views(session, Finding.id.in_(ids))}
    findings = tuple(by_id[i] for i in ids if i in by_id)
    charged = {f.enterprise_id for f in findings}
    addressees = tuple(p for p in inspection.parties if p.enterprise_id in charged)
    signatures = tuple(SignatureRef(s.id, s.signer_role, s.signer_name, s.sha256, s.signed_at)
                       for s in session.scalars(select(Signature).where(
                           Signature.owner_kind == "rectification_notice",
                           Signature.owner_id == notice.id, Signature.deleted_at.is_(None))
                           .order_by(Signature.signed_at, Signature.id)))
    return NoticeDetail(id=notice.id, number=notice.number, kind=notice.kind,
                        issued_on=notice.issued_on, deadline=notice.deadline,
                        received_by=notice.received_by, inspection=inspection,
                        findings=findings, addressees=addressees, signatures=signatures,
                        issuer=_issuer(session, notice, inspection.division_code),
                        addressed_to=notice.addressed_to, contact=_contact(session, inspection))
