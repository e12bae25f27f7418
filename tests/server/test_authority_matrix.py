"""The authorization matrix: every command of the catalogue × every role × a record in the
sender's own division, one below, a sibling and one above × create, update, a column the
command may not change, delete, move and resend — each sent to a live server, each with its
expected verdict. A refusal must leave every stored record as it was and carry nothing of a
record the sender may not see.

Who may send what is written down here by hand (from docs/sync-protocol.md), not read from the
catalogue, so a rule changed in the catalogue turns this red.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import requests
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from jjg_desktop.store import synced_rows
from jjg_desktop.sync import catalogue
from jjg_desktop.sync.catalogue import RESEND, WORKFLOW, Rule, Write
from jjg_server import entities
from jjg_server.scopes import in_scope
from jjg_server.store import ChangeLog, Record
from server_support import TIMEOUT, SyncClient, add_user, row, seed

PASSWORD = "Jl-矩阵-2026!"
SECRET = "机密内容"
FIELD = {"inspector", "county_clerk"}
EVERYONE = {"inspector", "county_clerk", "prefecture_reviewer", "province_admin"}
EXPECTED_ROLES: dict[str, set[str]] = {
    **{f"inspection.{c}": FIELD for c in ("plan", "start", "answer", "attach_photo",
                                          "remove_photo", "conclusion", "complete", "amend")},
    **{f"finding.{c}": FIELD for c in ("create", "edit", "withdraw", "restore", "review",
                                       "close", "reopen")},
    "notice.issue": FIELD, "notice.receive": FIELD, "enterprise_fact.record": FIELD,
    "signature.add": EVERYONE, "enterprise.update_contact": EVERYONE,
    "verification.record": EVERYONE,
    "enterprise.register": {"county_clerk"}, "enterprise.update_registration": {"county_clerk"},
    "pool.add_member": {"county_clerk"}, "pool.add_employment": {"county_clerk"},
    "pool.update_member": {"county_clerk"},
    "draw.make": {"county_clerk"},
    "case.transition": {"county_clerk", "prefecture_reviewer", "province_admin"},
}
HOMES = {"inspector": "222404", "county_clerk": "222404", "prefecture_reviewer": "222400",
         "province_admin": "220000"}
RELATIVES = {  # relation -> division, per home
    "222404": {"own": "222404", "sibling": "222401", "above": "222400"},
    "222400": {"own": "222400", "below": "222404", "sibling": "220100", "above": "220000"},
    "220000": {"own": "220000", "below": "222404"},
}
PHOTO = b"\xff\xd8 matrix photo \xff\xd9"
SHA = hashlib.sha256(PHOTO).hexdigest()


def test_the_catalogue_grants_each_command_to_exactly_the_roles_the_protocol_names():
    granted = {r.command: set(r.roles) for r in catalogue.RULES}
    assert granted == EXPECTED_ROLES


class Builder:
    """Valid rows of every entity in a division, with the parents they need."""

    def __init__(self) -> None:
        self.serial = 0

    def next_id(self, entity: str) -> str:
        self.serial += 1
        return f"{entity[:6]}-{self.serial}"

    def make(self, entity: str, division: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
        rid = self.next_id(entity)
        parents: list[dict[str, Any]] = []

        def inspection() -> str:
            iid = self.next_id("inspection")
            parents.append(row("inspection", iid, number=f"吉检{iid}", project_id="p0",
                               template_id="t0", division_code=division, method="四不两直",
                               place=SECRET))
            return iid

        fields: dict[str, Any]
        if entity == "inspection":
            fields = {"number": f"吉检{rid}", "project_id": "p0", "template_id": "t0",
                      "division_code": division, "method": "四不两直", "place": SECRET}
        elif entity == "inspection_answer":
            fields = {"inspection_id": inspection(), "item_code": "RJ-01", "value": "是",
                      "remark": SECRET, "answered_at": "2026-03-02T02:00:00"}
        elif entity == "finding":
            fields = {"inspection_id": inspection(), "item_code": "RJ-01", "problem": SECRET}
        elif entity == "finding_review":
            fields = {"inspection_id": inspection(), "finding_id": "f0", "note": SECRET}
        elif entity == "rectification_notice":
            fields = {"inspection_id": inspection(), "number": f"吉整改{rid}",
                      "issued_on": "2026-03-02", "deadline": "2026-03-20",
                      "received_by": SECRET}
        elif entity == "inspection_amendment":
            fields = {"inspection_id": inspection(), "target": "place", "reason": SECRET,
                      "amended_by": "某人", "amended_at": "2026-03-02T02:00:00"}
        elif entity == "attachment":
            fields = {"sha256": SHA, "owner_kind": "inspection", "owner_id": inspection(),
                      "caption": SECRET}
        elif entity == "signature":
            fields = {"owner_kind": "inspection", "owner_id": inspection(),
                      "signer_role": "被检查单位", "signer_name": SECRET, "sha256": SHA,
                      "signed_at": "2026-03-02T02:00:00"}
        elif entity == "verification":
            fields = {"enterprise_id": "e0", "division_code": division,
                      "verified_on": "2026-03-01", "method": "实地核查", "notes": SECRET}
        elif entity == "enterprise":
            fields = {"credit_code": f"91{self.serial:0>16}", "name": SECRET,
                      "home_province_code": "210000", "home_province": "辽宁省",
                      "division_code": division}
        elif entity == "jilin_registration":
            fields = {"enterprise_id": "e0", "registration_no": f"吉入登{rid}",
                      "registered_on": "2026-03-01", "division_code": division,
                      "office_address": SECRET}
        elif entity == "enterprise_fact":
            enterprise, _ = self.make("enterprise", division)
            parents.append(enterprise)
            fields = {"enterprise_id": enterprise["id"], "kind": "人员变动", "detail": SECRET}
        elif entity == "pool_member":
            fields = {"division_code": division, "kind": "干部", "name": SECRET}
        elif entity == "pool_employment":
            member, _ = self.make("pool_member", division)
            parents.append(member)
            fields = {"member_id": member["id"], "credit_code": "91220000MA00000000",
                      "enterprise_name": SECRET, "start": "2020-01-01"}
        elif entity == "inspection_draw":
            fields = {"division_code": division, "drawn_at": "2026-03-02T01:30:00",
                      "drawn_on": "2026-03-02", "drawn_by": "someone", "method": "双随机",
                      "seed": SECRET, "params": {}, "candidates": {},
                      "candidates_hash": "0" * 64, "result": []}
        elif entity == "project":
            fields = {"code": rid, "name": SECRET, "division_code": division}
        else:
            raise AssertionError(f"no builder for {entity}")
        return row(entity, rid, **fields), parents


def _value(spec: synced_rows.ColumnSpec, old: Any) -> Any:
    """Another valid value for the column."""
    return {"str": "改" if old != "改" else "再改", "int": 7, "float": 1.5,
            "bool": not bool(old), "date": "2026-04-01", "datetime": "2026-04-01T01:00:00",
            "list": [], "dict": {"改": 1}, "decimal": "1.00"}.get(spec.kind, "改")


def _changed(r: dict[str, Any], column: str, *, base: int = 1) -> dict[str, Any]:
    spec = next(s for s in synced_rows.column_specs(r["entity"]) if s.name == column)
    return {**r, "base_version": base,
            "data": {**r["data"], column: _value(spec, r["data"].get(column))}}


@dataclass
class Verdicts:
    engine: Engine
    mismatches: list[str]
    cases: int = 0

    def stored(self) -> tuple[int, int]:
        """Every write of a record logs a change: the newest change and how many records."""
        with Session(self.engine) as session:
            return (session.scalar(select(func.max(ChangeLog.seq))) or 0,
                    session.scalar(select(func.count()).select_from(Record)) or 0)

    def check(self, label: str, client: SyncClient, command: str, r: dict[str, Any],
              expected: bool, *, sees: bool) -> None:
        self.cases += 1
        before = self.stored()
        [result] = client.push(client.command(command, r)).results
        got = result.status == "applied"
        if got != expected:
            self.mismatches.append(f"{label}: expected {'applied' if expected else 'refused'}"
                                   f", got {result.status} {result.reason}")
            return
        if got:
            return
        if result.status != "rejected":
            self.mismatches.append(f"{label}: {result.status} {result.reason}")
        if self.stored() != before:
            self.mismatches.append(f"{label}: refused but the store changed")
        if not sees and (SECRET in result.model_dump_json() or result.current is not None):
            self.mismatches.append(f"{label}: the refusal leaks the record")


def _reach(write: Write, entity: str, actor: str, division: str) -> bool:
    if entity in entities.REGISTRY and write.registry:
        return True
    return in_scope(actor, division)


def _allowed(rule: Rule, role: str) -> bool:
    return role in EXPECTED_ROLES[rule.command]


def _resend_allowed(entity: str, role: str, actor: str, division: str,
                    data: dict[str, Any]) -> bool:
    return any(_allowed(r, role) and w.create and _reach(w, entity, actor, division)
               and all(data.get(k) == v for k, v in w.fixed.items())
               for r in catalogue.RULES if r.hook != WORKFLOW
               for w in r.writes if w.entity == entity)


def test_every_command_role_division_and_operation(server: str, engine: Engine):
    clients = {}
    for role, home in HOMES.items():
        add_user(engine, f"u-{role}", PASSWORD, role=role, division=home, name=f"用户{role}")
        clients[role] = SyncClient.signed_in(server, f"u-{role}", PASSWORD, f"pc-{role}")
    assert requests.put(f"{server}/sync/v1/files/{SHA}", data=PHOTO, timeout=TIMEOUT,
                        headers=clients["county_clerk"].headers).status_code == 200
    build = Builder()
    verdicts = Verdicts(engine, [])
    for rule in catalogue.RULES:
        if rule.hook == WORKFLOW:
            continue  # decided by the workflow: tests/server/test_case_steps.py
        for write in rule.writes:
            for role, client in clients.items():
                home = HOMES[role]
                for relation, division in RELATIVES[home].items():
                    _cases(verdicts, build, rule, write, role, client, home, relation,
                           division)
    assert verdicts.mismatches == [], "\n".join(verdicts.mismatches)
    assert verdicts.cases > 1500  # 1,572 today


def _cases(verdicts: Verdicts, build: Builder, rule: Rule, write: Write, role: str,
           client: SyncClient, home: str, relation: str, division: str) -> None:
    entity, allowed = write.entity, _allowed(rule, role)
    label = f"{rule.command} {entity} {role}@{home} {relation}({division})"
    reach = _reach(write, entity, home, division)
    sees = entity in entities.REGISTRY or in_scope(home, division)

    made, parents = build.make(entity, division)
    made["data"].update(write.fixed)
    seed(verdicts.engine, *parents)
    verdicts.check(f"{label} create", client, rule.command, made,
                   allowed and write.create and reach, sees=sees)

    stored, parents = build.make(entity, division)
    stored["data"].update(write.fixed)
    if entity == "inspection":
        stored["data"]["sealed"] = False
    seed(verdicts.engine, *parents, stored)
    for column in sorted(write.update)[:1]:
        if column == "sealed":
            continue
        verdicts.check(f"{label} update {column}", client, rule.command,
                       _changed(stored, column), allowed and reach, sees=sees)
    if relation == "own":
        forbidden = "created_at"
        verdicts.check(f"{label} update {forbidden}", client, rule.command,
                       _changed(stored, forbidden), False, sees=sees)
        if "division_code" in stored["data"]:
            moved = {**stored, "base_version": 1,
                     "data": {**stored["data"], "division_code": "220200"}}
            verdicts.check(f"{label} move", client, rule.command, moved, False, sees=sees)
    gone = {**stored, "base_version": 1, "deleted": True,
            "data": {**stored["data"], "deleted_at": "2026-04-01T01:00:00"}}
    verdicts.check(f"{label} delete", client, rule.command, gone,
                   allowed and write.delete and reach, sees=sees)

    resent, parents = build.make(entity, division)
    resent["data"].update(write.fixed)
    seed(verdicts.engine, *parents)
    verdicts.check(f"{label} resend", client, RESEND, resent,
                   _resend_allowed(entity, role, home, division, resent["data"]), sees=sees)
