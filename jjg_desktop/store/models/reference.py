"""Divisions of the three-level linkage and the local user profile."""

from __future__ import annotations

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from jjg_desktop.store.base import Base


class Division(Base):
    __tablename__ = "division"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name: Mapped[str] = mapped_column(String(40))
    level: Mapped[int] = mapped_column(Integer)
    parent_code: Mapped[str | None] = mapped_column(ForeignKey("division.code"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    gb_parent_code: Mapped[str | None] = mapped_column(String(12))


class UserProfile(Base):
    """Who works on this machine: one row per login; the active one acts."""

    __tablename__ = "user_profile"

    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    display_name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(32))
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"))
    enforcement_cert_no: Mapped[str | None] = mapped_column(String(32))
    active: Mapped[bool] = mapped_column(default=False)


class LocalSetting(Base):
    """A setting of this installation (e.g. the verification period), stored as JSON."""

    __tablename__ = "local_setting"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[dict[str, object]] = mapped_column(JSON)
