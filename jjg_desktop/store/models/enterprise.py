"""Enterprises and their registrations to work in Jilin (入吉信息登记)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import JSON, Date, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from jjg_desktop.store.base import Base, Synced


class Enterprise(Synced, Base):
    __tablename__ = "enterprise"

    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    home_province_code: Mapped[str] = mapped_column(String(6))
    home_province: Mapped[str] = mapped_column(String(20))
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    legal_representative: Mapped[str] = mapped_column(String(64), default="")
    qualifications: Mapped[list[str]] = mapped_column(JSON, default=list)
    safety_licence_no: Mapped[str] = mapped_column(String(64), default="")
    safety_licence_expiry: Mapped[date | None] = mapped_column(Date)
    address: Mapped[str] = mapped_column(String(200), default="")
    contact_person: Mapped[str] = mapped_column(String(64), default="")
    contact_phone: Mapped[str] = mapped_column(String(32), default="")
    status: Mapped[str] = mapped_column(String(16), default="正常")
    notes: Mapped[str] = mapped_column(Text, default="")

    __table_args__ = (
        Index("ix_enterprise_status_division", "status", "division_code"),
        # Covers a credit-code prefix search with its filters: no table lookups per match.
        Index("ix_enterprise_code_search", "credit_code", "deleted_at", "status",
              "home_province_code", "division_code", "id"),
    )


class JilinRegistration(Synced, Base):
    """An out-of-province enterprise's information registration to work in Jilin."""

    __tablename__ = "jilin_registration"

    enterprise_id: Mapped[str] = mapped_column(ForeignKey("enterprise.id"), index=True)
    registration_no: Mapped[str] = mapped_column(String(40), index=True)
    registered_on: Mapped[date] = mapped_column(Date)
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    office_address: Mapped[str] = mapped_column(String(200), default="")
    person_in_charge: Mapped[str] = mapped_column(String(64), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    commitments: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(16), default="有效")


class EnterpriseFact(Synced, Base):
    """Something recorded about an enterprise that can trigger a qualification check (seed 九).

    kind: 信用评价 (value = grade), 质量安全事故 (detail), 年度产值 (value = amount in 万元),
    人员变动 (detail = who and which post).
    """

    __tablename__ = "enterprise_fact"

    enterprise_id: Mapped[str] = mapped_column(ForeignKey("enterprise.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    year: Mapped[int | None] = mapped_column()
    occurred_on: Mapped[date | None] = mapped_column(Date)
    value: Mapped[str] = mapped_column(String(40), default="")
    detail: Mapped[str] = mapped_column(Text, default="")
