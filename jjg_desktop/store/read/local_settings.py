"""This installation's settings kept with its data (not synced): what its documents say of
the bureau — where a 行政处罚建议书 goes, which telephone a notice gives."""

from __future__ import annotations

from sqlalchemy.orm import Session

from jjg_desktop.store.models import LocalSetting

PENALTY_AUTHORITY = "notice.penalty_authority"
CONTACT_PHONE = "notice.contact_phone"
DOCUMENT_SETTINGS = {PENALTY_AUTHORITY: ("行政处罚机关", 60), CONTACT_PHONE: ("联系电话", 30)}
"""key → (what people call it, longest value)."""


def document_setting(session: Session, key: str) -> str:
    setting = session.get(LocalSetting, key)
    return str(setting.value.get("name", "")) if setting else ""
