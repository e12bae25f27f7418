"""Drafts: what a form holds before the user saves it, kept on this machine only.

A draft is not a record: nobody else sees it, so it has no audit entry and no outbox command.
It lives in the store (`local_setting`, key `draft.<kind>.<key>`) and is written in an
ordinary write transaction, so a laptop that dies mid-form loses at most the last moments of
typing. A draft untouched for `MAX_AGE` is stale: it is ignored and removed.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from jjg_desktop.services.context import Store, utc_now
from jjg_desktop.services.errors import ServiceError
from jjg_desktop.store.models import LocalSetting

MAX_AGE = timedelta(days=30)
PREFIX = "draft."
KEY_LENGTH = 64
"""The length of `local_setting.key`."""


@dataclass(frozen=True, slots=True)
class Draft:
    data: dict[str, Any]
    saved_at: datetime
    """Naive UTC, like every stored moment."""


def setting_key(kind: str, key: str) -> str:
    """The `local_setting` key of a draft; a programming error if it cannot be stored."""
    if not kind or not key or "." in kind:
        raise ValueError(f"draft kind and key must be non-empty, kind without '.': {kind!r}")
    name = f"{PREFIX}{kind}.{key}"
    if len(name) > KEY_LENGTH:
        raise ValueError(f"draft key longer than {KEY_LENGTH} characters: {name!r}")
    return name


def save_draft(store: Store, kind: str, key: str, data: dict[str, Any], *,
               now: datetime | None = None) -> None:
    """Keep `data` (JSON-able) as the draft of `kind` for `key`, replacing any before; stale
    drafts of any form are removed in the same transaction."""
    moment = now or utc_now()
    name = setting_key(kind, key)
    value = {"saved_at": moment.isoformat(timespec="seconds"), "data": data}
    try:
        with store.db.write() as session:
            session.execute(delete(LocalSetting).where(
                LocalSetting.key.startswith(PREFIX, autoescape=True),
                LocalSetting.value["saved_at"].as_string()
                < (moment - MAX_AGE).isoformat(timespec="seconds")))
            setting = session.get(LocalSetting, name)
            if setting is None:
                session.add(LocalSetting(key=name, value=value))
            else:
                setting.value = value
    except OperationalError as exc:
        raise ServiceError(f"本机数据库暂时无法写入（{exc.orig}），草稿未保存") from exc


def find_draft(store: Store, kind: str, key: str, *,
               now: datetime | None = None) -> Draft | None:
    """The draft with the moment it was saved; None if there is none or it is stale (a stale
    or unreadable draft is removed)."""
    name = setting_key(kind, key)
    with store.db.read() as session:
        setting = session.get(LocalSetting, name)
        value = setting.value if setting else None
    if value is None:
        return None
    found = _parse(value)
    if found is None or found.saved_at < (now or utc_now()) - MAX_AGE:
        _remove_stale(store, name, value)
        return None
    return found


def load_draft(store: Store, kind: str, key: str, *,
               now: datetime | None = None) -> dict[str, Any] | None:
    """The data of the draft of `kind` for `key`; None if there is none or it is stale."""
    found = find_draft(store, kind, key, now=now)
    return found.data if found else None


def forget(session: Session, kind: str, key: str) -> None:
    """Delete the draft inside the caller's transaction: the record it drafted is being saved."""
    session.execute(delete(LocalSetting).where(LocalSetting.key == setting_key(kind, key)))


def discard_draft(store: Store, kind: str, key: str) -> None:
    """Forget the draft because the user gave it up; no draft is fine."""
    try:
        with store.db.write() as session:
            forget(session, kind, key)
    except OperationalError as exc:
        raise ServiceError(f"本机数据库暂时无法写入（{exc.orig}），草稿未删除") from exc


def _remove_stale(store: Store, name: str, value: dict[str, Any]) -> None:
    """Remove the draft read as `value`, unless a form saved a newer one meanwhile. Failing to
    tidy up is harmless: the draft is ignored all the same."""
    with contextlib.suppress(OperationalError), store.db.write() as session:
        setting = session.get(LocalSetting, name)
        if setting is not None and setting.value == value:
            session.delete(setting)


def _parse(value: dict[str, Any]) -> Draft | None:
    data, saved_at = value.get("data"), value.get("saved_at")
    if not isinstance(data, dict) or not isinstance(saved_at, str):
        return None
    try:
        return Draft(data=data, saved_at=datetime.fromisoformat(saved_at))
    except ValueError:
        return None
