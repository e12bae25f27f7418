"""双随机 draws: the pool of officials and experts, drawing targets and teams, verifying a draw."""

from __future__ import annotations

import secrets
from dataclasses import asdict, fields
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jjg_desktop.rules import draw as rules
from jjg_desktop.rules.contact import contact_problem
from jjg_desktop.rules.credit_code import normalize as normalize_credit_code
from jjg_desktop.rules.credit_code import validate as validate_credit_code
from jjg_desktop.rules.inspection import inspection_number
from jjg_desktop.services.context import ServiceContext, change
from jjg_desktop.services.errors import InvalidInput, NotFound
from jjg_desktop.services.inspections import template_in_force
from jjg_desktop.services.numbering import next_inspection_serial
from jjg_desktop.store.base import new_id
from jjg_desktop.store.models import (
    Enterprise,
    Inspection,
    InspectionDraw,
    PoolEmployment,
    PoolMember,
    Project,
    ProjectParty,
)
from jjg_desktop.store.read.worklists import subtree_codes

KINDS = (rules.OFFICIAL, rules.EXPERT)


def add_pool_member(ctx: ServiceContext, *, kind: str, name: str, enforcement_cert_no: str = "",
                    specialty: str = "", employer: str = "", phone: str = "",
                    username: str | None = None) -> str:
    if kind not in KINDS:
        raise InvalidInput("人员类别应为“干部”或“专家”")
    if not name.strip():
        raise InvalidInput("请填写姓名")
    if kind == rules.OFFICIAL and not enforcement_cert_no.strip():
        raise InvalidInput("干部应填写执法证号")
    if phone.strip() and (problem := contact_problem("contact_phone", phone.strip())):
        raise InvalidInput(problem)
    with change(ctx) as ch:
        member = PoolMember(id=new_id(), division_code=ctx.actor.division_code, kind=kind,
                            name=name.strip(), enforcement_cert_no=enforcement_cert_no.strip(),
                            specialty=specialty.strip(), employer=employer.strip(),
                            phone=phone.strip(), username=username, active=True,
                            created_at=ch.now, updated_at=ch.now)
        ch.session.add(member)
        args = {"id": member.id, "division_code": member.division_code, "kind": kind,
                "name": member.name, "enforcement_cert_no": member.enforcement_cert_no,
                "specialty": member.specialty, "employer": member.employer,
                "phone": member.phone, "username": username}
        ch.record(action="pool.add_member", entity="pool_member", entity_id=member.id,
                  data=args, args=args)
        return member.id


def update_pool_member(ctx: ServiceContext, member_id: str, *, name: str,
                       enforcement_cert_no: str = "", specialty: str = "", employer: str = "",
                       phone: str = "", active: bool = True) -> None:
    """Correct a member's particulars, or take them out of the draws (停用) and back."""
    if not name.strip():
        raise InvalidInput("请填写姓名")
    if phone.strip() and (problem := contact_problem("contact_phone", phone.strip())):
        raise InvalidInput(problem)
    with change(ctx) as ch:
        member = ch.session.get(PoolMember, member_id)
        if member is None or member.deleted_at is not None:
            raise NotFound("该人员不在库中")
        if member.kind == rules.OFFICIAL and not enforcement_cert_no.strip():
            raise InvalidInput("干部应填写执法证号")
        before = {"name": member.name, "enforcement_cert_no": member.enforcement_cert_no,
                  "specialty": member.specialty, "employer": member.employer,
                  "phone": member.phone, "active": member.active}
        after = {"name": name.strip(), "enforcement_cert_no": enforcement_cert_no.strip(),
                 "specialty": specialty.strip(), "employer": employer.strip(),
                 "phone": phone.strip(), "active": active}
        if after == before:
            return
        for key, value in after.items():
            setattr(member, key, value)
        member.updated_at = ch.now
        ch.record(action="pool.update_member", entity="pool_member", entity_id=member.id,
                  data={"before": before, "after": after}, args={"id": member.id, **after},
                  base_version=member.server_version)


