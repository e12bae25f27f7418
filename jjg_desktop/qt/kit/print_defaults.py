"""The printer, copies and duplex chosen in the settings, as the print dialog's starting point
(imported on the first print: it loads QtPdf and QtPrintSupport)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo
from PySide6.QtWidgets import QDialog, QWidget

from jjg_desktop.qt.kit.pdf_preview import PdfPreview
from jjg_desktop.settings import Settings, load_settings


def _tr(text: str) -> str:
    return QCoreApplication.translate("PdfPreview", text)


@dataclass(frozen=True, slots=True)
class PrintOptions:
    printer_name: str
    """"" for the system's default printer."""
    copies: int
    duplex: bool


def print_options(settings: Settings, available: list[str]) -> PrintOptions:
    """A chosen printer that is not connected now gives way to the system default."""
    name = settings.printer_name if settings.printer_name in available else ""
    return PrintOptions(printer_name=name, copies=settings.print_copies, duplex=settings.duplex)


def configured_printer(settings: Settings) -> QPrinter:
    options = print_options(settings, QPrinterInfo.availablePrinterNames())
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    if options.printer_name:
        printer.setPrinterName(options.printer_name)
    printer.setCopyCount(options.copies)
    printer.setDuplex(QPrinter.DuplexMode.DuplexLongSide if options.duplex
                      else QPrinter.DuplexMode.DuplexNone)
    return printer


class SettingsPdfPreview(PdfPreview):
    """The preview whose 打印… starts from the settings' printer defaults."""

    def print_dialog(self) -> None:
        printer = configured_printer(load_settings())
        printer.setDocName(self.windowTitle())
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle(_tr("打印 {title}").format(title=self.windowTitle()))
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)


def preview_with_settings(path: Path, title: str, parent: QWidget | None = None) -> PdfPreview:
    """Open a preview window for `path` (non-modal); raises PdfLoadError for a bad file."""
    dialog = SettingsPdfPreview(path, title, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog
