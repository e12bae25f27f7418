"""The widget style and the application style sheet (resources/styles/app.qss)."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QWidget

from jjg_desktop.paths import resource


def apply_style(app: QApplication) -> None:
    app.setStyle("Fusion")
    app.setStyleSheet(resource("styles", "app.qss").read_text(encoding="utf-8"))


def set_tone(widget: QWidget, tone: str) -> None:
    """Switch a style-sheet variant (`tone` property: error, hint, overdue…) on a widget."""
    widget.setProperty("tone", tone)
    widget.style().unpolish(widget)
    widget.style().polish(widget)
