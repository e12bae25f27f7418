"""Shared fixtures: every test gets its own fresh database file and data folder."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from jjg_desktop.config import Paths, resolve_paths
from jjg_desktop.services.context import Actor, ServiceContext, Store
from jjg_desktop.services.startup import open_store, set_profile
from jjg_desktop.sync import outbox_check

outbox_check.install()


@pytest.fixture(autouse=True)
def commands_keep_the_catalogue(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """Every outbox command a test makes is one the server's catalogue accepts."""
    yield
    broken = [r.getMessage() for when in ("setup", "call") for r in caplog.get_records(when)
              if "breaks the command catalogue" in r.getMessage()]
    assert broken == []


class FixedClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(autouse=True)
def config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Settings go to the test's own folder, never to the real home's."""
    folder = tmp_path / "config"
    monkeypatch.setenv("JJG_CONFIG_DIR", str(folder))
    return folder


@pytest.fixture
def paths(tmp_path: Path) -> Paths:
    return resolve_paths(data_dir=tmp_path / "data")


@pytest.fixture
def store(paths: Paths) -> Iterator[Store]:
    s = open_store(paths)
    yield s
    s.close()


@pytest.fixture
def actor(store: Store) -> Actor:
    return set_profile(store, username="clerk01", display_name="刘晓燕", role="county_clerk",
                       division_code="222404")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 5, 18, 9, 30))


@pytest.fixture
def ctx(store: Store, actor: Actor, clock: FixedClock) -> ServiceContext:
    return ServiceContext(store=store, actor=actor, clock=clock)
