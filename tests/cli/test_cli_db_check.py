from __future__ import annotations

import sqlite3

from jjg_desktop.cli.main import main
from jjg_desktop.config import resolve_paths
from jjg_desktop.services.startup import open_store


def test_version(capsys):
    try:
        main(["--version"])
    except SystemExit as exc:
        assert exc.code == 0
    assert "吉建管 desktop" in capsys.readouterr().out


def test_db_check_on_a_healthy_database(tmp_path, capsys):
    db = tmp_path / "ok.sqlite"
    open_store(resolve_paths(db=db)).close()
    assert main(["db", "check", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "✓ 文件完整性：正常" in out and "✓ 结构版本" in out and "检查通过" in out


def test_db_check_on_missing_and_non_database_files(tmp_path, capsys):
    assert main(["db", "check", "--db", str(tmp_path / "none.sqlite")]) == 2
    assert "找不到数据库文件" in capsys.readouterr().err
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is a spreadsheet, not a database" * 20)
    assert main(["db", "check", "--db", str(junk)]) == 2
    assert "不是有效的SQLite数据库" in capsys.readouterr().err


def test_db_check_does_not_upgrade_a_newer_database(tmp_path, capsys):
    db = tmp_path / "newer.sqlite"
    open_store(resolve_paths(db=db)).close()
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    assert main(["db", "check", "--db", str(db)]) == 1
    assert "更新版本" in capsys.readouterr().out
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (
            "9999_future",)
