"""Every command carries the records its transaction wrote, as the server will store them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from inspection_support import detail, photo_file, site, started
from jjg_desktop.services import enterprises, inspections
from jjg_desktop.services.context import ServiceContext
from jjg_desktop.services.errors import InvalidInput
from jjg_desktop.store.base import natural_id
from jjg_desktop.store.models import Enterprise, OutboxCommand
from tests_support import add_enterprise


def _commands(ctx: ServiceContext) -> list[OutboxCommand]:
    with ctx.db.read() as s:
        return list(s.scalars(select(OutboxCommand).order_by(OutboxCommand.id)))


def test_a_contact_edit_sends_the_whole_record_on_the_version_it_was_made(ctx, clock):
    ent_id = add_enterprise(ctx.store, clock(), server_version=7)
    clock.now += timedelta(minutes=3)
    assert enterprises.update_contact(ctx, ent_id, contact_phone="13904331234")
    [cmd] = _commands(ctx)
    [row] = cmd.rows
    assert (row["entity"], row["id"], row["base_version"], row["deleted"]) == (
        "enterprise", ent_id, 7, False)
    assert row["data"]["contact_phone"] == "13904331234"
    assert row["data"]["name"] == "珲春市鑫源建筑工程有限公司"
    assert row["data"]["updated_at"] == clock.now.isoformat()
    assert "server_version" not in row["data"]


def test_two_edits_offline_are_two_commands_on_the_same_base(ctx, clock):
    ent_id = add_enterprise(ctx.store, clock(), server_version=3)
    enterprises.update_contact(ctx, ent_id, contact_phone="13904331234")
    enterprises.update_contact(ctx, ent_id, contact_person="王建国")
    first, second = _commands(ctx)
    assert [r["base_version"] for r in first.rows + second.rows] == [3, 3]
    assert second.rows[0]["data"]["contact_phone"] == "13904331234"
    assert second.rows[0]["data"]["contact_person"] == "王建国"


def test_a_refused_edit_leaves_no_command_and_no_change(ctx, clock):
    ent_id = add_enterprise(ctx.store, clock())
    with pytest.raises(InvalidInput):
        enterprises.update_contact(ctx, ent_id, contact_phone="不是电话")
    assert _commands(ctx) == []
    with ctx.db.read() as s:
        ent = s.get(Enterprise, ent_id)
        assert ent is not None and ent.contact_phone in ("", None)


def test_two_laptops_answering_one_item_write_the_same_record(ctx, clock, tmp_path):

    project = site(ctx.store, clock()).project_id
    inspection_id = started(ctx, project)
    saved = inspections.answer(ctx, inspection_id, "JS-01", "符合")
    assert saved.answer_id == natural_id("inspection_answer", inspection_id, "JS-01")


def test_a_photo_on_an_unanswered_item_sends_the_photo_not_an_empty_answer(ctx, clock,
                                                                            tmp_path):

    project = site(ctx.store, clock()).project_id
    inspection_id = started(ctx, project)
    inspections.attach_photo(ctx, inspection_id, photo_file(tmp_path / "p.jpg"),
                             item_code="JS-02")
    last = _commands(ctx)[-1]
    assert last.command == "inspection.attach_photo"
    assert [r["entity"] for r in last.rows] == ["attachment"]
    shown = detail(ctx.store, inspection_id)
    [item] = [i for s in shown.sections for i in s.items if i.code == "JS-02"]
    assert len(item.photos) == 1
