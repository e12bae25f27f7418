"""`jjg-server user …` as a provincial administrator uses it: list, disable, enable, reset a
password, change role or division, revoke. Every change to who someone is or what they may
do ends their sessions at once."""

from __future__ import annotations

import io
import sys

import pytest
import requests
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from jjg_server import cli
from jjg_server.store import Token, User
from server_support import TIMEOUT, SyncClient, add_user

PASSWORD = "Jl-账号-2026!"
NEW_PASSWORD = "新的密码-珲春-2027"


def _run(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], db_url: str,
         *args: str, stdin: str = "") -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(["user", args[0], "--db", db_url, *args[1:]])
    out = capsys.readouterr()
    return code, out.out, out.err


def _works(client: SyncClient) -> int:
    return requests.get(f"{client.base}/sync/v1/pull", headers=client.headers,
                        timeout=TIMEOUT).status_code


def _tokens(engine: Engine, username: str) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(Token).where(
            Token.username == username)) or 0


def test_list_names_people_roles_divisions_and_sessions(
        server: str, engine: Engine, db_url: str, monkeypatch, capsys):
    add_user(engine, "hc_clerk", PASSWORD, name="刘晓燕", division="222404")
    add_user(engine, "yj_clerk", PASSWORD, name="朴美兰", division="222401")
    add_user(engine, "cbs_rev", PASSWORD, name="张海", role="prefecture_reviewer",
             division="JL-CBS")
    SyncClient.signed_in(server, "hc_clerk", PASSWORD)
    code, out, _ = _run(monkeypatch, capsys, db_url, "list")
    assert code == 0
    assert "hc_clerk（刘晓燕，县级住建局，珲春市 222404）  在用  在线会话 1" in out
    assert "cbs_rev（张海，市州审核，长白山管委会 JL-CBS）  在用  在线会话 0" in out
    assert "共 3 个用户" in out
    code, out, _ = _run(monkeypatch, capsys, db_url, "list", "--division", "222400")
    assert "hc_clerk" in out and "yj_clerk" in out and "cbs_rev" not in out


def test_disable_ends_sessions_at_once_and_enable_lets_them_sign_in_again(
        server: str, engine: Engine, db_url: str, monkeypatch, capsys):
    add_user(engine, "hc_clerk", PASSWORD)
    laptop = SyncClient.signed_in(server, "hc_clerk", PASSWORD)
    assert _works(laptop) == 200
    code, out, _ = _run(monkeypatch, capsys, db_url, "disable", "--username", "hc_clerk")
    assert code == 0 and "已停用用户 hc_clerk" in out and "全部登录已注销" in out
    assert _works(laptop) == 401 and _tokens(engine, "hc_clerk") == 0
    refused = requests.post(f"{server}/sync/v1/login", timeout=TIMEOUT, json={
        "username": "hc_clerk", "password": PASSWORD, "client_id": "pc-1"})
    assert refused.status_code == 403 and refused.json()["title"] == "账号已停用"
    assert _run(monkeypatch, capsys, db_url, "enable", "--username", "hc_clerk")[0] == 0
    assert _works(laptop) == 401  # the old session stays ended
    assert _works(SyncClient.signed_in(server, "hc_clerk", PASSWORD)) == 200


def test_reset_password_and_set_role_end_sessions(
        server: str, engine: Engine, db_url: str, monkeypatch, capsys):
    add_user(engine, "hc_clerk", PASSWORD)
    laptop = SyncClient.signed_in(server, "hc_clerk", PASSWORD)
    weak = _run(monkeypatch, capsys, db_url, "reset-password", "--username", "hc_clerk",
                "--password-stdin", stdin="short\n")
    assert weak[0] == 1 and "密码至少 10 个字符" in weak[2]
    assert _works(laptop) == 200  # a refused change changes nothing
    code, out, _ = _run(monkeypatch, capsys, db_url, "reset-password", "--username",
                        "hc_clerk", "--password-stdin", stdin=f"{NEW_PASSWORD}\n")
    assert code == 0 and "全部登录已注销" in out and _works(laptop) == 401
    with pytest.raises(AssertionError):
        SyncClient.signed_in(server, "hc_clerk", PASSWORD)
    laptop = SyncClient.signed_in(server, "hc_clerk", NEW_PASSWORD, client_id="pc-2")

    code, out, _ = _run(monkeypatch, capsys, db_url, "set-role", "--username", "hc_clerk",
                        "--role", "inspector", "--division", "JL-CCXQ")
    assert code == 0 and "执法检查人员，长春新区 JL-CCXQ" in out and _works(laptop) == 401
    with Session(engine) as session:
        user = session.get_one(User, "hc_clerk")
        assert (user.role, user.division_code) == ("inspector", "JL-CCXQ")
    bad = _run(monkeypatch, capsys, db_url, "set-role", "--username", "hc_clerk",
               "--division", "229999")
    assert bad[0] == 1 and "不在全省区划表中" in bad[2]
    nobody = _run(monkeypatch, capsys, db_url, "revoke", "--username", "ghost")
    assert nobody[0] == 1 and "没有该用户：ghost" in nobody[2]


def test_revoke_ends_every_session_of_the_user_only(
        server: str, engine: Engine, db_url: str, monkeypatch, capsys):
    add_user(engine, "hc_clerk", PASSWORD)
    add_user(engine, "yj_clerk", PASSWORD, division="222401")
    laptops = [SyncClient.signed_in(server, "hc_clerk", PASSWORD, client_id=f"pc-{n}")
               for n in range(3)]
    other = SyncClient.signed_in(server, "yj_clerk", PASSWORD, client_id="pc-yj")
    code, out, _ = _run(monkeypatch, capsys, db_url, "revoke", "--username", "hc_clerk")
    assert code == 0 and "已注销用户 hc_clerk 的 3 个登录" in out
    assert [_works(lt) for lt in laptops] == [401] * 3 and _works(other) == 200
