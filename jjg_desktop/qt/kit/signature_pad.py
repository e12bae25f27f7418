"""A signature pad: sign with the mouse, a pen or a finger; read back a transparent PNG.

Generic on purpose — verification records and, later, the inspection form use it. The pad
is large and its 清除 button touch-sized; `png_bytes()` crops to the ink with a small margin so
a printed record places the signature tightly.
"""

from __future__ import annotations

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QEvent,
    QIODevice,
    QPointF,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QImage,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QTabletEvent,
    QTouchEvent,
)
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSizePolicy, QVBoxLayout, QWidget

INK = QColor("#10204a")
PEN_WIDTH = 3.0
MARGIN = 8
MIN_SIZE = QSize(420, 180)
TOUCH_BUTTON_HEIGHT = 44

Strokes = list[list[tuple[float, float]]]
"""Ink as plain data (a draft keeps it): each stroke a list of (x, y) in pad coordinates."""


def _stroke_path(points: list[QPointF]) -> QPainterPath:
    path = QPainterPath(points[0])
    if len(points) == 1:
        path.lineTo(points[0] + QPointF(0.1, 0.1))  # a dot
    for point in points[1:]:
        path.lineTo(point)
    return path


class SignatureCanvas(QWidget):
    """The surface signed on. Strokes are kept as point lists in widget coordinates."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._strokes: list[list[QPointF]] = []
        self._current: list[QPointF] | None = None
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.setMinimumSize(MIN_SIZE)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setAccessibleName(self.tr("签名区"))
        self.hint = self.tr("请在此处签名")

    # --- what the owner asks ----------------------------------------------------------------

    def is_empty(self) -> bool:
        return not self._strokes

    def clear(self) -> None:
        self._strokes.clear()
        self._current = None
        self.update()
        self.changed.emit()

    def strokes(self) -> Strokes:
        return [[(round(p.x(), 1), round(p.y(), 1)) for p in stroke] for stroke in self._strokes]

    def set_strokes(self, strokes: Strokes) -> None:
        """Put back ink read from `strokes()` (replacing what is on the pad)."""
        self._strokes = [[QPointF(x, y) for x, y in stroke] for stroke in strokes if stroke]
        self._current = None
        self.update()
        self.changed.emit()

    def ink_rect(self) -> QRectF:
        rect = QRectF()
        for stroke in self._strokes:
            rect = rect.united(_stroke_path(stroke).boundingRect())
        return rect.adjusted(-PEN_WIDTH, -PEN_WIDTH, PEN_WIDTH, PEN_WIDTH)

    def image(self) -> QImage:
        """The ink on a transparent background, cropped to the strokes plus a margin."""
        if self.is_empty():
            image = QImage(1, 1, QImage.Format.Format_ARGB32)
            image.fill(Qt.GlobalColor.transparent)
            return image
        rect = self.ink_rect().adjusted(-MARGIN, -MARGIN, MARGIN, MARGIN).toAlignedRect()
        image = QImage(rect.size(), QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.translate(-rect.topLeft().toPointF())
        self._draw_ink(painter)
        painter.end()
        return image

    def png_bytes(self) -> bytes:
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        self.image().save(buffer, "PNG")
        buffer.close()
        return bytes(data.data())

    # --- input ------------------------------------------------------------------------------

    def _begin(self, point: QPointF) -> None:
        self._current = [point]
        self._strokes.append(self._current)
        self.update()

    def _extend(self, point: QPointF) -> None:
        if self._current is not None and point != self._current[-1]:
            self._current.append(point)
            self.update()

    def _end(self) -> None:
        if self._current is not None:
            self._current = None
            self.changed.emit()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._begin(event.position())
            event.accept()
        else:
            super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self._extend(event.position())
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._extend(event.position())
            self._end()
            event.accept()
        else:
            super().mouseReleaseEvent(event)

    def tabletEvent(self, event: QTabletEvent) -> None:
        kind = event.type()
        if kind == QEvent.Type.TabletPress:
            self._begin(event.position())
        elif kind == QEvent.Type.TabletMove:
            self._extend(event.position())
        elif kind == QEvent.Type.TabletRelease:
            self._extend(event.position())
            self._end()
        event.accept()

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd,
                    QEvent.Type.TouchCancel) and isinstance(event, QTouchEvent):
            points = event.points()
            if points:
                position = points[0].position()
                if kind == QEvent.Type.TouchBegin:
                    self._begin(position)
                elif kind == QEvent.Type.TouchUpdate:
                    self._extend(position)
                else:
                    self._end()
            event.accept()
            return True
        return super().event(event)

    # --- painting ---------------------------------------------------------------------------

    def _draw_ink(self, painter: QPainter) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = QPen(INK, PEN_WIDTH, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                   Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for stroke in self._strokes:
            painter.drawPath(_stroke_path(stroke))

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        rect = self.rect().adjusted(0, 0, -1, -1)
        painter.fillRect(rect, QColor("#ffffff"))
        painter.setPen(QPen(QColor("#9aa5b4"), 1, Qt.PenStyle.DashLine))
        painter.drawRect(rect)
        baseline = int(rect.height() * 0.72)
        painter.setPen(QPen(QColor("#c7ced8"), 1))
        painter.drawLine(24, baseline, rect.width() - 24, baseline)
        if self.is_empty():
            painter.setPen(QColor("#9aa5b4"))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.hint)
        self._draw_ink(painter)
        painter.end()


class SignaturePad(QWidget):
    """The canvas with a caption and a 清除 button."""

    changed = Signal()

    def __init__(self, caption: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = SignatureCanvas(self)
        self.caption = QLabel(caption, self)
        self.clear_button = QPushButton(self.tr("清除"), self)
        self.clear_button.setMinimumHeight(TOUCH_BUTTON_HEIGHT)
        self.clear_button.setMinimumWidth(96)
        self.clear_button.setAutoDefault(False)
        self.clear_button.setEnabled(False)
        self.clear_button.clicked.connect(self.clear)
        self.canvas.changed.connect(self._changed)
        bar = QHBoxLayout()
        bar.addWidget(self.caption, 1)
        bar.addWidget(self.clear_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.canvas, 1)

    def is_empty(self) -> bool:
        return self.canvas.is_empty()

    def png_bytes(self) -> bytes:
        return self.canvas.png_bytes()

    def clear(self) -> None:
        self.canvas.clear()

    def strokes(self) -> Strokes:
        return self.canvas.strokes()

    def set_strokes(self, strokes: Strokes) -> None:
        self.canvas.set_strokes(strokes)

    def _changed(self) -> None:
        self.clear_button.setEnabled(not self.canvas.is_empty())
        self.changed.emit()
