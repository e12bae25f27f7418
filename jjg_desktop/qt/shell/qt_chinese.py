"""Qt's own texts (standard buttons, the edit menu of a text field) in Simplified Chinese,
whatever the language of the machine."""

from __future__ import annotations

from PySide6.QtCore import QLibraryInfo, QLocale, QTranslator
from PySide6.QtWidgets import QApplication

CHINESE = QLocale(QLocale.Language.Chinese, QLocale.Country.China)


def install_qt_chinese(app: QApplication) -> bool:
    """False when the Qt translations are not installed (Qt's texts then stay English)."""
    QLocale.setDefault(CHINESE)
    translator = QTranslator(app)
    found = translator.load(CHINESE, "qtbase", "_",
                            QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))
    if found:
        app.installTranslator(translator)
    return found
