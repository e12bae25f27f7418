"""MOVED: import `jjg_desktop.store.synced_rows` instead (the server may import that module;
see tests/test_architecture.py). This shim is removed at the next integration."""

from jjg_desktop.store.synced_rows import *  # noqa: F403
from jjg_desktop.store.synced_rows import Touched, decode, file_hashes, snapshot, synced_models  # noqa: F401
