"""The sync token lives in the OS keyring and nowhere else (never in files or logs).

With no usable keyring backend the token is kept in memory for this run only, and the
user is told why they will have to log in again after a restart.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from jjg_desktop.services.context import Store
from jjg_desktop.store.models import SyncState

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

log = logging.getLogger(__name__)

SERVICE = "jjg-desktop"
NO_KEYRING = ("本机没有可用的系统密码保管库（keyring），登录令牌只保存在内存中，"
              "关闭程序后需要重新登录。")


@dataclass(frozen=True, slots=True)
class Login:
    server_url: str
    username: str
    token: str

    def __repr__(self) -> str:
        return f"Login(server_url={self.server_url!r}, username={self.username!r}, token=***)"


def _usable(backend: KeyringBackend) -> bool:
    try:
        return float(backend.priority) > 0
    except Exception:  # a backend that cannot even say its priority is not usable
        return False


def folder_key(store: Store) -> str:
    """The data folder a sign-in belongs to, by the id of its database (two folders keep two
    sign-ins; a folder moved to another disk keeps its own)."""
    with store.db.read() as session:
        state = session.get(SyncState, 1)
        return state.client_id if state is not None else ""


class Credentials:
    """Where this program keeps each signed-in account's token: one per server, user and
    data folder, so two people (or two data folders) under one system account never
    overwrite each other's sign-in.

    keyring is imported when one is made (the sync's worker makes it), not with this module:
    with its backends' entry points it costs ~30 ms of the window's start."""

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        if backend is None:
            import keyring
            from keyring.backends.fail import Keyring as FailKeyring

            try:
                backend = keyring.get_keyring()
            except Exception as exc:  # a misconfigured keyring must not stop the program
                log.warning("no keyring backend (%s)", exc.__class__.__name__)
                backend = FailKeyring()
        self._backend = backend
        self.available = _usable(self._backend)
        self._memory: dict[str, str] = {}

    @property
    def warning(self) -> str:
        return "" if self.available else NO_KEYRING

    def save(self, login: Login, folder: str = "") -> None:
        """Keep the token of ``login`` for its server, user and data ``folder``; it becomes
        the folder's last signed-in user of that server."""
        entries = {_token_key(login.server_url, folder, login.username): login.token,
                   _last_key(login.server_url, folder): login.username}
        self._memory.update(entries)
        if not self.available:
            return
        from keyring.errors import KeyringError

        try:
            for key, value in entries.items():
                self._backend.set_password(SERVICE, key, value)
        except KeyringError as exc:
            log.warning("keyring refused the token (%s); kept in memory only",
                        exc.__class__.__name__)
            self.available = False

    def _get(self, key: str) -> str | None:
        if key in self._memory:
            return self._memory[key]
        if not self.available:
            return None
        from keyring.errors import KeyringError

        try:
            return self._backend.get_password(SERVICE, key)
        except KeyringError as exc:
            log.warning("keyring could not be read (%s)", exc.__class__.__name__)
            return None

    def load(self, server_url: str, username: str | None = None,
             folder: str = "") -> Login | None:
        """The login of ``username`` (default: the folder's last signed-in user)."""
        username = username or self._get(_last_key(server_url, folder))
        if not username:
            return None
        token = self._get(_token_key(server_url, folder, username))
        return Login(server_url, username, token) if token else None

    def forget(self, server_url: str, username: str | None = None, folder: str = "") -> None:
        username = username or self._get(_last_key(server_url, folder))
        from keyring.errors import KeyringError, PasswordDeleteError

        keys = [_last_key(server_url, folder)]
        if username:
            keys.append(_token_key(server_url, folder, username))
        for key in keys:
            self._memory.pop(key, None)
            if not self.available:
                continue
            try:
                self._backend.delete_password(SERVICE, key)
            except PasswordDeleteError:
                pass
            except KeyringError as exc:
                log.warning("keyring could not forget a login (%s)", exc.__class__.__name__)


def _last_key(server_url: str, folder: str) -> str:
    return f"{server_url}#{folder}#user"


def _token_key(server_url: str, folder: str, username: str) -> str:
    return f"{server_url}#{folder}#{username}#token"
