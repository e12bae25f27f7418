"""A server that takes fewer rows per push than the laptop sends: the laptop halves its
batches until they fit, and every change arrives once."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sync_support import PASSWORD, device, live_server

from jjg_desktop.rules.credit_code import complete
from jjg_desktop.services import registry
from jjg_desktop.services.registry import RegistrationInput
from jjg_desktop.store.models import OutboxCommand
from jjg_desktop.sync.protocol import MAX_COMMAND_ROWS
from jjg_server.store import Record


def _registration(n: int) -> RegistrationInput:
    return RegistrationInput(
        credit_code=complete(f"91320100MA{n:06d}"), name=f"江苏华泰建设第{n}工程有限公司",
        home_province="江苏", division_code="222404", registered_on=date(2026, 3, 2),
        office_address="珲春市河南街道靖和街56号", person_in_charge="周明", phone="13904331234",
        qualifications=["建筑工程施工总承包贰级"], commitments=["承诺登记信息真实"])


def test_a_push_the_server_finds_too_large_is_split_until_it_fits(
        server_db_url: str, tmp_path: Path):
    with live_server(server_db_url, tmp_path, max_push_rows=MAX_COMMAND_ROWS) as live:
        laptop = device(tmp_path / "laptop", live.url)
        try:
            ctx = laptop.log_in("hc_clerk", PASSWORD)
            for n in range(130):
                registry.register(ctx, _registration(n))
            with laptop.store.db.read() as session:
                rows = sum(len(c.rows) for c in session.scalars(select(OutboxCommand)))
            assert rows > MAX_COMMAND_ROWS  # more than the server takes at once
            report = laptop.sync()
            assert (report.applied, report.rejected, report.retried) == (130, 0, 0), report
            with laptop.store.db.read() as session:
                assert session.scalar(select(func.count()).select_from(OutboxCommand).where(
                    OutboxCommand.state != "applied")) == 0
            with Session(live.engine) as session:
                assert session.scalar(select(func.count()).select_from(Record).where(
                    Record.entity == "enterprise")) == 130
        finally:
            laptop.close()
