"""The log file: opened plainly before the first paint, rotating once the window is up, and
nothing logged across the change is lost."""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from jjg_desktop.qt.shell.logging_setup import LOG_FILE, MAX_BYTES, FileLog


def test_the_plain_log_becomes_the_rotating_one_without_losing_a_record(tmp_path: Path) -> None:
    log = FileLog(tmp_path / "logs", rotating=False)
    app_log = logging.getLogger("jjg_desktop.start")
    try:
        assert not isinstance(log.handler, RotatingFileHandler)
        app_log.info("首屏之前")
        log.rotate()
        assert isinstance(log.handler, RotatingFileHandler)
        assert len([h for h in logging.getLogger("jjg_desktop").handlers
                    if getattr(h, "baseFilename", "") == str(log.path)]) == 1
        app_log.info("首屏之后")
        log.rotate()  # once only
        app_log.info("x" * 1000)
        text = (tmp_path / "logs" / LOG_FILE).read_text(encoding="utf-8")
        assert "首屏之前" in text and "首屏之后" in text and text.count("首屏之后") == 1

        for _ in range(MAX_BYTES // 1000 + 10):
            app_log.info("x" * 1000)
        assert (tmp_path / "logs" / f"{LOG_FILE}.1").exists()
        assert log.path.stat().st_size < MAX_BYTES
        assert "首屏之前" in (tmp_path / "logs" / f"{LOG_FILE}.1").read_text(encoding="utf-8")
    finally:
        log.close()
    assert all(getattr(h, "baseFilename", "") != str(log.path)
               for h in logging.getLogger("jjg_desktop").handlers)
