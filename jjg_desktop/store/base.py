"""Declarative base, naming convention and the columns every synced record carries."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from sqlalchemy import DateTime, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


_id_source: ContextVar[Callable[[], str] | None] = ContextVar("jjg_id_source", default=None)


def new_id() -> str:
    source = _id_source.get()
    return source() if source is not None else str(uuid.uuid4())


NATURAL_IDS = uuid.UUID("6f1f6d4e-3c1a-5b7e-9a43-6a2b1f0c8d21")


def natural_id(kind: str, *key: str) -> str:
    """The id of the one record of ``kind`` with this natural key, the same on every laptop,
    so two laptops creating it offline make one record (and a conflict), not two."""
    return str(uuid.uuid5(NATURAL_IDS, "\x1f".join((kind, *key))))


@contextmanager
def id_source(source: Callable[[], str]) -> Iterator[None]:
    """Make ids from `source` inside the block (a seeded demo build is reproducible)."""
    token = _id_source.set(source)
    try:
        yield
    finally:
        _id_source.reset(token)


class Synced:
    """A record the provincial server shares: client-made UUID, server version, tombstone."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    server_version: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime, default=None)
