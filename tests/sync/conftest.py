"""A live jjg_server on loopback (SQLite, and PostgreSQL with JJG_TEST_PG_URL), its users, a
fault proxy in front of it, and devices (real local stores) that sync through the proxy."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sync_support import PASSWORD, USERS, Device, LiveServer, device, live_server, publish_site

from inspection_support import Site
from server_support import server_db_url

__all__ = ["PASSWORD", "USERS", "server_db_url"]

@pytest.fixture
def live(server_db_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    with live_server(server_db_url, tmp_path) as server:
        yield server


@pytest.fixture
def devices(live: LiveServer, tmp_path: Path) -> Iterator[Callable[[str], Device]]:
    """``devices("hc_clerk")``: a new laptop signed in as that user, syncing via the proxy."""
    made: list[Device] = []

    def make(username: str) -> Device:
        d = device(tmp_path / f"laptop-{len(made) + 1}-{username}", live.proxy.url)
        made.append(d)
        d.log_in(username, PASSWORD)
        return d

    yield make
    for d in made:
        d.close()


@pytest.fixture
def county_site(live: LiveServer, tmp_path: Path) -> Site:
    """A project in 珲春市 with its parties and key persons, published on the server."""
    return publish_site(live, tmp_path)
