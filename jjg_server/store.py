"""The server database: typed SQLAlchemy 2 models and opening a database by URL.

Portable SQL only (SQLite and PostgreSQL). Times are stored as naive UTC and read back as
aware UTC, so both engines behave the same. The schema is made and upgraded by the server's
own Alembic migrations (`jjg_server.schema`).
"""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Engine,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
    create_engine,
    event,
    func,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SEQ = BigInteger().with_variant(Integer, "sqlite")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC in Python, naive UTC in the database."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ServerState(Base):
    """One row: the epoch names this database; a restored backup answers with its own."""

    __tablename__ = "server_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    epoch: Mapped[str] = mapped_column(String(32))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class User(Base):
    __tablename__ = "user_account"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(32))
    division_code: Mapped[str] = mapped_column(String(12))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Token(Base):
    """A session token, kept only as the SHA-256 of what the client holds."""

    __tablename__ = "token"
    __table_args__ = (Index("ix_token_expires_at", "expires_at"),)

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(ForeignKey("user_account.username"))
    client_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ChangeLog(Base):
    """Committed changes in commit order; ``seq`` is the pull cursor.

    Who wrote each change (client, user, command) decides conflicts; ``scope`` (a division
    code, or ``22`` for the whole province) and ``audience`` (usernames; None: everyone in
    scope) decide who pulls it.
    """

    __tablename__ = "change_log"
    __table_args__ = (Index("ix_change_log_entity_id", "entity", "id"),)

    seq: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(32))
    record_id: Mapped[str] = mapped_column("id", String(64))
    version: Mapped[int] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    committed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    client_id: Mapped[str] = mapped_column(String(64), default="")
    username: Mapped[str] = mapped_column(String(64), default="")
    command: Mapped[str] = mapped_column(String(64), default="")
    scope: Mapped[str] = mapped_column(String(12), default="22")
    audience: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True), default=None)


class ChangeAudience(Base):
    """One reader of a change with an audience: what a pull filters on."""

    __tablename__ = "change_audience"

    seq: Mapped[int] = mapped_column(SEQ, ForeignKey("change_log.seq"), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), primary_key=True)


class Record(Base):
    """The server's current state of one synced record; ``version`` counts its changes.

    ``scope`` and ``audience`` are those of its latest change; ``parent_*`` names the record
    it hangs under (an answer's inspection), so children inherit where they may be seen.
    """

    __tablename__ = "record"
    __table_args__ = (Index("ix_record_parent", "parent_entity", "parent_id"),)

    entity: Mapped[str] = mapped_column(String(32), primary_key=True)
    record_id: Mapped[str] = mapped_column("id", String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    scope: Mapped[str] = mapped_column(String(12), default="22")
    audience: Mapped[list[str] | None] = mapped_column(JSON(none_as_null=True), default=None)
    parent_entity: Mapped[str | None] = mapped_column(String(32), default=None)
    parent_id: Mapped[str | None] = mapped_column(String(64), default=None)


class AppliedCommand(Base):
    """Every command the server decided, by user, client and command id: replays are
    answered from here and never applied twice; a client id another user claims is another
    ledger."""

    __tablename__ = "applied_command"
    __table_args__ = (UniqueConstraint("client_id", "username", "command_id",
                                       name="uq_applied_command_client_user_command"),)

    seq: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=True)
    client_id: Mapped[str] = mapped_column(String(64))
    command_id: Mapped[int] = mapped_column(BigInteger)
    username: Mapped[str] = mapped_column(ForeignKey("user_account.username"))
    command: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    server_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RecordNumber(Base):
    """Which record holds a document number (检查记录、整改通知书): one record a number."""

    __tablename__ = "record_number"

    entity: Mapped[str] = mapped_column(String(32), primary_key=True)
    number: Mapped[str] = mapped_column(String(64), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(64), index=True)


class FileRef(Base):
    """A record that refers to a stored file (a photo's or a signature's): whoever may see
    one of them may fetch the file."""

    __tablename__ = "file_ref"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    entity: Mapped[str] = mapped_column(String(32), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(64), primary_key=True)


class FileUploader(Base):
    """A user who sent every byte of a file: they hold it, so they may be told it is here."""

    __tablename__ = "file_uploader"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), primary_key=True)


class AuditAnchor(Base):
    """The newest audit-chain head a laptop (its client id) pushed: its log must still hold
    that entry, unchanged, the next time."""

    __tablename__ = "audit_anchor"

    client_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    seq: Mapped[int] = mapped_column(SEQ)
    hash: Mapped[str] = mapped_column(String(64))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AuditAlert(Base):
    """A laptop whose audit log was found cut or rewritten (`jjg-server audit alerts`)."""

    __tablename__ = "audit_alert"

    id: Mapped[int] = mapped_column(SEQ, primary_key=True, autoincrement=True)
    client_id: Mapped[str] = mapped_column(String(64), index=True)
    username: Mapped[str] = mapped_column(String(64))
    detail: Mapped[str] = mapped_column(String(500))
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class PublishedWorkflow(Base):
    """A workflow definition published with `jjg-server publish workflow`; the newest rules."""

    __tablename__ = "published_workflow"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(40))
    version: Mapped[str] = mapped_column(String(20))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)


def normalize_url(db: str) -> str:
    """A URL as given, or a bare file path taken as SQLite."""
    return db if "://" in db else f"sqlite:///{db}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def _json_text(value: Any) -> str:
    """Chinese kept as itself: a third smaller than \\u escapes, and pulls splice it as is."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def connect(db: str) -> Engine:
    """An engine for the database, without touching its schema."""
    engine = create_engine(normalize_url(db), json_serializer=_json_text)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def open_db(db: str) -> Engine:
    """Open the server database, creating or upgrading its schema; it gets its epoch when
    created. A database made by a newer server, or not a server database, raises
    `schema.SchemaError` (nothing is changed)."""
    from jjg_server import schema

    engine = connect(db)
    try:
        schema.upgrade(engine)
    except BaseException:
        engine.dispose()
        raise
    with Session(engine) as session:
        if session.get(ServerState, 1) is None:
            session.add(ServerState(id=1, epoch=secrets.token_hex(16),
                                    created_at=datetime.now(UTC)))
            try:
                session.commit()
            except IntegrityError:  # another process created it first: keep theirs
                session.rollback()
    return engine


def epoch(session: Session) -> str:
    state = session.get(ServerState, 1)
    if state is None:
        raise RuntimeError("server_state missing: database not opened with open_db")
    return state.epoch


def rotate_epoch(session: Session) -> str:
    """Give the database a new epoch (after restoring a backup): clients re-download all."""
    state = session.get(ServerState, 1)
    if state is None:
        raise RuntimeError("server_state missing: database not opened with open_db")
    state.epoch = secrets.token_hex(16)
    return state.epoch


def latest_seq(session: Session) -> int:
    return session.scalar(select(func.coalesce(func.max(ChangeLog.seq), 0))) or 0
