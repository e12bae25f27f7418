"""`POST /sync/v1/push`: each command's rows stored once, in order, in its own transaction;
refused when someone else wrote one of its records since the client saw it."""

from __future__ import annotations

import hashlib
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import requests
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from jjg_desktop.sync.protocol import CommandResult, ProblemDetail
from jjg_server.store import AppliedCommand, ChangeLog, Record, Token
from server_support import TIMEOUT, SyncClient, add_user, row

PASSWORD = "Jl-同步-2026!"


def _log(engine: Engine) -> list[tuple[int, str, str, int]]:
    with Session(engine) as session:
        return [(c.seq, c.entity, c.record_id, c.version)
                for c in session.scalars(select(ChangeLog).order_by(ChangeLog.seq))]


def _record(engine: Engine, entity: str, record_id: str) -> Record:
    with Session(engine) as session:
        return session.get_one(Record, (entity, record_id))


def _enterprise(ent: str, *, base: int | None = None, name: str = "吉林省建工集团",
                phone: str = "0431-8888000", division: str = "222404") -> dict:
    return row("enterprise", ent, base=base, credit_code=f"91220000MA{ent:0>8}", name=name,
               home_province_code="220000", home_province="吉林省", division_code=division,
               contact_phone=phone, status="正常")


def _register(client: SyncClient, ent: str, **fields: str) -> dict:
    return client.command("enterprise.register", _enterprise(ent, **fields))


def _contact(client: SyncClient, ent: str, base: int | None, phone: str) -> dict:
    return client.command("enterprise.update_contact", _enterprise(ent, base=base, phone=phone),
                          args={"id": ent, "fields": {"contact_phone": phone}})


def _inspection(iid: str) -> dict:
    return row("inspection", iid, number=f"吉检{iid}", project_id="p1", template_id="t1",
               division_code="222404", method="四不两直", planned_on="2026-03-10")


def _status(results: list[CommandResult]) -> list[str]:
    return [r.status for r in results]


def _clerk(server: str, engine: Engine, username: str = "clerk01",
           client_id: str = "laptop-a", **user: str) -> SyncClient:
    add_user(engine, username, PASSWORD, **user)
    return SyncClient.signed_in(server, username, PASSWORD, client_id)


def test_a_batch_is_stored_as_its_rows_in_order_with_versions_and_writers(
        server: str, engine: Engine):
    me = _clerk(server, engine)
    reply = me.push(_register(me, "e1"), _register(me, "e2", name="长春一建"),
                    _contact(me, "e1", 1, "0431-1234567"))
    assert _status(reply.results) == ["applied"] * 3
    assert [(r.id, r.server_version) for r in reply.results] == [(1, 1), (2, 1), (3, 2)]
    assert reply.latest_seq == 3
    assert _log(engine) == [(1, "enterprise", "e1", 1), (2, "enterprise", "e2", 1),
                            (3, "enterprise", "e1", 2)]
    e1 = _record(engine, "enterprise", "e1")
    assert e1.version == 2 and e1.data == _enterprise("e1", phone="0431-1234567")["data"]
    assert e1.data["contact_phone"] == "0431-1234567" and "server_version" not in e1.data
    with Session(engine) as session:
        last = session.get_one(ChangeLog, 3)
        assert (last.client_id, last.username, last.command) == (
            "laptop-a", "clerk01", "enterprise.update_contact")


def test_a_command_writes_all_its_rows_in_one_version_step(server: str, engine: Engine):
    me = _clerk(server, engine)
    registration = row("jilin_registration", "r1", enterprise_id="e1", registration_no="吉登-1",
                       registered_on="2026-03-01", division_code="222404")
    assert me.do("enterprise.register", _enterprise("e1"), registration) == "applied"
    assert _record(engine, "jilin_registration", "r1").data["registered_on"] == "2026-03-01"
    assert [entity for _, entity, _, _ in _log(engine)] == ["enterprise", "jilin_registration"]


