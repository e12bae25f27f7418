"""Limits a province's server needs in front of sixty counties: bodies capped per endpoint
before they are read (and not read at all without a valid token), a cap on rows per push that
the client splits around, logins throttled per account and address without locking the owner
out, and a production mode that hides the API description and refuses clear text."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from jjg_desktop.sync.protocol import MAX_COMMAND_ROWS, MAX_PUSH_ROWS, ProblemDetail
from jjg_server.store import ChangeLog
from jjg_server.throttle import LoginThrottle
from server_support import TIMEOUT, SyncClient, add_user, row, running_server

PASSWORD = "Jl-限额-2026!"


def _raw(base: str, head: str, body: bytes = b"") -> str:
    """Send a request by hand (the body may be far shorter than announced); the status line
    of the reply, which must come without the server waiting for the rest."""
    url = urlsplit(base)
    with socket.create_connection((url.hostname, url.port), timeout=5) as sock:
        sock.sendall(head.replace("\n", "\r\n").encode() + b"\r\n" + body)
        reply = sock.recv(65536).decode("utf-8", "replace")
    return reply.split("\r\n", 1)[0]


def _changes(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(ChangeLog)) or 0


def test_an_unauthenticated_body_is_refused_before_it_is_read(server: str, engine: Engine):
    for size in (300 * 1024 * 1024, 60 * 1024 * 1024):
        head = ("POST /sync/v1/push HTTP/1.1\nHost: x\nContent-Type: application/json\n"
                f"Content-Length: {size}\n")
        assert _raw(server, head, b'{"client_id":"x","commands":[') == (
            "HTTP/1.1 401 Unauthorized")
        forged = head + "Authorization: Bearer not-a-token\n"
        assert _raw(server, forged, b"{") == "HTTP/1.1 401 Unauthorized"
    assert _changes(engine) == 0


def test_a_body_over_its_endpoints_cap_is_413_before_it_is_read(server: str, engine: Engine):
    add_user(engine, "clerk01", PASSWORD)
    clerk = SyncClient.signed_in(server, "clerk01", PASSWORD)
    auth = f"Authorization: Bearer {clerk.token}\n"
    for path, size in (("/sync/v1/push", 65 * 1024 * 1024), ("/sync/v1/login", 17 * 1024),
                       ("/sync/v1/records", 2 * 1024 * 1024)):
        head = f"POST {path} HTTP/1.1\nHost: x\n{auth}Content-Length: {size}\n"
        assert _raw(server, head, b"{") == "HTTP/1.1 413 Request Entity Too Large", path
    # a chunked body says nothing of its size: it is cut off where it passes the cap
    chunked = requests.post(f"{server}/sync/v1/login", timeout=TIMEOUT,
                            data=iter([b'{"username":"' + b"a" * 8192] * 4),
                            headers={"Content-Type": "application/json"})
    assert chunked.status_code == 413
    assert ProblemDetail.model_validate_json(chunked.text).detail == "该地址一次最多接收 16 KB"


def _members(n: int, start: int = 0) -> list[dict]:
    return [row("pool_member", f"m{k}", division_code="222404", kind="干部", name=f"检查员{k}")
            for k in range(start, start + n)]


def test_a_push_of_too_many_rows_is_413_and_stores_nothing(server: str, engine: Engine):
    add_user(engine, "clerk01", PASSWORD)
    clerk = SyncClient.signed_in(server, "clerk01", PASSWORD)
    commands = MAX_PUSH_ROWS // MAX_COMMAND_ROWS + 1
    reply = clerk.push_raw(*(clerk.command("pool.add_member",
                                           *_members(MAX_COMMAND_ROWS, n * MAX_COMMAND_ROWS))
                             for n in range(commands)))
    assert reply.status_code == 413
    problem = ProblemDetail.model_validate_json(reply.text)
    assert problem.title == "一次提交的记录过多"
    assert f"一次最多 {MAX_PUSH_ROWS} 条" in problem.detail
    assert _changes(engine) == 0


class _Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 7, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> _Clock:
    return _Clock()


@pytest.fixture
def clocked_server(db_url: str, files_dir: Path, clock: _Clock) -> Iterator[str]:
    with running_server(db_url, files_dir, clock=clock) as base:
        yield base


def _login(base: str, password: str, address: str = "10.22.4.7") -> requests.Response:
    return requests.post(f"{base}/sync/v1/login", timeout=TIMEOUT,
                         headers={"X-Forwarded-For": address},
                         json={"username": "clerk01", "password": password, "client_id": "pc-1"})


def test_sixty_wrong_passwords_make_the_right_one_wait(clocked_server: str, engine: Engine,
                                                      clock: _Clock):
    add_user(engine, "clerk01", PASSWORD)
    statuses = [_login(clocked_server, f"猜测的密码-{n:04d}").status_code for n in range(60)]
    assert statuses[:5] == [401] * 5 and set(statuses[5:]) == {429}, statuses
    held = _login(clocked_server, PASSWORD)
    assert held.status_code == 429
    wait = int(held.headers["Retry-After"])
    assert 1 <= wait <= 15 * 60
    problem = ProblemDetail.model_validate_json(held.text)
    assert problem.title == "登录尝试过于频繁" and "后再试" in problem.detail
    clock.now += timedelta(seconds=wait)
    assert _login(clocked_server, PASSWORD).status_code == 200


def test_an_attacker_elsewhere_never_locks_the_owner_out(clocked_server: str, engine: Engine,
                                                         clock: _Clock):
    add_user(engine, "clerk01", PASSWORD)
    assert _login(clocked_server, PASSWORD, "10.22.4.7").status_code == 200  # the owner's desk
    for n in range(400):  # a botnet: a few guesses from each of many addresses
        _login(clocked_server, f"猜测的密码-{n:04d}", f"203.0.{n // 4}.{n % 4 + 1}")
        clock.now += timedelta(seconds=1)
    stranger = _login(clocked_server, PASSWORD, "198.51.100.9")
    assert stranger.status_code == 429  # the account is held back for new addresses …
    assert int(stranger.headers["Retry-After"]) <= 15 * 60  # … never for long
    assert _login(clocked_server, PASSWORD, "10.22.4.7").status_code == 200  # … not the owner


def test_the_delay_doubles_is_capped_and_is_forgotten():
    throttle = LoginThrottle(cap=timedelta(minutes=15), forget=timedelta(hours=1))
    now = datetime(2026, 12, 7, tzinfo=UTC)
    waits = []
    for _ in range(24):
        throttle.failed("clerk01", "10.0.0.1", now)
        waits.append(throttle.wait("clerk01", "10.0.0.1", now))
    assert waits[:4] == [0] * 4 and waits[4:8] == [1, 2, 4, 8]
    assert max(waits) == 15 * 60
    # from another address only the account's own count applies: 24 failures, 20 free
    assert throttle.wait("clerk01", "10.0.0.2", now) == 2 * 2 ** 4
    assert throttle.wait("clerk02", "10.0.0.2", now) == 0
    assert throttle.wait("clerk01", "10.0.0.1", now + timedelta(hours=1, seconds=1)) == 0


def test_production_hides_the_api_description(db_url: str, files_dir: Path):
    with running_server(db_url, files_dir, docs=False) as base:
        for path in ("/docs", "/openapi.json", "/redoc"):
            assert requests.get(f"{base}{path}", timeout=TIMEOUT).status_code == 404, path
        assert requests.get(f"{base}/sync/v1/meta", timeout=TIMEOUT).status_code == 200
    with running_server(db_url, files_dir) as base:
        assert requests.get(f"{base}/openapi.json", timeout=TIMEOUT).status_code == 200


def test_production_refuses_clear_text_beyond_loopback(tmp_path: Path):
    db = tmp_path / "prod.sqlite3"
    for host in ("0.0.0.0", "10.22.4.1"):
        done = subprocess.run([sys.executable, "-m", "jjg_server.cli", "serve", "--db", str(db),
                               "--production", "--host", host, "--port", "1"],
                              capture_output=True, text=True, encoding="utf-8", timeout=60,
                              check=False)
        assert done.returncode == 2
        assert "生产模式下不能在" in done.stderr and "--certfile" in done.stderr
    half = subprocess.run([sys.executable, "-m", "jjg_server.cli", "serve", "--db", str(db),
                           "--certfile", str(db)], capture_output=True, text=True,
                          encoding="utf-8", timeout=60, check=False)
    assert half.returncode == 2 and "须同时给出" in half.stderr
