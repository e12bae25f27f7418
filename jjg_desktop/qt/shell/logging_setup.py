"""The application log: a rotating file in the log folder."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_FILE = "jjg-desktop.log"
MAX_BYTES = 1_000_000
BACKUPS = 5
LOGGER = "jjg_desktop"


def add_file_log(log_dir: Path) -> RotatingFileHandler:
    """Send the application's log records to `log_dir`/jjg-desktop.log (1 MB × 5 files)."""
    log_dir.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(log_dir / LOG_FILE, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                  encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger = logging.getLogger(LOGGER)
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return handler


def remove_file_log(handler: RotatingFileHandler) -> None:
    logging.getLogger(LOGGER).removeHandler(handler)
    handler.close()
