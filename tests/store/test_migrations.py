from __future__ import annotations

import hashlib
import shutil
import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from jjg_desktop.config import Paths
from jjg_desktop.paths import shipped
from jjg_desktop.services.startup import open_store
from jjg_desktop.store import migrate
from jjg_desktop.store.database import Database
from jjg_desktop.store.migrate import SchemaError, head_revision, include_name
from jjg_desktop.store.models import Base


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_new_database_is_built_by_migrations_and_matches_the_models(store):
    with store.db.engine.connect() as conn:
        assert migrate.current_revision(conn) == head_revision()
        ctx = MigrationContext.configure(
            conn, opts={"include_name": include_name, "compare_type": True})
        assert compare_metadata(ctx, Base.metadata) == []


def test_schema_head_constant_is_the_newest_migration():
    assert head_revision() == migrate.SCHEMA_HEAD


def test_sqlite_runs_in_wal_with_foreign_keys_and_busy_timeout(store):
    with store.db.read() as s:
        assert s.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert s.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert s.execute(text("PRAGMA busy_timeout")).scalar() >= 1000


def test_database_from_a_newer_version_is_refused_and_left_untouched(paths: Paths):
    open_store(paths).close()
    with sqlite3.connect(paths.db_path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")
    before = _sha(paths.db_path)
    with pytest.raises(SchemaError, match="更新版本"):
        open_store(paths)
    assert _sha(paths.db_path) == before
    assert not paths.backups_dir.exists() or not any(paths.backups_dir.iterdir())


def test_foreign_sqlite_file_is_refused(paths: Paths):
    paths.db_path.parent.mkdir(parents=True)
    with sqlite3.connect(paths.db_path) as conn:
        conn.execute("CREATE TABLE notes(x)")
        conn.execute("INSERT INTO notes VALUES ('keep me')")
    with pytest.raises(SchemaError, match="不是吉建管的数据库"):
        open_store(paths)
    with sqlite3.connect(paths.db_path) as conn:
        assert conn.execute("SELECT x FROM notes").fetchall() == [("keep me",)]


def test_existing_database_is_backed_up_then_upgraded(paths: Paths, tmp_path: Path, monkeypatch):
    store = open_store(paths)
    with store.db.write() as s:
        s.execute(text("UPDATE sync_state SET server_url = 'https://jzsc.example' WHERE id = 1"))
    store.close()
    old_head = head_revision()

    scripts = tmp_path / "migrations"
    shutil.copytree(shipped("db") / "migrations", scripts)
    (scripts / "versions" / "0002_test.py").write_text(
        "from alembic import op\nimport sqlalchemy as sa\n"
        f"revision = '0002_test'\ndown_revision = '{old_head}'\n"
        "branch_labels = None\ndepends_on = None\n"
        "def upgrade():\n"
        "    op.create_table('extra', sa.Column('id', sa.Integer, primary_key=True))\n"
        "def downgrade():\n    op.drop_table('extra')\n", encoding="utf-8")

    def patched_config(connection=None):
        cfg = Config()
        cfg.set_main_option("script_location", str(scripts))
        cfg.attributes["connection"] = connection
        return cfg

    monkeypatch.setattr(migrate, "alembic_config", patched_config)
    monkeypatch.setattr(migrate, "SCHEMA_HEAD", "0002_test")
    outcome = migrate.ensure_schema(Database(paths.db_path), paths.backups_dir)

    assert outcome.upgraded_from == old_head and not outcome.created
    assert outcome.backup is not None and outcome.backup.is_file()
    with sqlite3.connect(outcome.backup) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == (old_head,)
    with sqlite3.connect(paths.db_path) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone() == ("0002_test",)
        assert conn.execute("SELECT server_url FROM sync_state").fetchone() == (
            "https://jzsc.example",)
