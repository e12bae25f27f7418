"""`jjg-server load client-db`: a client database's synced records become server records.

Every synced row is copied as version 1 of its record with one change-log entry, parents
first, so clients pulling it can apply each row as it comes. Records the server already has
are left as they are. The client's attachment files go into the server's files folder.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from jjg_desktop.config import resolve_paths
from jjg_desktop.services.context import audit_safe
from jjg_desktop.store import synced_rows as rows
from jjg_desktop.store.database import Database
from jjg_desktop.store.migrate import current_revision
from jjg_desktop.store.models import Blob, SyncState, UserProfile
from jjg_desktop.store.revision import SCHEMA_HEAD
from jjg_server import entities, records
from jjg_server.files import FileStore
from jjg_server.placement import Placer
from jjg_server.records import Writer
from jjg_server.store import Record

COMMAND = "load.client_db"


class LoadError(ValueError):
    """The file cannot be loaded; the message is Chinese."""


@dataclass(slots=True)
class Loaded:
    records: Counter[str] = field(default_factory=Counter)
    skipped: int = 0
    files: int = 0
    files_missing: int = 0

    def describe(self) -> str:
        parts = "，".join(f"{entities.label(e)} {n}" for e, n in self.records.items())
        return (f"已载入 {sum(self.records.values())} 条记录（{parts or '无'}），"
                f"服务器已有而跳过 {self.skipped} 条；附件文件 {self.files} 个"
                + (f"，缺失 {self.files_missing} 个" if self.files_missing else ""))


def load_client_db(engine: Engine, files: FileStore, path: Path,
                   attachments_dir: Path | None = None) -> Loaded:
    """Copy every synced row of the client database at ``path`` into the server."""
    if not path.is_file():
        raise LoadError(f"找不到客户端数据库文件：{path}")
    attachments_dir = attachments_dir or resolve_paths(db=path).attachments_dir
    client = Database(path)
    loaded = Loaded()
    try:
        _check_schema(client, path)
        with client.read() as source, Session(engine) as target, target.begin():
            client_id, division = _identity(source)
            writer = Writer(f"load:{client_id}", "", COMMAND)
            placer = Placer(target, division=division, username="", strict=False)
            now = datetime.now(UTC)
            models = rows.synced_models()
            for entity in entities.load_order():
                model = models[entity]
                for row in source.scalars(select(model).order_by(model.created_at, model.id)):
                    key = (entity, row.id)
                    if target.get(Record, key) is not None:
                        loaded.skipped += 1
                        continue
                    data = audit_safe(rows.snapshot(row))  # as the client sends rows
                    records.write(target, key, None, data, now=now, writer=writer,
                                  place=placer.place(entity, row.id, data),
                                  deleted=row.deleted_at is not None)
                    loaded.records[entity] += 1
            for blob in source.scalars(select(Blob)):
                _copy_file(files, attachments_dir / blob.rel_path, blob.sha256, loaded)
    finally:
        client.close()
    return loaded


def _check_schema(client: Database, path: Path) -> None:
    try:
        with client.engine.connect() as conn:
            revision = current_revision(conn)
    except DBAPIError as exc:
        raise LoadError(f"{path.name} 不是可读取的吉建管客户端数据库") from exc
    if revision != SCHEMA_HEAD:
        raise LoadError(f"{path.name} 不是当前版本的吉建管客户端数据库（结构版本 "
                        f"{revision or '无'}，需要 {SCHEMA_HEAD}）；请先用当前版本的吉建管打开一次")


def _identity(session: Session) -> tuple[str, str]:
    """The client's id and its active user's division (where records with no division of
    their own, and no parent, belong)."""
    state = session.get(SyncState, 1)
    profile = session.scalars(select(UserProfile).where(UserProfile.active)).first()
    return (state.client_id if state is not None else "unknown",
            profile.division_code if profile is not None else "220000")


def _copy_file(files: FileStore, source: Path, sha256: str, loaded: Loaded) -> None:
    if files.has(sha256):
        loaded.files += 1
        return
    if not source.is_file() or files.add_copy(source) != sha256:
        loaded.files_missing += 1
        return
    loaded.files += 1
