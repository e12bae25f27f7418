"""Sync against a live jjg_server on loopback: the three DESIGN.md sync targets in one run.

1. Initial pull of a county-sized dataset through the real engine (meta → pull pages → apply),
   against a raw transfer of the same rows (one HTTP GET of the same JSON) plus sqlite3
   executemany inserts into the same tables. Target: ≥ 50 % of the raw rate.
2. A sync right after: requests and bytes. Target: ≤ 3 requests, ≤ 4 KB.
3. Photo upload through the client's resumable upload, against a raw PUT of the same bytes to
   a bare streaming endpoint on the same server stack, alternately. Target: ≥ 80 % of the raw
   rate. Then an upload cut at 60 % of the file (the socket closed mid-body) is resumed and
   must send only the rest.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import socket
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import requests  # noqa: E402
import uvicorn  # noqa: E402
from generate_large import generate  # noqa: E402
from memory_keyring import MemoryKeyring  # noqa: E402
from sqlalchemy.orm import Session  # noqa: E402
from starlette.applications import Starlette  # noqa: E402
from starlette.requests import Request  # noqa: E402
from starlette.responses import Response  # noqa: E402
from starlette.routing import Route  # noqa: E402

from jjg_desktop.config import resolve_paths  # noqa: E402
from jjg_desktop.services.startup import open_store  # noqa: E402
from jjg_desktop.store.read.search import register_functions  # noqa: E402
from jjg_desktop.store.synced_rows import synced_models  # noqa: E402
from jjg_desktop.sync.client import SyncClient  # noqa: E402
from jjg_desktop.sync.credentials import Credentials  # noqa: E402
from jjg_desktop.sync.errors import Offline  # noqa: E402
from jjg_desktop.sync.session import sign_in, sync_once  # noqa: E402
from jjg_server import accounts, store  # noqa: E402
from jjg_server.app import create_app  # noqa: E402
from jjg_server.client_db import load_client_db  # noqa: E402
from jjg_server.files import FileStore  # noqa: E402

PULL_TARGET, UPLOAD_TARGET = 0.5, 0.8
NO_CHANGE_REQUESTS, NO_CHANGE_BYTES = 3, 4096
PASSWORD = "bench-Sync-2026"


@contextmanager
def _serving(app: Any) -> Iterator[str]:
    # proto IPPROTO_TCP, or asyncio does not set TCP_NODELAY on accepted connections and every
    # reply on a kept-alive connection waits ~40 ms for a delayed ACK
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level="warning", lifespan="on", ws="none", http="h11")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def _raw_app(folder: Path, payload: bytes) -> Starlette:
    """The baseline: a static GET of the pulled rows and a PUT that streams a body to disk."""
    async def rows(_request: Request) -> Response:
        return Response(payload, media_type="application/json")

    async def put(request: Request) -> Response:
        target = folder / "raw-upload.bin"
        with target.open("wb") as out:
            async for chunk in request.stream():
                out.write(chunk)
        return Response(b"{}", media_type="application/json")

    return Starlette(routes=[Route("/rows", rows), Route("/put", put, methods=["PUT"])])


def _raw_pull(url: str, db_path: Path) -> tuple[float, int]:
    """GET the same rows as one JSON document and insert them with executemany."""
    start = time.perf_counter()
    changes = requests.get(f"{url}/rows", timeout=600).json()
    db = sqlite3.connect(db_path)
    register_functions(db)  # the search index's triggers need them, as on every connection
    db.execute("PRAGMA foreign_keys=ON")  # as every connection of the store
    by_entity: dict[str, list[dict[str, Any]]] = {e: [] for e in synced_models()}
    for c in changes:
        by_entity[c["entity"]].append({**c["data"], "id": c["id"],
                                       "server_version": c["version"]})
    with db:
        for entity, rows in by_entity.items():
            if not rows:
                continue
            columns = list(rows[0])
            sql = (f'INSERT OR REPLACE INTO "{entity}" ({", ".join(columns)}) '
                   f'VALUES ({", ".join("?" for _ in columns)})')
            db.executemany(sql, [[json.dumps(r[c], ensure_ascii=False)
                                  if isinstance(r[c], dict | list) else r[c] for c in columns]
                                 for r in rows])
    db.close()
    return time.perf_counter() - start, len(changes)


def _all_changes(url: str, token: str) -> bytes:
    out: list[dict[str, Any]] = []
    cursor = 0
    while True:
        page = requests.get(f"{url}/sync/v1/pull", params={"cursor": cursor, "limit": 2000},
                            headers={"Authorization": f"Bearer {token}"}, timeout=600).json()
        out.extend(page["changes"])
        cursor = page["cursor"]
        if not page["more"]:
            return json.dumps(out, ensure_ascii=False).encode()


def _cut_upload(url: str, token: str, sha: str, data: bytes, keep: int) -> None:
    """Start a PUT of the whole file, send ``keep`` bytes of the body, then drop the socket."""
    host, port = url.removeprefix("http://").split(":")
    head = (f"PUT /sync/v1/files/{sha} HTTP/1.1\r\nHost: {host}\r\n"
            f"Authorization: Bearer {token}\r\nContent-Type: application/octet-stream\r\n"
            f"Content-Range: bytes 0-{len(data) - 1}/{len(data)}\r\n"
            f"Content-Length: {len(data)}\r\n\r\n").encode()
    with socket.create_connection((host, int(port))) as s:
        s.sendall(head + data[:keep])
        time.sleep(0.3)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--enterprises", type=int, default=3000)
    ap.add_argument("--projects", type=int, default=1500)
    ap.add_argument("--inspections", type=int, default=6000)
    ap.add_argument("--photo-mb", type=float, default=8.0)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="jjg-bench-sync-"))
    client_db = work / "county.sqlite"
    info = generate(client_db, enterprises=args.enterprises, projects=args.projects,
                    inspections=args.inspections, log=lambda _m: None)
    server_url = f"sqlite:///{work / 'server.sqlite3'}"
    engine = store.open_db(server_url)
    t = time.perf_counter()
    loaded = load_client_db(engine, FileStore(work / "server-files"), client_db)
    print(f"server loaded in {time.perf_counter() - t:.1f} s: {loaded}")
    with Session(engine) as s, s.begin():
        accounts.add_user(s, username="bench_province", display_name="省厅测试",
                          role="province_admin", division_code="220000", password=PASSWORD,
                          now=datetime.now(UTC))
    failures: list[str] = []
    with _serving(create_app(server_url, files_dir=work / "server-files")) as url:
        credentials = Credentials(MemoryKeyring())
        ours = open_store(resolve_paths(data_dir=work / "laptop"))
        sign_in(ours, credentials, server_url=url, username="bench_province", password=PASSWORD)
        login = credentials.load(url)
        assert login is not None
        payload = _all_changes(url, login.token)
        with _serving(_raw_app(work, payload)) as raw_url:
            baseline = open_store(resolve_paths(data_dir=work / "baseline"))
            baseline.close()
            raw_s, raw_rows = _raw_pull(raw_url, resolve_paths(data_dir=work / "baseline").db_path)
            t = time.perf_counter()
            first = sync_once(ours, credentials, server_url=url)
            ours_s = time.perf_counter() - t
            ours_rate, raw_rate = first.pulled / ours_s, raw_rows / raw_s
            ratio = ours_rate / raw_rate
            print(f"\ninitial pull ({info['counts']})")
            print(f"  ours: {first.pulled} rows in {ours_s:.2f} s = {ours_rate:,.0f} rows/s "
                  f"({first.requests} requests, {first.bytes_received / 1e6:.1f} MB)")
            print(f"  raw transfer + insert: {raw_rows} rows in {raw_s:.2f} s = "
                  f"{raw_rate:,.0f} rows/s ({len(payload) / 1e6:.1f} MB)")
            print(f"  ratio {ratio:.0%} (target ≥ {PULL_TARGET:.0%}) — "
                  f"{'met' if ratio >= PULL_TARGET else 'MISSED'}")
            if ratio < PULL_TARGET:
                failures.append("initial pull")

            again = sync_once(ours, credentials, server_url=url)
            size = again.bytes_sent + again.bytes_received
            ok = again.requests <= NO_CHANGE_REQUESTS and size <= NO_CHANGE_BYTES
            print(f"\nno-change sync: {again.requests} requests, {size} bytes "
                  f"(target ≤ {NO_CHANGE_REQUESTS}, ≤ {NO_CHANGE_BYTES}) — "
                  f"{'met' if ok else 'MISSED'}")
            if not ok:
                failures.append("no-change sync")

            data = os.urandom(int(args.photo_mb * 1e6))
            client = SyncClient(url, token=login.token)
            ours_times, raw_times = [], []
            for n in range(args.runs):
                blob = data[:-8] + n.to_bytes(8, "big")
                sha = hashlib.sha256(blob).hexdigest()
                path = work / f"photo-{n}.bin"
                path.write_bytes(blob)
                t = time.perf_counter()
                requests.put(f"{raw_url}/put", data=path.open("rb"), timeout=600)
                raw_times.append(time.perf_counter() - t)
                t = time.perf_counter()
                status = client.upload(sha, path, held=0)
                ours_times.append(time.perf_counter() - t)
                assert status.complete, status
            ours_up, raw_up = statistics.median(ours_times), statistics.median(raw_times)
            up_ratio = raw_up / ours_up
            mb = len(data) / 1e6
            print(f"\nphoto upload ({mb:.1f} MB, median of {args.runs}):")
            print(f"  ours {ours_up * 1000:.0f} ms = {mb / ours_up:.0f} MB/s; raw PUT "
                  f"{raw_up * 1000:.0f} ms = {mb / raw_up:.0f} MB/s; ratio {up_ratio:.0%} "
                  f"(target ≥ {UPLOAD_TARGET:.0%}) — "
                  f"{'met' if up_ratio >= UPLOAD_TARGET else 'MISSED'}")
            if up_ratio < UPLOAD_TARGET:
                failures.append("photo upload")

            blob = data[::-1]
            sha = hashlib.sha256(blob).hexdigest()
            path = work / "cut.bin"
            path.write_bytes(blob)
            keep = int(len(blob) * 0.6)
            _cut_upload(url, login.token, sha, blob, keep)
            held = client.upload_status(sha).offset
            sent_before = client.bytes_sent
            try:
                status = client.upload(sha, path)
            except Offline as exc:
                print(f"  resume failed: {exc.message}")
                return 1
            resent = client.bytes_sent - sent_before
            ok = status.complete and held > 0 and resent < len(blob) - held + 4096
            print(f"  cut at {keep / 1e6:.1f} MB: server held {held / 1e6:.1f} MB; the resume "
                  f"sent {resent / 1e6:.2f} MB of {len(blob) / 1e6:.1f} MB — "
                  f"{'resumed' if ok else 'RESTARTED'}")
            if not ok:
                failures.append("upload resume")
        ours.close()
    engine.dispose()
    if failures:
        print(f"\nMISSED: {', '.join(failures)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
