"""Local drafts of unsaved forms: kept in the store across a restart, replaced, discarded,
forgotten after 30 days; never audited or sent to the server."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from jjg_desktop.config import Paths
from jjg_desktop.services.context import Store
from jjg_desktop.services.drafts import (
    discard_draft,
    find_draft,
    load_draft,
    save_draft,
    setting_key,
)
from jjg_desktop.services.startup import open_store
from jjg_desktop.store.models import AuditEntry, LocalSetting, OutboxCommand

T0 = datetime(2026, 5, 18, 1, 30)
FIRM = "6f1c2a4e-0000-4000-8000-000000000001"
DATA = {"method": "实地核查", "verifiers": ["刘晓燕", "金哲"],
        "checks": {"office_present": {"outcome": "不通过", "note": "无人办公"}}}


def _rows(store: Store, model: type) -> int:
    with store.db.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_draft_survives_reopening_the_store(store: Store, paths: Paths) -> None:
    save_draft(store, "verification", FIRM, DATA, now=T0)
    store.close()
    reopened = open_store(paths)
    try:
        found = find_draft(reopened, "verification", FIRM, now=T0 + timedelta(hours=1))
        assert found is not None
        assert found.data == DATA and found.saved_at == T0
        assert load_draft(reopened, "verification", FIRM, now=T0) == DATA
    finally:
        reopened.close()


def test_saving_again_replaces_the_draft_and_keys_do_not_mix(store: Store) -> None:
    save_draft(store, "verification", FIRM, DATA, now=T0)
    later = T0 + timedelta(minutes=5)
    save_draft(store, "verification", FIRM, {**DATA, "notes": "补充"}, now=later)
    save_draft(store, "verification", "other-firm", {"notes": "另一家"}, now=later)
    save_draft(store, "inspection", FIRM, {"notes": "检查"}, now=later)
    found = find_draft(store, "verification", FIRM, now=later)
    assert found is not None and found.data["notes"] == "补充" and found.saved_at == later
    assert load_draft(store, "verification", "other-firm", now=later) == {"notes": "另一家"}
    assert load_draft(store, "inspection", FIRM, now=later) == {"notes": "检查"}


def test_drafts_are_neither_audited_nor_sent(store: Store) -> None:
    audit, outbox = _rows(store, AuditEntry), _rows(store, OutboxCommand)
    save_draft(store, "verification", FIRM, DATA, now=T0)
    discard_draft(store, "verification", FIRM)
    assert (_rows(store, AuditEntry), _rows(store, OutboxCommand)) == (audit, outbox)


def test_discarding(store: Store) -> None:
    discard_draft(store, "verification", FIRM)  # none yet: nothing to do, no error
    save_draft(store, "verification", FIRM, DATA, now=T0)
    save_draft(store, "verification", "other-firm", DATA, now=T0)
    discard_draft(store, "verification", FIRM)
    assert load_draft(store, "verification", FIRM, now=T0) is None
    assert load_draft(store, "verification", "other-firm", now=T0) == DATA


def test_a_draft_older_than_30_days_is_ignored_and_removed(store: Store) -> None:
    save_draft(store, "verification", FIRM, DATA, now=T0)
    assert load_draft(store, "verification", FIRM, now=T0 + timedelta(days=30)) == DATA
    assert load_draft(store, "verification", FIRM, now=T0 + timedelta(days=30, seconds=1)) is None
    with store.db.read() as session:
        assert session.get(LocalSetting, setting_key("verification", FIRM)) is None


def test_saving_any_draft_removes_the_stale_ones(store: Store) -> None:
    save_draft(store, "verification", "forgotten", DATA, now=T0)
    save_draft(store, "verification", "recent", DATA, now=T0 + timedelta(days=20))
    save_draft(store, "verification", FIRM, DATA, now=T0 + timedelta(days=31))
    with store.db.read() as session:
        keys = set(session.scalars(select(LocalSetting.key)))
    assert setting_key("verification", "forgotten") not in keys
    assert {setting_key("verification", k) for k in ("recent", FIRM)} <= keys


def test_an_unreadable_draft_is_ignored_and_removed(store: Store) -> None:
    name = setting_key("verification", FIRM)
    with store.db.write() as session:
        session.add(LocalSetting(key=name, value={"saved_at": "yesterday", "data": DATA}))
    assert load_draft(store, "verification", FIRM, now=T0) is None
    with store.db.read() as session:
        assert session.get(LocalSetting, name) is None


def test_other_settings_are_left_alone(store: Store) -> None:
    with store.db.write() as session:
        session.add(LocalSetting(key="verification.period_days", value={"days": 90}))
    save_draft(store, "verification", FIRM, DATA, now=T0 + timedelta(days=400))
    with store.db.read() as session:
        assert session.get(LocalSetting, "verification.period_days") is not None



def test_saving_the_verification_removes_its_draft_in_the_same_transaction(ctx, store, clock):
    from datetime import date

    from jjg_desktop.rules.verification import ON_SITE, CheckResult
    from jjg_desktop.services import drafts
    from jjg_desktop.services.verifications import DRAFT_KIND, record_verification
    from tests_support import add_enterprise, signed_verification

    ent = add_enterprise(store, clock.now, home_province="江苏省", home_province_code="320000")
    drafts.save_draft(store, DRAFT_KIND, ent, {"notes": "未写完"}, now=clock.now)
    record_verification(ctx, ent, verified_on=date(2026, 5, 18), method=ON_SITE,
                        verifiers=["刘晓燕", "金哲"],
                        checks={"office_present": CheckResult("通过")},
                        signatures=signed_verification(["刘晓燕", "金哲"], ON_SITE))
    assert drafts.load_draft(store, DRAFT_KIND, ent, now=clock.now) is None
