"""`jjg-server user add` and `jjg-server serve`, run as a user would run them."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from jjg_desktop.sync.protocol import LoginResponse, Meta, ProblemDetail
from jjg_server.store import User
from server_support import running_server

TIMEOUT = 30


def _cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "jjg_server.cli", *args], input=stdin,
                          capture_output=True, text=True, encoding="utf-8", timeout=TIMEOUT,
                          env=env, check=False)


def _user_add(db_url: str, username: str, *extra: str, stdin: str) -> subprocess.CompletedProcess:
    return _cli("user", "add", "--db", db_url, "--username", username, "--name", "王建国",
                "--role", "inspector", "--division", "220102", *extra, stdin=stdin)


def test_user_add_creates_a_user_who_can_log_in(db_url: str, engine: Engine):
    done = _user_add(db_url, "insp07", "--password-stdin", stdin="现场-检查-07\n")
    assert done.returncode == 0, done.stderr
    assert "已添加用户 insp07" in done.stdout
    with Session(engine) as session:
        user = session.get_one(User, "insp07")
        assert (user.display_name, user.role, user.division_code, user.active) == (
            "王建国", "inspector", "220102", True)
        assert user.password_hash.startswith("scrypt$")

    with running_server(db_url) as base:
        body = {"username": "insp07", "password": "现场-检查-07", "client_id": "tablet-1"}
        reply = requests.post(f"{base}/sync/v1/login", json=body, timeout=TIMEOUT)
        assert reply.status_code == 200, reply.text
        assert LoginResponse.model_validate_json(reply.text).user.display_name == "王建国"
        body["password"] = "现场-检查-07\n"
        reply = requests.post(f"{base}/sync/v1/login", json=body, timeout=TIMEOUT)
        assert ProblemDetail.model_validate_json(reply.text).status == 401


def test_user_add_refuses_a_duplicate_and_bad_input_in_chinese(db_url: str, engine: Engine):
    assert _user_add(db_url, "insp07", "--password-stdin", stdin="pw-1\n").returncode == 0
    again = _user_add(db_url, "insp07", "--password-stdin", stdin="pw-2\n")
    assert again.returncode == 1 and "用户已存在：insp07" in again.stderr
    empty = _user_add(db_url, "insp08", "--password-stdin", stdin="\n")
    assert empty.returncode == 1 and "密码不能为空" in empty.stderr
    bad_division = _cli("user", "add", "--db", db_url, "--username", "insp09", "--name", "李",
                        "--role", "inspector", "--division", "22", "--password-stdin",
                        stdin="pw\n")
    assert bad_division.returncode == 1 and "行政区划代码" in bad_division.stderr
    bad_role = _cli("user", "add", "--db", db_url, "--username", "insp10", "--name", "李",
                    "--role", "boss", "--division", "220102", "--password-stdin", stdin="pw\n")
    assert bad_role.returncode == 1 and "角色无效：boss" in bad_role.stderr
    with Session(engine) as session:
        assert [session.get(User, u) for u in ("insp08", "insp09", "insp10")] == [None] * 3


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_answers_meta_on_loopback(tmp_path: Path):
    port = _free_port()
    db = tmp_path / "served.sqlite3"
    process = subprocess.Popen(
        [sys.executable, "-m", "jjg_server.cli", "serve", "--db", str(db),
         "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            try:
                reply = requests.get(f"http://127.0.0.1:{port}/sync/v1/meta", timeout=2)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "jjg-server serve did not start"
                time.sleep(0.1)
        assert Meta.model_validate_json(reply.text).latest_seq == 0
        assert db.exists()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if process.stderr:
            process.stderr.close()


def test_epoch_rotate_gives_the_database_a_new_epoch_that_meta_reports(db_url: str):
    """After restoring a backup the operator rotates the epoch: clients re-download all."""
    with running_server(db_url) as base:
        before = Meta.model_validate_json(
            requests.get(f"{base}/sync/v1/meta", timeout=TIMEOUT).text).epoch
    done = _cli("epoch", "rotate", "--db", db_url)
    assert done.returncode == 0, done.stderr
    assert "已换用新的纪元" in done.stdout and before in done.stdout
    with running_server(db_url) as base:
        after = Meta.model_validate_json(
            requests.get(f"{base}/sync/v1/meta", timeout=TIMEOUT).text).epoch
    assert after != before and len(after) == 32 and after in done.stdout


def test_epoch_rotate_is_seen_by_a_running_server(db_url: str):
    with running_server(db_url) as base:
        def epoch() -> str:
            reply = requests.get(f"{base}/sync/v1/meta", timeout=TIMEOUT)
            return Meta.model_validate_json(reply.text).epoch
        before = epoch()
        assert _cli("epoch", "rotate", "--db", db_url).returncode == 0
        assert epoch() != before
