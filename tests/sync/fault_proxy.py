"""A TCP proxy between the client and a live server that breaks things on purpose.

Faults are matched on the request line seen in the client's bytes (``b"POST /sync/v1/push"``)
and fire once each, in the order added:
- ``lose_response``: the request reaches the server (which commits), the reply never
  reaches the client;
- ``cut_request``: only ``after_bytes`` of the request (from the request line on) reach the
  server, then both sides are closed;
- ``refuse``: the connection is closed before anything is forwarded.
``partitioned`` refuses every connection and cuts the open ones until it is lifted.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

BUFFER = 65536


@dataclass
class Fault:
    match: bytes
    action: str
    after_bytes: int = 0
    fired: bool = False


class FaultProxy:
    def __init__(self, upstream_port: int) -> None:
        self.upstream = ("127.0.0.1", upstream_port)
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self.port = self._listener.getsockname()[1]
        self._faults: list[Fault] = []
        self._lock = threading.Lock()
        self._open: set[socket.socket] = set()
        self._partitioned = False
        self._closing = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def add(self, match: bytes, action: str, after_bytes: int = 0) -> Fault:
        fault = Fault(match, action, after_bytes)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear(self) -> None:
        """Forget the faults that have not fired."""
        with self._lock:
            self._faults.clear()

    @contextlib.contextmanager
    def partitioned(self) -> Iterator[None]:
        self.partition(True)
        try:
            yield
        finally:
            self.partition(False)

    def partition(self, on: bool) -> None:
        with self._lock:
            self._partitioned = on
            victims = list(self._open) if on else []
        for s in victims:
            _close(s)

    def close(self) -> None:
        self._closing = True
        _close(self._listener)
        with self._lock:
            victims = list(self._open)
        for s in victims:
            _close(s)
        self._thread.join(5)

    # --- plumbing ----------------------------------------------------------------------

    def _accept(self) -> None:
        while not self._closing:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self._partitioned:
                _close(client)
                continue
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _track(self, *socks: socket.socket) -> None:
        with self._lock:
            self._open.update(socks)

    def _untrack(self, *socks: socket.socket) -> None:
        with self._lock:
            self._open.difference_update(socks)

    def _take(self, data: bytes) -> tuple[Fault, int] | None:
        with self._lock:
            for fault in self._faults:
                if not fault.fired and (at := data.find(fault.match)) >= 0:
                    fault.fired = True
                    return fault, at
        return None

    def _serve(self, client: socket.socket) -> None:
        try:
            upstream = socket.create_connection(self.upstream, timeout=10)
        except OSError:
            _close(client)
            return
        upstream.settimeout(None)
        self._track(client, upstream)
        state = {"drop_replies": False}
        back = threading.Thread(target=self._pump_back, args=(upstream, client, state),
                                daemon=True)
        back.start()
        try:
            while True:
                data = client.recv(BUFFER)
                if not data:
                    break
                hit = self._take(data)
                if hit is not None:
                    fault, at = hit
                    if fault.action == "refuse":
                        break
                    if fault.action == "cut_request":
                        upstream.sendall(data[:at + fault.after_bytes])
                        remaining = fault.after_bytes - (len(data) - at)
                        while remaining > 0:
                            more = client.recv(min(BUFFER, remaining))
                            if not more:
                                break
                            upstream.sendall(more)
                            remaining -= len(more)
                        time.sleep(0.2)
                        break
                    if fault.action == "lose_response":
                        state["drop_replies"] = True
                upstream.sendall(data)
        except OSError:
            pass
        finally:
            if state["drop_replies"]:
                back.join(5)
            _close(client)
            _close(upstream)
            self._untrack(client, upstream)

    @staticmethod
    def _pump_back(upstream: socket.socket, client: socket.socket,
                   state: dict[str, bool]) -> None:
        try:
            while True:
                data = upstream.recv(BUFFER)
                if not data:
                    break
                if state["drop_replies"]:
                    _close(client)  # the server has answered (so it committed): cut the client
                    break
                client.sendall(data)
        except OSError:
            pass
        finally:
            _close(client)


def _close(s: socket.socket) -> None:
    with contextlib.suppress(OSError):
        s.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        s.close()
