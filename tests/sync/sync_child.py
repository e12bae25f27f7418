"""A laptop's sync in a process of its own, killed with SIGKILL at a chosen point.

    python sync_child.py DATA_DIR SERVER_URL USERNAME stage NAME   # killed as stage NAME begins
    python sync_child.py DATA_DIR SERVER_URL USERNAME apply N      # killed inside the Nth
                                                                   # page, rows written, cursor
                                                                   # not yet committed
The token comes in the environment (JJG_TEST_TOKEN), never on the command line. Exit 0: the
sync finished before the kill point; 3: it failed.
"""

from __future__ import annotations

import os
import signal
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from jjg_desktop.config import resolve_paths
from jjg_desktop.services.startup import open_store
from jjg_desktop.sync import apply, engine
from jjg_desktop.sync.credentials import Credentials, Login
from jjg_desktop.sync.engine import SyncProgress
from jjg_desktop.sync.errors import SyncError
from jjg_desktop.sync.session import folder_of, sync_once
from tests_support import MemoryKeyring


def main() -> int:
    data_dir, url, username, mode, at = sys.argv[1:6]
    kill_at = int(at) if mode == "apply" else 0
    calls = 0

    def at_stage(p: SyncProgress) -> None:
        if p.stage == at:
            os.kill(os.getpid(), signal.SIGKILL)

    def maybe_die() -> None:
        nonlocal calls
        calls += 1
        if calls == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)

    engine.PULL_PAGE = int(os.environ.get("JJG_TEST_PULL_PAGE", engine.PULL_PAGE))
    if mode == "apply":
        real = apply.apply_changes

        def dying(*args, **kwargs):  # type: ignore[no-untyped-def]
            result = real(*args, **kwargs)
            maybe_die()
            return result

        engine.apply_changes = dying  # type: ignore[assignment]
    credentials = Credentials(MemoryKeyring())
    store = open_store(resolve_paths(data_dir=data_dir))
    credentials.save(Login(url, username, os.environ["JJG_TEST_TOKEN"]), folder_of(store))
    try:
        sync_once(store, credentials, server_url=url,
                  progress=at_stage if mode == "stage" else None)
    except SyncError as exc:
        print(exc.message, file=sys.stderr)
        return 3
    finally:
        store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
