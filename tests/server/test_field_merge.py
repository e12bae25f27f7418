"""Conflicts are per field: two people who change different fields of one record both stand;
only a field both changed since the base is a conflict."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from jjg_server.store import Record
from server_support import SyncClient, add_user, row

PASSWORD = "Jl-字段-2026!"


def _client(server: str, engine: Engine, username: str, name: str) -> SyncClient:
    add_user(engine, username, PASSWORD, name=name, role="county_clerk", division="222404")
    return SyncClient.signed_in(server, username, PASSWORD, client_id=f"pc-{username}")


def _enterprise(base: int | None = None, **fields: Any) -> dict[str, Any]:
    values = {"credit_code": "91220000MA0000001X", "name": "吉林省宏达建筑工程有限公司",
              "home_province_code": "220000", "home_province": "吉林省",
              "division_code": "222404", "contact_person": "王强", "contact_phone": "0433-1",
              "address": "珲春市", **fields}
    return row("enterprise", "e1", base=base, **values)


def _stored(engine: Engine) -> dict[str, Any]:
    with Session(engine) as session:
        record = session.get(Record, ("enterprise", "e1"))
        assert record is not None
        return {"version": record.version, **record.data}


def test_different_fields_changed_offline_by_two_people_are_merged(server: str, engine: Engine):
    first = _client(server, engine, "clerk01", "刘晓燕")
    second = _client(server, engine, "clerk02", "王建国")
    third = _client(server, engine, "clerk03", "张丽")
    assert first.do("enterprise.register", _enterprise()) == "applied"
    # all three made their change on version 1, offline
    assert first.do("enterprise.update_contact",
                    _enterprise(base=1, contact_phone="0433-2222222")) == "applied"
    assert second.do("enterprise.update_contact",
                     _enterprise(base=1, contact_person="李娜")) == "applied"
    stored = _stored(engine)
    assert (stored["version"], stored["contact_phone"], stored["contact_person"]) == (
        3, "0433-2222222", "李娜")
    # the same field as the first: a conflict that names who changed it, with the newest copy
    [result] = third.push(third.command(
        "enterprise.update_contact", _enterprise(base=1, contact_phone="0433-3333333"))).results
    assert result.status == "rejected"
    assert "刘晓燕" in result.reason and "服务器第 3 版" in result.reason
    assert result.current is not None and result.current["version"] == 3
    assert result.current["data"]["contact_person"] == "李娜"
    assert _stored(engine)["contact_phone"] == "0433-2222222"


def test_a_stale_row_does_not_put_back_what_others_changed(server: str, engine: Engine):
    clerk = _client(server, engine, "clerk01", "刘晓燕")
    other = _client(server, engine, "clerk02", "王建国")
    assert clerk.do("enterprise.register", _enterprise()) == "applied"
    renamed = _enterprise(base=1, name="吉林省宏达建设集团有限公司")
    assert other.do("enterprise.update_registration", renamed) == "applied"
    # a contact edit made on version 1 carries the old name: the name stays the new one
    assert clerk.do("enterprise.update_contact",
                    _enterprise(base=1, address="珲春市新安街道 9 号")) == "applied"
    stored = _stored(engine)
    assert stored["name"] == "吉林省宏达建设集团有限公司"
    assert stored["address"] == "珲春市新安街道 9 号"
