"""The sync token lives in the OS keyring and nowhere else (never in files or logs).

With no usable keyring backend the token is kept in memory for this run only, and the
user is told why they will have to log in again after a restart.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends.fail import Keyring as FailKeyring

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


class Credentials:
    """Where this program keeps the token of each server it has logged in to."""

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        if backend is None:
            try:
                backend = keyring.get_keyring()
            except Exception as exc:  # a misconfigured keyring must not stop the program
                log.warning("no keyring backend (%s)", exc.__class__.__name__)
                backend = FailKeyring()
        self._backend = backend
        self.available = _usable(self._backend)
        self._memory: dict[str, Login] = {}

    @property
    def warning(self) -> str:
        return "" if self.available else NO_KEYRING

    def save(self, login: Login) -> None:
        self._memory[login.server_url] = login
        if not self.available:
            return
        try:
            self._backend.set_password(SERVICE, _key(login.server_url), login.username)
            self._backend.set_password(SERVICE, _token_key(login.server_url), login.token)
        except keyring.errors.KeyringError as exc:
            log.warning("keyring refused the token (%s); kept in memory only",
                        exc.__class__.__name__)
            self.available = False

    def load(self, server_url: str) -> Login | None:
        if server_url in self._memory:
            return self._memory[server_url]
        if not self.available:
            return None
        try:
            username = self._backend.get_password(SERVICE, _key(server_url))
            token = self._backend.get_password(SERVICE, _token_key(server_url))
        except keyring.errors.KeyringError as exc:
            log.warning("keyring could not be read (%s)", exc.__class__.__name__)
            return None
        if not username or not token:
            return None
        return Login(server_url, username, token)

    def forget(self, server_url: str) -> None:
        self._memory.pop(server_url, None)
        if not self.available:
            return
        for key in (_key(server_url), _token_key(server_url)):
            try:
                self._backend.delete_password(SERVICE, key)
            except keyring.errors.PasswordDeleteError:
                pass
            except keyring.errors.KeyringError as exc:
                log.warning("keyring could not forget a login (%s)", exc.__class__.__name__)


def _key(server_url: str) -> str:
    return f"{server_url}#user"


def _token_key(server_url: str) -> str:
    return f"{server_url}#token"
