"""Moving this machine's data to another: one zip with the database and the attachments,
every member listed with its SHA-256 and size in `manifest.json`.

Export copies the database through SQLite's online backup (never the live file) and writes the
zip under a temporary name, renamed only once complete. Import checks every member against the
manifest while unpacking into a folder beside the target, and only then puts the files in
place: attachments first (stored by hash, so adding files never harms the current data), the
database last in one rename. An interruption leaves the old database or the new one, never a
mix.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sqlite3
import tempfile
import uuid
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import IO, Any

from jjg_desktop import __version__
from jjg_desktop.config import Paths
from jjg_desktop.services.errors import ServiceError
from jjg_desktop.store import backups
from jjg_desktop.store.migrate import alembic_config, is_known_revision
from jjg_desktop.store.revision import SCHEMA_HEAD

FORMAT = "jjg-profile"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE = "jjg.sqlite"
ATTACHMENTS = "attachments"

_CHUNK = 1024 * 1024
_BACKUP_PAGES = 4096
_SIDE_FILES = ("-wal", "-shm", "-journal")
_STAGING = ".importing-"

Progress = Callable[[int, int], bool | None]
"""progress(bytes_done, bytes_total); returning False cancels (nothing is left behind)."""


class ProfileError(ServiceError):
    """The profile could not be exported or imported; nothing was changed."""


class TransferCancelled(ProfileError):
    """The user cancelled; nothing was written."""


@dataclass(frozen=True, slots=True)
class ExportReport:
    path: Path
    attachments: int
    size: int
    schema: str | None


@dataclass(frozen=True, slots=True)
class ImportReport:
    db_path: Path
    attachments: int
    schema: str | None
    exported_at: datetime | None
    app_version: str
    kept: Path | None
    """The database as it was before the import (None when there was none)."""


@dataclass(frozen=True, slots=True)
class _Member:
    name: str
    sha256: str
    size: int


class _Meter:
    def __init__(self, total: int, progress: Progress | None, cancelled_text: str) -> None:
        self.done, self.total = 0, total
        self._progress, self._cancelled_text = progress, cancelled_text

    def add(self, count: int) -> None:
        self.done += count
        if self._progress is not None and self._progress(
                min(self.done, self.total), self.total) is False:
            raise TransferCancelled(self._cancelled_text)


class _Restarted(Exception):
    pass


def _snapshot(db_path: Path, target: Path, meter: _Meter) -> None:
    """A consistent copy through the online backup API, a few MB at a time. A write by
    another connection makes SQLite start the copy over; then it is taken in one step."""
    size = db_path.stat().st_size
    reported, last_remaining = 0, -1

    def step(_status: int, remaining: int, pages: int) -> None:
        nonlocal reported, last_remaining
        if 0 <= last_remaining < remaining:
            raise _Restarted
        last_remaining = remaining
        done = size * (pages - remaining) // pages if pages else 0
        meter.add(done - reported)
        reported = done

    with contextlib.closing(sqlite3.connect(db_path)) as src:
        try:
            with contextlib.closing(sqlite3.connect(target)) as dst:
                src.backup(dst, pages=_BACKUP_PAGES, progress=step)
        except _Restarted:
            target.unlink(missing_ok=True)
            with contextlib.closing(sqlite3.connect(target)) as dst:
                src.backup(dst)
    with contextlib.closing(sqlite3.connect(target)) as dst:
        dst.execute("PRAGMA journal_mode=DELETE")
    meter.add(size - reported)


def _attachment_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*")
                  if p.is_file() and not p.name.startswith(".incoming-"))


class _TooLong(Exception):
    pass


def _copy_into(source: IO[bytes], sink: IO[bytes], meter: _Meter,
               limit: int | None = None) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    while chunk := source.read(_CHUNK):
        size += len(chunk)
        if limit is not None and size > limit:
            raise _TooLong
        digest.update(chunk)
        sink.write(chunk)
        meter.add(len(chunk))
    return digest.hexdigest(), size


def _add(zf: zipfile.ZipFile, name: str, source: Path, meter: _Meter,
         compress: int) -> _Member:
    info = zipfile.ZipInfo(name, date_time=datetime.now().timetuple()[:6])
    info.compress_type = compress
    with source.open("rb") as src, zf.open(info, "w", force_zip64=True) as dst:
        sha, size = _copy_into(src, dst, meter)
    return _Member(name, sha, size)


def _manifest(members: list[_Member], schema: str | None) -> bytes:
    data = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "app_version": __version__,
        "schema": schema,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "database": DATABASE,
        "files": {m.name: {"sha256": m.sha256, "size": m.size} for m in members},
    }
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def export_profile(paths: Paths, target_zip: Path,
                   progress: Progress | None = None) -> ExportReport:
    """Write the database and every attachment to `target_zip` (replaced if it exists)."""
    if not paths.db_path.is_file():
        raise ProfileError(f"找不到数据库文件：{paths.db_path}")
    files = _attachment_files(paths.attachments_dir)
    total = paths.db_path.stat().st_size * 2 + sum(p.stat().st_size for p in files)
    meter = _Meter(total, progress, "已取消导出，未生成文件。")
    target_zip = target_zip.expanduser().resolve()
    partial = target_zip.with_name(f".{target_zip.name}.{uuid.uuid4().hex[:8]}.partial")
    try:
        target_zip.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="jjg-export-") as tmp:
            snapshot = Path(tmp) / DATABASE
            _snapshot(paths.db_path, snapshot, meter)
            problem = backups.integrity_problems(snapshot)
            if problem is not None:
                raise ProfileError(f"数据库未通过完整性检查（{problem}），不能导出。"
                                   "请先用“恢复备份”修复数据库。")
            schema = backups.schema_of(snapshot)
            with zipfile.ZipFile(partial, "w") as zf:
                members = [_add(zf, DATABASE, snapshot, meter, zipfile.ZIP_DEFLATED)]
                for path in files:
                    name = f"{ATTACHMENTS}/{path.relative_to(paths.attachments_dir).as_posix()}"
                    members.append(_add(zf, name, path, meter, zipfile.ZIP_STORED))
                zf.writestr(MANIFEST, _manifest(members, schema), zipfile.ZIP_DEFLATED)
        with partial.open("rb+") as f:
            os.fsync(f.fileno())
        os.replace(partial, target_zip)
    except sqlite3.Error as exc:
        raise ProfileError(f"无法读取数据库 {paths.db_path}：{exc}") from exc
    except OSError as exc:
        raise ProfileError(f"无法写入 {target_zip}：{exc.strerror or exc}。"
                           "请检查磁盘空间或换一个位置。") from exc
    finally:
        partial.unlink(missing_ok=True)
    return ExportReport(path=target_zip, attachments=len(files),
                        size=target_zip.stat().st_size, schema=schema)


def _safe_name(name: str) -> bool:
    """A member name that stays inside the data folder: the database or an attachment."""
    if not name or "\\" in name or ":" in name or name.startswith("/"):
        return False
    parts = PurePosixPath(name).parts
    if any(p in ("", ".", "..") for p in parts) or name.endswith("/"):
        return False
    return name == DATABASE or (len(parts) >= 2 and parts[0] == ATTACHMENTS)


def _bad_package(zip_path: Path, why: str) -> ProfileError:
    return ProfileError(f"数据包 {zip_path.name} 无法导入：{why}。本机数据未做任何修改。")


def _read_manifest(zf: zipfile.ZipFile, zip_path: Path) -> dict[str, Any]:
    try:
        data = json.loads(zf.read(MANIFEST).decode("utf-8"))
    except KeyError as exc:
        raise _bad_package(zip_path, "缺少清单 manifest.json，不是吉建管导出的数据包") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise _bad_package(zip_path, "清单 manifest.json 已损坏") from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _bad_package(zip_path, "不是吉建管导出的数据包")
    if not isinstance(data.get("format_version"), int) or data["format_version"] > FORMAT_VERSION:
        raise _bad_package(zip_path, "数据包由更新版本的吉建管导出，请先升级本机的吉建管")
    if not isinstance(data.get("files"), dict):
        raise _bad_package(zip_path, "清单 manifest.json 已损坏")
    return data


def _members(data: dict[str, Any], zf: zipfile.ZipFile, zip_path: Path) -> list[_Member]:
    names = [i.filename for i in zf.infolist()]
    unsafe = sorted(n for n in [*names, *data["files"]] if n != MANIFEST and not _safe_name(n))
    if unsafe:
        raise _bad_package(zip_path, f"含有指向数据目录以外的路径（{unsafe[0]}），已拒绝")
    if len(set(names)) != len(names):
        raise _bad_package(zip_path, "含有重复的文件")
    listed: list[_Member] = []
    for name, entry in data["files"].items():
        sha, size = (entry.get("sha256"), entry.get("size")) if isinstance(entry, dict) else (
            None, None)
        if not isinstance(sha, str) or len(sha) != 64 or not isinstance(size, int) or size < 0:
            raise _bad_package(zip_path, f"清单中 {name} 的记录不完整")
        listed.append(_Member(name, sha.lower(), size))
    in_zip = set(names) - {MANIFEST}
    missing = sorted({m.name for m in listed} - in_zip)
    extra = sorted(in_zip - {m.name for m in listed})
    if missing:
        raise _bad_package(zip_path, f"缺少清单中的文件 {missing[0]}（共 {len(missing)} 个）")
    if extra:
        raise _bad_package(zip_path, f"含有清单以外的文件 {extra[0]}（共 {len(extra)} 个）")
    if DATABASE not in in_zip:
        raise _bad_package(zip_path, "不含数据库")
    return listed


def _has_data(paths: Paths) -> bool:
    if paths.db_path.exists():
        return True
    return paths.attachments_dir.is_dir() and any(
        p.is_file() for p in paths.attachments_dir.rglob("*"))


def _unpack(zf: zipfile.ZipFile, members: list[_Member], staging: Path, meter: _Meter,
            zip_path: Path) -> None:
    for member in members:
        target = staging.joinpath(*PurePosixPath(member.name).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        if zf.getinfo(member.name).file_size != member.size:
            raise _bad_package(zip_path, f"{member.name} 的大小与清单不符（文件已被改动）")
        try:
            with zf.open(member.name) as src, target.open("wb") as dst:
                sha, size = _copy_into(src, dst, meter, limit=member.size)
                dst.flush()
                os.fsync(dst.fileno())
        except (_TooLong, zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise _bad_package(zip_path, f"{member.name} 已损坏或被改动") from exc
        if size != member.size:
            raise _bad_package(zip_path, f"{member.name} 的大小与清单不符（文件已被改动）")
        if sha != member.sha256:
            raise _bad_package(zip_path, f"{member.name} 的内容与清单中的 SHA-256 不符"
                                         "（文件已被改动或损坏）")


def _check_database(db: Path, zip_path: Path) -> str | None:
    problem = backups.integrity_problems(db)
    if problem is not None:
        raise _bad_package(zip_path, f"其中的数据库未通过完整性检查（{problem}）")
    schema = backups.schema_of(db)
    if schema is not None and schema != SCHEMA_HEAD:
        from alembic.script import ScriptDirectory

        if not is_known_revision(ScriptDirectory.from_config(alembic_config()), schema):
            raise _bad_package(zip_path, "其中的数据库由更新版本的吉建管创建"
                                         f"（结构版本 {schema}），请先升级本机的吉建管")
    return schema


def _keep_current(paths: Paths) -> Path | None:
    """Back up the database about to be replaced; a readable one is then checkpointed, so
    nothing of it is left only in its -wal."""
    db = paths.db_path
    if not db.exists():
        return None
    if backups.integrity_problems(db) is None:
        kept = backups.make_backup(db, paths.backups_dir, backups.BEFORE_IMPORT)
        with contextlib.closing(sqlite3.connect(db)) as conn:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    else:
        kept = backups.copy_bytes(db, paths.backups_dir, backups.DAMAGED)
    return kept


def _put_in_place(staging: Path, paths: Paths) -> None:
    incoming = staging / ATTACHMENTS
    for source in sorted(incoming.rglob("*")) if incoming.is_dir() else []:
        if source.is_file():
            target = paths.attachments_dir / source.relative_to(incoming)
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)
    for suffix in _SIDE_FILES:
        paths.db_path.with_name(paths.db_path.name + suffix).unlink(missing_ok=True)
    paths.db_path.parent.mkdir(parents=True, exist_ok=True)
    os.replace(staging / DATABASE, paths.db_path)


@contextlib.contextmanager
def _staging(paths: Paths) -> Iterator[Path]:
    """A fresh folder beside the data (same disk, so putting files in place is a rename);
    ones an interrupted import left behind are cleared first. A data folder made for it
    and left empty is removed again."""
    made = not paths.data_dir.exists()
    paths.data_dir.mkdir(parents=True, exist_ok=True)
    for stale in paths.data_dir.glob(f"{_STAGING}*"):
        shutil.rmtree(stale, ignore_errors=True)
    folder = paths.data_dir / f"{_STAGING}{uuid.uuid4().hex[:8]}"
    folder.mkdir()
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
        if made:
            with contextlib.suppress(OSError):
                paths.data_dir.rmdir()


def import_profile(zip_path: Path, paths: Paths, *, replace: bool = False,
                   progress: Progress | None = None) -> ImportReport:
    """Put the profile in `zip_path` in place at `paths` (the program must not have the
    database open). Refused, changing nothing, when anything in the zip does not match its
    manifest, or when data is already there and `replace` is not set."""
    if not zip_path.is_file():
        raise ProfileError(f"找不到数据包：{zip_path}")
    if not replace and _has_data(paths):
        raise ProfileError(
            f"{paths.data_dir} 中已有数据，未做任何修改。如要用数据包替换本机数据"
            "（当前数据库会先备份），请选择“替换”（命令行加 --replace）。")
    try:
        with zipfile.ZipFile(zip_path) as zf:
            manifest = _read_manifest(zf, zip_path)
            members = _members(manifest, zf, zip_path)
            total = sum(m.size for m in members)
            _check_space(paths, total)
            meter = _Meter(total, progress, "已取消导入，本机数据未做任何修改。")
            with _staging(paths) as staging:
                _unpack(zf, members, staging, meter, zip_path)
                schema = _check_database(staging / DATABASE, zip_path)
                kept = _keep_current(paths) if replace else None
                _put_in_place(staging, paths)
    except zipfile.BadZipFile as exc:
        raise _bad_package(zip_path, "不是有效的 zip 文件或文件不完整") from exc
    except backups.BackupError as exc:
        raise ProfileError(f"导入前无法备份当前数据库：{exc}。本机数据未做任何修改。") from exc
    except OSError as exc:
        raise ProfileError(f"导入时无法写入 {paths.data_dir}：{exc.strerror or exc}。"
                           "当前数据库未被替换。") from exc
    return ImportReport(db_path=paths.db_path, attachments=len(members) - 1, schema=schema,
                        exported_at=_when(manifest.get("exported_at")),
                        app_version=str(manifest.get("app_version", "")), kept=kept)


def _when(stamp: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(stamp))
    except ValueError:
        return None


def _check_space(paths: Paths, incoming: int) -> None:
    """Room for the unpacked files and the backup of the current database."""
    needed = incoming + (paths.db_path.stat().st_size if paths.db_path.exists() else 0)
    folder = paths.data_dir
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    free = shutil.disk_usage(folder).free
    if free < needed:
        raise ProfileError(f"磁盘空间不足：导入需要约 {needed / 2**20:,.0f} MB，"
                           f"{folder} 所在的磁盘只剩 {free / 2**20:,.0f} MB。"
                           "本机数据未做任何修改。")
