"""Files by SHA-256: resumable uploads appended to a partial file, re-hashed before they are
accepted, then kept once under their hash. A file is flushed to disk before the first command
that names it is stored.

Layout under the files folder: ``ab/abcdef…`` for complete files, and for an upload under way
``partial/<sha>-<total>-<uploader>.part`` (its size is the offset to resume from). Each uploader
has a partial file of their own: how far one user got is never told to another. Partial files
expire and count against their uploader's quota.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import time
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import anyio
from anyio import to_thread
from sqlalchemy.engine import make_url

from jjg_desktop.sync.protocol import UploadStatus

MAX_FILE_SIZE = 50 * 1024 * 1024
UPLOAD_QUOTA = 200 * 1024 * 1024
PARTIAL_TTL = timedelta(days=7)
STALL_AFTER = 30.0
SWEEP_EVERY = 3600.0
CONTENT_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")
_READ_CHUNK = 1024 * 1024


class UploadRefused(Exception):
    """An upload the server will not take; ``status`` is the HTTP status, ``title`` Chinese.
    ``current`` (for 409) is how much the server holds, to resume from."""

    def __init__(self, status: int, title: str, detail: str = "",
                 current: UploadStatus | None = None) -> None:
        super().__init__(title)
        self.status, self.title, self.detail, self.current = status, title, detail, current


class FilesDirMissing(ValueError):
    """No files folder was given where none can be inferred (PostgreSQL)."""


def default_dir(db_url: str) -> Path:
    """Beside a SQLite database as NAME.files/; other databases need ``--files``."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        path = Path(str(url.database)).expanduser().resolve()
        return path.parent / f"{path.stem}.files"
    raise FilesDirMissing("使用 PostgreSQL 等数据库时，须用 --files 指定存放附件文件的目录")


def parse_range(header: str | None, length: str | None) -> tuple[int, int, int]:
    """(start, end exclusive, total) from ``Content-Range: bytes START-END/TOTAL``; without
    one, the body is the whole file (Content-Length)."""
    if header is None:
        if length is None or not length.isdigit():
            raise UploadRefused(400, "缺少 Content-Range",
                                "续传上传须带 Content-Range 或 Content-Length")
        total = int(length)
        return 0, total, total
    match = CONTENT_RANGE.match(header.strip())
    if match is None:
        raise UploadRefused(400, "Content-Range 无效", "格式应为 bytes 起始-结束/总长")
    start, last, total = (int(g) for g in match.groups())
    if not start <= last < total:
        raise UploadRefused(400, "Content-Range 无效",
                            f"范围 {start}-{last} 不在文件长度 {total} 内")
    return start, last + 1, total


@dataclass(eq=False)
class _Flight:
    """The one upload of a file in flight: whose, and when it last received bytes."""

    uploader: str
    moved_at: float
    done: anyio.Event = field(default_factory=anyio.Event)


class FileArrived(Exception):
    """The file became whole (another upload finished it) before this one began."""


