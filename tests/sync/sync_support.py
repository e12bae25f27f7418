"""Devices for sync tests: each a real local store with its own keyring, signed in to a server."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from jjg_desktop.config import resolve_paths
from jjg_desktop.services.context import ServiceContext, Store
from jjg_desktop.services.startup import open_store
from jjg_desktop.sync.credentials import Credentials
from jjg_desktop.sync.engine import SyncReport
from jjg_desktop.sync.session import sign_in, sync_once
from tests_support import MemoryKeyring


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
