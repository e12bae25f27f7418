from __future__ import annotations

import sqlite3

from jjg_desktop.services import enterprises
from jjg_desktop.store.audit import verify_chain
from jjg_desktop.store.health import check_database
from tests_support import add_enterprise


def _three_edits(ctx, store, clock) -> None:
    ent_id = add_enterprise(store, clock.now)
    for phone in ("13904330001", "13904330002", "13904330003"):
        enterprises.update_contact(ctx, ent_id, contact_phone=phone)


def test_untouched_history_verifies(ctx, store, clock):
    _three_edits(ctx, store, clock)
    with store.db.read() as s:
        report = verify_chain(s)
    # the profile activation and three edits, and the seals of the templates installed and
    # of the enterprise the test wrote directly
    assert report.ok and report.entries == 6


def test_a_changed_entry_is_detected(ctx, store, clock):
    _three_edits(ctx, store, clock)
    with sqlite3.connect(store.paths.db_path) as conn:
        [seq] = conn.execute("SELECT seq FROM audit_log WHERE data LIKE '%13904330002%' "
                             "AND action != 'record.sealed'").fetchone()
        conn.execute("UPDATE audit_log SET data = replace(data, '13904330002', '13900000000') "
                     "WHERE seq = ?", (seq,))
    with store.db.read() as s:
        report = verify_chain(s)
    assert not report.ok
    assert any(f"第 {seq} 条" in p and "被改动" in p for p in report.problems)


def test_a_deleted_entry_is_detected(ctx, store, clock):
    _three_edits(ctx, store, clock)
    with sqlite3.connect(store.paths.db_path) as conn:
        conn.execute("DELETE FROM audit_log WHERE seq = 2")
    with store.db.read() as s:
        report = verify_chain(s)
    assert any("缺少第 2 条" in p for p in report.problems)


def test_rewriting_an_entry_and_its_hash_still_breaks_the_next_link(ctx, store, clock):
    _three_edits(ctx, store, clock)
    with sqlite3.connect(store.paths.db_path) as conn:
        conn.execute("UPDATE audit_log SET hash = (CASE substr(hash, 1, 1) WHEN 'f' THEN '0' "
                     "ELSE 'f' END) || substr(hash, 2) WHERE seq = 2")
    with store.db.read() as s:
        problems = verify_chain(s).problems
    assert any("第 3 条与前一条的链接不符" in p for p in problems)


def test_db_check_reports_tampering(ctx, store, clock):
    _three_edits(ctx, store, clock)
    with sqlite3.connect(store.paths.db_path) as conn:
        conn.execute("UPDATE audit_log SET actor = 'someone' WHERE seq = 4")
    report = check_database(store.paths.db_path)
    chain = next(i for i in report.items if i.name == "审计日志链")
    assert not report.ok and not chain.ok and "第 4 条" in chain.detail
