"""An ordinary user's hand-made requests, as an outside tester sends them: each is refused with a
Chinese reason, changes nothing stored and gives away nothing of a record the user may not see."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest
import requests
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from jjg_server.store import AppliedCommand, ChangeLog, Record
from server_support import TIMEOUT, SyncClient, add_user, row, seed

PASSWORD = "Jl-攻击-2026!"
SECRET = "珲春市第三中学教学楼（机密）"


def _user(server: str, engine: Engine, username: str, role: str, division: str,
          client_id: str | None = None) -> SyncClient:
    add_user(engine, username, PASSWORD, role=role, division=division, name=f"用户{username}")
    return SyncClient.signed_in(server, username, PASSWORD,
                                client_id=client_id or f"pc-{username}")


def _stored(engine: Engine) -> dict[tuple[str, str], tuple[int, bool, str]]:
    with Session(engine) as session:
        return {(r.entity, r.record_id): (r.version, r.deleted, json.dumps(r.data, sort_keys=True))
                for r in session.scalars(select(Record))}


def _changes(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(ChangeLog)) or 0


def _project(pid: str, division: str, **fields: Any) -> dict[str, Any]:
    values = {"code": f"P{pid}", "name": SECRET, "division_code": division,
              "address": "珲春市新安街道 88 号", **fields}
    return row("project", pid, **values)


def _enterprise(eid: str, division: str, base: int | None = None, **fields: Any) -> dict:
    values = {"credit_code": f"9122{eid:0>14}", "name": "长白山建工集团有限公司",
              "home_province_code": "210000", "home_province": "辽宁省",
              "division_code": division, "contact_phone": "0433-1", **fields}
    return row("enterprise", eid, base=base, **values)


def _inspection(iid: str, division: str, base: int | None = None, **fields: Any) -> dict:
    values = {"number": f"吉检〔2026〕{iid}", "project_id": "p1", "template_id": "t1",
              "division_code": division, "method": "四不两直", "place": SECRET, **fields}
    return row("inspection", iid, base=base, **values)


def _refused(result: Any, *secrets: str) -> None:
    """Rejected for good, in Chinese, with nothing of the record in the reply."""
    assert result.status == "rejected", result
    assert any("\u4e00" <= ch <= "\u9fff" for ch in result.reason), result.reason
    text = result.model_dump_json()
    for secret in (SECRET, *secrets):
        assert secret not in text, text
    assert result.current is None and result.decided_by == ""


def test_another_countys_project_cannot_be_moved_renamed_or_deleted(
        server: str, engine: Engine):
    seed(engine, _project("p9", "222401"))
    before = _stored(engine)
    inspector = _user(server, engine, "insp01", "inspector", "222404")
    moved = _project("p9", "222404")
    moved["base_version"] = 1
    renamed = _project("p9", "222401", name="改名")
    renamed["base_version"] = 1
    gone = {**_project("p9", "222401"), "base_version": 1, "deleted": True}
    for cmd in ("inspection.plan", "inspection.answer", "sync.resend"):
        for attack in (moved, renamed, gone):
            [result] = inspector.push(inspector.command(cmd, attack)).results
            _refused(result)
    # an inspection of his own that carries the project along changes nothing either
    [result] = inspector.push(inspector.command(
        "inspection.plan", _inspection("i1", "222404", project_id="p9"), moved)).results
    _refused(result)
    assert _stored(engine) == before


def test_a_row_under_a_parent_the_server_lacks_waits_and_is_never_placed_in_the_writers_scope(
        server: str, engine: Engine):
    inspector = _user(server, engine, "insp01", "inspector", "222404")
    answer = row("inspection_answer", "a1", inspection_id="nowhere", item_code="RJ-01",
                 value="否", answered_at="2026-03-02T02:00:00")
    [result] = inspector.push(inspector.command("inspection.answer", answer)).results
    assert result.status == "retry" and "尚未到达服务器" in result.reason
    assert _changes(engine) == 0
    with Session(engine) as session:  # a waiting command is not remembered: it comes again
        assert session.scalar(select(func.count()).select_from(AppliedCommand)) == 0


def test_an_inspector_cannot_move_a_case_by_resending_its_row(server: str, engine: Engine):
    case = row("abnormal_case", "c1", enterprise_id="e1", division_code="222404",
               state="proposed", grounds=["联系不上"], version=1)
    seed(engine, _enterprise("e1", "222404"), case)
    before = _stored(engine)
    inspector = _user(server, engine, "insp01", "inspector", "222404")
    listed = {**case, "base_version": 1,
              "data": {**case["data"], "state": "listed", "version": 2,
                       "decision_no": "吉建管〔2026〕1号"}}
    for cmd in ("sync.resend", "inspection.answer", "enterprise.update_contact"):
        [result] = inspector.push(inspector.command(cmd, listed)).results
        assert result.status == "rejected", (cmd, result)
    clerk = _user(server, engine, "clerk01", "county_clerk", "222404")
    [result] = clerk.push(clerk.command("sync.resend", listed)).results
    assert result.status == "rejected"  # a workflow step is decided again, never resent
    assert _stored(engine) == before


def test_a_contact_update_changes_only_contacts(server: str, engine: Engine):
    seed(engine, _enterprise("e1", "220102"))
    before = _stored(engine)
    inspector = _user(server, engine, "insp01", "inspector", "222404")
    for attack in ({"status": "异常名录"}, {"name": "改名公司"}, {"division_code": "222404"},
                   {"credit_code": "91220000MA0000000X"}, {"deleted_at": "2026-03-02T01:00:00"}):
        [result] = inspector.push(inspector.command(
            "enterprise.update_contact", _enterprise("e1", "220102", base=1, **attack))).results
        assert result.status == "rejected" and "不能修改企业的" in result.reason, result
    assert _stored(engine) == before
    [result] = inspector.push(inspector.command(
        "enterprise.update_contact",
        _enterprise("e1", "220102", base=1, contact_phone="0433-7654321"))).results
    assert result.status == "applied"


def test_a_rejection_names_nothing_of_a_record_the_caller_may_not_see(
        server: str, engine: Engine):
    seed(engine, _project("p1", "222401"), _inspection("i9", "222401"))
    far = _user(server, engine, "insp09", "inspector", "222404")
    before = _stored(engine)
    # an id learned somehow: create, update on a made-up version, delete
    for attack in (_inspection("i9", "222404"), _inspection("i9", "222401", base=1),
                   _inspection("i9", "222404", base=7)):
        [result] = far.push(far.command("inspection.plan", attack)).results
        _refused(result, "222401")
    assert _stored(engine) == before


def test_a_sealed_inspection_is_opened_only_by_its_team(server: str, engine: Engine):
    team = [{"member_id": "m1", "name": "成员一", "kind": "干部", "cert_no": "",
             "username": "insp01"}]
    seed(engine, _project("p1", "222404"),
         _inspection("i1", "222404", team=team, draw_id=None, sealed=True))
    before = _stored(engine)
    intruder = _user(server, engine, "insp02", "inspector", "222404")
    me = {"member_id": "m9", "name": "成员九", "kind": "干部", "cert_no": "",
          "username": "insp02"}
    for attack in (_inspection("i1", "222404", base=1, team=[*team, me], sealed=False,
                               status="in_progress"),
                   _inspection("i1", "222404", base=1, team=team, sealed=False),
                   _inspection("i1", "222404", base=1, team=[*team, me], sealed=True)):
        [result] = intruder.push(intruder.command("inspection.start", attack)).results
        _refused(result)
    answer = row("inspection_answer", "a1", inspection_id="i1", item_code="RJ-01",
                 value="否", answered_at="2026-03-02T02:00:00")
    [result] = intruder.push(intruder.command("inspection.answer", answer)).results
    _refused(result)
    assert _stored(engine) == before
    member = _user(server, engine, "insp01", "inspector", "222404")
    [result] = member.push(member.command("inspection.start", _inspection(
        "i1", "222404", base=1, team=team, sealed=False, status="in_progress",
        started_at="2026-03-02T01:00:00"))).results
    assert result.status == "applied", result.reason


def test_a_client_id_claimed_by_another_user_cannot_pre_empt_its_commands(
        server: str, engine: Engine):
    victim = _user(server, engine, "clerk01", "county_clerk", "222404", client_id="pc-victim")
    thief = _user(server, engine, "clerk02", "county_clerk", "222404", client_id="pc-victim")
    member = row("pool_member", "m1", division_code="222404", kind="干部", name="李明")
    [stolen] = thief.push(thief.command("pool.add_member", member)).results
    assert stolen.status == "applied"
    real = row("pool_member", "m2", division_code="222404", kind="干部", name="王芳")
    [result] = victim.push(victim.command("pool.add_member", real)).results
    assert (result.status, result.server_version) == ("applied", 1)
    with Session(engine) as session:
        authors = dict(session.execute(select(ChangeLog.record_id, ChangeLog.username)).all())
    assert authors == {"m1": "clerk02", "m2": "clerk01"}


def _upload(client: SyncClient, server: str, data: bytes) -> requests.Response:
    sha = hashlib.sha256(data).hexdigest()
    return requests.put(f"{server}/sync/v1/files/{sha}", data=data, headers=client.headers,
                        timeout=TIMEOUT)


def test_a_photo_reaches_only_those_who_may_see_its_record(server: str, engine: Engine):
    photo = b"\xff\xd8 a photo of the site in 222401 \xff\xd9"
    sha = hashlib.sha256(photo).hexdigest()
    there = _user(server, engine, "insp01", "inspector", "222401")
    assert _upload(there, server, photo).status_code == 200
    seed(engine, _project("p1", "222401"), _inspection("i1", "222401"))
    assert there.do("inspection.attach_photo", row(
        "attachment", "ph1", sha256=sha, owner_kind="inspection", owner_id="i1")) == "applied"
    colleague = _user(server, engine, "clerk01", "county_clerk", "222401")
    far = _user(server, engine, "insp02", "inspector", "222404")
    url = f"{server}/sync/v1/files/{sha}"
    assert requests.get(url, headers=colleague.headers, timeout=TIMEOUT).content == photo
    assert requests.get(url, headers=far.headers, timeout=TIMEOUT).status_code == 404
    assert requests.get(f"{url}/status", headers=far.headers, timeout=TIMEOUT).json()[
        "complete"] is False
    missing = requests.post(f"{server}/sync/v1/files/missing", headers=far.headers,
                            json={"hashes": [sha]}, timeout=TIMEOUT).json()
    assert missing == {"missing": [sha], "held": {}}
    # bytes that are not the file prove nothing
    wrong = requests.put(url, data=b"x" * len(photo), headers=far.headers, timeout=TIMEOUT)
    assert wrong.status_code == 422
    assert requests.get(url, headers=far.headers, timeout=TIMEOUT).status_code == 404
    # whoever sends the whole file holds it
    assert _upload(far, server, photo).status_code == 200
    assert requests.get(url, headers=far.headers, timeout=TIMEOUT).content == photo


@pytest.mark.parametrize("broken", [
    {"name": None}, {"division_code": None}, {"name": "名" * 201}, {"contact_phone": 12},
    {"qualifications": "施工总承包"}, {"safety_licence_expiry": "明年"},
    {"created_at": "2026-03-02T01:30:00+08:00"}, {"hacked": True}])
def test_rows_that_are_not_records_are_refused_before_anything_is_written(
        server: str, engine: Engine, broken: dict[str, Any]):
    clerk = _user(server, engine, "clerk01", "county_clerk", "222404")
    bad = _enterprise("e1", "222404")
    bad["data"].update(broken)
    [result] = clerk.push(clerk.command("enterprise.register", bad)).results
    assert result.status == "rejected" and result.reason.startswith("企业的数据无效"), result
    missing = _enterprise("e2", "222404")
    del missing["data"]["credit_code"]
    [result] = clerk.push(clerk.command("enterprise.register", missing)).results
    assert result.status == "rejected" and "缺少字段 credit_code" in result.reason
    assert _changes(engine) == 0


def test_numbers_that_are_not_finite_or_beyond_64_bits_are_refused_at_the_edge(
        server: str, engine: Engine):
    clerk = _user(server, engine, "clerk01", "county_clerk", "222404")
    visit = row("verification", "v1", enterprise_id="e1", division_code="222404",
                verified_on="2026-03-01", method="实地核查", checks={"office": 1.5})
    body = json.dumps({"client_id": clerk.client_id,
                       "commands": [clerk.command("verification.record", visit)]})
    body = body.replace('"office": 1.5', '"office": NaN')
    reply = requests.post(f"{server}/sync/v1/push", data=body, timeout=TIMEOUT,
                          headers={**clerk.headers, "Content-Type": "application/json"})
    assert reply.status_code == 200
    assert reply.json()["results"][0]["status"] == "rejected"
    for huge in (2**63, 2**64 + 5):
        cmd = clerk.command("pool.add_member", row("pool_member", "m1", division_code="222404",
                                                   kind="干部", name="李明"))
        for field in ("id", "base_version"):
            reply = clerk.push_raw({**cmd, field: huge})
            assert reply.status_code == 422, reply.text
        pulled = requests.get(f"{server}/sync/v1/pull", params={"cursor": huge},
                              headers=clerk.headers, timeout=TIMEOUT)
        assert pulled.status_code == 422 and pulled.json()["title"]
    assert _changes(engine) == 0


def test_how_far_an_upload_got_is_told_only_to_its_uploader(server: str, engine: Engine):
    photo = bytes(range(256)) * 40
    sha = hashlib.sha256(photo).hexdigest()
    first = _user(server, engine, "insp01", "inspector", "222404")
    other = _user(server, engine, "insp02", "inspector", "222401")
    half = requests.put(f"{server}/sync/v1/files/{sha}", data=photo[:5000], timeout=TIMEOUT,
                        headers={**first.headers,
                                 "Content-Range": f"bytes 0-4999/{len(photo)}"})
    assert half.status_code == 200 and half.json()["offset"] == 5000
    for client, held in ((first, {sha: 5000}), (other, {})):
        missing = requests.post(f"{server}/sync/v1/files/missing", headers=client.headers,
                                json={"hashes": [sha]}, timeout=TIMEOUT).json()
        assert missing == {"missing": [sha], "held": held}
    status = requests.get(f"{server}/sync/v1/files/{sha}/status", headers=other.headers,
                          timeout=TIMEOUT).json()
    assert (status["offset"], status["complete"]) == (0, False)
    # the other user's own upload neither resumes nor takes over the first one's
    assert _upload(other, server, photo).status_code == 200
    # the file is whole now, but not yet the first user's to be told of: they send it whole
    rest = requests.put(f"{server}/sync/v1/files/{sha}", data=photo[5000:], timeout=TIMEOUT,
                        headers={**first.headers,
                                 "Content-Range": f"bytes 5000-{len(photo) - 1}/{len(photo)}"})
    assert rest.status_code == 409 and rest.json()["offset"] == 0
    assert _upload(first, server, photo).json()["complete"] is True
