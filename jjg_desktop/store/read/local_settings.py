"""This installation's settings kept with its data (not synced): what its documents say of
the bureau — where a 行政处罚建议书 goes, which telephone a notice gives."""

from __future__ import annotations

from sqlalchemy.orm import Session

from jjg_desktop.store.models import LocalSetting

DOCUMENT_SETTINGS = {
    "notice.penalty_authority": ("行政处罚机关", 60),
    "notice.contact_phone": ("联系电话", 30),
}
"""key → (what people call it, longest value)."""
PENALTY_AUTHORITY, CONTACT_PHONE = DOCUMENT_SETTINGS


def document_setting(session: Session, key: str) -> str:
    setting = session.get(LocalSetting, key)
    return str(setting.value.get("name", "")) if setting else ""
