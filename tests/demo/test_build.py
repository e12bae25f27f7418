from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from jjg_desktop.config import resolve_paths
from jjg_desktop.demo.build import TODAY, DemoRefused, DemoSummary, build_demo
from jjg_desktop.rules.credit_code import is_valid
from jjg_desktop.rules.workflow import decision_number_problem
from jjg_desktop.services.context import Store
from jjg_desktop.services.startup import active_actor, open_store
from jjg_desktop.store import attachments
from jjg_desktop.store.audit import verify_chain
from jjg_desktop.store.read.search import integrity_problems, register_functions

COUNTY = "222404"
PROVINCE_TABLES = ("enterprise", "jilin_registration", "project", "project_party", "key_person",
                   "checklist_template")
LOCAL_ENTITIES = {"inspection", "inspection_answer", "finding", "rectification_notice",
                  "verification", "abnormal_case", "attachment", "signature"}


@pytest.fixture
def demo(store: Store) -> DemoSummary:
    return build_demo(store)


@pytest.fixture
def db(store: Store, demo: DemoSummary) -> Iterator[sqlite3.Connection]:
    conn = sqlite3.connect(store.paths.db_path)
    yield conn
    conn.close()


def fresh_store(root: Path) -> Store:
    return open_store(resolve_paths(data_dir=root))


def dump(path: Path) -> dict[str, list[str]]:
    """Every row of every table, the search index's own tables included."""
    with sqlite3.connect(path) as conn:
        register_functions(conn)
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: sorted(repr(row) for row in conn.execute(f'SELECT * FROM "{t}"'))
                for t in tables}


def scalar(db: sqlite3.Connection, sql: str, *params: Any) -> Any:
    return db.execute(sql, params).fetchone()[0]


def test_same_seed_builds_the_same_database(tmp_path: Path) -> None:
    dumps = []
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        store = fresh_store(tmp_path / name)
        try:
            build_demo(store, seed=seed)
        finally:
            store.close()
        dumps.append(dump(store.paths.db_path))
    first, again, other = dumps
    assert first == again
    assert sum(len(rows) for rows in first.values()) > 3000
    assert first["enterprise"] != other["enterprise"]
    assert first["audit_log"] != other["audit_log"]


def test_counts_are_those_of_a_county(demo: DemoSummary) -> None:
    assert 250 <= demo.enterprises <= 350
    assert 0.35 <= demo.out_of_province / demo.enterprises <= 0.45
    assert 1 <= demo.abnormal_listed <= 6 and 1 <= demo.expelled <= 2
    assert demo.projects == 150
    assert demo.key_persons >= 4 * demo.projects
    assert 10 <= sum(demo.inspections.values()) <= 15
    assert set(demo.inspections) == {"planned", "in_progress", "completed"}
    assert demo.findings >= 5 and demo.overdue_findings >= 1 and demo.notices >= 1
    assert demo.verifications >= 5
    assert {"proposed", "listed", "removed", "cleared"} <= set(demo.cases)
    assert demo.pending_changes > 0
    assert "珲春市（222404）" in demo.describe()
    assert f"未同步更改 {demo.pending_changes} 条" in demo.describe()


def test_enterprises_are_well_formed(db: sqlite3.Connection) -> None:
    codes = [r[0] for r in db.execute("SELECT credit_code FROM enterprise")]
    assert codes and all(is_valid(c) for c in codes)
    assert scalar(db, "SELECT count(*) FROM enterprise e LEFT JOIN division d "
                      "ON d.code = e.division_code WHERE d.code IS NULL") == 0
    jilin = db.execute("SELECT credit_code, division_code FROM enterprise "
                       "WHERE home_province_code = '220000' AND credit_code LIKE '91%'").fetchall()
    assert jilin and all(code[2:8] == division for code, division in jilin)
    assert scalar(db, "SELECT count(*) FROM enterprise e WHERE home_province_code != '220000' "
                      "AND NOT EXISTS (SELECT 1 FROM jilin_registration r "
                      "WHERE r.enterprise_id = e.id)") == 0
    commitments = json.loads(scalar(db, "SELECT commitments FROM jilin_registration LIMIT 1"))
    assert "承诺在吉设有固定办公场所并保持联系畅通" in commitments
    assert scalar(db, "SELECT count(*) FROM enterprise WHERE safety_licence_expiry < ?",
                  TODAY.isoformat()) >= 1


