"""The command catalogue: what each sync command may do, declared once for both ends.

The server accepts nothing outside it; the client's services are tested against it. For every
command: the roles and levels that may send it, the records it may write and, for each,
whether it may create, which columns it may change on a record the server holds, whether it
may delete it, whether it may move it to another scope (the sender must hold both), and
whether it writes records of the whole province's registry wherever they are registered.
A ``hook`` names the check a command goes through besides: the abnormal-list workflow for
case steps, the seal for starting an inspection.

``sync.resend`` (the client giving back what a restored server lost) has no rule of its own:
each row it carries is judged as the commands the sender's role may send would be judged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from jjg_desktop.rules.divisions import jurisdiction

INSPECTOR = "inspector"
COUNTY = "county_clerk"
PREFECTURE = "prefecture_reviewer"
PROVINCE_ADMIN = "province_admin"

ROLE_LABELS = MappingProxyType({INSPECTOR: "执法检查人员", COUNTY: "县级住建局",
                                PREFECTURE: "市州审核", PROVINCE_ADMIN: "省厅"})
LEVEL_LABELS = MappingProxyType({1: "省级", 2: "市州级", 3: "县级"})

FIELD = frozenset({INSPECTOR, COUNTY})
EVERYONE = frozenset({INSPECTOR, COUNTY, PREFECTURE, PROVINCE_ADMIN})
REVIEWERS = frozenset({COUNTY, PREFECTURE, PROVINCE_ADMIN})
ALL_LEVELS = frozenset({1, 2, 3})

RESEND = "sync.resend"
WORKFLOW = "workflow"
"""Hook: the abnormal-list workflow decides the step (compare-and-set on the case)."""
SEAL = "seal"
"""Hook: only a member of the drawn team lifts a seal; a drawn team is not changed."""

ALWAYS_WRITTEN = frozenset({"updated_at"})
"""Columns every update sets (the time of the change)."""
TOMBSTONE = frozenset({"deleted_at", "updated_at"})
"""What a delete changes: the record stays as it was, marked deleted."""


@dataclass(frozen=True, slots=True)
class Write:
    """What a command may do to records of one entity."""

    entity: str
    create: bool = False
    update: frozenset[str] = frozenset()
    delete: bool = False
    moves: bool = False
    registry: bool = False
    """Registry records (province-wide) of any division, not only the sender's."""
    fixed: Mapping[str, Any] = field(default_factory=dict)
    """Values a record this command creates must have."""

    def changes(self, columns: Iterable[str]) -> set[str]:
        """The columns among ``columns`` this write may not change on an existing record."""
        return set(columns) - self.update - ALWAYS_WRITTEN


@dataclass(frozen=True, slots=True)
class Rule:
    command: str
    roles: frozenset[str]
    writes: tuple[Write, ...]
    levels: frozenset[int] = ALL_LEVELS
    hook: str = ""

    def write(self, entity: str) -> Write | None:
        return next((w for w in self.writes if w.entity == entity), None)


def _cols(*names: str) -> frozenset[str]:
    return frozenset(names)


CONTACT = _cols("address", "contact_person", "contact_phone")
REGISTERED_ENTERPRISE = CONTACT | _cols(
    "name", "home_province", "qualifications", "safety_licence_no", "safety_licence_expiry",
    "legal_representative", "division_code")
REGISTRATION = _cols("registration_no", "registered_on", "division_code", "office_address",
                     "person_in_charge", "phone", "commitments")
STARTED = _cols("status", "started_at", "sealed", "place", "method", "team")
FINDING_TEXT = _cols("problem", "legal_basis", "requirement", "responsible_role",
                     "enterprise_id", "deadline")
REVIEW = _cols("outcome", "note", "new_deadline", "reviewed_at")
CASE_STEP = _cols("state", "version", "deadline", "evidence", "decision_no", "decision_date")
REAL_NAME = Write("project", update=_cols("real_name_enabled"))
PLANNED = MappingProxyType({"status": "planned", "sealed": False})
DRAWN = MappingProxyType({"status": "planned", "sealed": True})

