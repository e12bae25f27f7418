"""The pool of officials and experts a county draws inspection teams from, and each draw."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from jjg_desktop.store.base import Base, Synced


class PoolMember(Synced, Base):
    """An official (干部, with a law-enforcement certificate) or an expert (专家)."""

    __tablename__ = "pool_member"

    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    name: Mapped[str] = mapped_column(String(64))
    enforcement_cert_no: Mapped[str] = mapped_column(String(32), default="")
    specialty: Mapped[str] = mapped_column(String(64), default="")
    employer: Mapped[str] = mapped_column(String(200), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    username: Mapped[str | None] = mapped_column(String(64))
    active: Mapped[bool] = mapped_column(default=True)


class PoolEmployment(Synced, Base):
    """Where a pool member has worked: the record conflicts of interest are judged on."""

    __tablename__ = "pool_employment"

    member_id: Mapped[str] = mapped_column(ForeignKey("pool_member.id"), index=True)
    credit_code: Mapped[str] = mapped_column(String(18))
    enterprise_name: Mapped[str] = mapped_column(String(200), default="")
    start: Mapped[date] = mapped_column(Date)
    end: Mapped[date | None] = mapped_column(Date)


class InspectionDraw(Synced, Base):
    """One 双随机 draw, with everything needed to recompute and verify it."""

    __tablename__ = "inspection_draw"

    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    drawn_at: Mapped[datetime] = mapped_column(DateTime)
    drawn_on: Mapped[date] = mapped_column(Date)
    drawn_by: Mapped[str] = mapped_column(String(64))
    method: Mapped[str] = mapped_column(String(40))
    seed: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict[str, Any]] = mapped_column(JSON)
    candidates: Mapped[dict[str, Any]] = mapped_column(JSON)
    candidates_hash: Mapped[str] = mapped_column(String(64))
    result: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
