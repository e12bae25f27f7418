"""Where this installation keeps its data and logs; environment overrides for tests and kiosks."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "jjg-desktop"
APP_AUTHOR = "JJG"
CONFIG_DIR_ENV = "JJG_CONFIG_DIR"
SETTINGS_FILE = "settings.json"


@dataclass(frozen=True, slots=True)
class Paths:
    data_dir: Path
    db_path: Path
    log_dir: Path

    @property
    def attachments_dir(self) -> Path:
        return self.data_dir / "attachments"

    @property
    def backups_dir(self) -> Path:
        return self.data_dir / "backups"


def resolve_paths(db: str | os.PathLike[str] | None = None,
                  data_dir: str | os.PathLike[str] | None = None) -> Paths:
    """Command-line choices first, then JJG_DB / JJG_DATA_DIR, then the data folder chosen in
    the settings, then the platform's data dir.

    With only a database given, its attachments and backups live beside it.
    """
    db = db or os.environ.get("JJG_DB") or None
    data_dir = data_dir or os.environ.get("JJG_DATA_DIR") or None
    if data_dir is None and db is None:
        data_dir = chosen_data_dir()
    if data_dir is not None:
        root = Path(data_dir).expanduser().resolve()
    elif db is not None:
        db_file = Path(db).expanduser().resolve()
        root = db_file.parent / f"{db_file.stem}.files"
    else:
        root = Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
    db_path = Path(db).expanduser().resolve() if db is not None else root / "jjg.sqlite"
    log_dir = (root / "logs") if (data_dir or db) else Path(
        platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))
    return Paths(data_dir=root, db_path=db_path, log_dir=log_dir)


def settings_path() -> Path:
    folder = os.environ.get(CONFIG_DIR_ENV) or platformdirs.user_config_dir(APP_NAME, APP_AUTHOR)
    return Path(folder).expanduser() / SETTINGS_FILE


def chosen_data_dir(path: Path | None = None) -> str | None:
    """The data folder the settings file names, read before the settings model is loaded (the
    start does not wait for pydantic). It yields what `settings.load_settings().data_dir`
    would: nothing for an unreadable file or a value the model refuses."""
    try:
        data = json.loads((path or settings_path()).read_bytes().decode("utf-8-sig"))
    except (OSError, ValueError):
        return None
    value = data.get("data_dir") if isinstance(data, dict) else None
    if not isinstance(value, str) or not value.strip():
        return None
    folder = Path(value.strip()).expanduser()
    if folder.exists() and not folder.is_dir():
        return None
    return value.strip()
