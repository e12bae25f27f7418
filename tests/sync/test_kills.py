"""A laptop killed (SIGKILL) at every step of a sync loses nothing and duplicates nothing."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sync_support import Device
from test_sync_loop import _registration

from inspection_support import photo_file, started
from jjg_desktop.services import inspections, registry
from jjg_desktop.store.models import Attachment, InspectionAnswer, OutboxCommand
from jjg_desktop.sync.session import folder_of
from jjg_server.store import ChangeLog

CHILD = Path(__file__).resolve().parent / "sync_child.py"


def _run_child(d: Device, url: str, username: str, mode: str, at: int | str,
               page: int | None = None) -> int:
    login = d.credentials.load(url, folder=folder_of(d.store))
    assert login is not None
    env = {**os.environ, "JJG_TEST_TOKEN": login.token}
    if page:
        env["JJG_TEST_PULL_PAGE"] = str(page)
    done = subprocess.run([sys.executable, str(CHILD), str(d.store.paths.data_dir), url,
                           username, mode, str(at)], env=env, capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode in (0, -9), done.stderr
    return done.returncode


def _no_version_twice(live) -> None:
    with Session(live.engine) as s:
        repeats = s.execute(select(ChangeLog.entity, ChangeLog.record_id, ChangeLog.version,
                                   func.count()).group_by(
            ChangeLog.entity, ChangeLog.record_id, ChangeLog.version).having(
            func.count() > 1)).all()
    assert repeats == []


STAGES = ("检查服务器", "上传照片和签名", "提交本机更改", "下载服务器更新")


def test_a_kill_at_every_stage_of_a_sync_loses_nothing(live, devices, county_site, tmp_path):
    inspector = devices("hc_inspector")
    inspector.sync()
    inspection_id = started(inspector.ctx, county_site.project_id)
    codes = ("JS-01", "JS-02", "JS-03", "JS-04")
    for n, (stage, code) in enumerate(zip(STAGES, codes, strict=True)):
        inspections.answer(inspector.ctx, inspection_id, code, "符合")
        inspections.attach_photo(inspector.ctx, inspection_id,
                                 photo_file(tmp_path / f"p{n}.jpg", seed=n), item_code=code)
        assert _run_child(inspector, live.proxy.url, "hc_inspector", "stage", stage) == -9
    assert _run_child(inspector, live.proxy.url, "hc_inspector", "stage", "-") == 0
    with inspector.store.db.read() as s:
        states = set(s.scalars(select(OutboxCommand.state)))
    assert states == {"applied"}
    _no_version_twice(live)
    other = devices("hc_clerk")
    other.sync()
    with other.store.db.read() as s:
        answers = dict(s.execute(select(InspectionAnswer.item_code, InspectionAnswer.value).where(
            InspectionAnswer.inspection_id == inspection_id)).all())
        photos = s.scalar(select(func.count()).select_from(Attachment).where(
            Attachment.deleted_at.is_(None)))
    assert answers == dict.fromkeys(codes, "符合") and photos == 4


def test_killed_between_writing_a_pull_page_and_its_cursor(live, devices):
    clerk = devices("hc_clerk")
    for n in range(25):
        registry.register(clerk.ctx, _registration(f"91320100MA1XY{n:03d}", f"企业{n:02d}"))
    clerk.sync()
    newcomer = devices("hc_inspector")
    newcomer.store.close()
    assert _run_child(newcomer, live.proxy.url, "hc_inspector", "apply", 2, page=10) == -9
    db = sqlite3.connect(newcomer.store.paths.db_path)
    cursor, landed = db.execute(
        "SELECT pull_cursor, (SELECT count(*) FROM enterprise) "
        "+ (SELECT count(*) FROM jilin_registration) FROM sync_state").fetchone()
    db.close()
    assert cursor > 0 and landed == 10  # page 1 and its cursor; nothing of page 2
    assert _run_child(newcomer, live.proxy.url, "hc_inspector", "apply", 99, page=10) == 0
    db = sqlite3.connect(newcomer.store.paths.db_path)
    names = [r[0] for r in db.execute("SELECT name FROM enterprise ORDER BY name")]
    db.close()
    assert names == [f"企业{n:02d}" for n in range(25)]