def test_a_replayed_batch_is_duplicate_and_never_applied_twice(server: str, engine: Engine):
    """The reply to a committed push was lost: the client sends the same batch again."""
    me = _clerk(server, engine)
    batch = [_register(me, "e1"), _register(me, "e2"), _contact(me, "e1", 1, "0431-1234567")]
    first = me.push(*batch)
    again = me.push(*batch)
    assert _status(again.results) == ["duplicate"] * 3
    assert [r.server_version for r in again.results] == [r.server_version
                                                         for r in first.results]
    assert again.latest_seq == 3 and len(_log(engine)) == 3
    assert _record(engine, "enterprise", "e1").version == 2
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(AppliedCommand)) == 3


def test_two_edits_of_one_client_made_on_the_same_version_both_apply(
        server: str, engine: Engine):
    """A user edits the same field twice offline: both commands carry the base they saw."""
    me = _clerk(server, engine)
    me.push(_register(me, "e1"))
    reply = me.push(_contact(me, "e1", 1, "0431-1111111"), _contact(me, "e1", 1, "0431-2222222"))
    assert [(r.status, r.server_version) for r in reply.results] == [("applied", 2),
                                                                     ("applied", 3)]
    assert _record(engine, "enterprise", "e1").data["contact_phone"] == "0431-2222222"


def test_another_clients_write_since_the_base_rejects_the_command_with_the_record(
        server: str, engine: Engine):
    mine = _clerk(server, engine, "clerk01", "laptop-a")
    theirs = _clerk(server, engine, "clerk02", "laptop-b", name="王建国")
    mine.push(_register(mine, "e1"))
    theirs.push(_contact(theirs, "e1", 1, "0431-7777777"))

    stale_cmd = _contact(mine, "e1", 1, "0431-1234567")
    reply = mine.push(stale_cmd, _register(mine, "e2"), _contact(mine, "e2", 1, "0432-5555555"))
    stale, *rest = reply.results
    assert stale.status == "rejected" and stale.server_version is None
    assert stale.reason == ("该企业已在服务器上被王建国修改（服务器第 2 版，您基于第 1 版），"
                            "请同步后查看最新内容再决定")
    assert stale.current is not None
    assert stale.current["version"] == 2
    assert stale.current["data"]["contact_phone"] == "0431-7777777"
    assert [(r.status, r.server_version) for r in rest] == [("applied", 1), ("applied", 2)]
    assert _record(engine, "enterprise", "e1").data["contact_phone"] == "0431-7777777"
    # replaying the rejected command gives the same answer, still nothing applied
    [replayed] = mine.push(stale_cmd).results
    assert replayed == stale
    assert len(_log(engine)) == 4


def test_a_record_created_by_another_client_cannot_be_created_again(
        server: str, engine: Engine):
    mine = _clerk(server, engine, "clerk01", "laptop-a")
    theirs = _clerk(server, engine, "clerk02", "laptop-b", name="王建国")
    assert theirs.do("enterprise.register", _enterprise("e1")) == "applied"
    outcome = mine.do("enterprise.register", _enterprise("e1", name="别的名字"))
    assert outcome == "rejected: 服务器上已有同一条企业（由王建国创建），请同步后查看"
    # the creator's own second write made before it heard back (base still None) applies
    assert theirs.do("enterprise.update_contact", _enterprise("e1", phone="1")) == "applied"
    assert _record(engine, "enterprise", "e1").version == 2


