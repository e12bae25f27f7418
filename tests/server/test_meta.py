"""`GET /sync/v1/meta`: what every client checks first, above all the server epoch."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from jjg_desktop.sync.protocol import Meta
from jjg_server.store import ChangeLog
from server_support import running_server

TIMEOUT = 5


def _meta(base: str) -> Meta:
    reply = requests.get(f"{base}/sync/v1/meta", timeout=TIMEOUT)
    assert reply.status_code == 200, reply.text
    return Meta.model_validate_json(reply.text)


def test_meta_parses_as_the_protocol_model_with_utc_server_time(server: str):
    before = datetime.now(UTC)
    meta = _meta(server)
    assert meta.server_time.utcoffset() == timedelta(0)
    assert before - timedelta(seconds=1) <= meta.server_time <= datetime.now(UTC)
    assert meta.latest_seq == 0
    assert meta.min_client_version == "0.1.0"
    assert len(meta.epoch) == 32


def test_latest_seq_follows_the_change_log(server: str, engine: Engine):
    now = datetime.now(UTC)
    with Session(engine) as session, session.begin():
        session.add_all([ChangeLog(entity="enterprise", record_id=f"e{i}", version=1,
                                   data={"name": "吉林省建工集团"}, committed_at=now)
                         for i in range(3)])
    assert _meta(server).latest_seq == 3


def test_epoch_is_kept_across_restarts_and_new_for_a_new_database(tmp_path: Path):
    first_db = f"sqlite:///{tmp_path / 'a.sqlite3'}"
    with running_server(first_db) as base:
        epoch = _meta(base).epoch
    with running_server(first_db) as base:
        assert _meta(base).epoch == epoch
    with running_server(f"sqlite:///{tmp_path / 'b.sqlite3'}") as base:
        assert _meta(base).epoch != epoch


def test_a_copied_database_answers_with_its_own_epoch(tmp_path: Path):
    original = tmp_path / "live.sqlite3"
    with running_server(f"sqlite:///{original}") as base:
        epoch = _meta(base).epoch
    backup = tmp_path / "backup.sqlite3"
    backup.write_bytes(original.read_bytes())
    with running_server(f"sqlite:///{backup}") as base:
        assert _meta(base).epoch == epoch
