"""Chinese labels for the codes the store keeps (states, methods, commands) and for dates.

Unknown codes are shown as stored: a state the province adds later still reads as itself.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

from jjg_desktop.rules.china_time import CHINA
from jjg_desktop.rules.record_names import COMMAND_NAMES, ENTITY_NAMES

_CONTEXT = "Labels"

INSPECTION_STATUS = {
    "planned": QT_TRANSLATE_NOOP("Labels", "计划"),
    "in_progress": QT_TRANSLATE_NOOP("Labels", "检查中"),
    "completed": QT_TRANSLATE_NOOP("Labels", "已完成"),
}

INSPECTION_METHOD = {
    "unannounced": QT_TRANSLATE_NOOP("Labels", "四不两直"),
    "routine": QT_TRANSLATE_NOOP("Labels", "日常检查"),
    "special": QT_TRANSLATE_NOOP("Labels", "专项检查"),
    "reinspection": QT_TRANSLATE_NOOP("Labels", "复查"),
}

OUTBOX_COMMAND = COMMAND_NAMES

OUTBOX_STATE = {
    "pending": QT_TRANSLATE_NOOP("Labels", "待发送"),
    "sent": QT_TRANSLATE_NOOP("Labels", "已发送"),
    "applied": QT_TRANSLATE_NOOP("Labels", "服务器已接受"),
    "duplicate": QT_TRANSLATE_NOOP("Labels", "服务器已接受"),
    "rejected": QT_TRANSLATE_NOOP("Labels", "服务器拒绝"),
}

ENTITY = ENTITY_NAMES


def label(table: dict[str, str], code: str) -> str:
    text = table.get(code)
    return QCoreApplication.translate(_CONTEXT, text) if text else code


def day(value: date | None) -> str:
    return value.isoformat() if value else ""


def local_time(utc: datetime | None) -> str:
    """A stored UTC time as China time, the time the documents print, whatever the
    laptop's own time zone."""
    if utc is None:
        return ""
    return f"{utc.replace(tzinfo=UTC).astimezone(CHINA):%Y-%m-%d %H:%M}"


def calendar_caveat(deadline: date | None, today: date, *, short: bool = False) -> str:
    """Said beside a deadline that runs into a year whose public holidays the shipped
    calendar does not hold yet (the province publishes each year's): it was counted with
    weekends only."""
    if deadline is None:
        return ""
    from jjg_desktop.store.rulebook import work_calendar  # not before the first paint

    years = work_calendar().unknown_years(min(today, deadline), deadline)
    if not years:
        return ""
    named = "、".join(f"{y}年" for y in years)
    if short:
        return QCoreApplication.translate("Labels", "（{years}假日未公布，按双休日计）").format(
            years=named)
    return QCoreApplication.translate(
        "Labels", "（{years}法定节假日安排尚未公布，期限暂按双休日推算，以国务院公布的安排为准）"
    ).format(years=named)
