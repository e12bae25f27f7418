"""Window sizes that fit the screen they open on."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

TITLE_BAR = 32
"""Logical pixels a window's title bar takes on Windows, at any scale."""


def fit_on_screen(window: QWidget, width: int, height: int) -> None:
    """Resize `window` to width×height, or to less where its screen is smaller (a 1366×768
    laptop, or 125 % scaling), so that its title bar and buttons stay on the screen."""
    available = window.screen().availableGeometry()
    window.resize(min(width, available.width()), min(height, available.height() - TITLE_BAR))
