"""Backups: verified copies made once a day at start, rotated, restored exactly; a damaged
database is reported as such and kept when a backup replaces it."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from jjg_desktop.config import Paths
from jjg_desktop.services.startup import open_store, restore_and_open
from jjg_desktop.store import backups
from jjg_desktop.store.backups import (
    DAILY,
    DAMAGED,
    BackupError,
    DamagedDatabase,
    daily_backup_if_due,
    list_backups,
    make_backup,
    restore,
    rotate,
)
from jjg_desktop.store.revision import SCHEMA_HEAD


def _notes(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT server_url FROM sync_state ORDER BY id")]
    finally:
        conn.close()


def _set_url(paths: Paths, url: str) -> None:
    store = open_store(paths)
    try:
        with store.db.write() as s:
            s.execute(text("UPDATE sync_state SET server_url = :u WHERE id = 1"), {"u": url})
    finally:
        store.close()


def test_a_fresh_database_is_not_backed_up_but_the_next_start_is(paths: Paths) -> None:
    open_store(paths).close()
    assert list_backups(paths.backups_dir) == []
    open_store(paths).close()
    [daily] = list_backups(paths.backups_dir)
    assert daily.reason == DAILY and daily.schema == SCHEMA_HEAD and daily.size > 0
    assert daily.made_at.astimezone().date() == date.today()
    assert backups.integrity_problems(daily.path) is None
    assert not list(paths.backups_dir.glob("*.partial*"))
    assert not list(paths.backups_dir.glob("*-wal"))


def test_one_daily_backup_per_day(paths: Paths) -> None:
    open_store(paths).close()
    day = date(2026, 5, 18)
    noon = datetime(2026, 5, 18, 4, 0, tzinfo=UTC)
    assert daily_backup_if_due(paths.db_path, paths.backups_dir, day, noon) is not None
    assert daily_backup_if_due(paths.db_path, paths.backups_dir, day,
                               noon + timedelta(hours=2)) is None
    assert daily_backup_if_due(paths.db_path, paths.backups_dir, day + timedelta(days=1),
                               noon + timedelta(days=1)) is not None
    assert [b.reason for b in list_backups(paths.backups_dir)] == [DAILY, DAILY]


def test_start_makes_the_daily_backup_once_and_rotates(paths: Paths) -> None:
    open_store(paths).close()
    start = datetime(2026, 4, 1, 3, 0, tzinfo=UTC)
    for i in range(9):
        make_backup(paths.db_path, paths.backups_dir, DAILY, start + timedelta(days=i))
    for i in range(12):
        make_backup(paths.db_path, paths.backups_dir, "before-000" + str(i % 8),
                    start + timedelta(days=i, hours=1))
    (paths.backups_dir / "jjg-20260401-030000-000000-daily.sqlite.partial").write_bytes(b"x")
    (paths.backups_dir / "notes.txt").write_text("not a backup", encoding="utf-8")

    open_store(paths).close()
    open_store(paths).close()

    found = list_backups(paths.backups_dir)
    daily = [b for b in found if b.reason == DAILY]
    other = [b for b in found if b.reason != DAILY]
    assert len(daily) == 7 and len(other) == 10
    assert daily[0].made_at.astimezone().date() == date.today()
    assert daily[-1].made_at == start + timedelta(days=3)
    assert other[-1].made_at == start + timedelta(days=2, hours=1)
    assert [b.made_at for b in found] == sorted((b.made_at for b in found), reverse=True)
    assert not list(paths.backups_dir.glob("*.partial"))
    assert (paths.backups_dir / "notes.txt").exists()


def test_rotate_keeps_the_newest(tmp_path: Path) -> None:
    folder = tmp_path / "b"
    db = tmp_path / "x.sqlite"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE t(x)")
    conn.commit()
    conn.close()
    start = datetime(2026, 1, 1, tzinfo=UTC)
    made = [make_backup(db, folder, DAILY, start + timedelta(hours=i)) for i in range(4)]
    removed = rotate(folder, keep_daily=2)
    assert sorted(removed) == sorted(made[:2])
    assert [b.path for b in list_backups(folder)] == made[:1:-1]


def test_restore_brings_back_exactly_the_backup_and_keeps_the_replaced_file(
        paths: Paths) -> None:
    _set_url(paths, "https://before.example")
    backup = make_backup(paths.db_path, paths.backups_dir, "manual")
    _set_url(paths, "https://after.example")

    outcome = restore(backup, paths.db_path, paths.backups_dir)

    assert _notes(paths.db_path) == ["https://before.example"]
    assert outcome.kept is not None and outcome.kept.name.endswith("-before-restore.sqlite")
    assert _notes(outcome.kept) == ["https://after.example"]
    assert backups.integrity_problems(paths.db_path) is None
    assert not paths.db_path.with_name(paths.db_path.name + "-wal").exists()
    store = open_store(paths)
    try:
        with store.db.read() as s:
            assert s.execute(text("SELECT server_url FROM sync_state")).scalar() == (
                "https://before.example")
    finally:
        store.close()


def test_restore_refuses_a_bad_backup_and_changes_nothing(paths: Paths, tmp_path: Path) -> None:
    _set_url(paths, "https://current.example")
    bad = tmp_path / "bad.sqlite"
    bad.write_bytes(b"not a database" * 100)
    before = paths.db_path.read_bytes()
    with pytest.raises(BackupError, match="不可用"):
        restore(bad, paths.db_path, paths.backups_dir)
    assert paths.db_path.read_bytes() == before
    assert list_backups(paths.backups_dir) == []


def _corrupt(db: Path, how: str) -> None:
    data = db.read_bytes()
    if how == "header":
        db.write_bytes(b"\0" * 100 + data[100:])
    else:
        db.write_bytes(data[: len(data) // 3])


@pytest.mark.parametrize("how", ["header", "truncate"])
def test_a_damaged_database_raises_a_clear_error_and_is_left_as_it_was(
        paths: Paths, how: str) -> None:
    _set_url(paths, "https://good.example")
    _corrupt(paths.db_path, how)
    damaged = paths.db_path.read_bytes()
    with pytest.raises(DamagedDatabase, match="已损坏") as caught:
        open_store(paths)
    assert caught.value.path == paths.db_path
    assert paths.db_path.read_bytes() == damaged
    assert not paths.db_path.with_name(paths.db_path.name + "-wal").exists()


def test_restoring_over_a_damaged_database_keeps_its_bytes(paths: Paths) -> None:
    _set_url(paths, "https://backed-up.example")
    backup = make_backup(paths.db_path, paths.backups_dir, "manual")
    _corrupt(paths.db_path, "header")
    damaged = paths.db_path.read_bytes()

    store = restore_and_open(paths, backup)
    try:
        with store.db.read() as s:
            assert s.execute(text("SELECT server_url FROM sync_state")).scalar() == (
                "https://backed-up.example")
    finally:
        store.close()
    [kept] = [b for b in list_backups(paths.backups_dir) if b.reason == DAMAGED]
    assert kept.path.read_bytes() == damaged


def test_a_backup_of_a_damaged_file_fails_and_leaves_no_file(paths: Paths) -> None:
    open_store(paths).close()
    _corrupt(paths.db_path, "header")
    with pytest.raises(BackupError):
        make_backup(paths.db_path, paths.backups_dir, "manual")
    assert list(paths.backups_dir.iterdir()) == []


def test_rotation_never_removes_a_damaged_copy_nor_the_database_before_an_import(
        paths: Paths) -> None:
    open_store(paths).close()
    start = datetime(2026, 3, 1, tzinfo=UTC)
    damaged = backups.copy_bytes(paths.db_path, paths.backups_dir, DAMAGED, start)
    before_import = make_backup(paths.db_path, paths.backups_dir, backups.BEFORE_IMPORT,
                                start + timedelta(minutes=1))
    for i in range(15):
        make_backup(paths.db_path, paths.backups_dir, "manual", start + timedelta(days=1 + i))
        make_backup(paths.db_path, paths.backups_dir, DAILY, start + timedelta(days=1 + i, hours=1))

    rotate(paths.backups_dir)

    found = list_backups(paths.backups_dir)
    assert damaged.exists() and before_import.exists()
    assert [b.reason for b in found].count("manual") == 10
    assert [b.reason for b in found].count(DAILY) == 7
    assert {b.reason_text for b in found if b.path in (damaged, before_import)} == {
        "损坏的数据库（原样保留）", "导入数据前的数据库"}


def test_a_large_database_is_backed_up_after_start_not_during_it(
        paths: Paths, monkeypatch: pytest.MonkeyPatch) -> None:
    open_store(paths, defer_large_backup=True).close()
    size = paths.db_path.stat().st_size
    monkeypatch.setattr(backups, "LARGE_DB_BYTES", size * 2)
    open_store(paths, defer_large_backup=True).close()
    assert [b.reason for b in list_backups(paths.backups_dir)] == [DAILY]

    for old in list_backups(paths.backups_dir):
        old.path.unlink()
    monkeypatch.setattr(backups, "LARGE_DB_BYTES", size // 2)
    open_store(paths, defer_large_backup=True).close()
    assert list_backups(paths.backups_dir) == []
    assert backups.daily_due(paths)

    made = backups.make_daily(paths)
    assert made is not None and [b.path for b in list_backups(paths.backups_dir)] == [made]
    assert not backups.daily_due(paths)
    assert backups.make_daily(paths) is None

    open_store(paths).close()
    assert len(list_backups(paths.backups_dir)) == 1
