"""kill -9 during a burst of answer saves: every answer the app acknowledged is there after
reopening, each with its finding or none, the file is intact and the audit chain verifies."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

from sqlalchemy import select

from inspection_support import site, started
from jjg_desktop.config import resolve_paths
from jjg_desktop.services.startup import open_store
from jjg_desktop.store.audit import verify_chain
from jjg_desktop.store.models import Finding, InspectionAnswer

CODES = ("JS-01", "JS-02", "JS-05", "SG-01", "SG-06", "SG-08", "SM-03", "SM-07", "JL-01",
         "XM-01")
VALUES = ("符合", "不符合", "不适用")

# Saves answers one after another through the service, printing each after it returned
# (committed): "<round> <n> <item>". The value and remark follow from n, so the test knows
# what each acknowledged save wrote.
SAVER = """
import itertools, sys
from pathlib import Path
from jjg_desktop.config import resolve_paths
from jjg_desktop.services import inspections
from jjg_desktop.services.context import ServiceContext
from jjg_desktop.services.startup import active_actor, open_store

data_dir, inspection_id, round_, codes = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
codes = codes.split(",")
values = ("符合", "不符合", "不适用")
store = open_store(resolve_paths(data_dir=Path(data_dir)))
ctx = ServiceContext(store=store, actor=active_actor(store))
print("ready", flush=True)
for n in itertools.count(1):
    code = codes[n % len(codes)]
    inspections.answer(ctx, inspection_id, code, values[n % 3], f"{round_}-{n}")
    sys.stdout.write(f"{round_} {n} {code}\\n")  # one write: a kill never splits the line
"""


def run_and_kill(data_dir: Path, inspection_id: str, round_: int,
                 rng: random.Random) -> list[tuple[int, str]]:
    """Start the saver, SIGKILL it at a random moment of the burst; the acknowledged saves."""
    lines: list[str] = []
    ready = threading.Event()
    with subprocess.Popen(
            [sys.executable, "-c", SAVER, str(data_dir), inspection_id, str(round_),
             ",".join(CODES)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            encoding="utf-8", env=os.environ | {"PYTHONUNBUFFERED": "1"}) as proc:

        def read() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                if line.strip() == "ready":
                    ready.set()
                elif line.endswith("\n"):  # acknowledged only once the whole line arrived
                    lines.append(line.strip())

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        if not ready.wait(60):
            proc.kill()
            raise AssertionError(proc.communicate()[1])
        time.sleep(rng.uniform(0.15, 0.8))
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        reader.join(10)
    assert proc.returncode == -signal.SIGKILL
    acked = []
    for line in lines:
        r, n, code = line.split()
        assert int(r) == round_
        acked.append((int(n), code))
    return acked


def test_acknowledged_answers_survive_kill_9(ctx, store, clock):
    inspection_id = started(ctx, site(store, clock.now).project_id)
    data_dir = store.paths.data_dir
    store.close()
    rng = random.Random()
    for round_ in (1, 2, 3):
        acked = run_and_kill(data_dir, inspection_id, round_, rng)
        assert len(acked) > 5, "the saver was killed before it got going"

        with sqlite3.connect(store.paths.db_path) as raw:
            assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
            assert raw.execute("PRAGMA foreign_key_check").fetchall() == []
        reopened = open_store(resolve_paths(data_dir=data_dir))
        try:
            with reopened.db.read() as s:
                assert verify_chain(s).ok
                answers = {a.item_code: a for a in s.scalars(select(InspectionAnswer).where(
                    InspectionAnswer.inspection_id == inspection_id))}
                findings = {f.item_code: f.status for f in s.scalars(select(Finding).where(
                    Finding.inspection_id == inspection_id))}
        finally:
            reopened.close()

        last_acked = {code: n for n, code in acked}
        in_flight = acked[-1][0] + 1  # killed after its commit, before it could say so
        for code, n in last_acked.items():
            prefix, saved = answers[code].remark.split("-")
            assert int(prefix) == round_
            assert int(saved) >= n, f"{code}: acknowledged save {n} lost (found {saved})"
            assert int(saved) in (n, in_flight)
            assert answers[code].value == VALUES[int(saved) % 3]
            is_open = findings.get(code) == "open"
            assert is_open == (answers[code].value == "不符合"), code  # answer and finding
