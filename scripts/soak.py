"""A longer soak than the suite's: five laptops, many random operations, a faulty network,
conflicts decided both ways; then clean syncs, and every laptop compared with the server.

    python scripts/soak.py --ops 5000 --seed 7            # SQLite
    python scripts/soak.py --ops 5000 --pg postgresql+psycopg://jjg@127.0.0.1:55432/jjg_test

Exits 0 when every laptop equals the server, 1 (and lists the differences) otherwise.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for folder in ("tests", "tests/server", "tests/sync"):
    sys.path.insert(0, str(ROOT / folder))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from soak_support import ROLES, Soak, differences, quiet  # noqa: E402
from sync_support import PASSWORD, device, live_server, publish_site  # noqa: E402

from server_support import fresh_db  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ops", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=20230315)
    parser.add_argument("--faults", type=float, default=0.2, help="share of faulty syncs")
    parser.add_argument("--pg", help="an admin URL of PostgreSQL (else SQLite)")
    args = parser.parse_args()
    if args.pg:
        os.environ["JJG_TEST_PG_URL"] = args.pg
    with tempfile.TemporaryDirectory(prefix="jjg-soak-") as tmp:
        folder = Path(tmp)
        with fresh_db("postgresql" if args.pg else "sqlite", folder) as db_url, \
                live_server(db_url, folder) as live:
            site = publish_site(live, folder)
            laptops = []
            for n, user in enumerate(ROLES, start=1):
                laptop = device(folder / f"laptop-{n}-{user}", live.proxy.url)
                laptop.log_in(user, PASSWORD)
                laptops.append(laptop)
            soak = Soak(live, laptops, site.project_id, folder, random.Random(args.seed))
            started = time.monotonic()
            for laptop in laptops:
                laptop.sync()
            soak.run(args.ops, args.faults)
            rounds = soak.settle()
            seconds = time.monotonic() - started
            print(f"{args.ops} operations in {seconds:.0f} s, settled in {rounds} round(s)")
            print("done:", dict(sorted(soak.done.items())))
            print("refused on the laptop:", sum(soak.refused.values()))
            problems = []
            for laptop in laptops:
                if not quiet(laptop):
                    problems.append(f"{laptop.store.paths.data_dir.name}: not quiet")
                problems += differences(live, laptop)
                laptop.close()
            for line in problems[:50]:
                print(line)
            print("every laptop equals the server" if not problems
                  else f"{len(problems)} difference(s)")
            return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
