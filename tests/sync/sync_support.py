"""Devices for sync tests: each a real local store with its own keyring, signed in to a server."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from fault_proxy import FaultProxy
from sqlalchemy import Engine

from inspection_support import Site, site
from jjg_desktop.config import resolve_paths
from jjg_desktop.rules.registration import RegistrationInput
from jjg_desktop.services import cases, registry
from jjg_desktop.services.cases import StepInput
from jjg_desktop.services.context import ServiceContext, Store
from jjg_desktop.services.startup import open_store
from jjg_desktop.sync.credentials import Credentials
from jjg_desktop.sync.engine import SyncReport
from jjg_desktop.sync.session import sign_in, sync_once
from jjg_server import store as server_store
from jjg_server.client_db import load_client_db
from jjg_server.files import FileStore
from server_support import add_user, running_server
from tests_support import MemoryKeyring

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


@contextmanager
def live_server(db_url: str, folder: Path, **options: Any) -> Iterator[LiveServer]:
    """A jjg_server on loopback over ``db_url`` with the test users, behind a fault proxy;
    ``options`` go to `create_app`."""
    engine = server_store.open_db(db_url)
    for username, (name, role, division) in USERS.items():
        add_user(engine, username, PASSWORD, name=name, role=role, division=division)
    files = folder / "server-files"
    with running_server(db_url, files, **options) as url:
        proxy = FaultProxy(urlparse(url).port or 80)
        try:
            yield LiveServer(url, engine, db_url, files, proxy)
        finally:
            proxy.close()
            engine.dispose()


def publish_site(live: LiveServer, folder: Path) -> Site:
    """A project in 珲春市 with its parties and key persons, loaded on the server as the
    province publishes it."""
    paths = resolve_paths(data_dir=folder / "province-seed")
    seed = open_store(paths)
    try:
        made = site(seed, datetime(2026, 4, 15, 1, 0))
    finally:
        seed.close()
    load_client_db(live.engine, FileStore(live.files_dir), paths.db_path)
    return made


@dataclass
class Device:
    """One laptop: its own data folder, keyring and login."""

    store: Store
    server_url: str
    keyring: MemoryKeyring = field(default_factory=MemoryKeyring)

    def __post_init__(self) -> None:
        self.credentials = Credentials(self.keyring)
        self.ctx: ServiceContext | None = None

    def log_in(self, username: str, password: str) -> ServiceContext:
        actor = sign_in(self.store, self.credentials, server_url=self.server_url,
                        username=username, password=password)
        self.ctx = ServiceContext(store=self.store, actor=actor)
        return self.ctx

    def sync(self) -> SyncReport:
        return sync_once(self.store, self.credentials, server_url=self.server_url)

    def close(self) -> None:
        self.store.close()


def device(folder: Path, server_url: str) -> Device:
    return Device(open_store(resolve_paths(data_dir=folder)), server_url)


def case_decided_twice(devices: Callable[[str], Device], registration: RegistrationInput
                       ) -> tuple[str, Device, Device]:
    """A clerk proposes a case; two prefecture reviewers decide it offline, one agreeing and
    one returning it. Returns the case id and the two reviewers' laptops (nothing synced)."""
    clerk = devices("hc_clerk")
    assert clerk.ctx is not None
    ent_id = registry.register(clerk.ctx, registration)
    case_id = cases.propose(clerk.ctx, ent_id, grounds=["联系不上"],
                            step=StepInput(comment="经核查，该企业无固定办公场所", evidence=[
                                {"kind": "verification", "id": "v-1", "check": "office"}]))
    clerk.sync()
    first, second = devices("yb_reviewer"), devices("yb_reviewer2")
    first.sync()
    second.sync()
    assert first.ctx is not None and second.ctx is not None
    cases.take_step(first.ctx, case_id, "agree", base_version=1,
                    step=StepInput(comment="同意列入"))
    cases.take_step(second.ctx, case_id, "return", base_version=1,
                    step=StepInput(comment="证据不足，退回补充"))
    return case_id, first, second
