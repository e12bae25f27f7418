"""The application log: a rotating file in the log folder."""

from __future__ import annotations

import logging
from pathlib import Path

LOG_FILE = "jjg-desktop.log"
MAX_BYTES = 1_000_000
BACKUPS = 5
LOGGER = "jjg_desktop"


class FileLog:
    """The application's log records in `log_dir`/jjg-desktop.log (1 MB × 5 files).

    With `rotating=False` the file is opened by a plain handler: `logging.handlers` (with
    socket and pickle) costs ~20 ms before the first paint. `rotate()` puts the rotating
    handler in its place once the window is up; nothing logged in between is lost."""

    def __init__(self, log_dir: Path, *, rotating: bool = True) -> None:
        log_dir.mkdir(parents=True, exist_ok=True)
        self.path = log_dir / LOG_FILE
        self.handler = self._add(self._rotating() if rotating else
                                 logging.FileHandler(self.path, encoding="utf-8"))

    def rotate(self) -> None:
        from logging.handlers import RotatingFileHandler

        if not isinstance(self.handler, RotatingFileHandler):
            plain, self.handler = self.handler, self._add(self._rotating())
            self._remove(plain)

    def close(self) -> None:
        self._remove(self.handler)

    def _rotating(self) -> logging.Handler:
        from logging.handlers import RotatingFileHandler

        return RotatingFileHandler(self.path, maxBytes=MAX_BYTES, backupCount=BACKUPS,
                                   encoding="utf-8")

    @staticmethod
    def _add(handler: logging.Handler) -> logging.Handler:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        logger = logging.getLogger(LOGGER)
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
        return handler

    @staticmethod
    def _remove(handler: logging.Handler) -> None:
        logging.getLogger(LOGGER).removeHandler(handler)
        handler.close()
