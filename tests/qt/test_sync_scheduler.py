"""Background sync: a failed sync is retried by itself after a jittered, growing delay; while
offline a probe notices the server coming back and syncs at once; a refusal waits for the
user; local edits sync within the debounce, not at once; closing the window stops a sync."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pytestqt.qtbot import QtBot
from qt_sync_support import (
    PASSWORD,
    SlowProxy,
    add_user,
    free_port,
    using_keyring,
)

from jjg_desktop.qt.kit.tasks import TaskRunner
from jjg_desktop.qt.kit.workspace import Workspace
from jjg_desktop.qt.shell.main_window import MainWindow
from jjg_desktop.qt.sync.sync_scheduler import Phase, SyncScheduler, Timing, backoff_ms
from jjg_desktop.services.context import Actor, Store
from jjg_desktop.services.enterprises import update_contact
from jjg_desktop.settings import Settings, save_settings
from jjg_desktop.store.read.worklists import sync_summary
from jjg_desktop.sync.credentials import Credentials, Login, folder_key
from jjg_desktop.sync.session import sign_in
from server_support import running_server
from tests_support import MemoryKeyring

if TYPE_CHECKING:
    from conftest import Sample

OpenWindow = Callable[[], MainWindow]
OFFLINE_ATTEMPT_MS = 10_000
"""A refused connection is retried by the HTTP client a few times (about 2 s) first."""


@pytest.fixture(autouse=True)
def memory_keyring() -> Iterator[MemoryKeyring]:
    with using_keyring(MemoryKeyring()) as backend:
        assert isinstance(backend, MemoryKeyring)
        yield backend


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'server.sqlite3'}"


@pytest.fixture
def make_scheduler(store: Store, actor: Actor) -> Iterator[Callable[..., SyncScheduler]]:
    made: list[SyncScheduler] = []

    def make(timing: Timing, rng: Callable[[], float] = random.random) -> SyncScheduler:
        workspace = Workspace(store, actor, TaskRunner(synchronous=True))
        scheduler = SyncScheduler(workspace, timing=timing, rng=rng)
        made.append(scheduler)
        return scheduler

    yield make
    for scheduler in made:
        assert scheduler.shutdown()


def signed_in_to(store: Store, db_url: str, port: int) -> str:
    """A login to the server on ``port`` kept in the keyring (the server stops again)."""
    with running_server(db_url, port=port) as url:
        add_user(db_url, "clerk01", name="刘晓燕", role="county_clerk")  # the one at work
        sign_in(store, Credentials(), server_url=url, username="clerk01", password=PASSWORD)
    save_settings(Settings(server_url=url))
    return url


def test_backoff_doubles_from_15_seconds_up_to_15_minutes_with_full_jitter() -> None:
    timing = Timing()
    ceilings = [backoff_ms(n, timing, lambda: 1.0) for n in range(1, 9)]
    assert ceilings == [15_000, 30_000, 60_000, 120_000, 240_000, 480_000, 900_000, 900_000]
    assert backoff_ms(500, timing, lambda: 1.0) == 900_000
    assert backoff_ms(3, timing, lambda: 0.0) == 0
    assert backoff_ms(3, timing, lambda: 0.25) == 15_000


def test_a_transient_failure_is_retried_after_a_jittered_delay_without_user_input(
        qtbot: QtBot, make_scheduler: Callable[..., SyncScheduler], store: Store,
        actor: Actor) -> None:
    url = f"http://127.0.0.1:{free_port()}"
    save_settings(Settings(server_url=url))
    Credentials().save(Login(url, actor.username, "a-token-the-server-never-sees"),
                       folder_key(store))
    source = random.Random(6)
    draws: list[float] = []

    def jitter() -> float:
        draws.append(source.random())
        return draws[-1]

    scheduler = make_scheduler(Timing(backoff_base_ms=400, probe_ms=600_000), jitter)
    with qtbot.waitSignal(scheduler.failed, timeout=OFFLINE_ATTEMPT_MS) as first:
        scheduler.sync_now()
    message, transient = first.args
    assert transient and message.startswith(f"无法连接同步服务器（{url}）")
    assert scheduler.phase is Phase.OFFLINE
    assert scheduler.retry_delay_ms == round(draws[0] * 400)
    assert 0 <= scheduler.retry_delay_ms <= 400

    with qtbot.waitSignal(scheduler.started, timeout=2_000):
        pass  # nobody touches anything: the retry timer starts the sync
    with qtbot.waitSignal(scheduler.failed, timeout=OFFLINE_ATTEMPT_MS):
        pass
    assert scheduler.failures == 2
    assert scheduler.retry_delay_ms == round(draws[1] * 800)


def test_when_the_server_comes_back_the_probe_notices_and_the_sync_runs_by_itself(
        qtbot: QtBot, store: Store, db_url: str,
        make_scheduler: Callable[..., SyncScheduler]) -> None:
    port = free_port()
    signed_in_to(store, db_url, port)
    scheduler = make_scheduler(Timing(backoff_base_ms=600_000, probe_ms=200), lambda: 1.0)
    with qtbot.waitSignal(scheduler.failed, timeout=OFFLINE_ATTEMPT_MS):
        scheduler.sync_now()
    assert scheduler.phase is Phase.OFFLINE
    retry = scheduler.retry_remaining_ms()
    assert retry is not None and retry > 500_000

    with running_server(db_url, port=port), qtbot.waitSignal(scheduler.finished, timeout=20_000):
        pass
    assert scheduler.phase is Phase.CONNECTED
    assert scheduler.retry_remaining_ms() is None
    with store.db.read() as session:
        assert sync_summary(session).last_success_at is not None


def test_a_refused_sync_waits_for_the_user_or_new_settings(
        qtbot: QtBot, store: Store, db_url: str,
        make_scheduler: Callable[..., SyncScheduler]) -> None:
    port = free_port()
    url = signed_in_to(store, db_url, port)
    with running_server(db_url, port=port, min_client_version="99.0"):
        scheduler = make_scheduler(Timing(first_sync_ms=0, interval_ms=100))
        with qtbot.waitSignal(scheduler.failed, timeout=5_000) as refused:
            scheduler.start()
        message, transient = refused.args
        assert not transient and message.startswith("服务器要求吉建管 99.0 或更新版本")
        assert scheduler.phase is Phase.REFUSED

        qtbot.assertNotEmitted(scheduler.started, wait=600)
        with qtbot.waitSignal(scheduler.started, timeout=1_000):
            scheduler.sync_now()
        with qtbot.waitSignal(scheduler.failed, timeout=5_000):
            pass

        save_settings(Settings(server_url=url.replace("127.0.0.1", "localhost")))
        with qtbot.waitSignal(scheduler.started, timeout=2_000):
            pass  # the next tick sees the new address


def test_a_local_edit_syncs_within_the_debounce_not_at_once(
        qtbot: QtBot, store: Store, db_url: str, sample: Sample,
        make_scheduler: Callable[..., SyncScheduler]) -> None:
    port = free_port()
    signed_in_to(store, db_url, port)
    enterprise = sample.enterprise("珲春市鑫源建筑工程有限公司")
    with running_server(db_url, port=port):
        scheduler = make_scheduler(Timing(debounce_ms=700))
        with qtbot.waitSignal(scheduler.finished, timeout=5_000):
            scheduler.sync_now()
        workspace = scheduler._ws
        for phone in ("13943312345", "13943312346"):
            update_contact(workspace.service(), enterprise, contact_phone=phone)
            workspace.saved("已保存 联系电话", "enterprise", enterprise)
        edited = time.monotonic()
        with qtbot.waitSignal(scheduler.started, timeout=3_000):
            pass
        assert time.monotonic() - edited >= 0.5
        with qtbot.waitSignal(scheduler.finished, timeout=5_000):
            pass
    with store.db.read() as session:
        assert sync_summary(session).pending == 0


def test_closing_the_window_during_a_sync_stops_it_and_keeps_the_unsent_change(
        qtbot: QtBot, store: Store, db_url: str, sample: Sample,
        open_window: OpenWindow) -> None:
    port = free_port()
    with running_server(db_url, port=port):
        add_user(db_url, "clerk01", name="刘晓燕", role="county_clerk")  # the one at work
        proxy = SlowProxy(port, delay=0.5)
        try:
            sign_in(store, Credentials(), server_url=proxy.url, username="clerk01",
                    password=PASSWORD)
            save_settings(Settings(server_url=proxy.url))
            window = open_window()
            enterprise = sample.enterprise("珲春市鑫源建筑工程有限公司")
            update_contact(window.workspace.service(), enterprise, contact_phone="13943312345")
            with qtbot.waitSignal(window.sync.progress, timeout=5_000):
                window.sync.sync_now()
            closing = time.monotonic()
            window.close()
            assert time.monotonic() - closing < window.sync.timing.stop_wait_s
        finally:
            proxy.close()
    assert not window.sync.running
    with store.db.read() as session:
        summary = sync_summary(session)
    assert summary.last_error == "同步已停止，已完成的部分已保存"
    assert summary.pending == 1
