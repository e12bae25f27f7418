"""`/sync/v1/files`: which files the server lacks, resumable uploads re-hashed before they
are kept, downloads."""

from __future__ import annotations

import hashlib
import os

import requests
from sqlalchemy import Engine

from jjg_desktop.sync.protocol import MissingFilesResponse, ProblemDetail, UploadStatus
from jjg_server.files import MAX_FILE_SIZE
from server_support import (
    TIMEOUT,
    SyncClient,
    add_user,
    cut_upload,
    held_upload,
    start_upload,
    upload_status,
)

PASSWORD = "Jl-文件-2026!"
PHOTO = os.urandom(3 * 1024 * 1024 + 17)
SHA = hashlib.sha256(PHOTO).hexdigest()


def _client(server: str, engine: Engine) -> SyncClient:
    add_user(engine, "insp01", PASSWORD, role="inspector")
    return SyncClient.signed_in(server, "insp01", PASSWORD)


def _put(client: SyncClient, sha: str, body: bytes, start: int, total: int) -> requests.Response:
    headers = {**client.headers,
               "Content-Range": f"bytes {start}-{start + len(body) - 1}/{total}"}
    return requests.put(f"{client.base}/sync/v1/files/{sha}", data=body, headers=headers,
                        timeout=TIMEOUT)


def test_the_server_names_the_files_it_lacks(server: str, engine: Engine):
    client = _client(server, engine)
    other = hashlib.sha256(b"other").hexdigest()
    assert _put(client, SHA, PHOTO, 0, len(PHOTO)).status_code == 200
    reply = requests.post(f"{server}/sync/v1/files/missing", headers=client.headers,
                          json={"hashes": [SHA, other, other]}, timeout=TIMEOUT)
    assert reply.status_code == 200, reply.text
    assert MissingFilesResponse.model_validate_json(reply.text).missing == [other]


def test_a_cut_upload_resumes_from_the_offset_the_server_reports(server: str, engine: Engine):
    client = _client(server, engine)
    cut_upload(client, SHA, PHOTO, 1_000_003)
    held = held_upload(client, SHA, 1_000_003)
    assert held == UploadStatus(sha256=SHA, offset=1_000_003, size=len(PHOTO), complete=False)

    # a part that does not start where the server stopped is refused with where it stopped
    wrong = _put(client, SHA, PHOTO[5:10], 5, len(PHOTO))
    assert wrong.status_code == 409
    assert UploadStatus.model_validate_json(wrong.text).offset == 1_000_003

    done = _put(client, SHA, PHOTO[held.offset:], held.offset, len(PHOTO))
    assert done.status_code == 200, done.text
    assert UploadStatus.model_validate_json(done.text) == UploadStatus(
        sha256=SHA, offset=len(PHOTO), size=len(PHOTO), complete=True)
    fetched = requests.get(f"{server}/sync/v1/files/{SHA}", headers=client.headers,
                           timeout=TIMEOUT)
    assert fetched.status_code == 200 and fetched.content == PHOTO
    # uploading a file the server has is answered at once
    again = _put(client, SHA, PHOTO[:10], 0, len(PHOTO))
    assert UploadStatus.model_validate_json(again.text).complete


def test_an_upload_stalled_on_a_dead_connection_does_not_block_resuming(
        server: str, engine: Engine):
    """A network partition leaves the first connection open but silent."""
    client = _client(server, engine)
    stalled = start_upload(client, SHA, PHOTO, 2_000_000)
    try:
        held = held_upload(client, SHA, 2_000_000)
        done = _put(client, SHA, PHOTO[held.offset:], held.offset, len(PHOTO))
        assert done.status_code == 200, done.text
        assert UploadStatus.model_validate_json(done.text).complete
        stalled.sendall(PHOTO[2_000_000:2_100_000])  # the old connection wakes up: ignored
    finally:
        stalled.close()
    fetched = requests.get(f"{server}/sync/v1/files/{SHA}", headers=client.headers,
                           timeout=TIMEOUT)
    assert fetched.content == PHOTO


def test_bytes_that_do_not_hash_to_the_name_are_discarded(server: str, engine: Engine):
    client = _client(server, engine)
    forged = bytearray(PHOTO)
    forged[-1] ^= 0xFF
    reply = _put(client, SHA, bytes(forged), 0, len(PHOTO))
    assert reply.status_code == 422
    problem = ProblemDetail.model_validate_json(reply.text)
    assert problem.title == "文件校验失败" and "SHA-256" in problem.detail
    assert upload_status(client, SHA) == UploadStatus(sha256=SHA, offset=0, size=0, complete=False)
    assert requests.get(f"{server}/sync/v1/files/{SHA}", headers=client.headers,
                        timeout=TIMEOUT).status_code == 404


def test_a_file_over_50_mb_is_413_in_chinese(server: str, engine: Engine):
    client = _client(server, engine)
    reply = _put(client, SHA, b"x" * 10, 0, MAX_FILE_SIZE + 1)
    assert reply.status_code == 413
    assert ProblemDetail.model_validate_json(reply.text).title == "文件过大"


def test_an_absent_file_is_404_and_files_need_a_token(server: str, engine: Engine):
    client = _client(server, engine)
    reply = requests.get(f"{server}/sync/v1/files/{SHA}", headers=client.headers,
                         timeout=TIMEOUT)
    assert reply.status_code == 404
    assert ProblemDetail.model_validate_json(reply.text).title == "服务器上没有该文件"
    for method, path in (("GET", SHA), ("PUT", SHA), ("GET", f"{SHA}/status"),
                         ("POST", "missing")):
        assert requests.request(method, f"{server}/sync/v1/files/{path}",
                                timeout=TIMEOUT).status_code == 401
    bad_name = requests.get(f"{server}/sync/v1/files/NOT-A-HASH", headers=client.headers,
                            timeout=TIMEOUT)
    assert bad_name.status_code == 422
