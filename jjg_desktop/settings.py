"""The user's settings: a small versioned JSON file in the platform's config folder.

A file written by an older version is upgraded on load by a chain of small functions, one per
version step; a newer version's file is read for the fields this version knows and left as it
is; an unreadable file is renamed aside and the defaults are used.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from jjg_desktop.config import settings_path
from jjg_desktop.sync.transport import clear_text_problem

SETTINGS_VERSION = 1

SYNC_MINUTES_RANGE = (1, 1440)
COPIES_RANGE = (1, 20)

log = logging.getLogger(__name__)

_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
_URL = re.compile(
    rf"^https?://(?P<host>{_LABEL}(?:\.{_LABEL})*|\[[0-9A-Fa-f:.]+\])"
    r"(?::(?P<port>\d{1,5}))?(?P<path>/[^\s?#]*)?$")


def _problem(text: str) -> PydanticCustomError:
    return PydanticCustomError("jjg_setting", text)


class Settings(BaseModel):
    """What the user chose; an empty text means "the default"."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    version: int = SETTINGS_VERSION
    allow_plain_http: bool = False
    server_url: str = ""
    ca_bundle: str = ""
    data_dir: str = ""
    sync_interval_minutes: int = 10
    printer_name: str = ""
    print_copies: int = 1
    duplex: bool = False

    @field_validator("server_url", "ca_bundle", "data_dir", "printer_name", mode="before")
    @classmethod
    def _strip(cls, value: Any) -> Any:
        return value.strip() if isinstance(value, str) else value

    @field_validator("server_url")
    @classmethod
    def _server_url(cls, value: str, info: ValidationInfo) -> str:
        if not value:
            return value
        match = _URL.match(value)
        if match is None:
            raise _problem("服务器地址应以 http:// 或 https:// 开头，后接主机名，可带端口和路径，"
                           "例如 https://jjg.jl.gov.cn:8443/sync")
        port = match["port"]
        if port is not None and not 1 <= int(port) <= 65535:
            raise _problem("服务器地址的端口应在 1 到 65535 之间")
        if not info.data.get("allow_plain_http") and (why := clear_text_problem(value)):
            raise _problem(f"{why}。如确需在单位内网测试，请勾选“允许不加密的连接”")
        return value

    @field_validator("ca_bundle")
    @classmethod
    def _ca_bundle(cls, value: str) -> str:
        if value and not Path(value).expanduser().is_file():
            raise _problem(f"找不到 CA 证书文件：{value}")
        return value

    @field_validator("data_dir")
    @classmethod
    def _data_dir(cls, value: str) -> str:
        if value and Path(value).expanduser().exists() and not Path(value).expanduser().is_dir():
            raise _problem(f"数据目录 {value} 是一个文件，不是文件夹")
        return value

    @field_validator("sync_interval_minutes")
    @classmethod
    def _sync_minutes(cls, value: int) -> int:
        low, high = SYNC_MINUTES_RANGE
        if not low <= value <= high:
            raise _problem(f"同步间隔应在 {low} 到 {high} 分钟之间")
        return value

    @field_validator("print_copies")
    @classmethod
    def _copies(cls, value: int) -> int:
        low, high = COPIES_RANGE
        if not low <= value <= high:
            raise _problem(f"打印份数应在 {low} 到 {high} 份之间")
        return value


def problems(error: ValidationError) -> dict[str, str]:
    """Each refused field with what is wrong, in Chinese (for showing beside the field)."""
    out: dict[str, str] = {}
    for item in error.errors():
        field = str(item["loc"][0]) if item["loc"] else ""
        text = item["msg"] if item["type"] == "jjg_setting" else f"“{item['input']}”不是有效的值"
        out.setdefault(field, text)
    return out


def _v0_to_v1(data: dict[str, Any]) -> dict[str, Any]:
    """Version 0 (no "version" key) called the sync interval "sync_minutes"."""
    out = {k: v for k, v in data.items() if k != "sync_minutes"}
    if "sync_minutes" in data:
        out.setdefault("sync_interval_minutes", data["sync_minutes"])
    return out


UPGRADES: tuple[Callable[[dict[str, Any]], dict[str, Any]], ...] = (_v0_to_v1,)
"""UPGRADES[n] turns a version-n file's content into version n+1's."""
assert len(UPGRADES) == SETTINGS_VERSION


class _Unreadable(Exception):
    pass


def _parse(text: str) -> tuple[int, dict[str, Any]]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _Unreadable(f"不是有效的 JSON（第 {exc.lineno} 行第 {exc.colno} 列）") from exc
    if not isinstance(data, dict):
        raise _Unreadable("内容不是一个 JSON 对象")
    version = data.get("version", 0)
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise _Unreadable(f"版本号无效：{version!r}")
    return version, data


def _upgrade(version: int, data: dict[str, Any]) -> dict[str, Any]:
    for step in UPGRADES[version:]:
        data = step(data)
    return {**data, "version": SETTINGS_VERSION}


def _validated(data: dict[str, Any], path: Path) -> Settings:
    """The settings with each refused field back at its default (and a warning logged)."""
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        refused = problems(exc)
    for field, text in refused.items():
        log.warning("设置文件 %s 中的 %s 无效，已改用默认值：%s", path, field, text)
    return Settings.model_validate({k: v for k, v in data.items() if k not in refused})


def _set_aside(path: Path, reason: str) -> None:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    aside = path.with_name(f"{path.name}.corrupt-{stamp}")
    try:
        os.replace(path, aside)
    except OSError as exc:
        log.warning("设置文件 %s 无法读取（%s），已改用默认设置；也无法移到一边：%s",
                    path, reason, exc.strerror or exc)
        return
    log.warning("设置文件 %s 无法读取（%s），已改用默认设置；原文件已另存为 %s",
                path, reason, aside)


def load_settings(path: Path | None = None) -> Settings:
    """The saved settings, or the defaults when there is no usable file (never raises for a
    bad file: it is moved aside and a warning logged)."""
    path = path or settings_path()
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return Settings()
    except OSError as exc:
        log.warning("无法读取设置文件 %s：%s；已改用默认设置", path, exc.strerror or exc)
        return Settings()
    try:
        version, data = _parse(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        _set_aside(path, "不是 UTF-8 文本")
        return Settings()
    except _Unreadable as exc:
        _set_aside(path, str(exc))
        return Settings()
    if version < SETTINGS_VERSION:
        data = _upgrade(version, data)
    return _validated(data, path)


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write the settings in one step (a temporary file renamed over the old one), so a crash
    leaves either the old file or the new one. Raises OSError when the folder is not
    writable."""
    path = path or settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {**settings.model_dump(), "version": SETTINGS_VERSION}
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
