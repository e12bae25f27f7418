"""Checklist templates and inspections: answers, findings, notices."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from jjg_desktop.store.base import Base, Synced


class ChecklistTemplate(Synced, Base):
    """A published version of a checklist; a version in use never changes."""

    __tablename__ = "checklist_template"

    code: Mapped[str] = mapped_column(String(40))
    version: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200))
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    content_hash: Mapped[str] = mapped_column(String(64))
    published_on: Mapped[date | None] = mapped_column(Date)

    __table_args__ = (UniqueConstraint("code", "version"),)


class Inspection(Synced, Base):
    __tablename__ = "inspection"

    number: Mapped[str] = mapped_column(String(40), unique=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("project.id"), index=True)
    template_id: Mapped[str] = mapped_column(ForeignKey("checklist_template.id"))
    division_code: Mapped[str] = mapped_column(ForeignKey("division.code"), index=True)
    method: Mapped[str] = mapped_column(String(16))
    status: Mapped[str] = mapped_column(String(16), default="planned", index=True)
    planned_on: Mapped[date | None] = mapped_column(Date)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    place: Mapped[str] = mapped_column(String(200), default="")
    team: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    conclusion: Mapped[str] = mapped_column(Text, default="")
    reinspection_of: Mapped[str | None] = mapped_column(ForeignKey("inspection.id"), index=True)
    draw_id: Mapped[str | None] = mapped_column(ForeignKey("inspection_draw.id"), index=True)
    sealed: Mapped[bool] = mapped_column(default=False)


class InspectionAnswer(Synced, Base):
    __tablename__ = "inspection_answer"

    inspection_id: Mapped[str] = mapped_column(ForeignKey("inspection.id"), index=True)
    item_code: Mapped[str] = mapped_column(String(20))
    value: Mapped[str] = mapped_column(Text, default="")
    remark: Mapped[str] = mapped_column(Text, default="")
    answered_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (UniqueConstraint("inspection_id", "item_code"),)


class Finding(Synced, Base):
    """A non-compliance found on site and what must be done about it."""

    __tablename__ = "finding"

    inspection_id: Mapped[str] = mapped_column(ForeignKey("inspection.id"), index=True)
    item_code: Mapped[str] = mapped_column(String(20))
    problem: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[str] = mapped_column(Text, default="")
    requirement: Mapped[str] = mapped_column(Text, default="")
    responsible_role: Mapped[str] = mapped_column(String(16), default="")
    enterprise_id: Mapped[str | None] = mapped_column(ForeignKey("enterprise.id"), index=True)
    deadline: Mapped[date | None] = mapped_column(Date, index=True)
    status: Mapped[str] = mapped_column(String(16), default="open")
    closed_by: Mapped[str | None] = mapped_column(ForeignKey("inspection.id"))
    review_note: Mapped[str] = mapped_column(Text, default="")

    # the 工作台's overdue list: open findings by deadline
    __table_args__ = (Index("ix_finding_status_deadline", "status", "deadline"),)


class FindingReview(Synced, Base):
    """A finding looked at again on a re-inspection (复查): rectified (closed) or not (reopened).

    Made `pending` for each open finding when the re-inspection is planned, so the record of
    that re-inspection keeps its own outcomes after later re-inspections."""

    __tablename__ = "finding_review"

    inspection_id: Mapped[str] = mapped_column(ForeignKey("inspection.id"), index=True)
    finding_id: Mapped[str] = mapped_column(ForeignKey("finding.id"), index=True)
    outcome: Mapped[str] = mapped_column(String(16), default="pending")
    note: Mapped[str] = mapped_column(Text, default="")
    previous_deadline: Mapped[date | None] = mapped_column(Date)
    """The finding's deadline when the re-inspection was planned."""
    new_deadline: Mapped[date | None] = mapped_column(Date)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime)

    __table_args__ = (UniqueConstraint("inspection_id", "finding_id"),)


class RectificationNotice(Synced, Base):
    """整改通知书 or 行政处罚建议书 issued on an inspection's findings."""

    __tablename__ = "rectification_notice"

    inspection_id: Mapped[str] = mapped_column(ForeignKey("inspection.id"), index=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    kind: Mapped[str] = mapped_column(String(16), default="整改通知书")
    issued_on: Mapped[date] = mapped_column(Date)
    deadline: Mapped[date] = mapped_column(Date)
    received_by: Mapped[str] = mapped_column(String(64), default="")
    finding_ids: Mapped[list[str]] = mapped_column(JSON, default=list)
    addressed_to: Mapped[str] = mapped_column(String(120), default="")
    """Whom a 行政处罚建议书 goes to: the authority that holds the power to punish ('' for a
    整改通知书, which goes to the units its findings are charged to)."""


class InspectionAmendment(Synced, Base):
    """A change to a completed (locked) record, kept beside the original with its reason."""

    __tablename__ = "inspection_amendment"

    inspection_id: Mapped[str] = mapped_column(ForeignKey("inspection.id"), index=True)
    target: Mapped[str] = mapped_column(String(40))
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str] = mapped_column(Text)
    amended_by: Mapped[str] = mapped_column(String(64))
    amended_at: Mapped[datetime] = mapped_column(DateTime)
