"""Dynamic verifications of enterprises and abnormal-list (异常名录) cases."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jjg_desktop.store.base import Base, Synced


class Verification(Synced, Base):
    """One visit or call checking an enterprise's registration (动态核查)."""

    __tablename__ = "verification"

    enterprise_id: Mapped[str] = mapped_column(ForeignKey("enterprise.id"), index=True)
    registration_id: Mapped[str | None] = mapped_column(ForeignKey("jilin_registration.id"))
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    verified_on: Mapped[date] = mapped_column(Date, index=True)
    method: Mapped[str] = mapped_column(String(16))
    verifiers: Mapped[list[str]] = mapped_column(JSON, default=list)
    checks: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    notes: Mapped[str] = mapped_column(Text, default="")
    number: Mapped[str] = mapped_column(String(40), default="")
    """'珲春住建核查〔2023〕7号', one series per division and year ('' on records made before
    verifications were numbered)."""


class AbnormalCase(Synced, Base):
    __tablename__ = "abnormal_case"

    enterprise_id: Mapped[str] = mapped_column(ForeignKey("enterprise.id"), index=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    state: Mapped[str] = mapped_column(String(20), index=True)
    grounds: Mapped[list[str]] = mapped_column(JSON, default=list)
    evidence: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    deadline: Mapped[date | None] = mapped_column(Date)
    decision_no: Mapped[str] = mapped_column(String(40), default="")
    decision_date: Mapped[date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)


class CaseTransition(Synced, Base):
    """One step of a case; history is appended, never rewritten."""

    __tablename__ = "case_transition"

    case_id: Mapped[str] = mapped_column(ForeignKey("abnormal_case.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    case_version: Mapped[int] = mapped_column(Integer)
    actor: Mapped[str] = mapped_column(String(64))
    actor_name: Mapped[str] = mapped_column(String(64), default="")
    actor_role: Mapped[str] = mapped_column(String(32))
    actor_division: Mapped[str] = mapped_column(String(12))
    at: Mapped[datetime] = mapped_column(DateTime)
    server_at: Mapped[datetime | None] = mapped_column(DateTime)
    comment: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
