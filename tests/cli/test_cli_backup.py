"""`jjg-desktop backup list|make|restore`."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from jjg_desktop.cli.main import main
from jjg_desktop.config import resolve_paths
from jjg_desktop.services.startup import open_store
from jjg_desktop.store.backups import list_backups


def _url(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return str(conn.execute("SELECT server_url FROM sync_state").fetchone()[0])
    finally:
        conn.close()


def _set_url(db: Path, url: str) -> None:
    conn = sqlite3.connect(db)
    try:
        conn.execute("UPDATE sync_state SET server_url = ?", (url,))
        conn.commit()
    finally:
        conn.close()


def test_backup_round_trip(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "work.sqlite"
    backups_dir = resolve_paths(db=db).backups_dir
    open_store(resolve_paths(db=db)).close()

    assert main(["backup", "list", "--db", str(db)]) == 0
    assert "还没有备份" in capsys.readouterr().out

    _set_url(db, "https://saved.example")
    assert main(["backup", "make", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "已备份并通过完整性检查" in out
    [made] = list_backups(backups_dir)
    assert str(made.path) in out and made.reason == "manual"

    assert main(["backup", "list", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "手动备份" in out and made.path.name in out and "共 1 个" in out

    _set_url(db, "https://later.example")
    assert main(["backup", "restore", "--db", str(db), made.path.name]) == 0
    out = capsys.readouterr().out
    assert "已用备份" in out and "恢复前的数据库已保存为" in out
    assert _url(db) == "https://saved.example"
    kept = [b for b in list_backups(backups_dir) if b.reason == "before-restore"]
    assert len(kept) == 1 and _url(kept[0].path) == "https://later.example"


def test_backup_errors_are_explained(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.sqlite"
    assert main(["backup", "make", "--db", str(missing)]) == 2
    assert "找不到数据库文件" in capsys.readouterr().err

    db = tmp_path / "work.sqlite"
    open_store(resolve_paths(db=db)).close()
    assert main(["backup", "restore", "--db", str(db), "nope.sqlite"]) == 2
    assert "找不到备份" in capsys.readouterr().err

    data = db.read_bytes()
    db.write_bytes(b"\0" * 100 + data[100:])
    assert main(["backup", "make", "--db", str(db)]) == 2
    assert "已损坏" in capsys.readouterr().err
    assert list_backups(resolve_paths(db=db).backups_dir) == []


def test_restore_over_a_damaged_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "work.sqlite"
    open_store(resolve_paths(db=db)).close()
    _set_url(db, "https://good.example")
    assert main(["backup", "make", "--db", str(db)]) == 0
    [made] = list_backups(resolve_paths(db=db).backups_dir)
    db.write_bytes(db.read_bytes()[:2000])
    damaged = db.read_bytes()
    capsys.readouterr()
    assert main(["backup", "restore", "--db", str(db), str(made.path)]) == 0
    assert _url(db) == "https://good.example"
    [kept] = [b for b in list_backups(made.path.parent) if b.reason == "damaged"]
    assert kept.path.read_bytes() == damaged
