"""Bring a database to the schema this program knows: create, back up and upgrade, or refuse."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text

from jjg_desktop.paths import shipped
from jjg_desktop.store.backups import make_backup
from jjg_desktop.store.database import Database
from jjg_desktop.store.revision import SCHEMA_HEAD

if TYPE_CHECKING:
    from alembic.config import Config
    from alembic.script import ScriptDirectory


_NOT_MODELLED_PREFIXES = ("enterprise_search", "project_search", "sqlite_")


def include_name(name: str | None, type_: str, _parent: object) -> bool:
    """Leave the FTS5 index tables (made by hand in a migration) out of autogenerate."""
    return not (type_ == "table" and name is not None and name.startswith(_NOT_MODELLED_PREFIXES))


class SchemaError(Exception):
    """The database cannot be opened by this program; the message says why, in Chinese."""


@dataclass(frozen=True, slots=True)
class MigrationOutcome:
    created: bool
    upgraded_from: str | None
    backup: Path | None


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(shipped("db") / "migrations"))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def is_known_revision(script: ScriptDirectory, revision: str) -> bool:
    return any(r.revision == revision for r in script.walk_revisions())


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table("alembic_version"):
        return None
    return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()


def ensure_schema(db: Database, backups_dir: Path) -> MigrationOutcome:
    with db.engine.connect() as conn:
        current = current_revision(conn)
        has_tables = bool(inspect(conn).get_table_names())
    if current == SCHEMA_HEAD:
        return MigrationOutcome(created=False, upgraded_from=None, backup=None)
    from alembic import command
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    if current == head:
        return MigrationOutcome(created=False, upgraded_from=None, backup=None)
    if current is None and has_tables:
        raise SchemaError(f"{db.path} 不是吉建管的数据库（缺少版本信息），未做任何修改。")
    if current is not None and not is_known_revision(script, current):
        raise SchemaError(
            f"数据库 {db.path} 由更新版本的吉建管创建（结构版本 {current}），"
            "本程序无法打开。请升级吉建管后再试；数据未做任何修改。"
        )
    backup = make_backup(db.path, backups_dir, f"before-{head}") if current else None
    with db.engine.begin() as conn:
        command.upgrade(alembic_config(conn), "head")
    return MigrationOutcome(created=current is None, upgraded_from=current, backup=backup)
