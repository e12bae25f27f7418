"""Files by SHA-256: resumable uploads appended to a partial file, re-hashed before they are
accepted, then kept once under their hash. A file is flushed to disk before the first command
that names it is stored.

Layout under the files folder: ``ab/abcdef…`` for complete files, and for an upload under way
``partial/<sha>-<total>-<uploader>.part`` (its size is the offset to resume from). Each uploader
has a partial file of their own: how far one user got is never told to another, and another
user's upload never takes theirs over.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import AsyncIterator, Iterable
from pathlib import Path

from anyio import to_thread
from sqlalchemy.engine import make_url

from jjg_desktop.sync.protocol import UploadStatus

MAX_FILE_SIZE = 50 * 1024 * 1024
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


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.partials = root / "partial"
        self.partials.mkdir(parents=True, exist_ok=True)
        self._owners: dict[str, object] = {}
        self._durable: set[str] = set()

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def has(self, sha256: str) -> bool:
        return self.path(sha256).is_file()

    def missing(self, hashes: Iterable[str]) -> list[str]:
        return [h for h in dict.fromkeys(hashes) if not self.has(h)]

    def _partial(self, sha256: str, uploader: str) -> Path | None:
        return next(iter(sorted(self.partials.glob(f"{sha256}-*-{uploader}.part"))), None)

    def status(self, sha256: str, uploader: str = "") -> UploadStatus:
        """How much of the file the server holds: all of it, or what ``uploader`` sent."""
        final = self.path(sha256)
        if final.is_file():
            size = final.stat().st_size
            return UploadStatus(sha256=sha256, offset=size, size=size, complete=True)
        partial = self._partial(sha256, uploader) if uploader else None
        if partial is None:
            return UploadStatus(sha256=sha256, offset=0, size=0, complete=False)
        total = int(partial.stem.split("-")[1])
        return UploadStatus(sha256=sha256, offset=partial.stat().st_size, size=total,
                            complete=False)

    async def append(self, sha256: str, start: int, end: int, total: int,
                     body: AsyncIterator[bytes], uploader: str = "-") -> UploadStatus:
        """Append the body at ``start``, which must be the partial file's size; the file is
        re-hashed when it is whole and kept only if its SHA-256 is the one named.

        The newest upload of a file takes over: one still waiting on a stalled connection
        stops at its next chunk, so a client that reconnects can always resume.
        """
        if total > MAX_FILE_SIZE:
            raise UploadRefused(413, "文件过大",
                                f"单个文件不能超过 {MAX_FILE_SIZE // 1024 // 1024} MB")
        if self.has(sha256):
            return self.status(sha256)
        me = object()
        key = f"{sha256}-{uploader}"
        self._owners[key] = me
        try:
            return await self._append(sha256, start, end, total, body, me, uploader)
        finally:
            if self._owners.get(key) is me:
                del self._owners[key]

    async def _append(self, sha256: str, start: int, end: int, total: int,
                      body: AsyncIterator[bytes], me: object, uploader: str) -> UploadStatus:
        key = f"{sha256}-{uploader}"
        held = self.status(sha256, uploader)
        if held.offset and held.size != total and start == 0:
            self._discard(sha256, uploader)
            held = self.status(sha256, uploader)
        if start != held.offset or (held.offset and held.size != total):
            raise UploadRefused(409, "上传位置与服务器不一致",
                                f"服务器已有 {held.offset} 字节，请从该位置续传", current=held)
        partial = self.partials / f"{sha256}-{total}-{uploader}.part"
        digest = await to_thread.run_sync(_hash_of, partial) if start else hashlib.sha256()
        offset = start
        with open(partial, "ab", buffering=0) as out:
            async for chunk in body:
                if self._owners.get(key) is not me:
                    raise UploadRefused(409, "该文件已由新的连接继续上传",
                                        current=self.status(sha256, uploader))
                if offset + len(chunk) > end:
                    out.truncate(start)
                    raise UploadRefused(400, "上传内容比 Content-Range 声明的长",
                                        "请按服务器报告的位置重新续传")
                view = memoryview(chunk)
                while view:
                    view = view[out.write(view) or 0:]
                digest.update(chunk)
                offset += len(chunk)
        if offset < total:
            return UploadStatus(sha256=sha256, offset=offset, size=total, complete=False)
        return await to_thread.run_sync(self._finish, sha256, partial, digest.hexdigest())

    def _finish(self, sha256: str, partial: Path, actual: str) -> UploadStatus:
        if actual != sha256:
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

    def _discard(self, sha256: str, uploader: str) -> None:
        for stale in self.partials.glob(f"{sha256}-*-{uploader}.part"):
            stale.unlink(missing_ok=True)

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


def _hash_of(path: Path) -> hashlib._Hash:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_READ_CHUNK):
            digest.update(chunk)
    return digest


