"""Helpers for server tests (and the sync suite): a fresh server database on SQLite or
PostgreSQL, a real jjg_server on a loopback port, users, and rows as the client sends them.

``server_db_url`` is a fixture parametrized over both engines; PostgreSQL runs when
``JJG_TEST_PG_URL`` names a server where that role may create databases (each test gets a
database of its own, dropped afterwards). Import it into a conftest to use it.
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
import uvicorn
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

import pg_cluster
from jjg_desktop.services.context import audit_safe
from jjg_desktop.store import synced_rows as rows
from jjg_desktop.sync.protocol import (
    ChangeEntry,
    LoginResponse,
    PullResponse,
    PushResponse,
    UploadStatus,
)
from jjg_server import accounts, records
from jjg_server.app import create_app
from jjg_server.placement import Placer
from jjg_server.records import Writer
from jjg_server.store import Record

STARTUP_TIMEOUT = 10.0
SHUTDOWN_TIMEOUT = 10.0
TIMEOUT = 10
PG_ENV = "JJG_TEST_PG_URL"

ENGINES = ("sqlite", "postgresql")
ROW_TIME = datetime(2026, 3, 2, 1, 30)  # naive UTC, as rows carry times


@contextmanager
def fresh_postgres_db() -> Iterator[str]:
    """A new, empty database on the server named by JJG_TEST_PG_URL, else on a throw-away
    cluster the tests start themselves (tests/pg_cluster.py); dropped afterwards."""
    admin_url = pg_cluster.admin_url()
    if not admin_url:
        pytest.skip(f"PostgreSQL tests skipped: {pg_cluster.why_not()}; set {PG_ENV} to a role "
                    "that may create databases, or install PostgreSQL")
    name = f"jjg_t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        try:
            yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
        finally:
            _drop_database(admin, name)
    finally:
        admin.dispose()


def _drop_database(admin: Engine, name: str) -> None:
    """Drop a test database once the test's own sessions are gone. Not ``WITH (FORCE)``: that
    also tries to terminate an autovacuum worker in the database, which a non-superuser role
    may not do (a CI run failed on it); a plain DROP lets PostgreSQL cancel autovacuum itself."""
    for _ in range(50):
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :name AND usename = current_user "
                              "AND pid <> pg_backend_pid()"), {"name": name})
            try:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
                return
            except DBAPIError as exc:
                if "is being accessed by other users" not in str(exc):
                    raise
        time.sleep(0.1)
    raise RuntimeError(f"test database {name} is still in use")


@contextmanager
def fresh_db(kind: str, folder: Path) -> Iterator[str]:
    """A URL of a new, empty server database: a SQLite file in ``folder`` or a PostgreSQL
    database of its own."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'server.sqlite3'}"
    else:
        with fresh_postgres_db() as url:
            yield url


@pytest.fixture(params=ENGINES)
def server_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh server database on each engine (PostgreSQL skipped without JJG_TEST_PG_URL)."""
    with fresh_db(request.param, tmp_path) as url:
        yield url


def is_postgres(db_url: str) -> bool:
    return make_url(db_url).get_backend_name() == "postgresql"


@contextmanager
def running_server(db_url: str, files_dir: Path | None = None, *, port: int = 0,
                   tls: tuple[Path, Path] | None = None, **options: Any) -> Iterator[str]:
    """Serve ``db_url`` until the block ends (on ``port``, or any free one); yields the base
    URL. The same port can serve again after the block, as a restarted server would. With
    ``tls`` (certificate, key) it serves HTTPS as ``localhost``."""
    # IPPROTO_TCP named, or asyncio leaves Nagle on (every keep-alive reply waits ~40 ms)
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(db_url, files_dir=files_dir, **options),
                            log_level="warning", lifespan="on", ws="none", http="h11",
                            ssl_certfile=tls[0] if tls else None,
                            ssl_keyfile=tls[1] if tls else None)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("jjg_server did not start")
            time.sleep(0.02)
        yield f"{'https' if tls else 'http'}://{'localhost' if tls else '127.0.0.1'}:{port}"
    finally:
        server.should_exit = True
        thread.join(SHUTDOWN_TIMEOUT)
        sock.close()
        assert not thread.is_alive(), "jjg_server did not stop"


def add_user(engine: Engine, username: str, password: str, *, name: str = "刘晓燕",
             role: str = "county_clerk", division: str = "222404") -> None:
    with Session(engine) as session, session.begin():
        accounts.add_user(session, username=username, display_name=name, role=role,
                      division_code=division, password=password, now=datetime.now(UTC))


def login(base: str, username: str, password: str, client_id: str = "laptop-7f3a") -> str:
    """Log in on the running server; the bearer token."""
    reply = requests.post(f"{base}/sync/v1/login", timeout=TIMEOUT, json={
        "username": username, "password": password, "client_id": client_id})
    assert reply.status_code == 200, reply.text
    return LoginResponse.model_validate_json(reply.text).token


def row(entity: str, record_id: str, *, base: int | None = None, deleted: bool = False,
        **fields: Any) -> dict[str, Any]:
    """A RowChange as the client sends it: every column of the client's row (those not given
    as a new row has them: its defaults, else None), times naive UTC."""
    data = rows.completed(entity, {"id": record_id, "created_at": ROW_TIME.isoformat(),
                                   "updated_at": ROW_TIME.isoformat()})
    unknown = set(fields) - {s.name for s in rows.column_specs(entity)}
    assert not unknown, f"{entity} has no column {unknown}"
    data = audit_safe({**data, **fields})
    return {"entity": entity, "id": record_id, "base_version": base, "deleted": deleted,
            "data": data}


def seed(engine: Engine, *row_changes: dict[str, Any]) -> None:
    """Records as the province loads them (`jjg-server load client-db`, the demo): written
    straight into the server's store, as no client command may create them (projects)."""
    with Session(engine) as session, session.begin():
        placer = Placer(session, division="220000", username="", strict=False,
                        pending={(r["entity"], r["id"]): r["data"] for r in row_changes})
        for r in row_changes:
            key = (r["entity"], r["id"])
            records.write(session, key, session.get(Record, key), r["data"],
                          now=datetime.now(UTC), writer=Writer("province-load", "", "seed"),
                          place=placer.place(r["entity"], r["id"], r["data"]),
                          deleted=r["deleted"])


