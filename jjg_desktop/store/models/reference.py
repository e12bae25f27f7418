"""Divisions of the three-level linkage, the local user profile and settings, and the rule
files the province publishes through sync."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from jjg_desktop.store.base import Base, Synced


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


class PublishedRule(Synced, Base):
    """A rule file the province publishes through sync: the abnormal-list workflow (its steps,
    periods and documents) or a year's holiday calendar. The newest workflow and every
    calendar received override the ones the program ships (`store.rulebook`)."""

    __tablename__ = "published_rule"

    kind: Mapped[str] = mapped_column(String(16))
    """'workflow' or 'calendar'."""
    code: Mapped[str] = mapped_column(String(40))
    version: Mapped[str] = mapped_column(String(16))
    content: Mapped[dict[str, object]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    published_on: Mapped[date] = mapped_column(Date)
