"""A demo county in a fresh store: the province's data as synced, the clerk's work as audited.

Same seed, same database: ids come from the seeded generator and every time from the fixed
calendar below, never the wall clock. What the province sends (enterprises, projects, the
checklist) is written as already-synced rows. What was done on this machine is replayed
step by step through `Change.record`, as the services write it: work before the last push
is in the audit log only, later work also waits in the outbox as 未同步更改.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from itertools import groupby
from typing import Any

from sqlalchemy import ColumnElement, func, select, update
from sqlalchemy.orm import InstrumentedAttribute, Session

from jjg_desktop.demo import fake
from jjg_desktop.demo.casework import CaseworkMaker, Officials
from jjg_desktop.demo.inspections import InspectionMaker
from jjg_desktop.demo.market import JILIN_CODE, MarketBuilder
from jjg_desktop.demo.places import Place, jilin_places
from jjg_desktop.demo.seeded import Seeded, china_time
from jjg_desktop.demo.steps import Official, Step
from jjg_desktop.rules.checklist import template_id
from jjg_desktop.services.context import Change, ServiceContext, Store
from jjg_desktop.services.errors import ServiceError
from jjg_desktop.store import attachments
from jjg_desktop.store import synced_rows as rows
from jjg_desktop.store.checklists import install_shipped_templates, shipped_templates
from jjg_desktop.store.models import (
    AbnormalCase,
    AuditEntry,
    CaseTransition,
    ChecklistTemplate,
    Enterprise,
    Finding,
    Inspection,
    InspectionAnswer,
    KeyPerson,
    LocalSetting,
    OutboxCommand,
    PoolMember,
    Project,
    ProjectParty,
    RectificationNotice,
    SyncState,
    UserProfile,
    Verification,
)
from jjg_desktop.store.read.first_screen import DEMO_AS_OF_KEY
from jjg_desktop.store.rulebook import abnormal_list_workflow

TODAY = date(2023, 11, 20)
SET_UP = china_time(date(2023, 6, 1), 8, 30)
LAST_PUSH = china_time(date(2023, 10, 9), 17, 30)
DEMO_TEMPLATE = "JZSC-ZFJCB-2023"


class DemoRefused(ServiceError):
    pass


@dataclass(frozen=True, slots=True)
class DemoSummary:
    seed: int
    county_code: str
    county_name: str
    enterprises: int
    out_of_province: int
    abnormal_listed: int
    expelled: int
    projects: int
    parties: int
    key_persons: int
    inspections: dict[str, int]
    answers: int
    findings: int
    overdue_findings: int
    notices: int
    verifications: int
    cases: dict[str, int]
    transitions: int
    audit_entries: int
    pending_changes: int

    def describe(self) -> str:
        states = {"planned": "计划", "in_progress": "进行中", "completed": "已完成"}
        inspections = "，".join(f"{states.get(k, k)} {v}" for k, v in self.inspections.items())
        workflow = abnormal_list_workflow()
        cases = "，".join(f"{workflow.states[k].label if k in workflow.states else k} {v}"
                         for k, v in self.cases.items())
        return "\n".join((
            f"演示县：{self.county_name}（{self.county_code}），随机种子 {self.seed}，"
            f"数据截至 {TODAY.isoformat()}",
            f"企业 {self.enterprises} 家（省外入吉 {self.out_of_province} 家，"
            f"异常名录 {self.abnormal_listed} 家，清出 {self.expelled} 家）",
            f"项目 {self.projects} 个，参建单位 {self.parties} 条，"
            f"关键岗位人员 {self.key_persons} 人",
            f"检查 {sum(self.inspections.values())} 次（{inspections}），"
            f"检查记录 {self.answers} 条，问题 {self.findings} 条"
            f"（逾期未整改 {self.overdue_findings} 条），整改通知书 {self.notices} 份",
            f"动态核查 {self.verifications} 次，异常名录案件 {sum(self.cases.values())} 件"
            f"（{cases}），流转记录 {self.transitions} 条",
            f"审计日志 {self.audit_entries} 条，未同步更改 {self.pending_changes} 条",
        ))


def build_demo(store: Store, *, seed: int = 20230315, county: str = "222404") -> DemoSummary:
    """Fill a freshly opened, empty store with one county's demo data, in one transaction."""
    place = jilin_places().get(county)
    if place is None:
        raise DemoRefused(f"演示数据须按县级行政区划生成（如 222404 珲春市），“{county}”不是。")
    s = Seeded(seed)
    client_id = s.uuid()
    officials = _officials(s, place)
    market = MarketBuilder(s, place, TODAY).build()
    template = next(t for t in shipped_templates() if t.code == DEMO_TEMPLATE)
    second = _official(s, place, "inspector", 2)
    inspections = InspectionMaker(
        s, place, market, template, template_id(template.code, template.version),
        officials.clerk, [officials.colleague, second],
        [fake.person_name(s.rng) for _ in range(3)])
    steps = inspections.make()
    office = inspections.office_case
    case_steps, server_rows = CaseworkMaker(
        s, place, market, officials, office.bundle.contractor,
        next(f for f in office.findings if f.item_code == "RJ-03"),
        inspections.inspected_firms).make()
    steps = sorted(steps + case_steps, key=lambda step: step.at)
    pool = _pool(s, place, [officials.clerk, officials.colleague, second])

    with store.db.write() as session:
        if session.scalar(select(func.count()).select_from(Enterprise)):
            raise DemoRefused(
                "数据库中已有企业数据。演示数据只能生成到新建的空数据库，请换一个文件。")
        for data, mime in inspections.files.values():
            attachments.put(session, store.paths.attachments_dir, data, mime, SET_UP)
        install_shipped_templates(session, SET_UP, server_version=1)
        session.execute(update(ChecklistTemplate).where(ChecklistTemplate.server_version.is_(None))
                        .values(server_version=1))
        _insert(session, market.rows())
        _insert(session, server_rows)
        session.add_all(pool)
        ctx = ServiceContext(store=store, actor=officials.clerk.actor, clock=lambda: SET_UP)
        _activate(session, ctx, officials.clerk)
        _replay(session, ctx, steps)
        state = session.get(SyncState, 1) or SyncState(id=1, client_id=client_id)
        state.client_id, state.last_success_at = client_id, LAST_PUSH
        session.add(state)
        session.add(LocalSetting(key=DEMO_AS_OF_KEY, value={"date": TODAY.isoformat()}))
        session.flush()
        return _summary(session, seed, place)


