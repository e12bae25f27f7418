from __future__ import annotations

import pytest
from sqlalchemy import func, select

from jjg_desktop.services import context, enterprises
from jjg_desktop.services.errors import InvalidInput, NotFound
from jjg_desktop.store.models import AuditEntry, Enterprise, OutboxCommand
from tests_support import add_enterprise


def _counts(store):
    with store.db.read() as s:
        return (s.scalar(select(func.count()).select_from(AuditEntry)),
                s.scalar(select(func.count()).select_from(OutboxCommand)))


def test_editing_contact_writes_change_audit_and_outbox_together(ctx, store, clock):
    ent_id = add_enterprise(store, clock.now, name="江苏宏达建设工程有限公司")
    audit_before, outbox_before = _counts(store)

    assert enterprises.update_contact(ctx, ent_id, contact_phone=" 0433-7512345 ",
                                      contact_person="王建国")

    with store.db.read() as s:
        ent = s.get(Enterprise, ent_id)
        assert (ent.contact_phone, ent.contact_person) == ("0433-7512345", "王建国")
        entry = s.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        command = s.scalars(select(OutboxCommand).order_by(OutboxCommand.id.desc())).first()
    assert _counts(store) == (audit_before + 1, outbox_before + 1)
    assert entry.action == "enterprise.update_contact" and entry.entity_id == ent_id
    assert entry.actor == "clerk01" and entry.actor_division == "222404"
    assert entry.data["after"] == {"contact_phone": "0433-7512345", "contact_person": "王建国"}
    assert command.command == "enterprise.update_contact"
    assert command.args == {"id": ent_id, "fields": {"contact_phone": "0433-7512345",
                                                     "contact_person": "王建国"}}
    assert command.base_version == 7 and command.state == "pending"


def test_outbox_ids_increase_with_every_command(ctx, store, clock):
    ent_id = add_enterprise(store, clock.now)
    for phone in ("13904330001", "13904330002", "13904330003"):
        enterprises.update_contact(ctx, ent_id, contact_phone=phone)
    with store.db.read() as s:
        ids = list(s.scalars(select(OutboxCommand.id).order_by(OutboxCommand.created_at,
                                                               OutboxCommand.id)))
    assert len(ids) == 3 and ids == sorted(ids) and len(set(ids)) == 3


def test_saving_the_same_value_again_records_nothing(ctx, store, clock):
    ent_id = add_enterprise(store, clock.now)
    enterprises.update_contact(ctx, ent_id, contact_person="李四")
    before = _counts(store)
    assert enterprises.update_contact(ctx, ent_id, contact_person="李四") is False
    assert _counts(store) == before


def test_failure_in_the_middle_leaves_nothing(ctx, store, clock, monkeypatch):
    ent_id = add_enterprise(store, clock.now)
    before = _counts(store)

    def explode(value):
        raise OSError("磁盘已满")

    monkeypatch.setattr(context, "audit_safe", explode)
    with pytest.raises(OSError):
        enterprises.update_contact(ctx, ent_id, contact_phone="13904330001")

    with store.db.read() as s:
        assert s.get(Enterprise, ent_id).contact_phone == ""
    assert _counts(store) == before


def test_bad_phone_is_refused_with_a_chinese_message_and_nothing_written(ctx, store, clock):
    ent_id = add_enterprise(store, clock.now)
    before = _counts(store)
    with pytest.raises(InvalidInput, match="联系电话只能包含数字"):
        enterprises.update_contact(ctx, ent_id, contact_phone="138abc")
    with pytest.raises(InvalidInput, match="不能在此修改"):
        enterprises.update_contact(ctx, ent_id, name="改名")
    with pytest.raises(NotFound):
        enterprises.update_contact(ctx, "no-such-id", contact_phone="13904330001")
    assert _counts(store) == before