def test_projects_are_in_the_county_with_their_parties(db: sqlite3.Connection) -> None:
    assert scalar(db, "SELECT count(*) FROM project WHERE division_code != ?", COUNTY) == 0
    assert scalar(db, "SELECT count(DISTINCT name) FROM project") == 150
    for role in ("建设单位", "施工单位", "监理单位"):
        assert scalar(db, "SELECT count(DISTINCT project_id) FROM project_party WHERE role = ?",
                      role) == 150
    assert scalar(db, "SELECT count(*) FROM project_party WHERE role = '分包单位'") > 0
    assert scalar(db, "SELECT count(*) FROM key_person WHERE role = '项目负责人' "
                      "AND cert_no = ''") == 150
    hung = db.execute(
        "SELECT k.cert_no FROM key_person k JOIN project p ON p.id = k.project_id "
        "WHERE k.role = '项目负责人' AND k.cert_no != '' AND p.status = '在建' "
        "GROUP BY k.cert_no HAVING count(*) > 1").fetchall()
    assert len(hung) == 1


def test_the_audit_chain_verifies(store: Store, demo: DemoSummary) -> None:
    with store.db.read() as session:
        report = verify_chain(session)
        assert not integrity_problems(session)
    assert report.ok
    assert report.entries == demo.audit_entries


def test_only_local_work_waits_in_the_outbox(db: sqlite3.Connection) -> None:
    for table in PROVINCE_TABLES:
        assert scalar(db, f"SELECT count(*) FROM {table} WHERE server_version IS NULL") == 0
    outbox = db.execute("SELECT entity, entity_id, base_version FROM outbox").fetchall()
    assert outbox and {entity for entity, _, _ in outbox} == LOCAL_ENTITIES
    for entity, entity_id, base in outbox:
        version = scalar(db, f"SELECT server_version FROM {entity} WHERE id = ?", entity_id)
        assert base == version
    audited = {r[0] for r in db.execute("SELECT DISTINCT entity_id FROM audit_log")}
    assert {entity_id for _, entity_id, _ in outbox} <= audited
    unsent = db.execute("SELECT id FROM inspection WHERE server_version IS NULL").fetchall()
    assert unsent and all(scalar(db, "SELECT count(*) FROM outbox WHERE entity_id = ?", i) > 0
                          for (i,) in unsent)


def test_completed_records_are_signed_and_carry_their_photos(
        db: sqlite3.Connection, store: Store) -> None:
    """As an official would accept them: each member of the team and the inspected party
    signed; each photo item answered has its picture, stored under its own hash."""
    completed = db.execute("SELECT id, team FROM inspection WHERE status = 'completed'")
    for inspection_id, team in completed.fetchall():
        signed = db.execute("SELECT signer_role, signer_name FROM signature "
                            "WHERE owner_kind = 'inspection' AND owner_id = ?",
                            (inspection_id,)).fetchall()
        names = {m["name"] for m in json.loads(team)}
        assert {n for role, n in signed if role == "检查人员"} == names
        assert [role for role, _ in signed].count("受检单位代表") == 1
    photo_items = db.execute(
        "SELECT a.id FROM inspection_answer a WHERE a.item_code IN ('SM-08', 'XM-04') "
        "AND a.value IN ('符合', '不符合')").fetchall()
    assert photo_items
    for (answer_id,) in photo_items:
        [(sha,)] = db.execute("SELECT sha256 FROM attachment WHERE owner_id = ?",
                              (answer_id,)).fetchall()
        assert attachments.read_verified(store.paths.attachments_dir, sha)


def test_no_decision_predates_the_notice_it_rests_on(db: sqlite3.Connection) -> None:
    """吉建管〔2023〕8号 was issued on 2023-03-15: no case is proposed or decided before it,
    and every listing was preceded by its prior notice."""
    basis = "2023-03-15"
    assert scalar(db, "SELECT count(*) FROM abnormal_case WHERE decision_date < ?", basis) == 0
    assert scalar(db, "SELECT count(*) FROM case_transition WHERE at < ?", basis) == 0
    listed = db.execute("SELECT case_id FROM case_transition WHERE action = 'list'").fetchall()
    assert listed
    for (case_id,) in listed:
        actions = [a for (a,) in db.execute(
            "SELECT action FROM case_transition WHERE case_id = ? ORDER BY case_version",
            (case_id,))]
        assert actions.index("notify_listing") < actions.index("list"), actions