def _official(s: Seeded, place: Place, role: str, n: int = 1) -> Official:
    cert = fake.enforcement_cert_no(s.rng)
    while not cert.startswith(place.prefecture_code):
        cert = fake.enforcement_cert_no(s.rng)
    return Official(username=f"{role}{place.code}-{n}", display_name=fake.person_name(s.rng),
                    role="county_clerk" if role == "clerk" else "inspector",
                    division_code=place.code, cert_no=cert)


EXPERT_SPECIALTIES = ("建筑工程", "市政工程", "工程造价", "安全生产", "建筑市场", "工程监理")


def _pool(s: Seeded, place: Place, officials: list[Official]) -> list[PoolMember]:
    """The county's 检查人员库, as the province's pool lists it: its officials (with their
    sign-in names) and a dozen experts, so a first draw can be made."""
    members = [PoolMember(id=s.uuid(), division_code=place.code, kind="干部",
                          name=o.display_name, enforcement_cert_no=o.cert_no or "",
                          username=o.username, active=True, server_version=1,
                          created_at=SET_UP, updated_at=SET_UP) for o in officials]
    members += [PoolMember(id=s.uuid(), division_code=place.code, kind="专家",
                           name=fake.person_name(s.rng), specialty=specialty,
                           employer=f"{place.name}建设工程质量安全监督站" if n % 2 else
                           "吉林省建设工程专家库", active=True, server_version=1,
                           created_at=SET_UP, updated_at=SET_UP)
                for n, specialty in enumerate(EXPERT_SPECIALTIES * 2)]
    return members


