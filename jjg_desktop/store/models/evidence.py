"""Files (photos, signatures, call logs) stored once by SHA-256, and what they belong to."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from jjg_desktop.store.base import Base, Synced


class Blob(Base):
    """A file in the attachment store; the same bytes are stored once."""

    __tablename__ = "blob"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    mime: Mapped[str] = mapped_column(String(64))
    rel_path: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    uploaded: Mapped[bool] = mapped_column(default=False)


class Attachment(Synced, Base):
    """A file attached to a record (an answer, a verification, a case…)."""

    __tablename__ = "attachment"

    sha256: Mapped[str] = mapped_column(ForeignKey("blob.sha256"), index=True)
    owner_kind: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[str] = mapped_column(String(36))
    purpose: Mapped[str] = mapped_column(String(16), default="photo")
    caption: Mapped[str] = mapped_column(String(200), default="")
    original_name: Mapped[str] = mapped_column(String(200), default="")
    taken_at: Mapped[datetime | None] = mapped_column(DateTime)
    gps_lat: Mapped[float | None] = mapped_column(Float)
    gps_lon: Mapped[float | None] = mapped_column(Float)

    __table_args__ = (Index("ix_attachment_owner", "owner_kind", "owner_id"),)


class Signature(Synced, Base):
    __tablename__ = "signature"

    owner_kind: Mapped[str] = mapped_column(String(32))
    owner_id: Mapped[str] = mapped_column(String(36))
    signer_role: Mapped[str] = mapped_column(String(20))
    signer_name: Mapped[str] = mapped_column(String(64))
    sha256: Mapped[str] = mapped_column(ForeignKey("blob.sha256"))
    signed_at: Mapped[datetime] = mapped_column(DateTime)

    __table_args__ = (Index("ix_signature_owner", "owner_kind", "owner_id"),)
