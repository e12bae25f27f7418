"""What a destination can ask a page to show (`Destination.preset`), by page: the dashboard
and other areas open a list through these names, never through the page's module."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QColor


@dataclass(frozen=True, slots=True)
class Destination:
    """A place in the window: a page, optionally one record on it or a preset filter."""

    page: str
    record_id: str = ""
    preset: str = ""


# 检查
THIS_YEAR = "this_year"
"""Inspections dated this year."""
OPEN_FORM = "form"
"""Open the record in the inspection form (not only show it in the list)."""

# 项目
ACTIVE = "在建"
"""Projects under construction (also the status filter's value)."""

# 入吉企业: the presets of the page, and the 来源 choices
ALL = "all"
IN_PROVINCE = "in_province"
OUT_OF_PROVINCE = "out_of_province"

# 异常名录
OPEN = "open"
"""Cases still being handled."""
MINE = "mine"
"""Cases waiting on this user's level, in their scope."""
OVERDUE, CLOSED = "overdue", "closed"
STATE_PREFIX = "state:"

OVERDUE_COLORS = (QColor("#991b1b"), QColor("#fde8e8"))
ESCALATION_COLORS = (QColor("#9a3412"), QColor("#fff4e5"))
