"""The change sequence follows commit order: a transaction that took sequence n and commits
late is never passed by a pull (on PostgreSQL by the commit-order lock, on SQLite by its one
writer)."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from jjg_server import records
from jjg_server.placement import Placement
from jjg_server.records import Writer
from server_support import SyncClient, add_user, row

PASSWORD = "Jl-顺序-2026!"


def _project(pid: str) -> dict:
    return row("project", pid, code=pid, name=f"项目{pid}", division_code="222404")


def _member(mid: str) -> dict:
    return row("pool_member", mid, division_code="222404", kind="干部", name=f"成员{mid}")


def test_a_late_commit_is_never_skipped_by_a_pull(server: str, engine: Engine):
    add_user(engine, "clerk01", PASSWORD)
    clerk = SyncClient.signed_in(server, "clerk01", PASSWORD)
    assert clerk.do("pool.add_member", _member("p0")) == "applied"
    assert [c.seq for c in clerk.pull_all()] == [1]

    slow = Session(engine)
    slow.begin()
    records.write(slow, ("project", "p-late"), None, _project("p-late")["data"],
                  now=datetime.now(UTC), writer=Writer("batch-job", "", "load.client_db"),
                  place=Placement("222404", None, None))  # takes sequence 2, not committed
    with ThreadPoolExecutor(max_workers=1) as pool:
        later = pool.submit(clerk.push, clerk.command("pool.add_member", _member("p-next")))
        time.sleep(0.5)
        page = clerk.pull()
        assert (page.changes, page.cursor) == ([], 1)  # nothing past the open transaction
        assert not later.done()  # the later writer waits for the earlier one to commit
        slow.commit()
        slow.close()
        assert later.result(timeout=10).results[0].status == "applied"
    received = clerk.pull_all()
    assert [(c.seq, c.id) for c in received] == [(2, "p-late"), (3, "p-next")]
