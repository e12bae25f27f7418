"""Who may send which command, and where: role by command name, division by the rows.

A command's rows must lie within the caller's division (same prefix rule as everywhere: a
province sees 22, a prefecture its four digits, a county its six). The enterprise registry
is shared by the whole province: a county creates registry records only in its own division,
but may update those of an enterprise registered elsewhere (contacts, facts, a status set by
a case step) as long as the record stays where it is registered. After a server restore any
client may give back registry records the restore lost (``sync.resend``).
"""

from __future__ import annotations

from jjg_server import entities
from jjg_server.auth import Caller
from jjg_server.placement import Placement
from jjg_server.records import Rejected
from jjg_server.scopes import PROVINCE, in_scope
from jjg_server.store import Record

INSPECTOR = "inspector"
COUNTY = "county_clerk"
PREFECTURE = "prefecture_reviewer"
PROVINCE_ADMIN = "province_admin"

ROLE_LABELS = {INSPECTOR: "执法检查人员", COUNTY: "县级住建局", PREFECTURE: "市州审核",
               PROVINCE_ADMIN: "省厅"}

_FIELD = frozenset({INSPECTOR, COUNTY})
_EVERYONE = frozenset({INSPECTOR, COUNTY, PREFECTURE, PROVINCE_ADMIN})
_REVIEWERS = frozenset({COUNTY, PREFECTURE, PROVINCE_ADMIN})

# Command name (or "group.*") -> roles that may send it. docs/sync-protocol.md lists it.
ALLOWED: dict[str, frozenset[str]] = {
    "inspection.*": _FIELD,
    "finding.*": _FIELD,
    "notice.*": _FIELD,
    "signature.add": _FIELD,
    "enterprise_fact.record": _FIELD,
    "enterprise.update_contact": _EVERYONE,
    "verification.record": _EVERYONE,
    "enterprise.register": frozenset({COUNTY}),
    "enterprise.update_registration": frozenset({COUNTY}),
    "pool.*": frozenset({COUNTY}),
    "draw.make": frozenset({COUNTY}),
    "case.transition": _REVIEWERS,
    "sync.resend": _EVERYONE,
}
# After a server restore a client sends back the records it holds in a newer version than
# the restored server, or that the server lost, whatever command once wrote them.
RESEND = "sync.resend"

# Entities only some commands may write; any other entity may be written by any command
# its role may send.
ENTITY_WRITERS: dict[str, frozenset[str]] = {
    "checklist_template": frozenset(),
    "abnormal_case": frozenset({"case.transition"}),
    "case_transition": frozenset({"case.transition"}),
    "pool_member": frozenset({"pool.add_member"}),
    "pool_employment": frozenset({"pool.add_employment"}),
    "inspection_draw": frozenset({"draw.make"}),
}
# Registry records come into being only by registering (or importing registrations).
REGISTRY_CREATORS = frozenset({"enterprise.register", "enterprise.update_registration"})


def roles_for(command: str) -> frozenset[str] | None:
    """The roles that may send the command; None for a command this server does not know."""
    if command in ALLOWED:
        return ALLOWED[command]
    group = command.split(".", 1)[0] + ".*"
    return ALLOWED.get(group)


def check_command(caller: Caller, command: str) -> None:
    roles = roles_for(command)
    if roles is None:
        raise Rejected(f"服务器不认识操作“{command}”，请升级客户端后再同步")
    if caller.role not in roles:
        raise Rejected(f"您的角色（{ROLE_LABELS.get(caller.role, caller.role)}）不能进行"
                       f"“{command}”操作")


def check_row(caller: Caller, command: str, entity: str, data: dict[str, object],
              place: Placement, record: Record | None) -> None:
    """Refuse a row the command may not write, or one outside the caller's division."""
    writers = ENTITY_WRITERS.get(entity)
    if command == RESEND and entity != "checklist_template":
        writers = None
    if writers is not None and command not in writers:
        if not writers:
            raise Rejected(f"{entities.label(entity)}只能由省厅在服务器上发布，不能由客户端提交")
        raise Rejected(f"“{command}”操作不能修改{entities.label(entity)}")
    exists = record is not None and not record.deleted
    if entity in entities.REGISTRY:
        _check_registry(caller, command, entity, data, record if exists else None)
        return
    if place.scope != PROVINCE and not in_scope(caller.division_code, place.scope):
        raise Rejected(f"{entities.label(entity)}属于行政区划 {place.scope}，"
                       f"不在您的管辖范围（{caller.division_code}）内")


def _check_registry(caller: Caller, command: str, entity: str, data: dict[str, object],
                    record: Record | None) -> None:
    division = data.get("division_code")
    if record is None and command == RESEND:
        return  # the registry is everyone's: any client may give back what a restore lost
    if record is None:
        if command not in REGISTRY_CREATORS and entity != "enterprise_fact":
            raise Rejected(f"服务器上没有该{entities.label(entity)}；新企业须由县级住建局登记")
        if isinstance(division, str) and not in_scope(caller.division_code, division):
            raise Rejected(f"不能在其他行政区划（{division}）登记{entities.label(entity)}，"
                           f"您的管辖范围是 {caller.division_code}")
        return
    registered = record.data.get("division_code")
    if (isinstance(division, str) and division != registered
            and not in_scope(caller.division_code, division)):
        raise Rejected(f"不能把{entities.label(entity)}迁到您管辖范围（{caller.division_code}）"
                       f"以外的行政区划 {division}")
