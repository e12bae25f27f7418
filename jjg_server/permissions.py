"""Who may write what, judged on the records as the server holds them.

The command catalogue (`jjg_desktop.sync.catalogue`) says, per command, the roles and levels
that may send it and what it may do to each entity. Every row of a command is judged here:
an update or delete on the stored record's scope and audience (never on the pushed copy), the
columns it changes against those the catalogue lets the command change, a move to another
scope only where the catalogue allows one and the sender holds both, a creation in the
sender's scope, a seal lifted only by a member of the drawn team. A refusal names nothing of a
record the sender may not see.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import jjg_desktop.sync.catalogue as catalogue
from jjg_desktop.rules.divisions import jurisdiction
from jjg_desktop.rules.record_names import COMMAND_NAMES, FIELD_NAMES
from jjg_desktop.sync.catalogue import RESEND, ROLE_LABELS, SEAL, Rule, Write
from jjg_server import entities
from jjg_server.auth import Caller
from jjg_server.placement import Placement
from jjg_server.records import Rejected
from jjg_server.scopes import PROVINCE, in_scope, level_of, visible_to
from jjg_server.store import Record


def command_label(command: str) -> str:
    return COMMAND_NAMES.get(command, command)


def check_command(caller: Caller, command: str) -> Rule | None:
    """The command's rule (None for a resend, judged row by row); Rejected if the caller's
    role or level may not send it, or the server does not know it."""
    level = level_of(caller.division_code)
    if command != RESEND and catalogue.rule(command) is None:
        raise Rejected(f"服务器不认识操作“{command}”，请升级客户端后再同步")
    if not catalogue.may_send(command, caller.role, level):
        raise Rejected(f"您的角色（{ROLE_LABELS.get(caller.role, caller.role)}，"
                       f"{catalogue.LEVEL_LABELS[level]}）不能进行“{command_label(command)}”操作")
    return catalogue.rule(command)


def may_see(caller: Caller, record: Record) -> bool:
    """Whether the caller receives this record in pulls (its scope and audience)."""
    if record.audience is not None and caller.username not in record.audience:
        return False
    return visible_to(caller.division_code, record.scope)


def check_row(caller: Caller, command: str, entity: str, data: dict[str, Any], deleted: bool,
              place: Placement, record: Record | None, *, collision: bool = False) -> None:
    """Refuse a row the command may not write as the server holds its record. A
    ``collision`` (a creation meeting a record someone else made) is judged as a creation
    where the command may create, and left to the conflict rule."""
    rule = catalogue.rule(command)
    writes = (rule.write(entity),) if rule is not None else catalogue.resend_writes(
        caller.role, level_of(caller.division_code), entity)
    writes = tuple(w for w in writes if w is not None)
    what = entities.label(entity)
    if entity in ("checklist_template", "published_rule"):
        raise Rejected(f"{what}只能由省厅在服务器上发布，不能由客户端提交")
    if not writes:
        raise Rejected(f"“{command_label(command)}”操作不能修改{what}")
    if record is not None and not _reaches(caller, writes, entity, record):
        raise Rejected(f"该{what}不在您的管辖范围内，不能修改")
    refusals = []
    for write in writes:
        try:
            if collision and write.create:
                _check_write(caller, command, write, data, deleted, place, None)
                return
            _check_write(caller, command, write, data, deleted, place, record)
            return
        except Rejected as refused:
            refusals.append(refused)
    raise refusals[0]


def _reaches(caller: Caller, writes: Iterable[Write], entity: str, record: Record) -> bool:
    """Whether the caller may touch the stored record at all: its audience, and its scope
    (a registry record's is the division that registered it, unless the write is one every
    division may make)."""
    if record.audience is not None and caller.username not in record.audience:
        return False
    if entity in entities.REGISTRY:
        if any(w.registry for w in writes):
            return True
        return in_scope(caller.division_code, _registered(record.data, record.scope))
    return visible_to(caller.division_code, record.scope)


def _registered(data: dict[str, Any], fallback: str) -> str:
    division = data.get("division_code")
    return division if isinstance(division, str) and division else fallback


def _check_write(caller: Caller, command: str, write: Write, data: dict[str, Any],
                 deleted: bool, place: Placement, record: Record | None) -> None:
    what = entities.label(write.entity)
    verb = command_label(command)
    found = catalogue.breach(write, record.data if record is not None else None, data,
                             deleted, stored_deleted=record is not None and record.deleted)
    creates = record is None or (record.deleted and not deleted)
    if found is not None:
        if found.kind == "create" and record is not None:
            raise Rejected(f"该{what}已在服务器上删除，“{verb}”操作不能恢复")
        if found.kind == "create" and write.entity in entities.REGISTRY:
            raise Rejected(f"服务器上没有该{what}；新企业须由县级住建局登记")
        raise Rejected({
            "create": f"服务器上没有该{what}，“{verb}”操作不能新建",
            "delete": f"“{verb}”操作不能删除{what}",
            "fixed": f"“{verb}”操作新建的{what}中{_fields(found.columns)}不符合要求，"
                     "请升级客户端",
            "columns": f"“{verb}”操作不能修改{what}的{_fields(found.columns)}",
        }[found.kind])
    if creates:
        _check_place(caller, write, data, place)
        return
    assert record is not None
    _check_move(caller, verb, write, data, place, record)
    if write.entity == "inspection":
        _check_seal(caller, command, record.data, data)


def _check_place(caller: Caller, write: Write, data: dict[str, Any],
                 place: Placement) -> None:
    """A record the row creates lies where the caller may create it."""
    what = entities.label(write.entity)
    if write.entity in entities.REGISTRY:
        division = data.get("division_code")
        if not write.registry and isinstance(division, str) and not in_scope(
                caller.division_code, division):
            raise Rejected(f"不能在其他行政区划（{_place(division)}）登记{what}，"
                           f"您的管辖范围是{_place(caller.division_code)}")
    elif place.scope != PROVINCE and not in_scope(caller.division_code, place.scope):
        raise Rejected(f"{what}属于{_place(place.scope)}，"
                       f"不在您的管辖范围（{_place(caller.division_code)}）内")
    if place.audience is not None and caller.username not in place.audience:
        raise Rejected(f"该{what}属于保密抽查任务，只有抽中的检查组成员可以填写")


def _check_move(caller: Caller, verb: str, write: Write, data: dict[str, Any],
                place: Placement, record: Record) -> None:
    """A record that would change scope: only by a command that may move it, and only
    between scopes the caller holds both of."""
    what = entities.label(write.entity)
    if write.entity in entities.REGISTRY:
        before = _registered(record.data, record.scope)
        after = _registered(data, before)
    else:
        before, after = record.scope, place.scope
    if before == after:
        return
    if not write.moves:
        raise Rejected(f"“{verb}”操作不能把{what}迁到其他行政区划")
    for division in (before, after):
        if not in_scope(caller.division_code, division):
            raise Rejected(f"不能把{what}迁到您管辖范围（{_place(caller.division_code)}）"
                           f"以外的{_place(after)}")


def _place(code: str) -> str:
    """A division as people call it (珲春市), not its code."""
    return jurisdiction().name(code)


def _fields(columns: Iterable[str]) -> str:
    return "、".join(FIELD_NAMES.get(c, c) for c in columns)


def _team(data: dict[str, Any]) -> set[str]:
    team = data.get("team")
    return {m["username"] for m in team if isinstance(m, dict)
            and isinstance(m.get("username"), str)} if isinstance(team, list) else set()


def _check_seal(caller: Caller, command: str, stored: dict[str, Any],
                data: dict[str, Any]) -> None:
    """A sealed spot check is opened only by ``inspection.start`` (or given back after a
    restore) from a member of its team; it is never sealed again, and a drawn team stays."""
    rule = catalogue.rule(command)
    lifts = (rule is not None and rule.hook == SEAL) or command == RESEND
    if stored.get("sealed") and not data.get("sealed") and (
            not lifts or caller.username not in _team(stored)):
        raise Rejected("该检查为保密抽查任务，只有抽中的检查组成员可以开始检查")
    if data.get("sealed") and not stored.get("sealed"):
        raise Rejected("已公开的检查不能重新设为保密")
    if stored.get("draw_id") and data.get("team") != stored.get("team"):
        raise Rejected("抽取产生的检查组不能更改")
