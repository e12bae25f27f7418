"""The wire format refuses what it does not understand before anything is written."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from jjg_desktop.sync.protocol import ChangeEntry, Command, PullResponse, PushRequest


def _pull() -> dict:
    return {"epoch": "e1", "cursor": 2, "more": False, "changes": [
        {"seq": 1, "entity": "enterprise", "id": "a", "version": 3, "deleted": False,
         "data": {"name": "江苏华泰建设工程有限公司"}, "server_at": "2026-05-18T09:00:00"},
        {"seq": 2, "entity": "enterprise", "id": "b", "version": 1, "deleted": True,
         "data": {}, "server_at": "2026-05-18T09:00:01"}]}


def test_a_complete_reply_parses_with_chinese_intact():
    page = PullResponse.model_validate_json(json.dumps(_pull(), ensure_ascii=False))
    assert [c.seq for c in page.changes] == [1, 2] and page.changes[1].deleted
    assert page.changes[0].data["name"] == "江苏华泰建设工程有限公司"


def test_a_truncated_reply_is_refused():
    text = json.dumps(_pull())
    with pytest.raises(ValidationError):
        PullResponse.model_validate_json(text[: len(text) // 2])


def test_unknown_fields_and_bad_values_are_refused():
    with pytest.raises(ValidationError):
        PullResponse.model_validate({**_pull(), "extra": 1})
    bad = {**_pull()["changes"][0], "seq": 0}
    with pytest.raises(ValidationError):
        ChangeEntry.model_validate(bad)
    with pytest.raises(ValidationError):
        Command.model_validate({"id": 1, "command": "x", "entity": "e", "entity_id": "i",
                                "args": {}, "created_at": "2026-05-18T09:00:00",
                                "files": ["not-a-hash"]})


def test_a_push_batch_is_bounded():
    cmd = {"id": 1, "command": "x", "entity": "e", "entity_id": "i", "args": {},
           "created_at": "2026-05-18T09:00:00"}
    PushRequest.model_validate({"client_id": "c", "commands": [cmd] * 500})
    with pytest.raises(ValidationError):
        PushRequest.model_validate({"client_id": "c", "commands": [cmd] * 501})
