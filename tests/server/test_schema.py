"""The server's own Alembic migrations: a new database is made at head, one from a newer
server or not from a server at all is refused in Chinese and left as it was."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from jjg_server import schema, store
from jjg_server.schema import SchemaError


def test_a_new_database_is_made_at_the_newest_revision_matching_the_models(db_url: str):
    engine = store.open_db(db_url)
    try:
        with engine.connect() as conn:
            assert schema.current_revision(conn) == schema.head_revision()
            context = MigrationContext.configure(
                conn, opts={"compare_type": True, "version_table": schema.VERSION_TABLE})
            assert compare_metadata(context, store.Base.metadata) == []
        store.open_db(db_url).dispose()  # opening again changes nothing
    finally:
        engine.dispose()


def test_a_database_from_a_newer_server_is_refused_and_left_alone(db_url: str, tmp_path: Path):
    engine = store.open_db(db_url)
    with engine.begin() as conn:
        conn.execute(text(f"UPDATE {schema.VERSION_TABLE} SET version_num = '0999'"))
        tables = set(inspect(conn).get_table_names())
    engine.dispose()
    with pytest.raises(SchemaError, match="由更新版本的同步服务创建（结构版本 0999）"):
        store.open_db(db_url)
    served = subprocess.run(
        [sys.executable, "-m", "jjg_server.cli", "--db", db_url,
         "--files", str(tmp_path / "files")],
        capture_output=True, text=True, encoding="utf-8", timeout=60, check=False,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"})
    assert served.returncode == 2 and "请升级同步服务后再试" in served.stderr
    engine = store.connect(db_url)
    try:
        with engine.connect() as conn:
            assert schema.current_revision(conn) == "0999"
            assert set(inspect(conn).get_table_names()) == tables
    finally:
        engine.dispose()


def test_a_database_that_is_not_the_servers_is_refused(db_url: str):
    engine = store.connect(db_url)
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE enterprise (id VARCHAR(36) PRIMARY KEY)"))
    engine.dispose()
    with pytest.raises(SchemaError, match="不是吉建管同步服务的数据库"):
        store.open_db(db_url)
