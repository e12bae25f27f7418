"""Several laptops, random edits, random faults; then everyone syncs. Nothing is lost,
nothing is duplicated, and every laptop holds exactly what a fresh download would give it."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sync_support import Device
from test_sync_loop import _registration

from inspection_support import photo_file, started
from jjg_desktop.services import enterprises, inspections, registry
from jjg_desktop.services.errors import ServiceError
from jjg_desktop.store import synced_rows
from jjg_desktop.store.models import Enterprise, InspectionAnswer, OutboxCommand, SyncConflict
from jjg_desktop.sync.client import SyncClient
from jjg_desktop.sync.engine import SyncEngine, SyncProgress
from jjg_desktop.sync.errors import SyncError
from jjg_desktop.sync.session import folder_of
from jjg_server.store import AppliedCommand, ChangeLog

ROUNDS = 60
ANSWERS = ("符合", "不符合", "不适用")


def _placeholder(row: object) -> bool:
    """An empty answer made only to hold a photo: kept on its laptop, never sent."""
    return (isinstance(row, InspectionAnswer) and row.server_version is None
            and not row.value)


def _state(d: Device) -> dict[tuple[str, str], str]:
    """Every synced record on the laptop with its server version, as comparable text."""
    out: dict[tuple[str, str], str] = {}
    with d.store.db.read() as s:
        for entity, model in synced_rows.synced_models().items():
            for row in s.scalars(select(model)):
                if _placeholder(row):
                    continue
                out[(entity, row.id)] = json.dumps(
                    [row.server_version, synced_rows.snapshot(row)], sort_keys=True,
                    ensure_ascii=False, default=str)
    return out


def _faulty_sync(d: Device, live: Any, rng: random.Random) -> None:
    fault = rng.choice(("none", "none", "lose_push", "cut_upload", "refuse_pull", "partition"))
    if fault == "lose_push":
        live.proxy.add(b"POST /sync/v1/push", "lose_response")
    elif fault == "cut_upload":
        live.proxy.add(b"PUT /sync/v1/files/", "cut_request", after_bytes=rng.randrange(
            200, 60000))
    elif fault == "refuse_pull":
        live.proxy.add(b"GET /sync/v1/pull", "refuse")
    stop_at = rng.randrange(1, 5) if fault == "partition" else -1
    calls = 0

    def progress(_p: SyncProgress) -> None:
        nonlocal calls
        calls += 1
        if calls == stop_at:
            live.proxy.partition(True)

    login = d.credentials.load(live.proxy.url, folder=folder_of(d.store))
    assert login is not None
    try:
        SyncEngine(d.store, SyncClient(live.proxy.url, token=login.token),
                   progress=progress).run()
    except SyncError:
        pass
    finally:
        live.proxy.partition(False)
        live.proxy.clear()  # an unused fault must not leak into the next round


def _edit(d: Device, rng: random.Random, ent_ids: list[str], inspection_id: str | None,
          tmp_path: Any, n: int) -> None:
    assert d.ctx is not None
    with d.store.db.read() as s:
        known = [e for e in ent_ids if s.get(Enterprise, e) is not None]
    kind = rng.choice(("contact", "contact", "register", "answer", "photo"))
    try:
        if kind == "register" and d.ctx.actor.role == "county_clerk":
            ent_ids.append(registry.register(d.ctx, _registration(
                f"9132010088{n:06d}", f"随机企业{n:03d}")))
        elif kind in ("answer", "photo") and inspection_id and d.ctx.actor.role == "inspector":
            code = rng.choice(("JS-01", "JS-02", "JS-03", "AQ-01", "AQ-02"))
            if kind == "answer":
                inspections.answer(d.ctx, inspection_id, code, rng.choice(ANSWERS),
                                   f"第{n}次修改")
            else:
                inspections.attach_photo(d.ctx, inspection_id,
                                         photo_file(tmp_path / f"soak-{n}.jpg", seed=n),
                                         item_code=code)
        elif known:
            field = rng.choice(("contact_phone", "contact_person"))
            value = f"1390433{n:04d}" if field == "contact_phone" else f"联系人{n}"
            enterprises.update_contact(d.ctx, rng.choice(known), **{field: value})
    except ServiceError:
        pass  # a step the rules refuse (e.g. an item that does not exist) changes nothing


@pytest.mark.slow
@pytest.mark.parametrize("seed", [20230315, 8])
def test_soak(live, devices, county_site, tmp_path, seed):
    rng = random.Random(seed)
    laptops = [devices("hc_clerk"), devices("hc_clerk"), devices("hc_inspector"),
               devices("hc_inspector")]
    first = laptops[0]
    assert first.ctx is not None
    ent_ids = [registry.register(first.ctx, _registration(f"9132010077{n:06d}", f"企业{n}"))
               for n in range(4)]
    first.sync()
    for d in laptops:
        d.sync()
    inspector = laptops[2]
    assert inspector.ctx is not None
    inspection_id = started(inspector.ctx, county_site.project_id)
    inspector.sync()
    for d in laptops:
        d.sync()
    for n in range(ROUNDS):
        d = rng.choice(laptops)
        _edit(d, rng, ent_ids, inspection_id, tmp_path, n)
        if rng.random() < 0.4:
            _faulty_sync(rng.choice(laptops), live, rng)

    for _ in range(2):
        for d in laptops:
            d.sync()

    for d in laptops:  # nothing lost: every command was applied or is a conflict to decide
        with d.store.db.read() as s:
            states = dict(s.execute(select(OutboxCommand.state, func.count()).group_by(
                OutboxCommand.state)).all())
            conflicts = s.scalar(select(func.count()).select_from(SyncConflict)) or 0
        assert set(states) <= {"applied", "rejected"}, states
        assert states.get("rejected", 0) == conflicts
    with Session(live.engine) as s:  # nothing duplicated
        assert s.execute(select(ChangeLog.entity, ChangeLog.record_id, ChangeLog.version)
                         .group_by(ChangeLog.entity, ChangeLog.record_id, ChangeLog.version)
                         .having(func.count() > 1)).all() == []
        applied = s.scalar(select(func.count()).select_from(AppliedCommand).where(
            AppliedCommand.status == "applied"))
    sent = 0
    for d in laptops:
        with d.store.db.read() as s:
            sent += s.scalar(select(func.count()).select_from(OutboxCommand).where(
                OutboxCommand.state == "applied")) or 0
    assert applied == sent
    for d in laptops:  # everyone agrees with the server
        fresh = devices(d.ctx.actor.username if d.ctx else "")
        fresh.sync()
        assert _state(d) == _state(fresh)
