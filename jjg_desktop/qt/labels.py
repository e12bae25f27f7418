"""Chinese labels for the codes the store keeps (states, methods, commands) and for dates.

Unknown codes are shown as stored: a state the province adds later still reads as itself.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication

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

OUTBOX_COMMAND = {
    "enterprise.register": QT_TRANSLATE_NOOP("Labels", "入吉信息登记"),
    "enterprise.update_contact": QT_TRANSLATE_NOOP("Labels", "修改企业联系方式"),
    "enterprise.update_registration": QT_TRANSLATE_NOOP("Labels", "修改入吉登记信息"),
    "enterprise_fact.record": QT_TRANSLATE_NOOP("Labels", "记录企业情况"),
    "verification.record": QT_TRANSLATE_NOOP("Labels", "动态核查"),
    "case.transition": QT_TRANSLATE_NOOP("Labels", "异常名录案件办理"),
    "draw.make": QT_TRANSLATE_NOOP("Labels", "双随机抽取"),
    "pool.add_member": QT_TRANSLATE_NOOP("Labels", "执法人员库添加成员"),
    "pool.add_employment": QT_TRANSLATE_NOOP("Labels", "记录人员任职经历"),
    "signature.add": QT_TRANSLATE_NOOP("Labels", "签名"),
    "inspection.plan": QT_TRANSLATE_NOOP("Labels", "计划检查"),
    "inspection.answer": QT_TRANSLATE_NOOP("Labels", "填写检查表"),
}

OUTBOX_STATE = {
    "pending": QT_TRANSLATE_NOOP("Labels", "待发送"),
    "sent": QT_TRANSLATE_NOOP("Labels", "已发送"),
    "applied": QT_TRANSLATE_NOOP("Labels", "服务器已接受"),
    "duplicate": QT_TRANSLATE_NOOP("Labels", "服务器已接受"),
    "rejected": QT_TRANSLATE_NOOP("Labels", "服务器拒绝"),
}

ENTITY = {
    "enterprise": QT_TRANSLATE_NOOP("Labels", "企业"),
    "enterprise_fact": QT_TRANSLATE_NOOP("Labels", "企业情况"),
    "project": QT_TRANSLATE_NOOP("Labels", "项目"),
    "inspection": QT_TRANSLATE_NOOP("Labels", "检查"),
    "inspection_answer": QT_TRANSLATE_NOOP("Labels", "检查表"),
    "inspection_draw": QT_TRANSLATE_NOOP("Labels", "双随机抽取"),
    "verification": QT_TRANSLATE_NOOP("Labels", "动态核查"),
    "abnormal_case": QT_TRANSLATE_NOOP("Labels", "异常名录案件"),
    "signature": QT_TRANSLATE_NOOP("Labels", "签名"),
}


def label(table: dict[str, str], code: str) -> str:
    text = table.get(code)
    return QCoreApplication.translate(_CONTEXT, text) if text else code


def day(value: date | None) -> str:
    return value.isoformat() if value else ""


def local_time(utc: datetime | None) -> str:
    """A stored UTC time as the user's wall-clock time."""
    if utc is None:
        return ""
    return f"{utc.replace(tzinfo=UTC).astimezone():%Y-%m-%d %H:%M}"