def test_findings_follow_the_template_and_some_are_overdue(db: sqlite3.Connection) -> None:
    template = scalar(db, "SELECT count(*) FROM inspection i JOIN checklist_template t "
                          "ON t.id = i.template_id")
    assert template == scalar(db, "SELECT count(*) FROM inspection")
    assert scalar(db, "SELECT count(*) FROM finding WHERE legal_basis = '' OR requirement = ''"
                      " OR deadline IS NULL OR enterprise_id IS NULL") == 0
    assert scalar(db, "SELECT count(*) FROM finding WHERE status = 'open' AND deadline < ?",
                  TODAY.isoformat()) >= 1
    assert scalar(db, "SELECT count(*) FROM finding WHERE status = 'closed' "
                      "AND closed_by IS NOT NULL") >= 1
    assert scalar(db, "SELECT count(*) FROM inspection WHERE status = 'completed' "
                      "AND (completed_at IS NULL OR conclusion = '')") == 0


def test_case_history_matches_each_case(db: sqlite3.Connection) -> None:
    cases = db.execute("SELECT id, state, version, decision_no FROM abnormal_case").fetchall()
    for case_id, state, version, decision_no in cases:
        steps = db.execute("SELECT from_state, to_state, case_version FROM case_transition "
                           "WHERE case_id = ? ORDER BY case_version", (case_id,)).fetchall()
        assert [v for _, _, v in steps] == list(range(version))  # each made on the one before
        assert steps[0][0] is None and steps[-1][1] == state
        assert all(a[1] == b[0] for a, b in pairwise(steps))
        if state in ("listed", "removed", "cleared"):
            assert decision_no.startswith("吉建管异〔2023〕")
    assert scalar(db, "SELECT count(*) FROM inspection i "
                      "JOIN project_party pp ON pp.project_id = i.project_id "
                      "JOIN enterprise e ON e.id = pp.enterprise_id "
                      "WHERE e.status != '正常'") == 0
    listed = scalar(db, "SELECT e.status FROM abnormal_case c JOIN enterprise e "
                        "ON e.id = c.enterprise_id WHERE c.state = 'listed'")
    assert listed == "异常名录"


def test_the_demo_clerk_is_the_active_user(store: Store, demo: DemoSummary) -> None:
    actor = active_actor(store)
    assert actor is not None
    assert actor.role == "county_clerk" and actor.division_code == COUNTY
    with store.db.read() as session:
        cert = session.execute(text("SELECT enforcement_cert_no FROM user_profile")).scalar_one()
    assert cert.startswith("222400")


def test_a_store_with_enterprises_is_refused(store: Store, demo: DemoSummary) -> None:
    before = dump(store.paths.db_path)
    with pytest.raises(DemoRefused, match="已有企业数据"):
        build_demo(store, seed=99)
    assert dump(store.paths.db_path) == before


def test_an_unknown_county_is_refused(store: Store) -> None:
    with pytest.raises(DemoRefused, match="县级行政区划"):
        build_demo(store, county="JL-CBS")


def test_each_decision_carries_its_own_number_and_day(db: sqlite3.Connection) -> None:
    """A 移出 or 清出 decision is not the listing's: its own 文号, dated when it was taken;
    every notice served has a well-formed 文号."""
    ended = db.execute(
        "SELECT c.decision_no, c.decision_date, (SELECT date(max(t.at)) FROM case_transition t "
        "WHERE t.case_id = c.id AND t.action IN ('remove', 'clear_out')), (SELECT date(t.at) "
        "FROM case_transition t WHERE t.case_id = c.id AND t.action = 'list') "
        "FROM abnormal_case c WHERE c.state IN ('removed', 'cleared') "
        "AND EXISTS (SELECT 1 FROM case_transition t WHERE t.case_id = c.id "
        "AND t.action = 'list')").fetchall()
    assert ended
    for number, decided, ended_at, listed_at in ended:
        assert decided == ended_at and decided > listed_at, (number, decided)
    numbers = [n for (n,) in db.execute("SELECT decision_no FROM abnormal_case "
                                        "WHERE decision_no != ''")]
    assert len(numbers) == len(set(numbers))
    served = [json.loads(e) for (e,) in db.execute(
        "SELECT evidence FROM case_transition WHERE action LIKE 'notify_%'")]
    assert served and all(decision_number_problem(n["id"], date.fromisoformat(n["date"]))
                          is None for entries in served for n in entries)
