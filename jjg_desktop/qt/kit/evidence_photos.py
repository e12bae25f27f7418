"""Evidence photos for one item of a form: add image files, see thumbnails (and each at full
size), remove one.

Each file is checked as the record will check it (`services.photos.prepare_photo`, off the GUI
thread) when it is added, so a corrupt or unreadable file is refused at once with the
service's own words rather than when the whole record is saved. A file still being checked
counts as wanted (`wanted()`), so a draft taken meanwhile keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal, Slot
from PySide6.QtGui import QIcon, QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jjg_desktop.qt.kit.photo_viewer import Photo, PhotoViewer
from jjg_desktop.qt.kit.service_task import run_service
from jjg_desktop.qt.kit.style import set_tone
from jjg_desktop.qt.kit.tasks import TaskRunner
from jjg_desktop.services.photos import prepare_photo

THUMB = 88
IMAGE_FILTER = "*.jpg *.jpeg *.png *.heic *.bmp *.tif *.tiff *.webp"


@dataclass(frozen=True, slots=True)
class _Checked:
    path: Path
    thumbnail: QImage


def _check(path: Path) -> _Checked:
    """Runs on a worker: refuse what the record would refuse; make the thumbnail."""
    prepared = prepare_photo(path)
    image = QImage.fromData(prepared.data)
    return _Checked(path, image.scaled(THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                                       Qt.TransformationMode.SmoothTransformation))


class PhotoStrip(QWidget):
    changed = Signal()

    def __init__(self, tasks: TaskRunner, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._tasks = tasks
        self._caption = caption
        self._pending: list[Path] = []
        self.add_button = QPushButton(self.tr("添加照片…"), self)
        self.add_button.setAutoDefault(False)
        self.add_button.setMinimumHeight(36)
        self.add_button.clicked.connect(self.choose)
        self.remove_button = QPushButton(self.tr("移除照片"), self)
        self.remove_button.setAutoDefault(False)
        self.remove_button.setMinimumHeight(36)
        self.remove_button.setEnabled(False)
        self.remove_button.clicked.connect(self.remove_current)
        self.list = QListWidget(self)
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setIconSize(QSize(THUMB, THUMB))
        self.list.setGridSize(QSize(THUMB + 16, THUMB + 10))
        self.list.setFlow(QListView.Flow.LeftToRight)
        self.list.setWrapping(False)
        self.list.setMovement(QListView.Movement.Static)
        self.list.setFixedHeight(THUMB + 28)
        self.list.setAccessibleName(self.tr("{caption}照片").format(caption=caption))
        self.list.currentRowChanged.connect(
            lambda row: self.remove_button.setEnabled(row >= 0))
        self.list.itemActivated.connect(lambda item: self.view(self.list.row(item)))
        self.viewer: PhotoViewer | None = None
        self.list.hide()
        QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.list, self.remove_current,
                  context=Qt.ShortcutContext.WidgetShortcut)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(buttons)
        layout.addWidget(self.list)
        layout.addWidget(self.message)

    def paths(self) -> list[Path]:
        return [self.list.item(n).data(Qt.ItemDataRole.UserRole)
                for n in range(self.list.count())]

    def wanted(self) -> list[Path]:
        """The photos added, then those still being checked."""
        return self.paths() + self._pending

    def set_paths(self, paths: list[Path]) -> None:
        """Replace the photos with these files (a draft put back); each is checked again."""
        self._pending.clear()
        self.list.clear()
        self.list.hide()
        self.remove_button.setEnabled(False)
        self.add_files(paths)
        self.changed.emit()

    @Slot()
    def choose(self) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, self.tr("选择{caption}的照片").format(caption=self._caption), str(Path.home()),
            self.tr("图片 ({patterns});;所有文件 (*)").format(patterns=IMAGE_FILTER))
        self.add_files([Path(n) for n in names])

    def add_files(self, paths: list[Path]) -> None:
        self.message.hide()
        for path in paths:
            if path in self.wanted():
                continue
            self._pending.append(path)
            self.changed.emit()
            run_service(self._tasks, f"photo-{id(self)}-{path}",
                        lambda _state, p=path: _check(p), self._add,
                        lambda message, p=path: self._refuse(p, message))

    def view(self, row: int) -> None:
        """The photo at full size (double-click or Enter on its thumbnail)."""
        photos = [Photo(path, path.name) for path in self.paths()]
        if 0 <= row < len(photos):
            self.viewer = PhotoViewer(photos, row, self.tr("{caption}照片").format(
                caption=self._caption), self)
            self.viewer.open()

    @Slot()
    def remove_current(self) -> None:
        row = self.list.currentRow()
        if row >= 0:
            self.list.takeItem(row)
            self.list.setVisible(self.list.count() > 0)
            self.changed.emit()

    def _add(self, checked: _Checked) -> None:
        if checked.path not in self._pending:
            return  # the photos were replaced while this one was being checked
        self._pending.remove(checked.path)
        item = QListWidgetItem(QIcon(QPixmap.fromImage(checked.thumbnail)), "", self.list)
        item.setData(Qt.ItemDataRole.UserRole, checked.path)
        item.setToolTip(checked.path.name)
        self.list.show()
        self.changed.emit()

    def _refuse(self, path: Path, message: str) -> None:
        if path not in self._pending:
            return
        self._pending.remove(path)
        self.changed.emit()
        self.message.setText(self.tr("未添加：{reason}").format(reason=message))
        set_tone(self.message, "error")
        self.message.show()