RULES: tuple[Rule, ...] = (
    Rule("inspection.plan", FIELD, (
        Write("inspection", create=True, fixed=PLANNED),
        Write("finding_review", create=True))),
    Rule("inspection.start", FIELD, (
        Write("inspection", update=STARTED),), hook=SEAL),
    Rule("inspection.answer", FIELD, (
        Write("inspection_answer", create=True, update=_cols("value", "remark", "answered_at")),
        REAL_NAME)),
    Rule("inspection.attach_photo", FIELD, (Write("attachment", create=True),)),
    Rule("inspection.remove_photo", FIELD, (Write("attachment", delete=True),)),
    Rule("inspection.conclusion", FIELD, (
        Write("inspection", update=_cols("conclusion")),)),
    Rule("inspection.complete", FIELD, (
        Write("inspection", update=_cols("status", "completed_at", "conclusion")),)),
    Rule("inspection.amend", FIELD, (
        Write("inspection_amendment", create=True), REAL_NAME)),
    Rule("finding.create", FIELD, (Write("finding", create=True),)),
    Rule("finding.edit", FIELD, (Write("finding", update=FINDING_TEXT),)),
    Rule("finding.withdraw", FIELD, (Write("finding", update=_cols("status")),)),
    Rule("finding.restore", FIELD, (Write("finding", update=_cols("status")),)),
    Rule("finding.review", FIELD, (Write("finding_review", update=REVIEW),)),
    Rule("finding.close", FIELD, (
        Write("finding", update=_cols("status", "closed_by", "review_note")),)),
    Rule("finding.reopen", FIELD, (
        Write("finding", update=_cols("status", "closed_by", "deadline", "review_note")),)),
    Rule("notice.issue", FIELD, (
        Write("rectification_notice", create=True),)),
    Rule("notice.receive", FIELD, (
        Write("rectification_notice", update=_cols("received_by")),)),
    Rule("signature.add", EVERYONE, (Write("signature", create=True),)),
    Rule("enterprise_fact.record", FIELD, (
        Write("enterprise_fact", create=True, registry=True),)),
    Rule("enterprise.update_contact", EVERYONE, (
        Write("enterprise", update=CONTACT, registry=True),)),
    Rule("verification.record", EVERYONE, (
        Write("verification", create=True), Write("attachment", create=True))),
    Rule("enterprise.register", frozenset({COUNTY}), (
        Write("enterprise", create=True, fixed=MappingProxyType({"status": "正常"})),
        Write("jilin_registration", create=True))),
    Rule("enterprise.update_registration", frozenset({COUNTY}), (
        Write("enterprise", update=REGISTERED_ENTERPRISE, moves=True),
        Write("jilin_registration", create=True, update=REGISTRATION, moves=True))),
    Rule("pool.add_member", frozenset({COUNTY}), (
        Write("pool_member", create=True),)),
    Rule("pool.update_member", frozenset({COUNTY}), (
        Write("pool_member", update=_cols("name", "enforcement_cert_no", "specialty", "employer",
                                          "phone", "active")),)),
    Rule("pool.add_employment", frozenset({COUNTY}), (
        Write("pool_employment", create=True),)),
    Rule("draw.make", frozenset({COUNTY}), (
        Write("inspection_draw", create=True), Write("inspection", create=True, fixed=DRAWN))),
    Rule("case.transition", REVIEWERS, (
        Write("abnormal_case", create=True, update=CASE_STEP),
        Write("case_transition", create=True),
        Write("enterprise", update=_cols("status"), registry=True)), hook=WORKFLOW),
)

CATALOGUE: Mapping[str, Rule] = MappingProxyType({r.command: r for r in RULES})


def rule(command: str) -> Rule | None:
    return CATALOGUE.get(command)


def may_send(command: str, role: str, level: int) -> bool:
    found = CATALOGUE.get(command)
    if command == RESEND:
        return role in EVERYONE
    return found is not None and role in found.roles and level in found.levels


def resend_writes(role: str, level: int, entity: str) -> tuple[Write, ...]:
    """How a resent row of ``entity`` may be judged: as any command the sender may send that
    writes it outside a workflow (a workflow step is decided again, never resent)."""
    return tuple(w for r in RULES if role in r.roles and level in r.levels
                 and r.hook != WORKFLOW for w in r.writes if w.entity == entity)


def writable_entities() -> frozenset[str]:
    return frozenset(w.entity for r in RULES for w in r.writes)


