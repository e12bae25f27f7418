"""Read models of the 双随机 pool and of one draw, for the draw dialog: plain data, no ORM."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from jjg_desktop.store.models import (
    Enterprise,
    Inspection,
    InspectionDraw,
    PoolEmployment,
    PoolMember,
    Project,
    UserProfile,
)


@dataclass(frozen=True, slots=True)
class EmploymentView:
    id: str
    credit_code: str
    enterprise_name: str
    start: date
    end: date | None


@dataclass(frozen=True, slots=True)
class PoolMemberView:
    id: str
    kind: str
    name: str
    enforcement_cert_no: str
    specialty: str
    employer: str
    phone: str
    username: str
    history: tuple[EmploymentView, ...]


def pool_members(session: Session, division_code: str) -> list[PoolMemberView]:
    """The active pool of a division: officials first, then experts, by name."""
    members = session.scalars(select(PoolMember).where(
        PoolMember.division_code == division_code, PoolMember.active,
        PoolMember.deleted_at.is_(None)).order_by(PoolMember.kind.desc(),
                                                  PoolMember.name)).all()
    jobs: dict[str, list[EmploymentView]] = {}
    for job in session.scalars(select(PoolEmployment).where(
            PoolEmployment.member_id.in_([m.id for m in members]),
            PoolEmployment.deleted_at.is_(None)).order_by(PoolEmployment.start)):
        jobs.setdefault(job.member_id, []).append(EmploymentView(
            job.id, job.credit_code, job.enterprise_name, job.start, job.end))
    return [PoolMemberView(m.id, m.kind, m.name, m.enforcement_cert_no, m.specialty,
                           m.employer, m.phone, m.username or "", tuple(jobs.get(m.id, ())))
            for m in members]


@dataclass(frozen=True, slots=True)
class ExcludedView:
    name: str
    reason: str


@dataclass(frozen=True, slots=True)
class DrawnTeam:
    inspection_id: str
    inspection_number: str
    project_id: str
    project: str
    members: tuple[tuple[str, str, str], ...]
    """(name, kind, certificate number)."""
    excluded: tuple[ExcludedView, ...]


@dataclass(frozen=True, slots=True)
class DrawView:
    id: str
    drawn_at: datetime
    drawn_by: str
    method: str
    seed: str
    candidates_hash: str
    candidate_projects: int
    candidate_members: int
    lookback_years: int
    teams: tuple[DrawnTeam, ...]
    redraw_reason: str = ""
    """Set on a re-draw: why the earlier draw was made again."""
    redraw_of_drawn_at: str = ""


def _reason(history: list[dict[str, str | None]], party_codes: set[str], on: date,
            lookback_years: int, employers: dict[str, str]) -> str:
    since = on - timedelta(days=365 * lookback_years)
    for job in history:
        end = job.get("end")
        start = job.get("start") or ""
        if job.get("credit_code") in party_codes and (end is None or end >= since.isoformat()) \
                and start <= on.isoformat():
            code = job.get("credit_code") or ""
            return f"{lookback_years} 年内曾任职于本项目参建单位（{employers.get(code, code)}，" \
                   f"{start} 至 {end or '今'}），回避"
    return "与本项目有利害关系，回避"


def _employer_names(session: Session, codes: set[str]) -> dict[str, str]:
    """Employers by credit code as people know them: the registry's name, else the name the
    employment was entered with."""
    codes.discard("")
    names = {code: name for code, name in session.execute(
        select(PoolEmployment.credit_code, PoolEmployment.enterprise_name).where(
            PoolEmployment.credit_code.in_(codes))) if name}
    names.update((code, name) for code, name in session.execute(
        select(Enterprise.credit_code, Enterprise.name).where(Enterprise.credit_code.in_(codes))))
    return names


def _person_name(session: Session, username: str) -> str:
    """A user's name as this laptop knows it (its profiles, the pool), else the login name."""
    return (session.scalar(select(UserProfile.display_name).where(
        UserProfile.username == username))
            or session.scalar(select(PoolMember.name).where(PoolMember.username == username))
            or username)


def draw_detail(session: Session, draw_id: str) -> DrawView | None:
    record = session.get(InspectionDraw, draw_id)
    if record is None or record.deleted_at is not None:
        return None
    pool = {m["id"]: m for m in record.candidates.get("pool", [])}
    parties = {p["id"]: set(p["party_codes"]) for p in record.candidates.get("projects", [])}
    lookback = int(record.params.get("lookback_years", 3))
    inspections = {i.project_id: i for i in session.scalars(select(Inspection).where(
        Inspection.draw_id == record.id, Inspection.deleted_at.is_(None)))}
    names: dict[str, str] = {pid: name for pid, name in session.execute(
        select(Project.id, Project.name).where(
            Project.id.in_([t["project_id"] for t in record.result])))}
    employers = _employer_names(session, {job.get("credit_code") or "" for m in pool.values()
                                          for job in m.get("history", [])})
    teams = []
    for t in record.result:
        insp = inspections.get(t["project_id"])
        members = tuple((m.get("name", ""), m.get("kind", ""), m.get("cert_no", ""))
                        for m in (insp.team or [] if insp else []))
        excluded = tuple(ExcludedView(
            pool.get(i, {}).get("name", i),
            _reason(pool.get(i, {}).get("history", []), parties.get(t["project_id"], set()),
                    record.drawn_on, lookback, employers)) for i in t.get("excluded", []))
        teams.append(DrawnTeam(insp.id if insp else "", insp.number if insp else "",
                               t["project_id"], names.get(t["project_id"], t["project_id"]),
                               members, excluded))
    return DrawView(id=record.id, drawn_at=record.drawn_at,
                    drawn_by=_person_name(session, record.drawn_by),
                    method=record.method, seed=record.seed,
                    candidates_hash=record.candidates_hash,
                    candidate_projects=len(parties), candidate_members=len(pool),
                    lookback_years=lookback, teams=tuple(teams),
                    redraw_reason=str(record.params.get("redraw_reason", "")),
                    redraw_of_drawn_at=str(record.params.get("redraw_of_drawn_at", "")))