class FileStore:
    """``partial_ttl``: a partial upload not written to for this long is deleted.
    ``quota``: the bytes one user's partial uploads may announce in all. ``stall_after``: an
    upload that received nothing for this long may be taken over by another user's."""

    def __init__(self, root: Path, *, partial_ttl: timedelta = PARTIAL_TTL,
                 quota: int = UPLOAD_QUOTA, stall_after: float = STALL_AFTER) -> None:
        self.root = root
        self.partials = root / "partial"
        self.partials.mkdir(parents=True, exist_ok=True)
        self.partial_ttl, self.quota, self.stall_after = partial_ttl, quota, stall_after
        self._flights: dict[str, _Flight] = {}
        self._durable: set[str] = set()
        self._swept_at = time.monotonic()
        self.expire_partials()

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def missing(self, hashes: Iterable[str]) -> list[str]:
        return [h for h in dict.fromkeys(hashes) if not self.has(h)]

    def _partials_of(self, uploader: str, sha256: str = "*") -> list[Path]:
        return sorted(self.partials.glob(f"{sha256}-*-{uploader}.part"))

    def status(self, sha256: str, uploader: str = "") -> UploadStatus:
        """How much of the file the server holds: all of it, or what ``uploader`` sent."""
        final = self.path(sha256)
        if final.is_file():
            size = final.stat().st_size
            return UploadStatus(sha256=sha256, offset=size, size=size, complete=True)
        found = self._partials_of(uploader, sha256) if uploader else []
        if len(found) != 1:
            return UploadStatus(sha256=sha256, offset=0, size=0, complete=False)
        return UploadStatus(sha256=sha256, offset=found[0].stat().st_size,
                            size=_announced(found[0]), complete=False)

    def expire_partials(self) -> int:
        """Delete partial uploads nobody has written to for ``partial_ttl``; how many."""
        cutoff = time.time() - self.partial_ttl.total_seconds()
        expired = 0
        for partial in self.partials.glob("*.part"):
            if partial.name.split("-", 1)[0] in self._flights:
                continue
            with contextlib.suppress(FileNotFoundError):
                if partial.stat().st_mtime < cutoff:
                    partial.unlink()
                    expired += 1
        self._swept_at = time.monotonic()
        return expired

    def _announced_by(self, uploader: str, besides: str) -> int:
        return sum(_announced(p) for p in self._partials_of(uploader)
                   if not p.name.startswith(besides))

    async def append(self, sha256: str, start: int, end: int, total: int,
                     body: AsyncIterator[bytes], uploader: str = "-") -> UploadStatus:
        """Append the body at ``start``, which must be where ``uploader``'s partial file ends;
        when the file is whole its bytes on disk are hashed and kept only if they hash to
        the name. FileArrived if the file is (or became, while this waited) complete.

        One upload of a file is in flight at a time. Another user's waits for it, and goes
        on only if it stops short or stalls. The same user's, resuming from where the server
        stopped, takes over at once: its old connection is dead or stalled. A request the
        server refuses never touches the one in flight.
        """
        if total > MAX_FILE_SIZE:
            raise UploadRefused(413, "文件过大",
                                f"单个文件不能超过 {MAX_FILE_SIZE // 1024 // 1024} MB")
        if time.monotonic() - self._swept_at > SWEEP_EVERY:
            self.expire_partials()
        while not self.has(sha256):
            flight = self._flights.get(sha256)
            if flight is None or flight.uploader == uploader:
                break
            left = flight.moved_at + self.stall_after - time.monotonic()
            if left <= 0:
                break
            with anyio.move_on_after(left):
                await flight.done.wait()
        if self.has(sha256):
            raise FileArrived(sha256)
        held = self._admit(sha256, start, total, uploader)
        flight = _Flight(uploader, time.monotonic())
        taken = self._flights.get(sha256)
        self._flights[sha256] = flight
        if taken is not None:
            taken.done.set()
        try:
            return await self._append(sha256, held, start, end, total, body, flight, uploader)
        finally:
            if self._flights.get(sha256) is flight:
                del self._flights[sha256]
            flight.done.set()

    def _admit(self, sha256: str, start: int, total: int, uploader: str) -> UploadStatus:
        """Check the request against what the uploader holds (nothing awaited: the check and
        the claim that follows it see the same files)."""
        held = self.status(sha256, uploader)
        if start == 0 and (held.size != total or len(self._partials_of(uploader, sha256)) > 1):
            for stale in self._partials_of(uploader, sha256):
                stale.unlink(missing_ok=True)
            held = self.status(sha256, uploader)
        if start != held.offset or (held.offset and held.size != total):
            raise UploadRefused(409, "上传位置与服务器不一致",
                                f"服务器已有 {held.offset} 字节，请从该位置续传", current=held)
        if held.offset == 0 and self._announced_by(uploader, sha256) + total > self.quota:
            self.expire_partials()
            if self._announced_by(uploader, sha256) + total > self.quota:
                raise UploadRefused(
                    413, "未完成的上传过多",
                    f"您未完成的上传已达 {self.quota // 1024 // 1024} MB 的限额；请先完成"
                    f"正在进行的上传，或等待 {self.partial_ttl.days} 天后未完成的上传自动清除")
        return held

    async def _append(self, sha256: str, held: UploadStatus, start: int, end: int, total: int,
                      body: AsyncIterator[bytes], flight: _Flight,
                      uploader: str) -> UploadStatus:
        partial = self.partials / f"{sha256}-{total}-{uploader}.part"
        offset = start
        with open(partial, "ab", buffering=0) as out:
            async for chunk in body:
                if self._flights.get(sha256) is not flight:
                    raise UploadRefused(409, "该文件已由新的连接继续上传",
                                        current=self.status(sha256, uploader))
                if offset + len(chunk) > end:
                    out.truncate(start)
                    raise UploadRefused(400, "上传内容比 Content-Range 声明的长",
                                        "请按服务器报告的位置重新续传")
                view = memoryview(chunk)
                while view:
                    view = view[out.write(view) or 0:]
                offset += len(chunk)
                flight.moved_at = time.monotonic()
        if offset < total:
            return UploadStatus(sha256=sha256, offset=offset, size=total, complete=False)
        return await to_thread.run_sync(self._finish, sha256, partial)

    def _finish(self, sha256: str, partial: Path) -> UploadStatus:
        """Keep the partial file under its name if the bytes on disk hash to it."""
        if _hash_of(partial).hexdigest() != sha256:
            partial.unlink(missing_ok=True)
            raise UploadRefused(422, "文件校验失败",
                                "收到内容的 SHA-256 与文件名不符，已丢弃，请重新上传")
        target = self.path(sha256)
        target.parent.mkdir(exist_ok=True)
        os.replace(partial, target)
        return self.status(sha256)

    async def prove(self, sha256: str, start: int, end: int, total: int,
                    body: AsyncIterator[bytes]) -> UploadStatus:
        """A file the server holds, sent whole by someone not yet known to hold it: its bytes
        are hashed (not stored); they must be the whole file and hash to its name."""
        if start != 0 or end != total or total != self.path(sha256).stat().st_size:
            current = UploadStatus(sha256=sha256, offset=0, size=0, complete=False)
            raise UploadRefused(409, "上传位置与服务器不一致", "请从头完整上传该文件",
                                current=current)
        digest = hashlib.sha256()
        received = 0
        async for chunk in body:
            received += len(chunk)
            if received > total:
                raise UploadRefused(400, "上传内容比 Content-Range 声明的长", "请重新上传")
            digest.update(chunk)
        if received < total:
            return UploadStatus(sha256=sha256, offset=0, size=0, complete=False)
        if digest.hexdigest() != sha256:
            raise UploadRefused(422, "文件校验失败",
                                "收到内容的 SHA-256 与文件名不符，已丢弃，请重新上传")
        return self.status(sha256)

    def make_durable(self, hashes: Iterable[str]) -> None:
        """Flush complete files to disk before a command naming them is stored (uploads
        skip this, so they cost little more than receiving the bytes)."""
        for sha256 in hashes:
            if sha256 in self._durable:
                continue
            path = self.path(sha256)
            for target in (path, path.parent):
                fd = os.open(target, os.O_RDONLY)
                try:
                    os.fsync(fd)
                finally:
                    os.close(fd)
            self._durable.add(sha256)

    def add_copy(self, source: Path) -> str:
        """Keep a copy of a local file (loading a client's attachments); returns its hash."""
        digest = _hash_of(source).hexdigest()
        if not self.has(digest):
            target = self.path(digest)
            target.parent.mkdir(exist_ok=True)
            tmp = self.partials / f"{digest}.copy"
            shutil.copyfile(source, tmp)
            os.replace(tmp, target)
        return digest


def _announced(partial: Path) -> int:
    """The file size an upload announced (its partial file's name carries it)."""
    return int(partial.name.split("-")[1])


def _hash_of(path: Path) -> hashlib._Hash:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_READ_CHUNK):
            digest.update(chunk)
    return digest


