"""Previewing a generated PDF and printing it through Qt's print dialog (QtPdf renders)."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QRect, QSize, Qt
from PySide6.QtGui import QKeySequence, QPainter, QShortcut
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from jjg_desktop.qt.kit.sizing import fit_on_screen


def _tr(text: str) -> str:
    return QCoreApplication.translate("PdfPreview", text)


class PdfLoadError(Exception):
    """The file could not be opened as a PDF; the message says so in Chinese."""


def load_pdf(path: Path, parent: QWidget | None = None) -> QPdfDocument:
    document = QPdfDocument(parent)
    error = document.load(str(path))
    if error != QPdfDocument.Error.None_:
        raise PdfLoadError(_tr("无法打开文件 {name}：不是有效的 PDF 或文件已损坏").format(
            name=path.name))
    return document


def print_document(document: QPdfDocument, printer: QPrinter) -> int:
    """Render every page at the printer's resolution onto its pages; returns pages printed."""
    painter = QPainter()
    if not painter.begin(printer):
        return 0
    try:
        target = printer.pageLayout().paintRectPixels(printer.resolution())
        for index in range(document.pageCount()):
            if index:
                printer.newPage()
            points = document.pagePointSize(index)
            scale = min(target.width() / points.width(), target.height() / points.height())
            size = QSize(int(points.width() * scale), int(points.height() * scale))
            image = document.render(index, size)
            painter.drawImage(QRect(0, 0, size.width(), size.height()), image)
    finally:
        painter.end()
    return document.pageCount()


class PdfPreview(QDialog):
    """A document on screen as it will print, with 打印 and 另存为."""

    def __init__(self, path: Path, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.setWindowTitle(title)
        fit_on_screen(self, 900, 1000)
        self.document = load_pdf(path, self)
        self.view = QPdfView(self)
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.pages = QLabel(_tr("共 {n} 页").format(n=self.document.pageCount()), self)
        self.print_button = QPushButton(_tr("打印…"), self)
        self.save_button = QPushButton(_tr("另存为…"), self)
        close = QPushButton(_tr("关闭"), self)
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(self.print_dialog)
        self.save_button.clicked.connect(self.save_as)
        close.clicked.connect(self.reject)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Print), self, self.print_dialog)
        bar = QHBoxLayout()
        bar.addWidget(self.pages)
        bar.addStretch(1)
        for button in (self.print_button, self.save_button, close):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view, 1)
        layout.addLayout(bar)

    def print_dialog(self) -> None:
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(self.windowTitle())
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(_tr("打印 {title}").format(title=self.windowTitle()))
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> int:
        pages = print_document(self.document, printer)
        if pages == 0:
            QMessageBox.warning(self, _tr("无法打印"),
                                _tr("打印机无法开始打印，请检查打印机是否连接并已开机。"))
        return pages

    def save_as(self) -> None:
        target, _ = QFileDialog.getSaveFileName(
            self, _tr("另存为"), str(Path.home() / self.path.name), _tr("PDF 文件 (*.pdf)"))
        if target:
            self.save_to(Path(target))

    def save_to(self, target: Path) -> bool:
        try:
            shutil.copyfile(self.path, target)
        except OSError as exc:
            QMessageBox.warning(self, _tr("无法保存"), _tr(
                "无法保存到 {target}：{error}。请检查磁盘空间或换一个位置。").format(
                    target=target, error=exc.strerror or exc))
            return False
        return True


def preview_pdf(path: Path, title: str, parent: QWidget | None = None) -> PdfPreview:
    """Open a preview window for `path` (non-modal); raises PdfLoadError for a bad file."""
    dialog = PdfPreview(path, title, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
