"""`db check` holds each synced record against the latest state the audit log sealed, and the
log against the head the server acknowledged: records changed, added or deleted behind the
program's back are named; a log cut short or rewritten (hashes and all) is found."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from sqlalchemy import select

from inspection_support import completed, photo_file, site
from jjg_desktop.services import enterprise_facts, enterprises
from jjg_desktop.services.startup import open_store
from jjg_desktop.store import anchors, audit, record_seals
from jjg_desktop.store.health import check_database
from jjg_desktop.store.models import AuditEntry
from tests_support import add_enterprise, rechain


def _item(path: Path, name: str):
    [item] = [i for i in check_database(path).items if i.name == name]
    return item


def test_findings_closed_by_hand_are_named(ctx, store, clock, tmp_path):
    place = site(store, clock.now)
    inspection = completed(ctx, place.project_id, photo_file(tmp_path / "p.jpg"),
                           answers={"SG-01": ("不符合", "未办理施工许可证"),
                                    "SG-03": ("不符合", "存在转包")})
    assert _item(store.paths.db_path, "记录与审计日志").ok
    with sqlite3.connect(store.paths.db_path) as conn:
        closed = conn.execute("UPDATE finding SET status = 'closed' WHERE inspection_id = ?",
                              (inspection,)).rowcount
    assert closed == 2
    item = _item(store.paths.db_path, "记录与审计日志")
    assert not item.ok
    assert item.detail.startswith("2 条记录不符")
    assert "发现的问题“" in item.detail and "未办理施工许可证”在本程序之外被修改" in item.detail
    assert "存在转包”在本程序之外被修改" in item.detail
    assert inspection not in item.detail  # named as people know it, never by id


def test_records_added_or_deleted_behind_the_programs_back_are_named(ctx, store, clock):
    ent = add_enterprise(store, clock.now, name="珲春市鑫源建筑工程有限公司")
    gone = enterprise_facts.record_fact(ctx, ent, kind="人员变动",
                                       occurred_on=clock.now.date(), detail="项目经理更换")
    with sqlite3.connect(store.paths.db_path) as conn:
        conn.execute("PRAGMA foreign_keys=OFF")
        assert conn.execute("DELETE FROM enterprise_fact WHERE id = ?", (gone,)).rowcount == 1
        row = conn.execute("SELECT * FROM checklist_template LIMIT 1").fetchone()
        names = [d[1] for d in conn.execute("PRAGMA table_info(checklist_template)")]
        forged = dict(zip(names, row, strict=True)) | {
            "id": "forged-1", "title": "凭空出现的检查表", "version": 99}
        conn.execute(f"INSERT INTO checklist_template ({', '.join(forged)}) VALUES "
                     f"({', '.join('?' for _ in forged)})", list(forged.values()))
    detail = _item(store.paths.db_path, "记录与审计日志").detail
    assert "“凭空出现的检查表”不是由本程序写入的" in detail
    assert "在本程序之外被删除" in detail
    assert "鑫源" not in detail


def test_entries_cut_from_the_end_leave_the_records_unaccounted_for(ctx, store, clock):
    ent = add_enterprise(store, clock.now)
    for phone in ("13904330001", "13904330002"):
        enterprises.update_contact(ctx, ent, contact_phone=phone)
    with sqlite3.connect(store.paths.db_path) as conn:
        conn.execute("DELETE FROM audit_log WHERE seq = (SELECT max(seq) FROM audit_log)")
    path = store.paths.db_path
    assert _item(path, "审计日志链").ok  # the chain alone cannot tell its tail is gone …
    assert "企业“珲春市鑫源建筑工程有限公司”在本程序之外被修改" in _item(
        path, "记录与审计日志").detail  # … but the record is newer than any seal


def test_a_log_rewritten_hash_by_hash_is_caught_by_the_servers_anchor(ctx, store, clock):
    ent = add_enterprise(store, clock.now)
    enterprises.update_contact(ctx, ent, contact_phone="13904330001")
    with store.db.write() as session:  # a sync: the server now holds this head
        head = anchors.head(session)
        assert head is not None
        anchors.remember(session, head)
    enterprises.update_contact(ctx, ent, contact_phone="13904330002")
    assert _item(store.paths.db_path, "审计日志链").ok
    with sqlite3.connect(store.paths.db_path) as conn:
        conn.execute("UPDATE audit_log SET actor = 'someone_else' WHERE seq = ?", (head.seq,))
        rechain(conn)
    item = _item(store.paths.db_path, "审计日志链")
    assert not item.ok and f"第 {head.seq} 条及之前的内容与省级服务器确认的不符" in item.detail

    with sqlite3.connect(store.paths.db_path) as conn:
        conn.execute("DELETE FROM audit_log WHERE seq >= ?", (head.seq,))
    item = _item(store.paths.db_path, "审计日志链")
    assert not item.ok and f"省级服务器已确认到第 {head.seq} 条" in item.detail


def test_a_database_from_before_seals_gets_a_baseline_and_checks_clean(ctx, store, clock):
    ent = add_enterprise(store, clock.now)
    enterprises.update_contact(ctx, ent, contact_phone="13904330001")
    path, paths = store.paths.db_path, store.paths
    store.close()
    with sqlite3.connect(path) as conn:  # the log as the version before seals wrote it
        conn.execute("DELETE FROM audit_log WHERE action = ?", (record_seals.SEAL_ACTION,))
        for seq, data in conn.execute("SELECT seq, data FROM audit_log").fetchall():
            stripped = {k: v for k, v in json.loads(data).items() if k != record_seals.ROWS_KEY}
            conn.execute("UPDATE audit_log SET data = ? WHERE seq = ?",
                         (audit.canonical_json(stripped), seq))
        conn.execute("UPDATE audit_log SET seq = seq + 1000")
        for n, (seq,) in enumerate(conn.execute(
                "SELECT seq FROM audit_log ORDER BY seq").fetchall(), start=1):
            conn.execute("UPDATE audit_log SET seq = ? WHERE seq = ?", (n, seq))
        rechain(conn)
    reopened = open_store(paths)
    try:
        with reopened.db.read() as session:
            actions = list(session.scalars(select(AuditEntry.action)))
        assert actions.count(record_seals.BASELINE_ACTION) == 1
    finally:
        reopened.close()
    report = check_database(path)
    assert report.ok, [(i.name, i.detail) for i in report.items if not i.ok]
