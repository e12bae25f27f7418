"""The bundled CJK font, registered at start so Chinese renders on a machine without one."""

from __future__ import annotations

import logging

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from jjg_desktop.paths import resource

log = logging.getLogger("jjg_desktop.fonts")

FONT_FILE = ("fonts", "WenQuanYiMicroHei.ttf")
MIN_POINT_SIZE = 10.0


def register_bundled_font() -> str | None:
    """Register the shipped font with Qt; its family name, or None if it cannot be read."""
    font_id = QFontDatabase.addApplicationFont(str(resource(*FONT_FILE)))
    families = QFontDatabase.applicationFontFamilies(font_id) if font_id >= 0 else []
    return families[0] if families else None


def install_bundled_font(app: QApplication) -> str | None:
    """Make the bundled font the application font, at a size comfortable for Chinese.

    Without it (a damaged installation) the system's fonts are used and the log says so.
    """
    family = register_bundled_font()
    if family is None:
        log.warning("内置中文字体 %s 无法加载，改用系统字体；请重新安装吉建管。",
                    resource(*FONT_FILE))
        return None
    font = QFont(app.font())
    font.setFamilies([family])
    font.setPointSizeF(max(font.pointSizeF(), MIN_POINT_SIZE))
    app.setFont(font)
    return family
