"""The attachment store: files kept once by SHA-256 under the data folder."""

from __future__ import annotations

import hashlib
import os
import tempfile
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from jjg_desktop.store.models import Blob


def relative_path(sha256: str) -> str:
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


def put(session: Session, root: Path, data: bytes, mime: str, now: datetime) -> Blob:
    """Store `data` (once) and return its row; the file is complete before the row exists."""
    sha = hashlib.sha256(data).hexdigest()
    blob = session.get(Blob, sha)
    target = root / relative_path(sha)
    if blob is not None and target.is_file():
        return blob
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    if blob is None:
        blob = Blob(sha256=sha, size=len(data), mime=mime, rel_path=relative_path(sha),
                    created_at=now)
        session.add(blob)
        session.flush()
    return blob


def path_of(root: Path, sha256: str) -> Path:
    return root / relative_path(sha256)


def read_verified(root: Path, sha256: str) -> bytes:
    """The stored bytes, refusing a file whose content no longer matches its hash."""
    data = path_of(root, sha256).read_bytes()
    if hashlib.sha256(data).hexdigest() != sha256:
        raise ValueError(f"附件 {sha256[:12]}… 已损坏（内容与哈希不符）")
    return data
