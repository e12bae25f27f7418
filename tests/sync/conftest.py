"""A live jjg_server on loopback (SQLite, and PostgreSQL with JJG_TEST_PG_URL), its users, a
fault proxy in front of it, and devices (real local stores) that sync through the proxy."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import urlparse

import pytest
from fault_proxy import FaultProxy
from sqlalchemy import Engine
from sync_support import Device, device

from inspection_support import Site, site
from jjg_desktop.config import resolve_paths
from jjg_desktop.services.startup import open_store
from jjg_server import store as server_store
from jjg_server.client_db import load_client_db
from jjg_server.files import FileStore
from server_support import add_user, running_server, server_db_url

__all__ = ["server_db_url"]

PASSWORD = "Jl-2026-sync"
USERS = {
    "hc_clerk": ("刘晓燕", "county_clerk", "222404"),
    "hc_inspector": ("金成浩", "inspector", "222404"),
    "yb_clerk": ("朴美兰", "county_clerk", "222401"),
    "yb_reviewer": ("崔志刚", "prefecture_reviewer", "222400"),
    "yb_reviewer2": ("李春花", "prefecture_reviewer", "222400"),
    "province": ("王海涛", "province_admin", "220000"),
}


@dataclass
class LiveServer:
    url: str
    engine: Engine
    db_url: str
    files_dir: Path
    proxy: FaultProxy


@pytest.fixture
def live(server_db_url: str, tmp_path: Path) -> Iterator[LiveServer]:
    engine = server_store.open_db(server_db_url)
    for username, (name, role, division) in USERS.items():
        add_user(engine, username, PASSWORD, name=name, role=role, division=division)
    files = tmp_path / "server-files"
    with running_server(server_db_url, files) as url:
        proxy = FaultProxy(urlparse(url).port or 80)
        try:
            yield LiveServer(url, engine, server_db_url, files, proxy)
        finally:
            proxy.close()
            engine.dispose()


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
    paths = resolve_paths(data_dir=tmp_path / "province-seed")
    seed = open_store(paths)
    try:
        made = site(seed, datetime(2026, 4, 15, 1, 0))
    finally:
        seed.close()
    load_client_db(live.engine, FileStore(live.files_dir), paths.db_path)
    return made
