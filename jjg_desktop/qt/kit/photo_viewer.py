"""A photo at full size: opened from any thumbnail (double-click or Enter), fitted to the
window or at its actual pixels, with the item's other photos a key away (← →)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, Slot
from PySide6.QtGui import QImageReader, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from jjg_desktop.qt.kit.sizing import fit_on_screen


@dataclass(frozen=True, slots=True)
class Photo:
    path: Path
    caption: str


class PhotoViewer(QDialog):
    def __init__(self, photos: list[Photo], current: int, title: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.photos, self.index = photos, current
        self._title = title
        self._pixmap = QPixmap()
        self.image = QLabel(self)
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.image.setAccessibleName(self.tr("照片"))
        self.scroll = QScrollArea(self)
        self.scroll.setWidget(self.image)
        self.scroll.setWidgetResizable(True)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption = QLabel(self)
        self.caption.setWordWrap(True)
        self.actual_button = QPushButton(self.tr("实际大小"), self)
        self.actual_button.setCheckable(True)
        self.actual_button.toggled.connect(lambda _on: self._show())
        self.previous_button = QPushButton(self.tr("← 上一张"), self)
        self.next_button = QPushButton(self.tr("下一张 →"), self)
        self.previous_button.clicked.connect(lambda: self.step(-1))
        self.next_button.clicked.connect(lambda: self.step(1))
        for key, by in ((Qt.Key.Key_Left, -1), (Qt.Key.Key_Right, 1)):
            QShortcut(QKeySequence(key), self, lambda by=by: self.step(by),
                      context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        close = QPushButton(self.tr("关闭"), self)
        close.clicked.connect(self.accept)
        for button in (self.actual_button, self.previous_button, self.next_button, close):
            button.setAutoDefault(False)
            button.setMinimumHeight(36)
        bar = QHBoxLayout()
        bar.addWidget(self.caption, 1)
        bar.addWidget(self.actual_button)
        bar.addWidget(self.previous_button)
        bar.addWidget(self.next_button)
        bar.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll, 1)
        layout.addLayout(bar)
        fit_on_screen(self, 1100, 800)
        self.scroll.viewport().installEventFilter(self)
        self._load()

    @Slot()
    def step(self, by: int) -> None:
        target = self.index + by
        if 0 <= target < len(self.photos):
            self.index = target
            self._load()

    def _load(self) -> None:
        photo = self.photos[self.index]
        reader = QImageReader(str(photo.path))
        reader.setAutoTransform(True)  # the camera's orientation, as the record shows it
        image = reader.read()
        self._pixmap = QPixmap.fromImage(image) if not image.isNull() else QPixmap()
        count = len(self.photos)
        self.setWindowTitle(self.tr("{title} · 第 {n}/{count} 张").format(
            title=self._title, n=self.index + 1, count=count))
        size = (self.tr("{w}×{h} 像素").format(w=self._pixmap.width(), h=self._pixmap.height())
                if not self._pixmap.isNull() else self.tr("照片文件无法读取"))
        self.caption.setText("　".join(p for p in (photo.caption, size) if p))
        self.previous_button.setEnabled(self.index > 0)
        self.next_button.setEnabled(self.index < count - 1)
        self._show()

    def _show(self) -> None:
        if self._pixmap.isNull():
            self.image.setPixmap(QPixmap())
            self.image.setText(self.tr("照片文件无法读取"))
            return
        if self.actual_button.isChecked():
            self.image.setPixmap(self._pixmap)
            return
        room = self.scroll.viewport().size()
        self.image.setPixmap(self._pixmap.scaled(
            room, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation)
            if self._pixmap.width() > room.width() or self._pixmap.height() > room.height()
            else self._pixmap)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.scroll.viewport() and event.type() == QEvent.Type.Resize:
            self._show()  # fitted to the room the photo now has
        return super().eventFilter(watched, event)