def test_a_record_deleted_before_it_was_ever_synced_ends_as_a_tombstone(
        server: str, engine: Engine):
    me = _clerk(server, engine, role="inspector")
    photo = b"\xff\xd8 a photo taken and deleted \xff\xd9"
    sha = hashlib.sha256(photo).hexdigest()
    assert requests.put(f"{server}/sync/v1/files/{sha}", data=photo, headers=me.headers,
                        timeout=TIMEOUT).status_code == 200
    fields = {"sha256": sha, "owner_kind": "inspection", "owner_id": "i1", "purpose": "photo"}
    reply = me.push(me.command("inspection.plan", _inspection("i1")),
                    me.command("inspection.attach_photo", row("attachment", "ph1", **fields)),
                    me.command("inspection.remove_photo",
                               row("attachment", "ph1", deleted=True, **fields,
                                   deleted_at="2026-03-02T01:40:00")))
    assert _status(reply.results) == ["applied", "applied", "applied"]
    photo_record = _record(engine, "attachment", "ph1")
    assert (photo_record.version, photo_record.deleted) == (2, True)


def test_a_command_without_rows_is_applied_with_no_effect(server: str, engine: Engine):
    me = _clerk(server, engine)
    assert me.do("enterprise.update_contact", entity="enterprise", entity_id="e9",
                 args={"id": "e9", "fields": {"contact_phone": "1"}}) == "applied"
    assert _log(engine) == []


def test_commands_the_server_cannot_understand_are_rejected_in_chinese_and_block_nothing(
        server: str, engine: Engine):
    me = _clerk(server, engine)
    bad_time = _enterprise("e3")
    bad_time["data"]["updated_at"] = "2026-03-02T09:30:00+08:00"
    reply = me.push(
        me.command("enterprise.register", {**_enterprise("e1"), "entity": "spaceship"}),
        me.command("DROP TABLE", _enterprise("e2"), entity="enterprise"),
        me.command("enterprise.teleport", _enterprise("e2")),
        me.command("enterprise.register", bad_time),
        _register(me, "e4"))
    assert _status(reply.results) == ["rejected"] * 4 + ["applied"]
    reasons = [r.reason for r in reply.results]
    assert reasons[0] == "服务器不认识数据类型“spaceship”，请升级客户端后再同步"
    assert reasons[1].startswith("无法识别的操作")
    assert reasons[2] == "服务器不认识操作“enterprise.teleport”，请升级客户端后再同步"
    assert reasons[3] == ("企业的数据无效（字段 updated_at 时间应为不带时区的协调世界时），"
                          "请升级客户端")
    assert _log(engine) == [(1, "enterprise", "e4", 1)]


def test_a_command_whose_files_have_not_arrived_waits_and_is_not_remembered(
        server: str, engine: Engine, files_dir):
    me = _clerk(server, engine, role="inspector")
    photo = b"\xff\xd8 a photo \xff\xd9"
    sha = hashlib.sha256(photo).hexdigest()
    assert me.do("inspection.plan", _inspection("i1")) == "applied"
    attach = me.command("inspection.attach_photo", row(
        "attachment", "a1", sha256=sha, owner_kind="inspection", owner_id="i1",
        purpose="photo"), files=(sha,))
    [waiting] = me.push(attach).results
    assert waiting.status == "retry" and "尚未上传完成" in waiting.reason
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(AppliedCommand).where(
            AppliedCommand.command == "inspection.attach_photo")) == 0
    reply = requests.put(f"{server}/sync/v1/files/{sha}", data=photo, headers=me.headers,
                         timeout=TIMEOUT)
    assert reply.status_code == 200, reply.text
    [applied] = me.push(attach).results
    assert applied.status == "applied" and applied.server_version == 1


def test_push_needs_a_valid_token_and_meta_stays_public(server: str, engine: Engine):
    me = _clerk(server, engine)
    for token in ("", "not-a-token", "t\u00f8ken"):
        me.token = token
        reply = me.push_raw(_register(me, "e1"))
        assert reply.status_code == 401, reply.text
        assert reply.headers["content-type"].startswith("application/problem+json")
        assert reply.headers["www-authenticate"] == "Bearer"
        problem = ProblemDetail.model_validate_json(reply.text)
        assert problem.status == 401 and problem.title == "未登录或登录已过期"
    basic = requests.post(f"{server}/sync/v1/push", timeout=TIMEOUT, auth=("clerk01", "password"),
                          json={"client_id": "laptop-a", "commands": []})
    assert basic.status_code == 401
    assert requests.get(f"{server}/sync/v1/meta", timeout=TIMEOUT).status_code == 200
    assert _log(engine) == []