@dataclass
class SyncClient:
    """One device talking to the server as the client does: numbered commands, pulls."""

    base: str
    token: str
    client_id: str = "laptop-7f3a"
    next_id: int = 1
    cursor: int = 0
    sent: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def signed_in(cls, base: str, username: str, password: str,
                  client_id: str = "laptop-7f3a") -> SyncClient:
        return cls(base, login(base, username, password, client_id), client_id)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def command(self, command: str, *row_changes: dict[str, Any], args: Any = None,
                files: tuple[str, ...] = (), entity: str | None = None,
                entity_id: str | None = None, base: int | None = None) -> dict[str, Any]:
        """The next outbox command; its main record is the first row unless named."""
        first = row_changes[0] if row_changes else {}
        cmd = {"id": self.next_id, "command": command,
               "entity": entity or first.get("entity", command.split(".")[0]),
               "entity_id": entity_id or first.get("id", "none"),
               "base_version": base if base is not None else first.get("base_version"),
               "args": args or {}, "created_at": ROW_TIME.replace(tzinfo=UTC).isoformat(),
               "rows": list(row_changes), "files": list(files)}
        self.next_id += 1
        self.sent.append(cmd)
        return cmd

    def push_raw(self, *commands: dict[str, Any]) -> requests.Response:
        return requests.post(f"{self.base}/sync/v1/push", timeout=TIMEOUT, headers=self.headers,
                             json={"client_id": self.client_id, "commands": list(commands)})

    def push(self, *commands: dict[str, Any]) -> PushResponse:
        reply = self.push_raw(*commands)
        assert reply.status_code == 200, reply.text
        return PushResponse.model_validate_json(reply.text)

    def do(self, command: str, *row_changes: dict[str, Any], **options: Any) -> str:
        """Push one command; its status (with the reason when it was not applied)."""
        [result] = self.push(self.command(command, *row_changes, **options)).results
        return result.status if result.status == "applied" else (
            f"{result.status}: {result.reason}")

    def pull(self, cursor: int | None = None, limit: int | None = None) -> PullResponse:
        params = {"cursor": self.cursor if cursor is None else cursor}
        if limit is not None:
            params["limit"] = limit
        reply = requests.get(f"{self.base}/sync/v1/pull", params=params, timeout=TIMEOUT,
                             headers=self.headers)
        assert reply.status_code == 200, reply.text
        return PullResponse.model_validate_json(reply.text)

    def pull_all(self, limit: int | None = None) -> list[ChangeEntry]:
        """Pull page after page from the stored cursor; every change received."""
        received: list[ChangeEntry] = []
        while True:
            page = self.pull(limit=limit)
            received.extend(page.changes)
            self.cursor = page.cursor
            if not page.more:
                return received

    def sees(self) -> set[tuple[str, str]]:
        """Every (entity, id) this user receives pulling from the start."""
        self.cursor = 0
        return {(c.entity, c.id) for c in self.pull_all()}


def upload_status(client: SyncClient, sha: str) -> UploadStatus:
    reply = requests.get(f"{client.base}/sync/v1/files/{sha}/status", headers=client.headers,
                         timeout=TIMEOUT)
    assert reply.status_code == 200, reply.text
    return UploadStatus.model_validate_json(reply.text)


def start_upload(client: SyncClient, sha: str, body: bytes, sent: int) -> socket.socket:
    """A PUT of the whole body that stops after ``sent`` bytes (the connection stays open)."""
    url = urlsplit(client.base)
    head = (f"PUT /sync/v1/files/{sha} HTTP/1.1\r\nHost: {url.netloc}\r\n"
            f"Authorization: Bearer {client.token}\r\nContent-Length: {len(body)}\r\n"
            f"Content-Range: bytes 0-{len(body) - 1}/{len(body)}\r\n\r\n")
    sock = socket.create_connection((url.hostname, url.port), timeout=TIMEOUT)
    sock.sendall(head.encode("ascii") + body[:sent])
    return sock


def cut_upload(client: SyncClient, sha: str, body: bytes, sent: int) -> None:
    """Start a PUT of the whole body and drop the connection after ``sent`` bytes."""
    start_upload(client, sha, body, sent).close()


def read_reply(sock: socket.socket) -> str:
    """A whole HTTP reply read by hand: the head, then as many body bytes as it announces
    (TCP may hand them over in several pieces)."""
    data = b""
    while b"\r\n\r\n" not in data:
        piece = sock.recv(4096)
        if not piece:
            break
        data += piece
    head, _, body = data.partition(b"\r\n\r\n")
    length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                   if line.lower().startswith(b"content-length:")), 0)
    while len(body) < length:
        piece = sock.recv(4096)
        if not piece:
            break
        body += piece
    return (head + b"\r\n\r\n" + body).decode("utf-8", "replace")


def held_upload(client: SyncClient, sha: str, at_least: int) -> UploadStatus:
    deadline = time.monotonic() + TIMEOUT
    while (held := upload_status(client, sha)).offset < at_least:
        assert time.monotonic() < deadline, held
        time.sleep(0.05)
    return held
