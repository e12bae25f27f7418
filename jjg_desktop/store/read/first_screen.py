"""What the window shows before the store is opened: who works on this machine, on which day
(a demo database lives on its as-of date), and the 工作台 — read with the standard `sqlite3`,
so the first paint does not wait for SQLAlchemy. The same functions read an opened store."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from jjg_desktop.store.read.raw import Reader, rows, value
from jjg_desktop.store.revision import SCHEMA_HEAD

if TYPE_CHECKING:
    from jjg_desktop.store.read.dashboard import DashboardSnapshot

DEMO_AS_OF_KEY = "demo.as_of"


@dataclass(frozen=True, slots=True)
class Profile:
    """The user working on this machine (the active local profile)."""

    username: str
    display_name: str
    role: str
    division_code: str


def active_profile(db: Reader) -> Profile | None:
    found = rows(db, "SELECT username, display_name, role, division_code FROM user_profile "
                     "WHERE active ORDER BY username LIMIT 1")
    return Profile(*found[0]) if found else None


def demo_as_of(db: Reader) -> date | None:
    """The date a demo database is frozen at; None for real data."""
    raw = value(db, "SELECT value FROM local_setting WHERE key = :key", {"key": DEMO_AS_OF_KEY})
    if raw is None:
        return None
    stored = json.loads(raw) if isinstance(raw, str) else raw
    return date.fromisoformat(str(stored["date"]))


@dataclass(frozen=True, slots=True)
class FirstScreen:
    profile: Profile
    demo_as_of: date | None

    def today(self) -> date:
        return self.demo_as_of or date.today()


def _connect(db_path: Path) -> sqlite3.Connection | None:
    """A read-only connection to a database at this program's schema, else None (a missing,
    older, newer or foreign file goes the long way: open, upgrade or explain)."""
    if not db_path.is_file():
        return None
    conn = sqlite3.connect(db_path, timeout=5, check_same_thread=False)
    try:
        conn.execute("PRAGMA query_only = 1")
        revision = value(conn, "SELECT version_num FROM alembic_version")
    except sqlite3.Error:
        conn.close()
        return None
    if revision != SCHEMA_HEAD:
        conn.close()
        return None
    return conn


def read_first_screen(db_path: Path) -> FirstScreen | None:
    """Who and which day, or None when the window cannot be painted before the store opens
    (no database yet, another schema, no active profile, an unreadable file)."""
    conn = _connect(db_path)
    if conn is None:
        return None
    try:
        profile = active_profile(conn)
        return FirstScreen(profile, demo_as_of(conn)) if profile else None
    except (sqlite3.Error, ValueError, KeyError, TypeError):
        return None
    finally:
        conn.close()


def read_first_dashboard(db_path: Path, first: FirstScreen) -> DashboardSnapshot | None:
    """The 工作台 as the page's read model shows it, or None if the file cannot be read.
    (Runs on the start's worker thread: the read models load there, not before the paint.)"""
    from jjg_desktop.store.read.dashboard import read_dashboard

    conn = _connect(db_path)
    if conn is None:
        return None
    try:
        return read_dashboard(conn, first.profile.role, first.profile.division_code,
                              first.today())
    except sqlite3.Error:
        return None
    finally:
        conn.close()
