"""The server schema by its own Alembic migrations (jjg_server/migrations): upgrade or refuse.

Its version table has a name of its own, so a client database given by mistake is told apart
from a server database.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

if TYPE_CHECKING:
    from alembic.config import Config

VERSION_TABLE = "server_schema_version"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
_MIGRATION_LOCK = 0x4A4A4701  # PostgreSQL: two servers starting at once migrate one by one


class SchemaError(Exception):
    """The database cannot be used by this server; the message says why, in Chinese."""


def alembic_config(connection: Connection | None = None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = connection
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None
    return head


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def upgrade(engine: Engine) -> None:
    """Bring the database to the newest schema; refuse one this server does not know."""
    from alembic import command
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(alembic_config())
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
        current = current_revision(conn)
        if current == script.get_current_head():
            return
        if current is None and set(inspect(conn).get_table_names()) - {VERSION_TABLE}:
            raise SchemaError(f"{_where(engine)} 不是吉建管同步服务的数据库（缺少结构版本信息），"
                              "未做任何修改。请检查 --db 参数。")
        if current is not None and current not in {r.revision for r in script.walk_revisions()}:
            raise SchemaError(
                f"数据库 {_where(engine)} 由更新版本的同步服务创建（结构版本 {current}），"
                "本程序无法使用。请升级同步服务后再试；数据未做任何修改。")
        command.upgrade(alembic_config(conn), "head")


def _where(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)
