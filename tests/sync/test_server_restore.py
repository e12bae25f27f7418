"""The provincial server restored from a backup: every laptop re-downloads, keeps its unsent
work, and gives the server back what the backup lacked."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import urlparse

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from sync_support import Device
from test_sync_loop import _registration

from jjg_desktop.services import enterprises, registry
from jjg_desktop.store.models import Enterprise, SyncConflict
from jjg_server import store as server_store
from jjg_server.store import Record
from server_support import running_server


def _backup(db_url: str, target: Path) -> None:
    source = sqlite3.connect(db_url.removeprefix("sqlite:///"))
    copy = sqlite3.connect(target)
    source.backup(copy)
    copy.close()
    source.close()


def _record(engine, entity: str, record_id: str) -> Record | None:
    with Session(engine) as s:
        return s.get(Record, (entity, record_id))


def _enterprise(d: Device, ent_id: str) -> Enterprise | None:
    with d.store.db.read() as s:
        return s.get(Enterprise, ent_id)


def test_a_restored_server_gets_back_what_its_backup_lacked(live, devices, tmp_path):
    if not live.db_url.startswith("sqlite"):
        pytest.skip("the restore is done on the SQLite file; PostgreSQL restores are pg_restore")
    clerk, inspector = devices("hc_clerk"), devices("hc_inspector")
    first = registry.register(clerk.ctx, _registration())
    clerk.sync()
    _backup(live.db_url, tmp_path / "nightly.sqlite3")
    second = registry.register(clerk.ctx,
                               _registration("91320100MA1XYH56", "吉林省宏达建设有限公司"))
    enterprises.update_contact(clerk.ctx, first, contact_phone="13904335555")
    clerk.sync()
    inspector.sync()
    enterprises.update_contact(clerk.ctx, first, contact_person="备份后的修改")  # not yet sent

    live.proxy.partition(True)  # the server goes down and comes back from last night's backup
    live.engine.dispose()
    db_file = Path(live.db_url.removeprefix("sqlite:///"))
    for side in ("-wal", "-shm"):
        Path(f"{db_file}{side}").unlink(missing_ok=True)
    (tmp_path / "nightly.sqlite3").replace(db_file)
    engine = server_store.open_db(live.db_url)
    with Session(engine) as s, s.begin():
        server_store.rotate_epoch(s)
    assert _record(engine, "enterprise", second) is None
    with running_server(live.db_url, live.files_dir) as url:
        live.proxy.upstream = ("127.0.0.1", urlparse(url).port or 80)
        live.proxy.partition(False)
        report = clerk.sync()
        assert report.full_resync and report.rejected == 0
        assert inspector.sync().full_resync
        clerk.sync()
    restored_first = _record(engine, "enterprise", first)
    restored_second = _record(engine, "enterprise", second)
    assert restored_first is not None and restored_second is not None
    assert restored_first.data["contact_phone"] == "13904335555"
    assert restored_first.data["contact_person"] == "备份后的修改"
    assert restored_second.data["name"] == "吉林省宏达建设有限公司"
    for d in (clerk, inspector):
        seen = _enterprise(d, first)
        assert seen is not None and seen.contact_person == "备份后的修改"
        assert _enterprise(d, second) is not None
        with d.store.db.read() as s:
            assert list(s.scalars(select(SyncConflict))) == []
    engine.dispose()
