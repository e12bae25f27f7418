"""`POST /sync/v1/login`: a random token for the right password, kept only as its hash."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from jjg_desktop.sync.protocol import LoginResponse, ProblemDetail
from jjg_server import store
from jjg_server.store import Token, User
from server_support import add_user, login, running_server

TIMEOUT = 10
PASSWORD = "Jl-检查-2026!"


def _login(base: str, username: str, password: str, **extra: object) -> requests.Response:
    body = {"username": username, "password": password, "client_id": "laptop-7f3a", **extra}
    return requests.post(f"{base}/sync/v1/login", json=body, timeout=TIMEOUT)


def _db_bytes(db_path: Path) -> bytes:
    """The database file and its WAL/journal, whatever holds the latest pages."""
    return b"".join(p.read_bytes() for p in sorted(db_path.parent.glob(db_path.name + "*")))


def _tokens(engine: Engine) -> list[Token]:
    with Session(engine) as session:
        return list(session.scalars(select(Token)))


def test_right_password_gives_a_token_stored_only_as_its_hash(sqlite_path: Path):
    """On SQLite, where the stored bytes can be searched for the token and the password."""
    engine = store.open_db(str(sqlite_path))
    add_user(engine, "clerk01", PASSWORD, name="刘晓燕", division="222404")
    with running_server(str(sqlite_path)) as server:
        reply = _login(server, "clerk01", PASSWORD)
    assert reply.status_code == 200, reply.text
    login = LoginResponse.model_validate_json(reply.text)
    assert login.user.display_name == "刘晓燕" and login.user.role == "county_clerk"
    assert login.user.division_code == "222404"
    assert len(login.token) >= 40
    assert timedelta(hours=11) < login.expires_at - datetime.now(UTC) <= timedelta(hours=12)

    [row] = _tokens(engine)
    digest = hashlib.sha256(login.token.encode()).hexdigest()
    assert row.sha256 == digest and row.username == "clerk01"
    assert row.client_id == "laptop-7f3a" and row.expires_at == login.expires_at

    engine.dispose()
    stored = _db_bytes(sqlite_path)
    assert digest.encode() in stored  # the search below would see the plaintext too
    assert login.token.encode() not in stored
    assert PASSWORD.encode() not in stored


def test_each_login_gets_a_different_token(server: str, engine: Engine):
    add_user(engine, "clerk01", PASSWORD)
    tokens = {LoginResponse.model_validate_json(_login(server, "clerk01", PASSWORD).text).token
              for _ in range(2)}
    assert len(tokens) == 2 and len(_tokens(engine)) == 2


def test_wrong_password_is_401_in_chinese_and_issues_nothing(server: str, engine: Engine):
    add_user(engine, "clerk01", PASSWORD)
    reply = _login(server, "clerk01", PASSWORD + "x")
    assert reply.status_code == 401
    assert reply.headers["content-type"].startswith("application/problem+json")
    problem = ProblemDetail.model_validate_json(reply.text)
    assert problem.status == 401 and problem.title == "用户名或密码错误"
    assert _tokens(engine) == []


def test_unknown_user_gets_the_same_answer_as_a_wrong_password(server: str, engine: Engine):
    add_user(engine, "clerk01", PASSWORD)
    wrong = _login(server, "clerk01", "nope")
    unknown = _login(server, "nobody", "nope")
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()


def test_a_disabled_account_cannot_log_in(server: str, engine: Engine):
    add_user(engine, "clerk01", PASSWORD)
    with Session(engine) as session, session.begin():
        session.get_one(User, "clerk01").active = False
    reply = _login(server, "clerk01", PASSWORD)
    assert reply.status_code == 403
    assert ProblemDetail.model_validate_json(reply.text).title == "账号已停用"
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Token)) == 0


def test_a_malformed_body_is_422_with_a_chinese_title(server: str):
    missing = requests.post(f"{server}/sync/v1/login", json={"username": "clerk01"},
                            timeout=TIMEOUT)
    foreign = _login(server, "clerk01", PASSWORD, remember_me=True)
    truncated = requests.post(f"{server}/sync/v1/login", data=b'{"username": "cl',
                              timeout=TIMEOUT, headers={"Content-Type": "application/json"})
    for reply in (missing, foreign, truncated):
        assert reply.status_code == 422, reply.text
        problem = ProblemDetail.model_validate_json(reply.text)
        assert problem.status == 422 and problem.title == "请求内容不符合协议"
    assert "password" in ProblemDetail.model_validate_json(missing.text).detail
    assert "remember_me" in ProblemDetail.model_validate_json(foreign.text).detail
    assert "不是有效的 JSON" in ProblemDetail.model_validate_json(truncated.text).detail


def test_bytes_that_are_not_text_are_400_with_a_chinese_title(server: str):
    reply = requests.post(f"{server}/sync/v1/login", data=b"\xff{", timeout=TIMEOUT,
                          headers={"Content-Type": "application/json"})
    assert reply.status_code == 400
    assert ProblemDetail.model_validate_json(reply.text).title == "请求无效"


def test_an_unknown_address_is_a_chinese_problem(server: str, engine: Engine):
    """Signed in, a 404; without a token nothing about which addresses exist is told."""
    stranger = requests.get(f"{server}/sync/v1/nothing-here", timeout=TIMEOUT)
    assert stranger.status_code == 401
    add_user(engine, "clerk01", PASSWORD)
    token = login(server, "clerk01", PASSWORD)
    reply = requests.get(f"{server}/sync/v1/nothing-here", timeout=TIMEOUT,
                         headers={"Authorization": f"Bearer {token}"})
    assert reply.status_code == 404
    assert ProblemDetail.model_validate_json(reply.text).title == "请求的地址不存在"