def add_employment(ctx: ServiceContext, member_id: str, *, credit_code: str,
                   enterprise_name: str, start: date, end: date | None) -> str:
    if end is not None and end < start:
        raise InvalidInput("任职结束日期不能早于开始日期")
    checked = validate_credit_code(credit_code)
    if not checked.ok:
        raise InvalidInput(f"任职单位的统一社会信用代码有误：{checked.message}")
    credit_code = normalize_credit_code(credit_code)
    with change(ctx) as ch:
        if ch.session.get(PoolMember, member_id) is None:
            raise NotFound("该人员不在库中")
        job = PoolEmployment(id=new_id(), member_id=member_id, credit_code=credit_code.strip(),
                             enterprise_name=enterprise_name.strip(), start=start, end=end,
                             created_at=ch.now, updated_at=ch.now)
        ch.session.add(job)
        args = {"id": job.id, "member_id": member_id, "credit_code": job.credit_code,
                "enterprise_name": job.enterprise_name, "start": start.isoformat(),
                "end": end.isoformat() if end else None}
        ch.record(action="pool.add_employment", entity="pool_employment", entity_id=job.id,
                  data=args, args=args)
        return job.id


def _candidates(session: Session, divisions: list[str]) -> list[rules.ProjectCandidate]:
    rows = session.execute(
        select(Project.id, Enterprise.credit_code)
        .join(ProjectParty, ProjectParty.project_id == Project.id, isouter=True)
        .join(Enterprise, Enterprise.id == ProjectParty.enterprise_id, isouter=True)
        .where(Project.division_code.in_(divisions), Project.status == "在建",
               Project.deleted_at.is_(None))).all()
    parties: dict[str, set[str]] = {}
    for project_id, code in rows:
        parties.setdefault(project_id, set())
        if code:
            parties[project_id].add(code)
    return [rules.ProjectCandidate(pid, tuple(sorted(codes))) for pid, codes in parties.items()]


def _pool(session: Session, division: str) -> list[rules.PoolMember]:
    members = session.scalars(select(PoolMember).where(
        PoolMember.division_code == division, PoolMember.active,
        PoolMember.deleted_at.is_(None))).all()
    history: dict[str, list[rules.Employment]] = {}
    for job in session.scalars(select(PoolEmployment).where(
            PoolEmployment.member_id.in_([m.id for m in members]),
            PoolEmployment.deleted_at.is_(None))):
        history.setdefault(job.member_id, []).append(
            rules.Employment(job.credit_code, job.start, job.end))
    return [rules.PoolMember(m.id, m.name, m.kind, tuple(history.get(m.id, ())))
            for m in members]


DRAW_PARAM_KEYS = frozenset(f.name for f in fields(rules.DrawParams))


