"""The whole loop against a live server: work offline, reconnect, everyone sees the work."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sync_support import Device

from jjg_desktop.services import enterprises, registry
from jjg_desktop.services.registry import RegistrationInput
from jjg_desktop.store.models import Enterprise, JilinRegistration, OutboxCommand


def _registration(code: str = "91320100MA1XYH123X", name: str = "江苏华泰建设工程有限公司"
                  ) -> RegistrationInput:
    from jjg_desktop.rules.credit_code import complete

    return RegistrationInput(
        credit_code=complete(code[:16]), name=name, home_province="江苏",
        division_code="222404", registered_on=date(2026, 3, 2),
        office_address="珲春市河南街道靖和街56号", person_in_charge="周明", phone="13904331234",
        qualifications=["建筑工程施工总承包贰级"], commitments=["承诺登记信息真实"])


def _enterprise(d: Device, ent_id: str) -> Enterprise | None:
    with d.store.db.read() as s:
        return s.get(Enterprise, ent_id)


def _pending(d: Device) -> int:
    with d.store.db.read() as s:
        return len(list(s.scalars(select(OutboxCommand).where(
            OutboxCommand.state == "pending"))))


def test_work_done_offline_reaches_the_other_laptop(devices):
    clerk, other = devices("hc_clerk"), devices("hc_inspector")
    assert clerk.ctx is not None
    ent_id = registry.register(clerk.ctx, _registration())
    report = clerk.sync()
    assert (report.applied, report.rejected) == (1, 0) and _pending(clerk) == 0
    other.sync()
    seen = _enterprise(other, ent_id)
    assert seen is not None and seen.name == "江苏华泰建设工程有限公司"
    with other.store.db.read() as s:
        reg = s.scalars(select(JilinRegistration).where(
            JilinRegistration.enterprise_id == ent_id)).one()
    assert reg.person_in_charge == "周明" and reg.server_version == 1


def test_a_second_sync_right_after_sends_almost_nothing(devices):
    clerk = devices("hc_clerk")
    assert clerk.ctx is not None
    registry.register(clerk.ctx, _registration())
    clerk.sync()
    again = clerk.sync()
    assert again.requests <= 3, again
    assert again.bytes_sent + again.bytes_received <= 4096, again
    assert (again.pushed, again.pulled) == (0, 0)


def test_consecutive_offline_edits_of_one_record_all_arrive(devices):
    clerk, other = devices("hc_clerk"), devices("hc_inspector")
    assert clerk.ctx is not None and other.ctx is not None
    ent_id = registry.register(clerk.ctx, _registration())
    clerk.sync()
    other.sync()
    enterprises.update_contact(other.ctx, ent_id, contact_phone="13904339999")
    enterprises.update_contact(other.ctx, ent_id, contact_person="王建国")
    report = other.sync()
    assert (report.applied, report.rejected) == (2, 0)
    clerk.sync()
    seen = _enterprise(clerk, ent_id)
    assert seen is not None and (seen.contact_phone, seen.contact_person) == (
        "13904339999", "王建国")


def test_the_token_is_in_the_keyring_and_in_no_file(devices, tmp_path):
    clerk = devices("hc_clerk")
    [token] = [v for (_s, k), v in clerk.keyring.passwords.items() if k.endswith("#token")]
    assert len(token) >= 20
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert token.encode() not in path.read_bytes(), path
