"""Helpers for server tests: a real jjg_server on a loopback port, users in its database."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import requests
import uvicorn
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from jjg_desktop.sync.protocol import LoginResponse
from jjg_server import auth
from jjg_server.app import create_app

STARTUP_TIMEOUT = 10.0
SHUTDOWN_TIMEOUT = 10.0

@contextmanager
def running_server(db_url: str) -> Iterator[str]:
    """Serve ``db_url`` until the block ends; yields the base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_app(db_url), log_level="warning", lifespan="on",
                            ws="none", http="h11")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("jjg_server did not start")
            time.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(SHUTDOWN_TIMEOUT)
        sock.close()
        assert not thread.is_alive(), "jjg_server did not stop"


def add_user(engine: Engine, username: str, password: str, *, name: str = "刘晓燕",
             role: str = "county_clerk", division: str = "222404") -> None:
    with Session(engine) as session, session.begin():
        auth.add_user(session, username=username, display_name=name, role=role,
                      division_code=division, password=password, now=datetime.now(UTC))


def login(base: str, username: str, password: str, client_id: str = "laptop-7f3a") -> str:
    """Log in on the running server; the bearer token."""
    reply = requests.post(f"{base}/sync/v1/login", timeout=10, json={
        "username": username, "password": password, "client_id": client_id})
    assert reply.status_code == 200, reply.text
    return LoginResponse.model_validate_json(reply.text).token