def _officials(s: Seeded, place: Place) -> Officials:
    clerk = _official(s, place, "clerk")
    return Officials(
        clerk=clerk, colleague=_official(s, place, "inspector"),
        reviewer=Official(f"reviewer{place.prefecture_code}", fake.person_name(s.rng),
                          "prefecture_reviewer", place.prefecture_code),
        admin=Official("admin220000", fake.person_name(s.rng), "province_admin", "220000"))


def _activate(session: Session, ctx: ServiceContext, clerk: Official) -> None:
    for other in session.scalars(select(UserProfile).where(UserProfile.active)):
        other.active = False
    session.add(UserProfile(username=clerk.username, display_name=clerk.display_name,
                            role=clerk.role, division_code=clerk.division_code,
                            enforcement_cert_no=clerk.cert_no, active=True))
    Change(session=session, ctx=ctx, now=SET_UP).record(
        action="profile.activate", entity="user_profile", entity_id=clerk.username,
        data={"role": clerk.role, "division": clerk.division_code}, sync=False)


def _replay(session: Session, ctx: ServiceContext, steps: list[Step]) -> None:
    """Write each step as the service would; what the last push sent carries its version."""
    versions: dict[str, int] = {}
    bases: list[int | None] = []
    for step in steps:
        pushed = step.at <= LAST_PUSH
        bases.append(None if pushed else versions.get(step.entity_id))
        if pushed:
            for key in {step.entity_id} | {row.id for row in step.rows}:
                versions[key] = versions.get(key, 0) + 1
    for step in steps:
        for row in step.rows:
            row.server_version = versions.get(row.id)
    for step, base in zip(steps, bases, strict=True):
        if step.apply is not None:
            step.apply()
        _insert(session, step.rows)
        ch = Change(session=session, ctx=ctx, now=step.at)
        ch.record(action=step.action, entity=step.entity, entity_id=step.entity_id,
                  data=step.data, args=step.args, base_version=base,
                  sync=step.at > LAST_PUSH, command=step.command)
        touched = rows.Touched()
        for row in step.rows or [session.get(rows.synced_models()[step.entity], step.entity_id)]:
            touched.note(row)
        ch.attach_rows(touched)


def _insert(session: Session, rows: list[Any]) -> None:
    """Add rows in the order given, parents first: the models declare no relationships, so
    the unit of work would not know to insert an enterprise before the case naming it."""
    for _, group in groupby(rows, key=type):
        session.add_all(group)
        session.flush()


def _count(session: Session, model: type[Any], *where: ColumnElement[bool]) -> int:
    return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


def _tally(session: Session, column: InstrumentedAttribute[str]) -> dict[str, int]:
    return dict(sorted(Counter(session.scalars(select(column))).items()))


def _summary(session: Session, seed: int, place: Place) -> DemoSummary:
    return DemoSummary(
        seed=seed, county_code=place.code, county_name=place.name,
        enterprises=_count(session, Enterprise),
        out_of_province=_count(session, Enterprise, Enterprise.home_province_code != JILIN_CODE),
        abnormal_listed=_count(session, Enterprise, Enterprise.status == "异常名录"),
        expelled=_count(session, Enterprise, Enterprise.status == "清出"),
        projects=_count(session, Project), parties=_count(session, ProjectParty),
        key_persons=_count(session, KeyPerson), inspections=_tally(session, Inspection.status),
        answers=_count(session, InspectionAnswer), findings=_count(session, Finding),
        overdue_findings=_count(session, Finding, Finding.status == "open",
                                Finding.deadline < TODAY),
        notices=_count(session, RectificationNotice),
        verifications=_count(session, Verification), cases=_tally(session, AbnormalCase.state),
        transitions=_count(session, CaseTransition), audit_entries=_count(session, AuditEntry),
        pending_changes=_count(session, OutboxCommand, OutboxCommand.state == "pending"))