def level_of(division_code: str) -> int:
    """1 province, 2 prefecture tier, 3 county tier, as the division table ranks the code."""
    return jurisdiction().level(division_code)


@dataclass(frozen=True, slots=True)
class Breach:
    """How a row goes beyond what a write allows: it creates (or brings back) a record the
    write may not create, deletes one it may not delete, creates one without the values the
    write fixes, or changes columns the write does not own."""

    kind: str
    """create, delete or columns (``columns`` names them) or fixed (``columns`` likewise)."""
    columns: tuple[str, ...] = ()


def breach(write: Write, before: Mapping[str, Any] | None, after: Mapping[str, Any],
           deleted: bool, *, stored_deleted: bool = False) -> Breach | None:
    """What the row breaks of the write (None: nothing). ``before`` is the record as it was
    (None: there is none), ``stored_deleted`` whether that record is a tombstone."""
    if before is None or (stored_deleted and not deleted):
        if not write.create and not (deleted and write.delete):
            return Breach("create")
        wrong = tuple(sorted(k for k, v in write.fixed.items() if after.get(k) != v))
        return Breach("fixed", wrong) if wrong and not deleted else None
    changed = {k for k in set(before) | set(after) if before.get(k) != after.get(k)}
    if deleted and not stored_deleted:
        if not write.delete:
            return Breach("delete")
        extra = changed - TOMBSTONE
    else:
        extra = write.changes(changed)
    return Breach("columns", tuple(sorted(extra))) if extra else None


def violations(command: str, role: str, level: int, entity: str,
               before: Mapping[str, Any] | None, after: Mapping[str, Any],
               deleted: bool) -> list[str]:
    """How a row a command carries breaks the catalogue (empty: it does not), for the
    client's own check. ``before`` is the record as it was before the change (None: the
    change created it)."""
    if command == RESEND:
        writes = resend_writes(role, level, entity)
    else:
        found = rule(command)
        if found is None:
            return [f"{command}: not in the catalogue"]
        if role not in found.roles:
            return [f"{command}: not for role {role}"]
        write = found.write(entity)
        writes = (write,) if write is not None else ()
    if not writes:
        return [f"{command} may not write {entity}"]
    stored_deleted = bool(before and before.get("deleted_at"))
    found_breach = None
    for write in writes:
        found_breach = breach(write, before, after, deleted, stored_deleted=stored_deleted)
        if found_breach is None:
            return []
    assert found_breach is not None
    verb = {"columns": "change", "fixed": "create with other values of"}.get(
        found_breach.kind, found_breach.kind)
    return [f"{command} may not {verb} {entity}"
            + (f" ({', '.join(found_breach.columns)})" if found_breach.columns else "")]


def markdown_table(command_labels: Mapping[str, str], entity_labels: Mapping[str, str]) -> str:
    """The catalogue as the Markdown table in docs/sync-protocol.md (generated, never edited
    by hand: `python scripts/catalogue_table.py`)."""
    roles = (INSPECTOR, COUNTY, PREFECTURE, PROVINCE_ADMIN)
    lines = ["| command | " + " | ".join(ROLE_LABELS[r] for r in roles)
             + " | writes: create / update columns / delete / move | hook |",
             "|---|" + "---|" * len(roles) + "---|---|"]
    for r in RULES:
        writes = []
        for w in r.writes:
            ops = [op for op, on in (("新建", w.create), ("删除", w.delete), ("迁移", w.moves),
                                     ("全省登记库", w.registry)) if on]
            if w.update:
                ops.append("改 " + ", ".join(f"`{c}`" for c in sorted(w.update)))
            fixed = ", ".join(f"`{k}`={v!r}" for k, v in w.fixed.items())
            if fixed:
                ops.append(f"新建时 {fixed}")
            writes.append(f"{entity_labels.get(w.entity, w.entity)} (`{w.entity}`): "
                          + "; ".join(ops))
        marks = " | ".join("✓" if role in r.roles else "" for role in roles)
        name = f"`{r.command}` {command_labels.get(r.command, '')}"
        lines.append(f"| {name} | {marks} | {'<br>'.join(writes)} | {r.hook} |")
    return "\n".join(lines)
