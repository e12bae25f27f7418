"""A throw-away PostgreSQL cluster for the tests, started on first use when the machine has
PostgreSQL and `JJG_TEST_PG_URL` names none: initdb in a temporary folder, a free loopback port,
trust authentication, fsync off; stopped and removed when the test process ends. As root (CI,
containers) the server runs as the `postgres` user, as PostgreSQL requires."""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

_started: str | None = None
_failure: str | None = None


def _bin_dir() -> Path | None:
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
                      key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit()
                      else 0)
    if versions:
        return versions[-1].parent
    found = shutil.which("pg_ctl")
    return Path(found).parent if found else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def admin_url() -> str | None:
    """The URL of a role that may create databases, or None (``why_not`` says why)."""
    global _started, _failure
    if os.environ.get("JJG_TEST_PG_URL"):
        return os.environ["JJG_TEST_PG_URL"]
    if _started is None and _failure is None:
        try:
            _started = _start()
        except (OSError, subprocess.CalledProcessError) as exc:
            _failure = f"a throw-away PostgreSQL cluster did not start: {exc}"
    return _started


def why_not() -> str:
    return _failure or ("PostgreSQL is not installed (no pg_ctl; Debian package `postgresql`)"
                        if _bin_dir() is None else "")


def _start() -> str:
    bin_dir = _bin_dir()
    if bin_dir is None:
        raise OSError("PostgreSQL is not installed (no pg_ctl; Debian package `postgresql`)")
    folder = Path(tempfile.mkdtemp(prefix="jjg-test-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    data, port = folder / "data", _free_port()

    def run(*command: str) -> None:
        subprocess.run([*as_user, *command], check=True, capture_output=True, timeout=120)

    run(str(bin_dir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
        "--locale=C.UTF-8")
    run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"), "-w", "-s",
        "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
              "-c max_connections=200", "start")

    def stop() -> None:
        subprocess.run([*as_user, str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-s",
                        "stop"], capture_output=True, timeout=60, check=False)
        shutil.rmtree(folder, ignore_errors=True)

    atexit.register(stop)
    run(str(bin_dir / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", "-q",
        "-c", "CREATE ROLE jjg LOGIN CREATEDB", "-c", "CREATE DATABASE jjg_test OWNER jjg")
    return f"postgresql+psycopg://jjg@127.0.0.1:{port}/jjg_test"
