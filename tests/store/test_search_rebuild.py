from __future__ import annotations

import sqlite3

from jjg_desktop.store.read import registers as queries
from jjg_desktop.store.read import search
from tests_support import add_enterprise


def test_rows_loaded_without_the_triggers_are_found_after_a_rebuild(store, clock):
    with sqlite3.connect(store.paths.db_path) as raw:
        raw.execute("DROP TRIGGER enterprise_search_ai")
    add_enterprise(store, clock.now, name="珲春市鑫源市政工程有限公司")
    with store.db.read() as s:
        assert queries.enterprise_ids(s, queries.EnterpriseFilter(text="鑫源")) == []
        assert search.integrity_problems(s)  # the index misses a row the table has

    with sqlite3.connect(store.paths.db_path) as raw:
        search.register_functions(raw)
        search.rebuild(raw)
    with store.db.read() as s:
        assert len(queries.enterprise_ids(s, queries.EnterpriseFilter(text="鑫源"))) == 1
        assert search.integrity_problems(s) == []
