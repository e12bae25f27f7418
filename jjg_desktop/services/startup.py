"""Opening a store: folders, schema, reference data, this client's identity, the active user."""

from __future__ import annotations

import logging
import sqlite3
from datetime import date
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import DatabaseError

from jjg_desktop.config import Paths
from jjg_desktop.services.context import Actor, Change, ServiceContext, Store, change
from jjg_desktop.services.errors import DiskFull, InvalidInput
from jjg_desktop.store import divisions, record_seals
from jjg_desktop.store.backups import (
    BackupError,
    DamagedDatabase,
    daily_at_start,
    integrity_problems,
    make_daily,
    restore,
)
from jjg_desktop.store.base import new_id
from jjg_desktop.store.checklists import install_shipped_templates
from jjg_desktop.store.database import Database
from jjg_desktop.store.errors import is_disk_full
from jjg_desktop.store.migrate import ensure_schema
from jjg_desktop.store.models import Division, SyncState, UserProfile
from jjg_desktop.store.read import first_screen
from jjg_desktop.store.rulebook import install_published

ROLES = {
    "inspector": "执法检查人员",
    "county_clerk": "县级住建局",
    "prefecture_reviewer": "市州审核",
    "province_admin": "省厅",
}


log = logging.getLogger(__name__)


def open_store(paths: Paths, *, today: date | None = None,
               defer_large_backup: bool = False) -> Store:
    """Create or upgrade the database (backing it up first) and load reference data; then
    the day's backup when due, and rotation of old backups. With `defer_large_backup` a
    database over `backups.LARGE_DB_BYTES` is not backed up here: the GUI does it once its
    window is up (`backups.daily_due` / `backups.make_daily`).

    A file SQLite cannot read raises `DamagedDatabase` (the file is left as it is).
    """
    paths.data_dir.mkdir(parents=True, exist_ok=True)
    paths.db_path.parent.mkdir(parents=True, exist_ok=True)
    db = Database(paths.db_path)
    try:
        try:
            outcome = ensure_schema(db, paths.backups_dir)
            with db.write() as session:
                record_seals.baseline(session)
            db.sealing = True
            with db.write() as session:
                divisions.load_reference(session)
                install_shipped_templates(session)
                install_published(session)
                if session.get(SyncState, 1) is None:
                    session.add(SyncState(id=1, client_id=new_id()))
        except (DatabaseError, sqlite3.DatabaseError, BackupError) as exc:
            _raise_if_damaged(paths, exc)
            raise
        if not outcome.created and not (defer_large_backup and not daily_at_start(paths)):
            _daily_backup(paths, today or date.today())
    except BaseException:
        db.close()
        raise
    return Store(db=db, paths=paths)


def _raise_if_damaged(paths: Paths, exc: Exception) -> None:
    """Opening failed: a full disk is said as one; otherwise a quick check tells a damaged
    file from a busy or missing one."""
    if is_disk_full(exc):
        raise DiskFull(paths.data_dir) from exc
    problem = integrity_problems(paths.db_path, quick=True)
    if problem is not None:
        raise DamagedDatabase(paths.db_path, problem) from exc


def _daily_backup(paths: Paths, today: date) -> None:
    """A failed daily backup does not stop the start, unless it found the file damaged."""
    try:
        make_daily(paths, today)
    except BackupError as exc:
        _raise_if_damaged(paths, exc)
        log.warning("每日备份未完成：%s", exc)


def restore_and_open(paths: Paths, backup: Path) -> Store:
    """Replace the (closed) database with `backup`, keeping the current file as a backup
    first, then open it as at start."""
    restore(backup, paths.db_path, paths.backups_dir)
    return open_store(paths)


def demo_as_of(store: Store) -> date | None:
    """The date a demo database is frozen at; None for real data."""
    with store.db.read() as session:
        return first_screen.demo_as_of(session)


def active_actor(store: Store) -> Actor | None:
    with store.db.read() as session:
        profile = first_screen.active_profile(session)
    return actor_of(profile) if profile else None


def actor_of(profile: first_screen.Profile) -> Actor:
    return Actor(username=profile.username, display_name=profile.display_name,
                 role=profile.role, division_code=profile.division_code)


def set_profile(store: Store, *, username: str, display_name: str, role: str,
                division_code: str, enforcement_cert_no: str | None = None) -> Actor:
    """Make this user the one working on this machine (a local setting, not synced)."""
    username, display_name = username.strip(), display_name.strip()
    if not username or not display_name:
        raise InvalidInput("请填写用户名和姓名")
    if role not in ROLES:
        raise InvalidInput(f"未知的角色：{role}")
    actor = Actor(username=username, display_name=display_name, role=role,
                  division_code=division_code)
    ctx = ServiceContext(store=store, actor=actor)
    with change(ctx) as ch:
        if ch.session.get(Division, division_code) is None:
            raise InvalidInput(f"未知的行政区划代码：{division_code}")
        _activate(ch, actor, enforcement_cert_no)
    return actor


def _activate(ch: Change, actor: Actor, enforcement_cert_no: str | None) -> None:
    for other in ch.session.scalars(select(UserProfile).where(UserProfile.active)):
        other.active = False
    profile = ch.session.get(UserProfile, actor.username)
    if profile is None:
        profile = UserProfile(username=actor.username)
        ch.session.add(profile)
    profile.display_name = actor.display_name
    profile.role = actor.role
    profile.division_code = actor.division_code
    profile.enforcement_cert_no = enforcement_cert_no
    profile.active = True
    ch.record(action="profile.activate", entity="user_profile", entity_id=actor.username,
              data={"role": actor.role, "division": actor.division_code}, sync=False)
