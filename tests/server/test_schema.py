"""The server's own Alembic migrations: a new database is made at head, one from a newer
server or not from a server at all is refused in Chinese and left as it was."""

from __future__ import annotations

import json
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


def test_an_older_server_database_is_upgraded_with_what_it_holds(db_url: str):
    """0002 → head: the numbers, open cases, decisions and photo references it holds are
    carried into the tables that now keep them."""
    from alembic import command
    from sqlalchemy import create_engine

    engine = create_engine(store.normalize_url(db_url))
    rows = [("jilin_registration", "r1", {"registration_no": "吉入登〔2026〕222404-0001"}),
            ("abnormal_case", "c1", {"enterprise_id": "e1", "state": "listed",
                                     "decision_no": "吉建管〔2026〕3号"}),
            ("abnormal_case", "c0", {"enterprise_id": "e0", "state": "cleared"}),
            ("attachment", "a1", {"sha256": "b" * 64})]
    try:
        with engine.begin() as conn:
            command.upgrade(schema.alembic_config(conn), "0002")
            for entity, record_id, data in rows:
                conn.execute(text(
                    "INSERT INTO record (entity, id, version, deleted, data, updated_at, scope) "
                    "VALUES (:e, :i, 1, false, :d, '2026-03-02 01:00:00', '222404')"),
                    {"e": entity, "i": record_id, "d": json.dumps(data, ensure_ascii=False)})
        store.open_db(db_url).dispose()
        with engine.connect() as conn:
            held = set(conn.execute(text("SELECT entity, number, record_id FROM record_number")))
            refs = set(conn.execute(text("SELECT sha256, entity, record_id FROM file_ref")))
    finally:
        engine.dispose()
    assert held == {("jilin_registration", "吉入登〔2026〕222404-0001", "r1"),
                    ("abnormal_case.open", "e1", "c1"),
                    ("abnormal_case.decision", "吉建管〔2026〕3号", "c1")}
    assert refs == {("b" * 64, "attachment", "a1")}
