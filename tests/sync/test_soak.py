"""The soak, seeded and bounded: five laptops of a county (two clerks, two inspectors, a
prefecture reviewer) do random work of every kind offline, sync through a proxy that drops
and cuts a fifth of the connections, decide conflicts both ways (also after newer versions
arrived) and take the same document numbers offline; then clean syncs. Every laptop must hold
exactly what the server holds for its user, nothing waits, nothing is numbered twice.

A longer run: `python scripts/soak.py --ops 5000`."""

from __future__ import annotations

import os
import random
from collections import Counter

import pytest
from soak_support import ROLES, Soak, differences, quiet
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from jjg_server.store import ChangeLog, Record

OPS = int(os.environ.get("JJG_SOAK_OPS", "500"))


@pytest.mark.slow
@pytest.mark.parametrize("seed", [20230315])
def test_every_laptop_ends_equal_to_the_server(live, devices, county_site, tmp_path, seed):
    soak = Soak(live, [devices(user) for user in ROLES], county_site.project_id, tmp_path,
                random.Random(seed))
    for d in soak.laptops:
        d.sync()
    soak.run(OPS)
    rounds = soak.settle()
    assert rounds <= 8, "the laptops never settled"
    # the run did the work it claims: every kind, and conflicts decided both ways
    for kind in ("register", "contact", "propose", "answer", "sheet", "photo", "inspect",
                 "verify", "fact", "pool", "conclusion"):
        assert soak.done[kind] > 0, (kind, soak.done)
    assert soak.done["keep_mine"] > 0 and soak.done["take_theirs"] > 0, soak.done
    assert soak.done["agree"] + soak.done["return"] > 0, soak.done
    for d in soak.laptops:
        assert quiet(d)
        diff = differences(live, d)
        assert diff == [], "\n".join(diff)
    with Session(live.engine) as s:  # nothing written twice, no number held twice
        assert s.execute(select(ChangeLog.entity, ChangeLog.record_id, ChangeLog.version)
                         .group_by(ChangeLog.entity, ChangeLog.record_id, ChangeLog.version)
                         .having(func.count() > 1)).all() == []
        numbers: Counter[tuple[str, str]] = Counter()
        for record in s.scalars(select(Record).where(Record.entity.in_(
                ("inspection", "rectification_notice", "jilin_registration")))):
            number = record.data.get("number") or record.data.get("registration_no")
            if number:
                numbers[(record.entity, number)] += 1
        assert [k for k, n in numbers.items() if n > 1] == []
        sheets = [r.data["value"] for r in s.scalars(select(Record).where(
            Record.entity == "inspection_answer")) if r.data.get("item_code") == "SM-02"]
        assert any(len(v) > 200 for v in sheets), "no key posts' sheet reached the server"
        credit_codes = Counter(r.data["credit_code"] for r in s.scalars(
            select(Record).where(Record.entity == "enterprise")))
        assert [c for c, n in credit_codes.items() if n > 1] == []
