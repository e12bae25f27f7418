"""Each server test gets a fresh SQLite file; `server` is a real jjg_server serving it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from jjg_server import store
from server_support import running_server


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "server.sqlite3"


@pytest.fixture
def db_url(db_path: Path) -> str:
    return f"sqlite:///{db_path}"


@pytest.fixture
def server(db_url: str) -> Iterator[str]:
    with running_server(db_url) as base:
        yield base


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    e = store.open_db(db_url)
    yield e
    e.dispose()
