"""A full disk is called a full disk: in Chinese, with the room needed, no restore offered,
and nothing saved before is lost."""

from __future__ import annotations

import sqlite3
from typing import Any

import pytest
from sqlalchemy import event, select

from jjg_desktop.config import Paths
from jjg_desktop.services import enterprises, startup
from jjg_desktop.services.context import ServiceContext
from jjg_desktop.services.errors import DiskFull, ServiceError
from jjg_desktop.store import database
from jjg_desktop.store.backups import DamagedDatabase
from jjg_desktop.store.models import AuditEntry, Enterprise, OutboxCommand
from tests_support import add_enterprise


def _fill_disk(conn: sqlite3.Connection, _record: Any) -> None:
    """SQLite's own "database or disk is full": the file may not grow past its size now."""
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count={max(pages, 1)}")


def test_a_save_on_a_full_disk_says_so_and_keeps_what_was_saved(ctx: ServiceContext, clock):
    ent_id = add_enterprise(ctx.store, clock())
    with ctx.db.read() as s:
        audit_before = len(s.scalars(select(AuditEntry)).all())
    event.listen(ctx.db.engine, "connect", _fill_disk)
    ctx.db.engine.dispose()
    with pytest.raises(DiskFull) as raised:
        for n in range(200):  # until a page more is needed
            enterprises.update_contact(ctx, ent_id, contact_phone=f"0433-{n:07d}",
                                       contact_person="王" * 60 + str(n))
    message = str(raised.value)
    assert message.startswith("磁盘空间不足") and "MB" in message and "没有丢失" in message
    assert isinstance(raised.value, ServiceError)
    assert "database or disk is full" not in message
    event.remove(ctx.db.engine, "connect", _fill_disk)
    ctx.db.engine.dispose()
    with ctx.db.read() as s:
        ent = s.get(Enterprise, ent_id)
        audits = len(s.scalars(select(AuditEntry)).all())
        commands = len(s.scalars(select(OutboxCommand)).all())
    assert ent is not None and audits - audit_before == commands  # each saved edit whole


def test_a_full_disk_at_start_is_not_called_a_damaged_database(paths: Paths, monkeypatch):
    startup.open_store(paths).close()
    size = paths.db_path.stat().st_size
    original = database._on_connect

    def full(conn: sqlite3.Connection, record: Any) -> None:
        original(conn, record)
        _fill_disk(conn, record)

    monkeypatch.setattr(database, "_on_connect", full)
    monkeypatch.setattr(startup, "ensure_schema", _growing_schema)
    try:
        startup.open_store(paths)
    except DamagedDatabase:
        pytest.fail("a full disk was called a damaged database")
    except DiskFull as exc:
        assert str(exc).startswith("磁盘空间不足")
    else:
        pytest.fail("the disk was not full")
    assert paths.db_path.stat().st_size == size


def _growing_schema(db: database.Database, _backups: Any) -> Any:
    """An upgrade that needs room the disk does not have."""
    with db.write() as session:
        session.connection().exec_driver_sql("CREATE TABLE upgrade_room (x)")
        session.connection().exec_driver_sql(
            "INSERT INTO upgrade_room SELECT zeroblob(100000) FROM (SELECT 1 UNION SELECT 2)")