def make_draw(ctx: ServiceContext, params: rules.DrawParams, seed: str | None = None, *,
              planned_on: date | None = None, redraw_of: str | None = None,
              reason: str = "") -> str:
    """Draw targets and teams among the user's division, each inspection planned for
    ``planned_on`` (default: the day of the draw); returns the draw id. Drawing again
    (``redraw_of``, an earlier draw) needs a reason, kept on the draw record."""
    seed = seed or secrets.token_hex(16)
    if redraw_of is not None and not reason.strip():
        raise InvalidInput("重新抽取须说明原因（例如：抽中项目已停工）")
    with change(ctx) as ch:
        earlier = ch.session.get(InspectionDraw, redraw_of) if redraw_of else None
        if redraw_of is not None and earlier is None:
            raise NotFound("要重新抽取的那次抽取不存在")
        divisions = subtree_codes(ch.session, ctx.actor.division_code)
        projects = _candidates(ch.session, divisions)
        pool = _pool(ch.session, ctx.actor.division_code)
        template_id = template_in_force(ch.session, planned_on or ch.today)
        try:
            result = rules.draw(projects, pool, params, seed, ch.now.date())
        except rules.ShortOfPeople as exc:
            project = ch.session.get(Project, exc.project_id)
            raise InvalidInput(exc.describe(project.name if project else "")) from exc
        except rules.DrawError as exc:
            raise InvalidInput(str(exc)) from exc
        record = InspectionDraw(
            id=new_id(), division_code=ctx.actor.division_code, drawn_at=ch.now,
            drawn_on=ch.now.date(), drawn_by=ctx.actor.username, method=result.method,
            seed=seed, params=asdict(params) | ({
                "redraw_of": redraw_of, "redraw_reason": reason.strip(),
                "redraw_of_drawn_at": earlier.drawn_at.isoformat()} if earlier else {}),
            candidates={"projects": [asdict(p) for p in projects],
                        "pool": [_member_json(m) for m in pool]},
            candidates_hash=result.candidates_hash,
            result=[asdict(t) for t in result.teams], created_at=ch.now, updated_at=ch.now)
        ch.session.add(record)
        ch.session.flush()
        members = {m.id: m for m in ch.session.scalars(select(PoolMember).where(
            PoolMember.id.in_([i for t in result.teams for i in t.members])))}
        year = ch.today.year
        issuer, first = next_inspection_serial(ch.session, ctx.actor.division_code, year)
        inspections = []
        for serial, team in enumerate(result.teams, start=first):
            project = ch.session.get(Project, team.project_id)
            assert project is not None
            insp = Inspection(
                id=new_id(), number=inspection_number(issuer, year, serial),
                project_id=project.id, template_id=template_id,
                division_code=project.division_code, method="四不两直", status="planned",
                planned_on=planned_on or ch.today,
                team=[_team_entry(members[i]) for i in team.members], draw_id=record.id,
                sealed=True, created_at=ch.now, updated_at=ch.now)
            ch.session.add(insp)
            inspections.append(insp.id)
        args = {"id": record.id, "division_code": record.division_code, "seed": seed,
                "method": record.method, "params": record.params,
                "candidates": record.candidates, "candidates_hash": record.candidates_hash,
                "result": record.result, "inspections": inspections,
                "drawn_on": record.drawn_on.isoformat()}
        ch.record(action="draw.make", entity="inspection_draw", entity_id=record.id,
                  data={k: v for k, v in args.items() if k != "candidates"}, args=args)
        return record.id


def _member_json(m: rules.PoolMember) -> dict[str, Any]:
    return {"id": m.id, "name": m.name, "kind": m.kind,
            "history": [{"credit_code": e.credit_code, "start": e.start.isoformat(),
                         "end": e.end.isoformat() if e.end else None} for e in m.history]}


def _team_entry(m: PoolMember) -> dict[str, str]:
    return {"member_id": m.id, "name": m.name, "kind": m.kind,
            "cert_no": m.enforcement_cert_no, "username": m.username or ""}


def verify_draw(ctx: ServiceContext, draw_id: str) -> list[str]:
    """Recompute a draw from what it recorded; empty when it stands."""
    with ctx.db.read() as session:
        record = session.get(InspectionDraw, draw_id)
        if record is None:
            raise NotFound("找不到该次抽取记录")
        projects = [rules.ProjectCandidate(p["id"], tuple(p["party_codes"]))
                    for p in record.candidates["projects"]]
        pool = [rules.PoolMember(m["id"], m["name"], m["kind"], tuple(
            rules.Employment(e["credit_code"], date.fromisoformat(e["start"]),
                             date.fromisoformat(e["end"]) if e["end"] else None)
            for e in m["history"])) for m in record.candidates["pool"]]
        recorded = rules.DrawResult(record.method, record.seed, record.candidates_hash, tuple(
            rules.TeamDraw(t["project_id"], tuple(t["members"]), tuple(t["excluded"]))
            for t in record.result))
        params = {k: v for k, v in record.params.items() if k in DRAW_PARAM_KEYS}
        return rules.verify(projects, pool, rules.DrawParams(**params), record.drawn_on,
                            recorded)
