"""Syncs stay responsive while the server is flooded with bogus logins.

A real `jjg-server` in its own process on loopback. `/meta` (what every sync asks first) is
timed idle, then while 64 threads send wrong passwords as fast as they can: once from 64
addresses and usernames (no throttling applies: only the cap on password checks at once
protects the server), once all at one account from one address (throttled: refused before any
password is checked). Prints p50/p95 of each and the ratio to idle, and how many guesses the
server actually checked.

    python bench/bench_login_flood.py [--seconds 5]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _meta_times(base: str, seconds: float) -> list[float]:
    times: list[float] = []
    with requests.Session() as http:
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            start = time.perf_counter()
            http.get(f"{base}/sync/v1/meta", timeout=30).raise_for_status()
            times.append(time.perf_counter() - start)
            time.sleep(0.02)
    return times


def _flood(base: str, stop: threading.Event, spread: bool, counts: dict[int, int]) -> None:
    def guess(n: int) -> None:
        with requests.Session() as http:
            while not stop.is_set():
                who = f"user{n:02d}" if spread else "hc_clerk"
                address = f"10.9.{n}.1" if spread else "10.9.0.1"
                reply = http.post(f"{base}/sync/v1/login", timeout=60,
                                  headers={"X-Forwarded-For": address},
                                  json={"username": who, "password": "猜测的密码-0000",
                                        "client_id": f"bench-{n}"})
                counts[reply.status_code] = counts.get(reply.status_code, 0) + 1

    threads = [threading.Thread(target=guess, args=(n,), daemon=True) for n in range(64)]
    for t in threads:
        t.start()
    stop.wait()
    for t in threads:
        t.join(60)


def _line(label: str, times: list[float], idle: list[float]) -> str:
    p50 = statistics.median(times) * 1000
    p95 = statistics.quantiles(times, n=20)[-1] * 1000
    base = statistics.median(idle) * 1000
    return f"{label:<42} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  ({p50 / base:5.1f}× idle)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="jjg-flood-"))
    db = f"sqlite:///{folder / 'server.sqlite3'}"
    subprocess.run([sys.executable, "-m", "jjg_server.cli", "user", "add", "--db", db,
                    "--username", "hc_clerk", "--name", "刘晓燕", "--role", "county_clerk",
                    "--division", "222404", "--password-stdin"], input="Jl-基准-2026!\n",
                   text=True, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen([sys.executable, "-m", "jjg_server.cli", "serve", "--db", db,
                               "--port", str(port)], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                requests.get(f"{base}/sync/v1/meta", timeout=1)
                break
            except requests.ConnectionError:
                time.sleep(0.1)
        print(f"jjg-server on {base}, {os.cpu_count()} CPUs")
        idle = _meta_times(base, args.seconds)
        print(_line("/meta idle", idle, idle))
        for spread, label in ((True, "/meta, 64 threads guessing 64 accounts"),
                              (False, "/meta, 64 threads guessing one account")):
            stop, counts = threading.Event(), {}
            flood = threading.Thread(target=_flood, args=(base, stop, spread, counts))
            flood.start()
            time.sleep(1.0)
            busy = _meta_times(base, args.seconds)
            stop.set()
            flood.join(120)
            print(_line(label, busy, idle))
            print(f"{'':<42} replies: " + ", ".join(f"{n} × {status}"
                                                   for status, n in sorted(counts.items())))
    finally:
        server.terminate()
        server.wait(30)
    return 0


if __name__ == "__main__":
    sys.exit(main())
