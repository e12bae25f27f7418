"""Each server test gets a fresh database, on SQLite and (with JJG_TEST_PG_URL) PostgreSQL;
`server` is a real jjg_server serving it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from jjg_server import store
from server_support import running_server, server_db_url

__all__ = ["server_db_url"]


@pytest.fixture
def db_url(server_db_url: str) -> str:
    return server_db_url


@pytest.fixture
def sqlite_path(tmp_path: Path) -> Path:
    """A SQLite server database for tests about the file itself."""
    return tmp_path / "server-file.sqlite3"


@pytest.fixture
def files_dir(tmp_path: Path) -> Path:
    return tmp_path / "files"


@pytest.fixture
def server(db_url: str, files_dir: Path) -> Iterator[str]:
    with running_server(db_url, files_dir) as base:
        yield base


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    e = store.open_db(db_url)
    yield e
    e.dispose()