def test_an_expired_token_is_refused(server: str, engine: Engine):
    me = _clerk(server, engine)
    with Session(engine) as session, session.begin():
        for token in session.scalars(select(Token)):
            token.expires_at = datetime(2020, 1, 1, tzinfo=UTC)
    reply = me.push_raw()
    assert reply.status_code == 401
    assert ProblemDetail.model_validate_json(reply.text).title == "未登录或登录已过期"


def test_a_token_pushes_only_for_the_client_it_was_issued_to(server: str, engine: Engine):
    me = _clerk(server, engine, client_id="laptop-a")
    me.client_id = "laptop-b"
    reply = me.push_raw(_register(me, "e1"))
    assert reply.status_code == 403
    assert ProblemDetail.model_validate_json(reply.text).title == "客户端标识与登录时不一致"
    assert _log(engine) == []


def test_the_same_batch_sent_twice_at_once_is_applied_once(server: str, engine: Engine):
    """A client that timed out retries while the first request is still running."""
    me = _clerk(server, engine)
    batch = [_register(me, f"e{i}") for i in range(1, 21)]
    with ThreadPoolExecutor(max_workers=2) as pool:
        replies = list(pool.map(lambda _: me.push(*batch), range(2)))
    for index in range(20):
        pair = sorted(r.results[index].status for r in replies)
        assert pair == ["applied", "duplicate"], pair
    assert len(_log(engine)) == 20
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(AppliedCommand)) == 20


def test_a_row_that_is_what_the_server_has_is_no_conflict_and_no_new_version(
        server: str, engine: Engine):
    """Two people make the same change offline, or a client sends back what it received."""
    mine = _clerk(server, engine, "clerk01", "laptop-a")
    theirs = _clerk(server, engine, "clerk02", "laptop-b")
    mine.push(_register(mine, "e1"))
    assert theirs.do("enterprise.update_contact",
                     _enterprise("e1", base=1, phone="0431-7777777")) == "applied"
    same = _enterprise("e1", base=1, phone="0431-7777777")
    [result] = mine.push(mine.command("enterprise.update_contact", same)).results
    assert (result.status, result.server_version) == ("applied", 2)
    assert len(_log(engine)) == 2


def test_two_clerks_registering_offline_never_share_a_registration_number(
        server: str, engine: Engine):
    first = _clerk(server, engine, "clerk01", "laptop-a")
    second = _clerk(server, engine, "clerk02", "laptop-b", name="王建国")

    def registration(rid: str, ent: str) -> dict:
        return row("jilin_registration", rid, enterprise_id=ent, registered_on="2026-03-02",
                   registration_no="吉入登〔2026〕222404-0001", division_code="222404")

    for client, ent, rid in ((first, "e1", "r1"), (second, "e2", "r2")):
        [result] = client.push(client.command("enterprise.register", _enterprise(ent),
                                              registration(rid, ent))).results
        assert result.status == "applied", result.reason
    numbers = [_record(engine, "jilin_registration", r).data["registration_no"]
               for r in ("r1", "r2")]
    assert numbers == ["吉入登〔2026〕222404-0001", "吉入登〔2026〕222404-0002"]
    # the number stays the record's, whatever a later row of the laptop says
    again = {**registration("r2", "e2"), "base_version": 1}
    again["data"]["office_address"] = "珲春市新安街道 9 号"
    assert second.do("enterprise.update_registration", again) == "applied"
    assert _record(engine, "jilin_registration", "r2").data["registration_no"].endswith("0002")
