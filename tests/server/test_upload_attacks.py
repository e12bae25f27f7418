"""Uploads an attacker shapes: a "complete" file is always the bytes its name hashes to, a
refused request never disturbs the upload in flight, concurrent uploads of one file end with
one file and no error, and abandoned partial uploads expire and count against a quota."""

from __future__ import annotations

import hashlib
import os
import random
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
import requests
from sqlalchemy import Engine

from jjg_desktop.sync.protocol import ProblemDetail, UploadStatus
from server_support import (
    TIMEOUT,
    SyncClient,
    add_user,
    held_upload,
    read_reply,
    running_server,
    start_upload,
)

PASSWORD = "Jl-上传-2026!"
PHOTO = os.urandom(600_000)
SHA = hashlib.sha256(PHOTO).hexdigest()


def _client(server: str, engine: Engine, username: str = "insp01") -> SyncClient:
    add_user(engine, username, PASSWORD, role="inspector")
    return SyncClient.signed_in(server, username, PASSWORD, client_id=f"pc-{username}")


def _put(client: SyncClient, sha: str, body: bytes, start: int, total: int) -> requests.Response:
    end = start + len(body) - 1
    headers = {**client.headers, "Content-Range": f"bytes {start}-{max(end, start)}/{total}"}
    return requests.put(f"{client.base}/sync/v1/files/{sha}", data=body, headers=headers,
                        timeout=TIMEOUT)


def _stored(files_dir: Path, sha: str) -> bytes | None:
    path = files_dir / sha[:2] / sha
    return path.read_bytes() if path.is_file() else None


