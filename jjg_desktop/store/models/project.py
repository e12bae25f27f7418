"""Construction projects, the enterprises taking part and their key persons."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import Date, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from jjg_desktop.store.base import Base, Synced


class Project(Synced, Base):
    __tablename__ = "project"

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200), index=True)
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    address: Mapped[str] = mapped_column(String(200), default="")
    kind: Mapped[str] = mapped_column(String(20), default="房屋建筑")
    status: Mapped[str] = mapped_column(String(16), default="在建")
    permit_no: Mapped[str] = mapped_column(String(40), default="")
    contract_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    start_date: Mapped[date | None] = mapped_column(Date)
    planned_completion: Mapped[date | None] = mapped_column(Date)
    real_name_enabled: Mapped[bool | None] = mapped_column(default=None)


class ProjectParty(Synced, Base):
    """An enterprise in a role on a project: 建设单位, 施工单位, 监理单位, 分包单位."""

    __tablename__ = "project_party"

    project_id: Mapped[str] = mapped_column(ForeignKey("project.id"), index=True)
    enterprise_id: Mapped[str] = mapped_column(ForeignKey("enterprise.id"), index=True)
    role: Mapped[str] = mapped_column(String(16))


class KeyPerson(Synced, Base):
    """项目负责人, 总监理工程师, 技术负责人, 安全员… named for a project party."""

    __tablename__ = "key_person"

    project_id: Mapped[str] = mapped_column(ForeignKey("project.id"), index=True)
    party_id: Mapped[str] = mapped_column(ForeignKey("project_party.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(64))
    cert_no: Mapped[str] = mapped_column(String(40), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
