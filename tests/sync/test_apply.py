"""Pulled records land in the local tables; pending local work is never overwritten."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from jjg_desktop.services import enterprises
from jjg_desktop.services.context import ServiceContext
from jjg_desktop.store import synced_rows
from jjg_desktop.store.models import Enterprise, JilinRegistration, ParkedChange
from jjg_desktop.store.read.registers import EnterpriseFilter, enterprise_ids
from jjg_desktop.sync.apply import Incoming, apply_changes, pending_keys
from tests_support import add_enterprise

NOW = datetime(2026, 5, 18, 2, 0)


def _enterprise_data(ctx: ServiceContext, ent_id: str, **changes: object) -> dict:
    with ctx.db.read() as s:
        ent = s.get(Enterprise, ent_id)
        assert ent is not None
        return {**synced_rows.snapshot(ent), **changes}


def _apply(ctx: ServiceContext, *changes: Incoming) -> None:
    with ctx.db.write() as s:
        apply_changes(s, changes, now=NOW, pending=pending_keys(s))


def _enterprise(ctx: ServiceContext, ent_id: str) -> Enterprise:
    with ctx.db.read() as s:
        ent = s.get(Enterprise, ent_id)
        assert ent is not None
        return ent


def test_a_newer_server_version_replaces_the_local_copy(ctx, clock):
    ent_id = add_enterprise(ctx.store, clock(), server_version=2)
    data = _enterprise_data(ctx, ent_id, name="珲春市鑫源建筑工程集团有限公司")
    _apply(ctx, Incoming("enterprise", ent_id, 3, False, data))
    ent = _enterprise(ctx, ent_id)
    assert (ent.name, ent.server_version) == ("珲春市鑫源建筑工程集团有限公司", 3)


def test_an_older_version_than_the_local_one_is_ignored(ctx, clock):
    ent_id = add_enterprise(ctx.store, clock(), server_version=5)
    data = _enterprise_data(ctx, ent_id, name="旧名称")
    _apply(ctx, Incoming("enterprise", ent_id, 4, False, data))
    assert _enterprise(ctx, ent_id).name == "珲春市鑫源建筑工程有限公司"


def test_a_record_with_an_unsent_local_edit_keeps_the_edit(ctx, clock):
    ent_id = add_enterprise(ctx.store, clock(), server_version=2)
    enterprises.update_contact(ctx, ent_id, contact_phone="13904331234")
    data = _enterprise_data(ctx, ent_id, contact_phone="0433-7512345", name="服务器上的名称")
    _apply(ctx, Incoming("enterprise", ent_id, 3, False, data))
    ent = _enterprise(ctx, ent_id)
    assert (ent.contact_phone, ent.name, ent.server_version) == (
        "13904331234", "珲春市鑫源建筑工程有限公司", 2)


def test_a_new_record_from_the_server_is_inserted_and_searchable(ctx, clock):
    ent_id = add_enterprise(ctx.store, clock(), server_version=1)
    data = _enterprise_data(ctx, ent_id, name="延边天成路桥工程有限公司",
                            credit_code="91222401MA17T5QX4E")
    data["id"] = "b6c1f0f2-5d0c-4a63-9b8e-7d3d1f4f0a11"
    _apply(ctx, Incoming("enterprise", data["id"], 1, False, data))
    with ctx.db.read() as s:
        ids = enterprise_ids(s, EnterpriseFilter(text="天成路桥"))
    assert ids == [data["id"]]


def test_a_tombstone_marks_the_record_deleted(ctx, clock):
    ent_id = add_enterprise(ctx.store, clock(), server_version=1)
    data = _enterprise_data(ctx, ent_id)
    _apply(ctx, Incoming("enterprise", ent_id, 2, True, data))
    ent = _enterprise(ctx, ent_id)
    assert ent.deleted_at == NOW and ent.server_version == 2


def test_a_child_before_its_parent_waits_and_lands_when_the_parent_arrives(ctx, clock):
    parent = "0f6f2b53-8f77-4d67-9c3f-2a7f3c9b1e01"
    reg = {"id": "4e7d1c2a-9b8f-4d3e-a1c2-b3d4e5f6a7b8", "enterprise_id": parent,
           "registration_no": "吉入2026-0001", "registered_on": "2026-05-10",
           "division_code": "222404", "office_address": "珲春市河南街道",
           "person_in_charge": "李军",
           "phone": "13904330000", "commitments": [], "created_at": "2026-05-10T01:00:00",
           "updated_at": "2026-05-10T01:00:00", "deleted_at": None}
    _apply(ctx, Incoming("jilin_registration", reg["id"], 1, False, reg))
    with ctx.db.read() as s:
        assert s.get(JilinRegistration, reg["id"]) is None
        assert [p.record_id for p in s.scalars(select(ParkedChange))] == [reg["id"]]
    ent_id = add_enterprise(ctx.store, clock(), server_version=1)
    data = _enterprise_data(ctx, ent_id, credit_code="91222401MA17T5QX4E")
    data["id"] = parent
    _apply(ctx, Incoming("enterprise", parent, 1, False, data))
    with ctx.db.read() as s:
        landed = s.get(JilinRegistration, reg["id"])
        assert landed is not None and landed.registration_no == "吉入2026-0001"
        assert list(s.scalars(select(ParkedChange))) == []


def test_a_record_clashing_with_a_local_unique_value_is_parked_and_the_rest_lands(ctx, clock):
    mine = add_enterprise(ctx.store, clock(), server_version=1)
    clash = _enterprise_data(ctx, mine, name="另一台电脑登记的同一企业")
    clash["id"] = "7a1e2b3c-4d5e-4f60-8a9b-0c1d2e3f4a5b"
    other = _enterprise_data(ctx, mine, name="延边天成路桥工程有限公司",
                             credit_code="91222401MA17T5QX4E")
    other["id"] = "8b2f3c4d-5e6f-4071-9b0c-1d2e3f4a5b6c"
    _apply(ctx, Incoming("enterprise", clash["id"], 1, False, clash),
           Incoming("enterprise", other["id"], 1, False, other))
    with ctx.db.read() as s:
        assert s.get(Enterprise, other["id"]) is not None
        assert s.get(Enterprise, clash["id"]) is None
        assert [p.record_id for p in s.scalars(select(ParkedChange))] == [clash["id"]]


def test_an_update_pointing_at_a_missing_parent_waits_and_leaves_the_local_row_alone(ctx,
                                                                                    clock):
    ent_id = add_enterprise(ctx.store, clock(), server_version=1)
    moved_to = "5b9c0d1e-2f3a-4b5c-8d6e-7f8091a2b3c4"
    data = _enterprise_data(ctx, ent_id)
    reg = {"id": "0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", "enterprise_id": ent_id,
           "registration_no": "吉入2026-0002", "registered_on": "2026-05-10",
           "division_code": "222404", "created_at": "2026-05-10T01:00:00",
           "updated_at": "2026-05-10T01:00:00", "deleted_at": None}
    _apply(ctx, Incoming("jilin_registration", reg["id"], 1, False, reg))
    _apply(ctx, Incoming("jilin_registration", reg["id"], 2, False,
                         {**reg, "enterprise_id": moved_to, "registration_no": "吉入2026-0009"}))
    with ctx.db.read() as s:
        local = s.get(JilinRegistration, reg["id"])
        assert local is not None and (local.registration_no, local.server_version) == (
            "吉入2026-0002", 1)
        assert [p.version for p in s.scalars(select(ParkedChange))] == [2]
    _apply(ctx, Incoming("enterprise", moved_to, 1, False,
                         {**data, "id": moved_to, "credit_code": "91222401MA17T5QX4E"}))
    with ctx.db.read() as s:
        local = s.get(JilinRegistration, reg["id"])
        assert local is not None and (local.enterprise_id, local.registration_no) == (
            moved_to, "吉入2026-0009")
        assert list(s.scalars(select(ParkedChange))) == []