def _crafted(rng: random.Random, total: int) -> tuple[bytes, int, int]:
    """A body, its start and the total it announces: right bytes, wrong bytes, shifted."""
    start = rng.choice([0, 0, rng.randrange(total), total // 2])
    length = rng.randrange(1, total - start + 1)
    announced = rng.choice([total, total, total + rng.randrange(1, 99), max(1, total // 3)])
    length = min(length, announced - start) if start < announced else 1
    start = min(start, announced - 1)
    if rng.random() < 0.15:
        return b"", start, announced
    body = bytearray(PHOTO[start:start + length].ljust(length, b"\0"))
    if rng.random() < 0.4:
        body[rng.randrange(len(body))] ^= 0xFF
    return bytes(body), start, announced


def test_a_partial_file_of_another_size_cannot_smuggle_bytes_into_a_complete_one(
        server: str, engine: Engine, files_dir: Path):
    """An empty upload announcing another size, garbage parked under the real size, then the
    real file from offset 0: the server must not keep garbage + file under the file's name."""
    client = _client(server, engine)
    empty = requests.put(f"{server}/sync/v1/files/{SHA}", data=b"", timeout=TIMEOUT,
                         headers={**client.headers, "Content-Range": "bytes 0-0/1000"})
    assert empty.status_code == 200
    assert _put(client, SHA, b"GARBAGE" * 100, 0, len(PHOTO)).status_code == 200
    whole = _put(client, SHA, PHOTO, 0, len(PHOTO))
    assert whole.status_code == 409 and whole.json()["offset"] == 700, whole.text
    assert _stored(files_dir, SHA) is None
    # resuming where the server stopped, as the client does, proves the garbage wrong
    rest = _put(client, SHA, PHOTO[700:], 700, len(PHOTO))
    assert rest.status_code == 422, rest.text
    assert _stored(files_dir, SHA) is None
    again = _put(client, SHA, PHOTO, 0, len(PHOTO))
    assert again.status_code == 200 and again.json()["complete"] is True, again.text
    assert _stored(files_dir, SHA) == PHOTO
    fetched = requests.get(f"{server}/sync/v1/files/{SHA}", headers=client.headers,
                           timeout=TIMEOUT)
    assert fetched.content == PHOTO


@pytest.mark.parametrize("seed", [7, 23])
def test_no_sequence_of_crafted_puts_leaves_a_file_that_is_not_its_name(
        server: str, engine: Engine, files_dir: Path, seed: int):
    """Sequential and concurrent PUTs with right and wrong bytes, ranges and totals, from
    two users: whatever the server then calls complete hashes to its name, and is served
    only as those bytes."""
    rng = random.Random(seed)
    users = [_client(server, engine, "insp01"), _client(server, engine, "insp02")]
    with ThreadPoolExecutor(4) as pool:
        for _ in range(12):
            batch = [(rng.choice(users), *_crafted(rng, len(PHOTO))) for _ in range(3)]
            list(pool.map(lambda job: _put(job[0], SHA, job[1], job[2], job[3]), batch))
            stored = _stored(files_dir, SHA)
            assert stored is None or stored == PHOTO
    for user in users:
        status = requests.get(f"{server}/sync/v1/files/{SHA}/status", headers=user.headers,
                              timeout=TIMEOUT)
        if UploadStatus.model_validate_json(status.text).complete:
            fetched = requests.get(f"{server}/sync/v1/files/{SHA}", headers=user.headers,
                                   timeout=TIMEOUT)
            assert hashlib.sha256(fetched.content).hexdigest() == SHA
    # an honest upload still completes afterwards, whatever was left behind
    honest = users[0]
    held = UploadStatus.model_validate_json(requests.get(
        f"{server}/sync/v1/files/{SHA}/status", headers=honest.headers, timeout=TIMEOUT).text)
    start = held.offset if held.size == len(PHOTO) and not held.complete else 0
    reply = _put(honest, SHA, PHOTO[start:], start, len(PHOTO))
    if reply.status_code in (409, 422):  # its own partial held the crafted bytes: start over
        reply = _put(honest, SHA, PHOTO, 0, len(PHOTO))
    assert reply.status_code == 200, reply.text
    assert _stored(files_dir, SHA) == PHOTO


def test_a_refused_put_never_takes_over_the_upload_in_flight(server: str, engine: Engine):
    client = _client(server, engine)
    in_flight = start_upload(client, SHA, PHOTO, 200_000)
    try:
        held_upload(client, SHA, 200_000)
        for start in (5, 150_000, 400_000):
            wrong = _put(client, SHA, PHOTO[start:start + 10], start, len(PHOTO))
            assert wrong.status_code == 409, wrong.text
        in_flight.sendall(PHOTO[200_000:])
        reply = read_reply(in_flight)
    finally:
        in_flight.close()
    assert reply.startswith("HTTP/1.1 200"), reply
    assert '"complete":true' in reply


def test_five_users_uploading_one_file_at_once_end_with_one_file_and_no_error(
        server: str, engine: Engine, files_dir: Path):
    users = [_client(server, engine, f"insp0{n}") for n in range(1, 6)]
    with ThreadPoolExecutor(5) as pool:
        replies = list(pool.map(lambda u: _put(u, SHA, PHOTO, 0, len(PHOTO)), users))
    assert [r.status_code for r in replies] == [200] * 5, [r.text for r in replies]
    assert all(UploadStatus.model_validate_json(r.text).complete for r in replies)
    assert _stored(files_dir, SHA) == PHOTO
    assert list((files_dir / "partial").glob("*.part")) == []
    for user in users:  # each sent every byte: each may fetch it
        assert requests.get(f"{server}/sync/v1/files/{SHA}", headers=user.headers,
                            timeout=TIMEOUT).content == PHOTO


@pytest.fixture
def small_quota_server(db_url: str, files_dir: Path) -> Iterator[str]:
    with running_server(db_url, files_dir, upload_quota=1_000_000,
                        partial_ttl=timedelta(days=7)) as base:
        yield base


def test_abandoned_uploads_count_against_a_quota_and_expire(
        small_quota_server: str, engine: Engine, files_dir: Path):
    server = small_quota_server
    hoarder = _client(server, engine, "insp01")
    honest = _client(server, engine, "insp02")
    files = [os.urandom(400_000) for _ in range(3)]
    for data in files[:2]:
        sha = hashlib.sha256(data).hexdigest()
        assert _put(hoarder, sha, data[:1000], 0, len(data)).json()["offset"] == 1000
    third = hashlib.sha256(files[2]).hexdigest()
    refused = _put(hoarder, third, files[2][:1000], 0, len(files[2]))
    assert refused.status_code == 413
    problem = ProblemDetail.model_validate_json(refused.text)
    assert problem.title == "未完成的上传过多" and "7 天" in problem.detail
    # a resumed upload is not a new one, and the quota is the user's own
    first = hashlib.sha256(files[0]).hexdigest()
    assert _put(hoarder, first, files[0][1000:2000], 1000, len(files[0])).status_code == 200
    assert _put(honest, third, files[2], 0, len(files[2])).json()["complete"] is True

    week_ago = time.time() - timedelta(days=7, minutes=1).total_seconds()
    for partial in (files_dir / "partial").glob("*.part"):
        os.utime(partial, (week_ago, week_ago))
    other = os.urandom(400_000)
    reply = _put(hoarder, hashlib.sha256(other).hexdigest(), other, 0, len(other))
    assert reply.status_code == 200 and reply.json()["complete"] is True
    assert list((files_dir / "partial").glob("*.part")) == []
    status = requests.get(f"{server}/sync/v1/files/{first}/status", headers=hoarder.headers,
                          timeout=TIMEOUT).json()
    assert (status["offset"], status["complete"]) == (0, False)
