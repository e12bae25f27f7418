"""The server holds each laptop's audit-chain head: a log later cut short, or rewritten with
every hash made again, is caught at the next push, recorded as an alert for the province and
told to the laptop."""

from __future__ import annotations

import io
import sqlite3
import sys
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from sync_support import Device

from jjg_desktop.rules.credit_code import complete
from jjg_desktop.services import registry
from jjg_desktop.services.registry import RegistrationInput
from jjg_desktop.store import anchors
from jjg_server import cli
from jjg_server.store import AuditAlert, AuditAnchor
from tests_support import rechain


def _registration(n: int) -> RegistrationInput:
    return RegistrationInput(
        credit_code=complete(f"91320100MB{n:06d}"), name=f"江苏华泰建设第{n}工程有限公司",
        home_province="江苏", division_code="222404", registered_on=date(2026, 3, 2),
        office_address="珲春市河南街道靖和街56号", person_in_charge="周明", phone="13904331234",
        qualifications=["建筑工程施工总承包贰级"], commitments=["承诺登记信息真实"])


def _anchored(clerk: Device) -> anchors.Head:
    with clerk.store.db.read() as session:
        held = anchors.acknowledged(session)
    assert held is not None
    return held


def _alerts(live) -> list[str]:
    with Session(live.engine) as session:
        return list(session.scalars(select(AuditAlert.detail).order_by(AuditAlert.id)))


def test_an_honest_log_is_anchored_push_after_push(live, devices):
    clerk = devices("hc_clerk")
    assert clerk.ctx is not None
    for n in range(3):
        registry.register(clerk.ctx, _registration(n))
        report = clerk.sync()
        assert report.audit_problem == ""
        held = _anchored(clerk)
        with Session(live.engine) as session:
            anchor = session.scalars(select(AuditAnchor)).one()
        assert (anchor.seq, anchor.hash, anchor.username) == (held.seq, held.hash, "hc_clerk")
    assert _alerts(live) == []


def test_a_rewritten_log_is_reported_to_the_province_and_the_laptop(
        live, devices, monkeypatch, capsys):
    clerk = devices("hc_clerk")
    assert clerk.ctx is not None
    registry.register(clerk.ctx, _registration(1))
    clerk.sync()
    held = _anchored(clerk)
    with sqlite3.connect(clerk.store.paths.db_path) as conn:
        conn.execute("UPDATE audit_log SET actor = 'hc_inspector' WHERE seq <= ? AND actor != ''",
                     (held.seq,))
        rechain(conn)
    registry.register(clerk.ctx, _registration(2))
    report = clerk.sync()
    assert "审计日志被改写" in report.audit_problem and f"第 {held.seq} 条" in report.audit_problem
    assert report.summary().startswith("注意：审计日志被改写")
    [alert] = _alerts(live)
    assert alert == report.audit_problem
    # reported once: the next push is judged against the new head
    registry.register(clerk.ctx, _registration(3))
    assert clerk.sync().audit_problem == "" and len(_alerts(live)) == 1

    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert cli.main(["audit", "alerts", "--db", live.db_url]) == 0
    out = capsys.readouterr().out
    assert "刘晓燕（hc_clerk）的电脑" in out and "审计日志被改写" in out and "共 1 条" in out


@pytest.mark.parametrize("cut", ["tail", "anchor_setting"])
def test_a_log_cut_short_or_a_lost_anchor_is_reported(live, devices, cut):
    clerk = devices("hc_clerk")
    assert clerk.ctx is not None
    for n in range(3):
        registry.register(clerk.ctx, _registration(n))
    clerk.sync()
    held = _anchored(clerk)
    with sqlite3.connect(clerk.store.paths.db_path) as conn:
        if cut == "tail":
            conn.execute("DELETE FROM audit_log WHERE seq > ?", (held.seq - 3,))
        else:
            conn.execute("DELETE FROM local_setting WHERE key = ?", (anchors.ANCHOR_KEY,))
    registry.register(clerk.ctx, _registration(9))
    problem = clerk.sync().audit_problem
    expected = ("审计日志被截短" if cut == "tail" else f"未能出示服务器已确认的第 {held.seq} 条")
    assert expected in problem, problem
    assert _alerts(live) == [problem]
