"""For sync tests of the GUI: users on a server database, a port where nothing listens, a
proxy that answers slowly, and a way to make a keyring the default one for a test (the
server itself: server_support.running_server; the keyring: tests_support.MemoryKeyring)."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator

import keyring
import keyring.errors
from keyring.backend import KeyringBackend

import server_support
from jjg_server import store

PASSWORD = "Jl-检查-2026!"
STARTUP_TIMEOUT = 10.0


@contextlib.contextmanager
def using_keyring(backend: KeyringBackend) -> Iterator[KeyringBackend]:
    previous = keyring.get_keyring()
    keyring.set_keyring(backend)
    try:
        yield backend
    finally:
        keyring.set_keyring(previous)


def free_port() -> int:
    """A loopback port nobody listens on (connecting to it is refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def add_user(db_url: str, username: str, *, name: str = "王志刚", role: str = "inspector",
             division: str = "222404") -> None:
    """A user with PASSWORD in the server database at ``db_url``."""
    engine = store.open_db(db_url)
    try:
        server_support.add_user(engine, username, PASSWORD, name=name, role=role,
                                division=division)
    finally:
        engine.dispose()


class SlowProxy:
    """Forwards to ``upstream_port`` on loopback, holding each reply back ``delay`` seconds."""

    def __init__(self, upstream_port: int, delay: float) -> None:
        self._upstream = ("127.0.0.1", upstream_port)
        self._delay = delay
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            server = socket.create_connection(self._upstream)
            self._sockets += [client, server]
            threading.Thread(target=self._pump, args=(client, server, 0.0), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, self._delay),
                             daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, target: socket.socket, delay: float) -> None:
        with contextlib.suppress(OSError):
            while chunk := source.recv(65536):
                time.sleep(delay)
                target.sendall(chunk)
        with contextlib.suppress(OSError):
            target.shutdown(socket.SHUT_WR)

    def close(self) -> None:
        self._listener.close()
        for sock in self._sockets:
            with contextlib.suppress(OSError):
                sock.close()
