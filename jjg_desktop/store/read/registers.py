"""Read models: what lists and detail views show, as plain data, queried in SQL.

Lists work over ids: a view asks for the ids of a filtered, sorted list a page at a time,
then for the rows of the ids it is about to show. Sorting and filtering happen here, in SQL.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import text
from sqlalchemy.orm import Session

from jjg_desktop.rules.divisions import PROVINCE_CODE
from jjg_desktop.store.read.search import (
    enterprise_branches,
    enterprise_match_sql,
    is_common_prefix,
    parse_query,
    project_match_sql,
)
from jjg_desktop.store.sql import SortOrder, direction, in_list, page


@dataclass(frozen=True, slots=True)
class EnterpriseFilter:
    text: str = ""
    status: str | None = None
    home_province_code: str | None = None
    out_of_province: bool | None = None
    division_codes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EnterpriseRow:
    id: str
    credit_code: str
    name: str
    home_province: str
    division: str
    contact_person: str
    contact_phone: str
    status: str


ENTERPRISE_SORT = {
    "registered": "e.rowid",
    "name": "e.name",
    "credit_code": "e.credit_code",
    "home_province": "e.home_province_code",
    "division": "e.division_code",
    "status": "e.status",
}


def _enterprise_where(f: EnterpriseFilter) -> tuple[str, dict[str, object]]:
    where, params = _enterprise_filters(f)
    q = parse_query(f.text)
    if not q.empty:
        cond, p = enterprise_match_sql(q)
        return f"{where} AND {cond}", params | p
    return where, params


def _enterprise_filters(f: EnterpriseFilter) -> tuple[str, dict[str, object]]:
    """Everything but the text: the conditions each search branch applies itself."""
    where = ["e.deleted_at IS NULL"]
    params: dict[str, object] = {}
    if f.status:
        where.append("e.status = :status")
        params["status"] = f.status
    if f.home_province_code:
        where.append("e.home_province_code = :home")
        params["home"] = f.home_province_code
    if f.out_of_province is not None:
        where.append("e.home_province_code != :jilin" if f.out_of_province
                     else "e.home_province_code = :jilin")
        params["jilin"] = PROVINCE_CODE
    if f.division_codes:
        placeholders, p = in_list("d", f.division_codes)
        where.append(f"e.division_code IN ({placeholders})")
        params |= p
    return " AND ".join(where), params


def enterprise_ids(session: Session, f: EnterpriseFilter, *, sort: str = "registered",
                   order: SortOrder = "desc", limit: int = 200, offset: int = 0) -> list[str]:
    q = parse_query(f.text)
    if sort == "registered" and not q.empty:
        filters, params = _enterprise_filters(f)
        common = bool(q.code_prefix) and is_common_prefix(session, q.code_prefix)
        branches, p = enterprise_branches(q, filters, direction(order), common)
        union = " UNION ".join(f"SELECT * FROM ({b})" for b in branches)
        sql = (f"SELECT id FROM ({union}) ORDER BY r {direction(order)} "
               "LIMIT :limit OFFSET :offset")
        params |= p | {"k": limit + offset, "limit": limit, "offset": offset}
        return list(session.execute(text(sql), params).scalars())
    where, params = _enterprise_where(f)
    sql = page("SELECT e.id FROM enterprise e", where, ENTERPRISE_SORT[sort], order, "e.rowid")
    return list(session.execute(text(sql), params | {"limit": limit, "offset": offset}).scalars())


def enterprise_count(session: Session, f: EnterpriseFilter) -> int:
    where, params = _enterprise_where(f)
    return session.execute(text(f"SELECT count(*) FROM enterprise e WHERE {where}"),
                           params).scalar_one()


def enterprise_rows(session: Session, ids: Sequence[str]) -> list[EnterpriseRow]:
    """Rows in the order of `ids` (ids no longer present are left out)."""
    if not ids:
        return []
    names, params = in_list("i", ids)
    sql = ("SELECT e.id, e.credit_code, e.name, e.home_province, coalesce(d.name, ''), "
           "e.contact_person, e.contact_phone, e.status FROM enterprise e "
           "LEFT JOIN division d ON d.code = e.division_code "
           f"WHERE e.id IN ({names})")
    found = {r[0]: EnterpriseRow(*r) for r in session.execute(text(sql), params)}
    return [found[i] for i in ids if i in found]


@dataclass(frozen=True, slots=True)
class ProjectRef:
    id: str
    code: str
    name: str
    role: str
    status: str


@dataclass(frozen=True, slots=True)
class EnterpriseDetail:
    id: str
    credit_code: str
    name: str
    home_province: str
    division: str
    legal_representative: str
    qualifications: list[str]
    safety_licence_no: str
    safety_licence_expiry: date | None
    address: str
    contact_person: str
    contact_phone: str
    status: str
    server_version: int | None
    registration_no: str = ""
    registered_on: date | None = None
    commitments: list[str] = field(default_factory=list)
    projects: list[ProjectRef] = field(default_factory=list)


def enterprise_detail(session: Session, enterprise_id: str) -> EnterpriseDetail | None:
    row = session.execute(text(
        "SELECT e.id, e.credit_code, e.name, e.home_province, coalesce(d.name, ''), "
        "e.legal_representative, e.qualifications, e.safety_licence_no, "
        "e.safety_licence_expiry, e.address, e.contact_person, e.contact_phone, e.status, "
        "e.server_version FROM enterprise e LEFT JOIN division d ON d.code = e.division_code "
        "WHERE e.id = :id AND e.deleted_at IS NULL"), {"id": enterprise_id}).first()
    if row is None:
        return None
    reg = session.execute(text(
        "SELECT registration_no, registered_on, commitments FROM jilin_registration "
        "WHERE enterprise_id = :id AND deleted_at IS NULL ORDER BY registered_on DESC LIMIT 1"),
        {"id": enterprise_id}).first()
    projects = [ProjectRef(*r) for r in session.execute(text(
        "SELECT p.id, p.code, p.name, pp.role, p.status FROM project_party pp "
        "JOIN project p ON p.id = pp.project_id WHERE pp.enterprise_id = :id "
        "AND pp.deleted_at IS NULL AND p.deleted_at IS NULL ORDER BY p.start_date DESC"),
        {"id": enterprise_id})]
    detail = EnterpriseDetail(
        id=row[0], credit_code=row[1], name=row[2], home_province=row[3], division=row[4],
        legal_representative=row[5], qualifications=json.loads(row[6] or "[]"),
        safety_licence_no=row[7],
        safety_licence_expiry=date.fromisoformat(row[8]) if row[8] else None,
        address=row[9], contact_person=row[10], contact_phone=row[11], status=row[12],
        server_version=row[13],
        registration_no=reg[0] if reg else "",
        registered_on=date.fromisoformat(reg[1]) if reg else None,
        commitments=json.loads(reg[2] or "[]") if reg else [],
        projects=projects)
    return detail


@dataclass(frozen=True, slots=True)
class ProjectFilter:
    text: str = ""
    status: str | None = None
    division_codes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ProjectRow:
    id: str
    code: str
    name: str
    division: str
    kind: str
    status: str
    builder: str
    contractor: str
    supervisor: str


PROJECT_SORT = {
    "registered": "p.rowid",
    "code": "p.code",
    "name": "p.name",
    "division": "p.division_code",
    "status": "p.status",
    "start_date": "p.start_date",
}


def _project_where(f: ProjectFilter) -> tuple[str, dict[str, object]]:
    where = ["p.deleted_at IS NULL"]
    params: dict[str, object] = {}
    q = parse_query(f.text)
    if not q.empty:
        cond, p = project_match_sql(q)
        where.append(cond)
        params |= p
    if f.status:
        where.append("p.status = :status")
        params["status"] = f.status
    if f.division_codes:
        placeholders, p = in_list("d", f.division_codes)
        where.append(f"p.division_code IN ({placeholders})")
        params |= p
    return " AND ".join(where), params


def project_ids(session: Session, f: ProjectFilter, *, sort: str = "registered",
                order: SortOrder = "desc", limit: int = 200, offset: int = 0) -> list[str]:
    where, params = _project_where(f)
    sql = page("SELECT p.id FROM project p", where, PROJECT_SORT[sort], order, "p.rowid")
    return list(session.execute(text(sql), params | {"limit": limit, "offset": offset}).scalars())


def project_count(session: Session, f: ProjectFilter) -> int:
    where, params = _project_where(f)
    return session.execute(text(f"SELECT count(*) FROM project p WHERE {where}"),
                           params).scalar_one()


def _party_name(role: str) -> str:
    return ("(SELECT group_concat(e.name, '、') FROM project_party pp "
            "JOIN enterprise e ON e.id = pp.enterprise_id "
            f"WHERE pp.project_id = p.id AND pp.role = '{role}' AND pp.deleted_at IS NULL)")


def project_rows(session: Session, ids: Sequence[str]) -> list[ProjectRow]:
    if not ids:
        return []
    names, params = in_list("i", ids)
    sql = ("SELECT p.id, p.code, p.name, coalesce(d.name, ''), p.kind, p.status, "
           f"coalesce({_party_name('建设单位')}, ''), coalesce({_party_name('施工单位')}, ''), "
           f"coalesce({_party_name('监理单位')}, '') FROM project p "
           "LEFT JOIN division d ON d.code = p.division_code "
           f"WHERE p.id IN ({names})")
    found = {r[0]: ProjectRow(*r) for r in session.execute(text(sql), params)}
    return [found[i] for i in ids if i in found]


@dataclass(frozen=True, slots=True)
class PartyRef:
    enterprise_id: str
    name: str
    credit_code: str
    role: str


@dataclass(frozen=True, slots=True)
class PersonRef:
    role: str
    name: str
    cert_no: str
    phone: str
    enterprise: str


@dataclass(frozen=True, slots=True)
class ProjectDetail:
    row: ProjectRow
    address: str
    permit_no: str
    start_date: date | None
    planned_completion: date | None
    contract_amount: str
    parties: list[PartyRef]
    people: list[PersonRef]


def project_detail(session: Session, project_id: str) -> ProjectDetail | None:
    rows = project_rows(session, [project_id])
    if not rows:
        return None
    p = session.execute(text(
        "SELECT address, permit_no, start_date, planned_completion, contract_amount "
        "FROM project WHERE id = :id AND deleted_at IS NULL"), {"id": project_id}).first()
    if p is None:
        return None
    parties = [PartyRef(*r) for r in session.execute(text(
        "SELECT e.id, e.name, e.credit_code, pp.role FROM project_party pp "
        "JOIN enterprise e ON e.id = pp.enterprise_id "
        "WHERE pp.project_id = :id AND pp.deleted_at IS NULL ORDER BY pp.role"),
        {"id": project_id})]
    people = [PersonRef(*r) for r in session.execute(text(
        "SELECT k.role, k.name, k.cert_no, k.phone, e.name FROM key_person k "
        "JOIN project_party pp ON pp.id = k.party_id JOIN enterprise e ON e.id = pp.enterprise_id "
        "WHERE k.project_id = :id AND k.deleted_at IS NULL ORDER BY k.role"),
        {"id": project_id})]
    amount = f"{p[4]:,.2f} 元" if p[4] is not None else ""
    return ProjectDetail(
        row=rows[0], address=p[0], permit_no=p[1],
        start_date=date.fromisoformat(p[2]) if p[2] else None,
        planned_completion=date.fromisoformat(p[3]) if p[3] else None,
        contract_amount=amount, parties=parties, people=people)
