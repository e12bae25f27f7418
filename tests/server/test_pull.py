"""`GET /sync/v1/pull`: committed changes in order, in pages, only what the caller may see."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
import requests
from sqlalchemy import Engine

from jjg_desktop.sync.protocol import Meta, ProblemDetail
from server_support import TIMEOUT, SyncClient, add_user, row, seed

PASSWORD = "Jl-拉取-2026!"


def _user(server: str, engine: Engine, username: str, role: str, division: str) -> SyncClient:
    add_user(engine, username, PASSWORD, role=role, division=division)
    return SyncClient.signed_in(server, username, PASSWORD, client_id=f"pc-{username}")


def _enterprise(ent: str, division: str = "222404", **fields: Any) -> dict[str, Any]:
    return row("enterprise", ent, credit_code=f"9122MA{ent:0>12}", name=f"企业{ent}",
               home_province_code="220000", home_province="吉林省", division_code=division,
               status="正常", **fields)


def _project(pid: str, division: str) -> dict[str, Any]:
    return row("project", pid, code=pid, name=f"项目{pid}", division_code=division)


def _meta(base: str) -> Meta:
    return Meta.model_validate_json(requests.get(f"{base}/sync/v1/meta", timeout=TIMEOUT).text)


def test_changes_come_in_commit_order_in_pages_with_tombstones(server: str, engine: Engine):
    clerk = _user(server, engine, "clerk01", "county_clerk", "222404")
    for i in range(1, 5):
        assert clerk.do("enterprise.register", _enterprise(f"e{i}")) == "applied"
    gone = row("enterprise_fact", "f1", deleted=True, enterprise_id="e1", kind="人员变动")
    assert clerk.do("enterprise_fact.record", gone) == "applied"

    pages = []
    while True:
        page = clerk.pull(limit=2)
        pages.append(([c.seq for c in page.changes], page.cursor, page.more))
        clerk.cursor = page.cursor
        if not page.more:
            break
    assert pages == [([1, 2], 2, True), ([3, 4], 4, True), ([5], 5, False)]
    first = clerk.pull(cursor=0, limit=1).changes[0]
    assert (first.entity, first.id, first.version, first.deleted) == ("enterprise", "e1", 1, False)
    assert first.data == _enterprise("e1")["data"]
    assert first.server_at.utcoffset() is not None
    last = clerk.pull(cursor=4).changes[0]
    assert (last.entity, last.deleted) == ("enterprise_fact", True)
    assert clerk.pull(cursor=5).changes == [] and clerk.pull(cursor=5).cursor == 5
    assert clerk.pull().epoch == _meta(server).epoch


def test_the_cursor_moves_past_what_the_caller_may_not_see(server: str, engine: Engine):
    here = _user(server, engine, "clerk01", "county_clerk", "222404")
    there = _user(server, engine, "clerk02", "county_clerk", "220102")
    seed(engine, _project("p1", "222404"), _project("p2", "222404"))
    for i in range(3, 6):
        seed(engine, _project(f"p{i}", "220102"))
    assert there.sees() == {("project", f"p{i}") for i in range(3, 6)}
    page = here.pull(limit=1)
    assert ([c.id for c in page.changes], page.cursor, page.more) == (["p1"], 1, True)
    page = here.pull(cursor=1, limit=1)
    assert ([c.id for c in page.changes], page.cursor, page.more) == (["p2"], 5, False)
    # nothing new for this user: the client's cursor equals latest_seq, it skips the pull
    assert _meta(server).latest_seq == page.cursor == 5
    assert here.pull(cursor=5).changes == []


def test_each_user_receives_their_divisions_records_and_the_registry(
        server: str, engine: Engine):
    county = _user(server, engine, "clerk01", "county_clerk", "222404")
    neighbour = _user(server, engine, "clerk02", "county_clerk", "222401")
    far = _user(server, engine, "clerk03", "county_clerk", "220102")
    prefecture = _user(server, engine, "rev01", "prefecture_reviewer", "222400")
    province = _user(server, engine, "admin01", "province_admin", "220000")
    seed(engine, _project("p1", "222404"), _project("p2", "222401"), _project("p3", "220102"),
         row("project_party", "pp1", project_id="p1", enterprise_id="e1", role="施工单位"))
    assert far.do("enterprise.register", _enterprise("e1", "220102")) == "applied"

    registry = ("enterprise", "e1")
    assert county.sees() == {("project", "p1"), ("project_party", "pp1"), registry}
    assert neighbour.sees() == {("project", "p2"), registry}
    assert far.sees() == {("project", "p3"), registry}
    assert prefecture.sees() == {("project", "p1"), ("project_party", "pp1"),
                                 ("project", "p2"), registry}
    assert province.sees() == {("project", "p1"), ("project_party", "pp1"),
                               ("project", "p2"), ("project", "p3"), registry}


def _member(mid: str, username: str) -> dict[str, Any]:
    return row("pool_member", mid, division_code="222404", kind="干部", name=f"成员{mid}",
               username=username)


def _sealed_draw(clerk: SyncClient) -> dict[str, Any]:
    draw = row("inspection_draw", "d1", division_code="222404", drawn_at="2026-03-02T01:30:00",
               drawn_on="2026-03-02", drawn_by="clerk01", method="双随机", seed="s",
               params={}, candidates={}, candidates_hash="0" * 64,
               result=[{"project_id": "p1", "members": ["m1", "m2"], "excluded": []}])
    team = [{"member_id": "m1", "name": "成员m1", "kind": "干部", "cert_no": "",
             "username": "insp01"},
            {"member_id": "m2", "name": "成员m2", "kind": "专家", "cert_no": "", "username": ""}]
    inspection = row("inspection", "i1", number="吉检1", project_id="p1", template_id="t1",
                     division_code="222404", method="四不两直", status="planned", team=team,
                     draw_id="d1", sealed=True)
    return clerk.command("draw.make", draw, inspection)


def test_a_sealed_spot_check_reaches_only_its_team_until_it_is_unsealed(
        server: str, engine: Engine):
    clerk = _user(server, engine, "clerk01", "county_clerk", "222404")
    colleague = _user(server, engine, "clerk02", "county_clerk", "222404")
    drawn = _user(server, engine, "insp01", "inspector", "222404")
    other = _user(server, engine, "insp02", "inspector", "222404")
    province = _user(server, engine, "admin01", "province_admin", "220000")
    assert clerk.do("pool.add_member", _member("m1", "insp01")) == "applied"
    assert clerk.do("pool.add_member", _member("m2", "")) == "applied"
    seed(engine, _project("p1", "222404"))
    [made] = clerk.push(_sealed_draw(clerk)).results
    assert made.status == "applied", made.reason
    answer = row("inspection_answer", "a1", inspection_id="i1", item_code="RJ-01", value="否",
                 answered_at="2026-03-02T02:00:00")
    photo = row("attachment", "ph1", sha256="b" * 64, owner_kind="inspection_answer",
                owner_id="a1", purpose="photo")
    assert drawn.do("inspection.answer", answer) == "applied"

    sealed = {("inspection_draw", "d1"), ("inspection", "i1"), ("inspection_answer", "a1")}
    common = {("pool_member", "m1"), ("pool_member", "m2"), ("project", "p1")}
    assert drawn.sees() == common | sealed
    assert clerk.sees() == common | sealed
    assert other.sees() == common
    assert colleague.sees() == common
    assert province.sees() == common
    drawn.pull_all()
    other.pull_all()
    seen_before = other.cursor

    # on site: the record opens, and whoever may see the county now sees all of it
    drawn_team = _sealed_draw(clerk)["rows"][1]["data"]["team"]
    opened = row("inspection", "i1", base=1, number="吉检1", project_id="p1", template_id="t1",
                 division_code="222404", method="四不两直", status="in_progress",
                 team=drawn_team, draw_id="d1", sealed=False, place="珲春市第三中学")
    assert drawn.do("inspection.start", opened) == "applied"
    fresh = [(c.entity, c.id, c.version) for c in other.pull(cursor=seen_before).changes]
    assert fresh == [("inspection", "i1", 2), ("inspection_answer", "a1", 1)]
    assert other.sees() == common | {("inspection", "i1"), ("inspection_answer", "a1")}
    # the team gets the answer again at the version it has: applying it changes nothing
    assert [(c.id, c.version) for c in drawn.pull_all()] == [("i1", 2), ("a1", 1)]
    # a photo that arrives later is seen by everyone in scope too
    data = b"photo bytes"
    sha = hashlib.sha256(data).hexdigest()
    requests.put(f"{server}/sync/v1/files/{sha}", data=data, headers=drawn.headers,
                 timeout=TIMEOUT).raise_for_status()
    photo["data"]["sha256"] = sha
    assert drawn.do("inspection.attach_photo", photo) == "applied"
    assert ("attachment", "ph1") in other.sees()


@pytest.mark.parametrize("query", ["limit=0", "limit=2001", "cursor=-1", "cursor=abc"])
def test_a_bad_cursor_or_limit_is_422_in_chinese(server: str, engine: Engine, query: str):
    clerk = _user(server, engine, "clerk01", "county_clerk", "222404")
    reply = requests.get(f"{server}/sync/v1/pull?{query}", headers=clerk.headers,
                         timeout=TIMEOUT)
    assert reply.status_code == 422
    assert ProblemDetail.model_validate_json(reply.text).title == "请求内容不符合协议"


def test_pull_needs_a_token(server: str):
    reply = requests.get(f"{server}/sync/v1/pull", timeout=TIMEOUT)
    assert reply.status_code == 401
