"""The SQLite engine: WAL, foreign keys, busy timeout, search functions; read and write sessions."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from jjg_desktop.store import record_seals
from jjg_desktop.store.errors import DiskFull, is_disk_full
from jjg_desktop.store.read.search import register_functions

BUSY_TIMEOUT_MS = 5000


def _on_connect(dbapi_conn: sqlite3.Connection, _record: Any) -> None:
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cur.close()
    register_functions(dbapi_conn)


def _on_begin(conn: Any) -> None:
    mode = "BEGIN IMMEDIATE" if conn.get_execution_options().get("jjg_write") else "BEGIN"
    conn.exec_driver_sql(mode)


def make_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


class Database:
    """One SQLite file. Reads see a consistent snapshot; writes take the lock up front."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sealing = False
        """Seal the synced rows each write transaction touches (`record_seals`); set once
        the schema is in place."""
        self.engine = make_engine(path)
        self._reader = sessionmaker(self.engine, expire_on_commit=False)
        self._writer = sessionmaker(
            self.engine.execution_options(jjg_write=True), expire_on_commit=False
        )

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self._reader() as session, session.begin():
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back whole if it raises.
        A full disk is said as one (`DiskFull`), never as a database error."""
        try:
            with self._writer() as session, session.begin():
                if self.sealing:
                    record_seals.begin(session)
                yield session
                if self.sealing:
                    record_seals.finish(session)
        except (DBAPIError, sqlite3.Error, OSError) as exc:
            if is_disk_full(exc):
                raise DiskFull(self.path.parent) from exc
            raise

    def close(self) -> None:
        """Let SQLite refresh its planner statistics where useful, then release the file."""
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA optimize")
        except (sqlite3.Error, DBAPIError):  # a damaged file: releasing it must not fail
            pass
        self.engine.dispose()
