"""`POST /sync/v1/push`: each command decided once, in order, in its own transaction."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import requests
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from jjg_desktop.sync.protocol import CommandResult, ProblemDetail, PushResponse
from jjg_server.store import AppliedCommand, ChangeLog, Record, Token
from server_support import add_user, login

TIMEOUT = 10
PASSWORD = "Jl-同步-2026!"
NOW = datetime(2026, 3, 2, 9, 30, tzinfo=UTC).isoformat()


def _cmd(cid: int, command: str, entity: str, entity_id: str, args: dict[str, Any],
         base_version: int | None = None) -> dict[str, Any]:
    return {"id": cid, "command": command, "entity": entity, "entity_id": entity_id,
            "base_version": base_version, "args": args, "created_at": NOW}


def _push(base: str, token: str | None, commands: list[dict[str, Any]],
          client_id: str = "laptop-7f3a") -> requests.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return requests.post(f"{base}/sync/v1/push", timeout=TIMEOUT, headers=headers,
                         json={"client_id": client_id, "commands": commands})


def _pushed(base: str, token: str, commands: list[dict[str, Any]],
            client_id: str = "laptop-7f3a") -> PushResponse:
    reply = _push(base, token, commands, client_id)
    assert reply.status_code == 200, reply.text
    return PushResponse.model_validate_json(reply.text)


def _log(engine: Engine) -> list[tuple[int, str, str, int]]:
    with Session(engine) as session:
        return [(c.seq, c.entity, c.record_id, c.version)
                for c in session.scalars(select(ChangeLog).order_by(ChangeLog.seq))]


def _register(cid: int, ent: str, name: str) -> dict[str, Any]:
    return _cmd(cid, "enterprise.register", "enterprise", ent,
                {"id": ent, "name": name, "phone": "0431-8888000"})


def _update(cid: int, ent: str, base: int | None, **fields: str) -> dict[str, Any]:
    return _cmd(cid, "enterprise.update_contact", "enterprise", ent,
                {"id": ent, "fields": fields}, base_version=base)


def _status(results: list[CommandResult]) -> list[str]:
    return [r.status for r in results]


def test_a_batch_is_applied_in_order_with_versions_and_logged(server: str, engine: Engine):
    add_user(engine, "clerk01", PASSWORD)
    token = login(server, "clerk01", PASSWORD)
    batch = [_register(1, "e1", "吉林省建工集团"), _register(2, "e2", "长春一建"),
             _update(3, "e1", 1, phone="0431-1234567")]
    reply = _pushed(server, token, batch)
    assert _status(reply.results) == ["applied"] * 3
    assert [(r.id, r.server_version) for r in reply.results] == [(1, 1), (2, 1), (3, 2)]
    assert reply.latest_seq == 3
    assert _log(engine) == [(1, "enterprise", "e1", 1), (2, "enterprise", "e2", 1),
                            (3, "enterprise", "e1", 2)]
    with Session(engine) as session:
        e1 = session.get_one(Record, ("enterprise", "e1"))
        assert e1.version == 2
        assert e1.data == {"id": "e1", "name": "吉林省建工集团", "phone": "0431-1234567"}


def test_a_replayed_batch_is_duplicate_and_never_applied_twice(server: str, engine: Engine):
    """The reply to a committed push was lost: the client sends the same batch again."""
    add_user(engine, "clerk01", PASSWORD)
    token = login(server, "clerk01", PASSWORD)
    batch = [_register(1, "e1", "吉林省建工集团"), _register(2, "e2", "长春一建"),
             _update(3, "e1", 1, phone="0431-1234567")]
    first = _pushed(server, token, batch)
    again = _pushed(server, token, batch)
    assert _status(again.results) == ["duplicate"] * 3
    assert [r.server_version for r in again.results] == [r.server_version
                                                         for r in first.results]
    assert again.latest_seq == 3 and len(_log(engine)) == 3
    with Session(engine) as session:
        assert session.get_one(Record, ("enterprise", "e1")).version == 2
        assert session.scalar(select(func.count()).select_from(AppliedCommand)) == 3


def test_the_same_command_ids_from_another_client_are_its_own(server: str, engine: Engine):
    add_user(engine, "clerk01", PASSWORD)
    add_user(engine, "clerk02", PASSWORD)
    first = login(server, "clerk01", PASSWORD, client_id="laptop-a")
    second = login(server, "clerk02", PASSWORD, client_id="laptop-b")
    assert _status(_pushed(server, first, [_register(1, "e1", "甲")], "laptop-a").results) == [
        "applied"]
    assert _status(_pushed(server, second, [_register(1, "e2", "乙")], "laptop-b").results) == [
        "applied"]


def test_a_stale_base_version_is_rejected_with_the_server_record_and_the_rest_applied(
        server: str, engine: Engine):
    add_user(engine, "clerk01", PASSWORD)
    add_user(engine, "clerk02", PASSWORD)
    mine = login(server, "clerk01", PASSWORD, client_id="laptop-a")
    theirs = login(server, "clerk02", PASSWORD, client_id="laptop-b")
    _pushed(server, mine, [_register(1, "e1", "吉林省建工集团")], "laptop-a")
    _pushed(server, theirs, [_update(1, "e1", 1, phone="0431-7777777")], "laptop-b")

    reply = _pushed(server, mine, [_update(2, "e1", 1, phone="0431-1234567"),
                                   _register(3, "e2", "长春一建"),
                                   _update(4, "e2", 1, phone="0432-5555555")], "laptop-a")
    stale, *rest = reply.results
    assert stale.status == "rejected" and stale.server_version is None
    assert stale.reason == "该记录已在服务器上被修改（服务器第 2 版，您基于第 1 版）"
    assert stale.current is not None
    assert stale.current["version"] == 2 and stale.current["data"]["phone"] == "0431-7777777"
    assert [(r.status, r.server_version) for r in rest] == [("applied", 1), ("applied", 2)]
    with Session(engine) as session:
        assert session.get_one(Record, ("enterprise", "e1")).data["phone"] == "0431-7777777"
    # replaying the rejected command gives the same answer, still nothing applied
    [replayed] = _pushed(server, mine, [_update(2, "e1", 1, phone="0431-1234567")],
                         "laptop-a").results
    assert replayed == stale
    assert len(_log(engine)) == 4


def test_a_command_that_fails_validation_is_rejected_in_chinese_and_blocks_nothing(
        server: str, engine: Engine):
    add_user(engine, "clerk01", PASSWORD)
    token = login(server, "clerk01", PASSWORD)
    reply = _pushed(server, token, [
        _cmd(1, "enterprise.update_contact", "enterprise", "e9", {"id": "e9"}),
        _update(2, "nobody", None, phone="1"),
        _cmd(3, "DROP TABLE", "enterprise", "e1", {}),
        _register(4, "e1", "吉林省建工集团")])
    assert _status(reply.results) == ["rejected", "rejected", "rejected", "applied"]
    assert "fields" in reply.results[0].reason
    assert reply.results[1].reason == "服务器上没有该记录，无法修改；请同步后重试"
    assert reply.results[2].reason.startswith("无法识别的操作")


def _case(cid: int, case_id: str, action: str, case_version: int, **extra: Any) -> dict:
    args = {"case_id": case_id, "action": action, "case_version": case_version,
            "enterprise_id": "e1", "division_code": "222404", "comment": "", "evidence": [],
            "grounds": [], "decision_no": "", "decision_date": None, **extra}
    return _cmd(cid, "case.transition", "abnormal_case", case_id, args,
                base_version=case_version or None)


def test_two_reviewers_on_the_same_case_version_first_wins_second_names_who_decided(
        server: str, engine: Engine):
    add_user(engine, "clerk01", PASSWORD, name="刘晓燕", role="county_clerk", division="222404")
    add_user(engine, "rev01", PASSWORD, name="王建国", role="prefecture_reviewer",
             division="222400")
    add_user(engine, "rev02", PASSWORD, name="张丽", role="prefecture_reviewer",
             division="222400")
    clerk = login(server, "clerk01", PASSWORD, client_id="county")
    first = login(server, "rev01", PASSWORD, client_id="pref-a")
    second = login(server, "rev02", PASSWORD, client_id="pref-b")
    [proposed] = _pushed(server, clerk, [_case(
        1, "c1", "propose", 0, grounds=["联系不上"], comment="多次电话无人接听",
        evidence=[{"sha256": "a" * 64, "name": "通话记录.pdf"}])], "county").results
    assert (proposed.status, proposed.server_version) == ("applied", 1)

    [won] = _pushed(server, first, [_case(1, "c1", "agree", 1, comment="同意列入")],
                    "pref-a").results
    [lost] = _pushed(server, second, [_case(1, "c1", "return", 1, comment="证据不足")],
                     "pref-b").results
    assert (won.status, won.server_version) == ("applied", 2)
    assert lost.status == "rejected" and lost.decided_by == "王建国"
    assert lost.decided_at is not None
    assert "王建国" in lost.reason and "第 1 版" in lost.reason
    assert lost.current is not None and lost.current["data"]["state"] == "reviewed"
    with Session(engine) as session:
        case = session.get_one(Record, ("abnormal_case", "c1"))
        assert (case.version, case.data["state"], case.data["decided_by"]) == (
            2, "reviewed", "rev01")
        assert case.data["grounds"] == ["联系不上"] and len(case.data["evidence"]) == 1


def test_a_workflow_step_the_rules_refuse_is_rejected_with_their_reason(
        server: str, engine: Engine):
    add_user(engine, "clerk01", PASSWORD, role="county_clerk", division="222404")
    add_user(engine, "clerk02", PASSWORD, role="county_clerk", division="220102")
    clerk = login(server, "clerk01", PASSWORD, client_id="county")
    other = login(server, "clerk02", PASSWORD, client_id="elsewhere")
    reply = _pushed(server, clerk, [
        _case(1, "c1", "propose", 0, grounds=["联系不上"]),          # no evidence
        _case(2, "c2", "propose", 0, grounds=["联系不上"],
              evidence=[{"name": "照片.jpg"}]),
        _case(3, "c2", "agree", 1, comment="自己审自己")], "county")
    assert _status(reply.results) == ["rejected", "applied", "rejected"]
    assert reply.results[0].reason == "“拟列入”需要填写：证据"
    assert reply.results[2].reason == "“同意列入”应由市州办理"
    [outside] = _pushed(server, other, [_case(1, "c2", "withdraw", 1, comment="撤回")],
                        "elsewhere").results
    assert outside.status == "rejected" and outside.reason == "该案件不在您的管辖范围内"


def test_push_needs_a_valid_token_and_meta_stays_public(server: str, engine: Engine):
    add_user(engine, "clerk01", PASSWORD)
    for token in (None, "not-a-token", "t\u00f8ken"):
        reply = _push(server, token, [_register(1, "e1", "吉林省建工集团")])
        assert reply.status_code == 401, reply.text
        assert reply.headers["content-type"].startswith("application/problem+json")
        assert reply.headers["www-authenticate"] == "Bearer"
        problem = ProblemDetail.model_validate_json(reply.text)
        assert problem.status == 401 and problem.title == "未登录或登录已过期"
    basic = requests.post(f"{server}/sync/v1/push", timeout=TIMEOUT, auth=("clerk01", "password"),
                          json={"client_id": "laptop-7f3a", "commands": []})
    assert basic.status_code == 401
    assert requests.get(f"{server}/sync/v1/meta", timeout=TIMEOUT).status_code == 200
    assert _log(engine) == []


def test_an_expired_token_is_refused(server: str, engine: Engine):
    add_user(engine, "clerk01", PASSWORD)
    token = login(server, "clerk01", PASSWORD)
    with Session(engine) as session, session.begin():
        for row in session.scalars(select(Token)):
            row.expires_at = datetime(2020, 1, 1, tzinfo=UTC)
    reply = _push(server, token, [])
    assert reply.status_code == 401
    assert ProblemDetail.model_validate_json(reply.text).title == "未登录或登录已过期"


def test_a_token_pushes_only_for_the_client_it_was_issued_to(server: str, engine: Engine):
    add_user(engine, "clerk01", PASSWORD)
    token = login(server, "clerk01", PASSWORD, client_id="laptop-a")
    reply = _push(server, token, [_register(1, "e1", "甲")], client_id="laptop-b")
    assert reply.status_code == 403
    assert ProblemDetail.model_validate_json(reply.text).title == "客户端标识与登录时不一致"
    assert _log(engine) == []


def test_the_same_batch_sent_twice_at_once_is_applied_once(server: str, engine: Engine):
    """A client that timed out retries while the first request is still running."""
    add_user(engine, "clerk01", PASSWORD)
    token = login(server, "clerk01", PASSWORD)
    batch = [_register(i, f"e{i}", f"企业{i}") for i in range(1, 21)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        replies = list(pool.map(lambda _: _pushed(server, token, batch), range(2)))
    for index in range(20):
        pair = sorted(r.results[index].status for r in replies)
        assert pair == ["applied", "duplicate"], pair
    assert len(_log(engine)) == 20
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(AppliedCommand)) == 20
