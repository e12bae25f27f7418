"""The failures other sync systems shipped, each made to happen against a live server."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sync_support import Device, case_decided_twice
from test_sync_loop import _registration

from inspection_support import photo_file, started
from jjg_desktop.services import enterprises, inspections, registry
from jjg_desktop.services.context import ServiceContext
from jjg_desktop.store.models import (
    AbnormalCase,
    Attachment,
    Blob,
    Enterprise,
    Inspection,
    OutboxCommand,
    ParkedChange,
    SyncConflict,
)
from jjg_desktop.sync.client import SyncClient
from jjg_desktop.sync.conflicts import keep_mine, open_conflicts
from jjg_desktop.sync.engine import SyncEngine, SyncProgress
from jjg_desktop.sync.errors import Offline
from jjg_desktop.sync.protocol import PushRequest
from jjg_desktop.sync.session import folder_of
from jjg_server import records
from jjg_server.placement import Placement
from jjg_server.records import Writer
from jjg_server.store import ChangeLog, Record


def _server_record(live, entity: str, record_id: str) -> Record | None:
    with Session(live.engine) as s:
        return s.get(Record, (entity, record_id))


def _server_versions(live, entity: str, record_id: str) -> list[int]:
    with Session(live.engine) as s:
        return list(s.scalars(select(ChangeLog.version).where(
            ChangeLog.entity == entity, ChangeLog.record_id == record_id)
            .order_by(ChangeLog.seq)))


def _states(d: Device) -> dict[str, int]:
    with d.store.db.read() as s:
        return dict(s.execute(select(OutboxCommand.state, func.count()).group_by(
            OutboxCommand.state)).all())


def _ctx(d: Device) -> ServiceContext:
    assert d.ctx is not None
    return d.ctx


def test_a_reply_lost_after_the_server_committed_is_never_applied_twice(live, devices):
    clerk = devices("hc_clerk")
    ent_id = registry.register(_ctx(clerk), _registration())
    live.proxy.add(b"POST /sync/v1/push", "lose_response")
    with pytest.raises(Offline):
        clerk.sync()
    assert _server_record(live, "enterprise", ent_id) is not None  # it did commit
    assert _states(clerk) == {"pending": 1}
    again = clerk.sync()
    assert (again.applied, again.duplicates) == (0, 1)
    assert _server_versions(live, "enterprise", ent_id) == [1]
    assert _states(clerk) == {"applied": 1}


def test_two_identical_pushes_at_once_are_applied_once(live, devices):
    clerk = devices("hc_clerk")
    ent_id = registry.register(_ctx(clerk), _registration())
    with clerk.store.db.read() as s:
        command = s.scalars(select(OutboxCommand)).one()
    from jjg_desktop.sync.engine import _command
    from jjg_desktop.sync.session import client_id

    request = PushRequest(client_id=client_id(clerk.store), commands=[_command(command)])
    login = clerk.credentials.load(live.proxy.url, folder=folder_of(clerk.store))
    assert login is not None
    answers: list[str] = []
    barrier = threading.Barrier(2)

    def push() -> None:
        client = SyncClient(live.url, token=login.token)
        barrier.wait()
        answers.extend(r.status for r in client.push(request).results)

    threads = [threading.Thread(target=push) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(answers) == ["applied", "duplicate"]
    assert _server_versions(live, "enterprise", ent_id) == [1]


def test_a_command_refused_for_good_does_not_hold_up_the_rest(live, devices):
    clerk, inspector = devices("hc_clerk"), devices("hc_inspector")
    disputed = registry.register(_ctx(clerk), _registration("91320100MA1XYH56", "另一家企业"))
    ent_id = registry.register(_ctx(clerk), _registration())
    clerk.sync()
    inspector.sync()
    enterprises.update_contact(_ctx(clerk), disputed, contact_phone="13904330001")
    clerk.sync()
    enterprises.update_contact(_ctx(inspector), disputed, contact_phone="13904330002")
    enterprises.update_contact(_ctx(inspector), ent_id, contact_phone="13904339999")
    report = inspector.sync()
    assert (report.applied, report.rejected) == (1, 1)
    with inspector.store.db.read() as s:
        conflict = s.scalars(select(SyncConflict)).one()
    assert conflict.command == "enterprise.update_contact" and "刘晓燕" in conflict.reason
    server = _server_record(live, "enterprise", ent_id)
    assert server is not None and server.data["contact_phone"] == "13904339999"


def test_one_bad_command_in_a_batch_of_ten(live, devices):
    clerk, other = devices("hc_clerk"), devices("hc_clerk")
    ids = [registry.register(_ctx(clerk), _registration(f"91320100MA1XY{n:03d}", f"企业{n}"))
           for n in range(3)]
    clerk.sync()
    other.sync()
    enterprises.update_contact(_ctx(other), ids[0], contact_phone="13904339999")
    other.sync()
    for n in range(10):
        enterprises.update_contact(_ctx(clerk), ids[n % 3], contact_phone=f"1390433{n:04d}")
    report = clerk.sync()
    # every edit of ids[0] changes the field another laptop has since changed
    assert (report.applied, report.rejected) == (6, 4)
    server = _server_record(live, "enterprise", ids[1])
    assert server is not None and server.data["contact_phone"] == "13904330007"


def test_clocks_hours_or_years_off_do_not_reorder_changes(live, devices):
    ahead, behind = devices("hc_clerk"), devices("hc_clerk")
    ahead.ctx = ServiceContext(ahead.store, _ctx(ahead).actor,
                               clock=lambda: datetime(2031, 1, 1, 3, 0))
    behind.ctx = ServiceContext(behind.store, _ctx(behind).actor,
                                clock=lambda: datetime(2019, 6, 1, 3, 0))
    ent_id = registry.register(_ctx(ahead), _registration())
    ahead.sync()
    behind.sync()
    enterprises.update_contact(_ctx(behind), ent_id, contact_phone="13904338888")
    assert behind.sync().rejected == 0
    ahead.sync()
    for d in (ahead, behind):
        seen = _enterprise(d, ent_id)
        assert seen is not None and seen.contact_phone == "13904338888"


def _enterprise(d: Device, ent_id: str) -> Enterprise | None:
    with d.store.db.read() as s:
        return s.get(Enterprise, ent_id)


def test_an_edit_made_while_its_push_is_in_flight_goes_next_time(live, devices):
    clerk = devices("hc_clerk")
    ent_id = registry.register(_ctx(clerk), _registration())
    edited = []

    def meanwhile(p: SyncProgress) -> None:  # pushed already; the pull brings version 1
        if p.stage == "下载服务器更新" and not edited:
            enterprises.update_contact(_ctx(clerk), ent_id, contact_person="边同步边修改")
            edited.append(True)

    login = clerk.credentials.load(live.proxy.url, folder=folder_of(clerk.store))
    assert login is not None
    SyncEngine(clerk.store, SyncClient(live.proxy.url, token=login.token),
               progress=meanwhile).run()
    assert _states(clerk) == {"applied": 1, "pending": 1}
    local = _enterprise(clerk, ent_id)
    assert local is not None and local.contact_person == "边同步边修改"
    clerk.sync()
    server = _server_record(live, "enterprise", ent_id)
    assert server is not None and server.data["contact_person"] == "边同步边修改"
    assert _states(clerk) == {"applied": 2}


def test_an_edit_of_a_record_the_server_deleted_is_a_conflict(live, devices):
    clerk, other = devices("hc_clerk"), devices("hc_clerk")
    ent_id = registry.register(_ctx(clerk), _registration())
    clerk.sync()
    other.sync()
    with Session(live.engine) as s, s.begin():  # a duplicate the province removed
        record = s.get(Record, ("enterprise", ent_id))
        assert record is not None
        gone = {**record.data, "deleted_at": "2026-05-18T01:00:00"}
        records.write(s, ("enterprise", ent_id), record, gone, now=datetime.now(UTC),
                      writer=Writer("province-admin", "", "admin.delete"),
                      place=Placement(record.scope, None, None), deleted=True)
    assert other.sync().pulled == 1
    enterprises.update_contact(_ctx(clerk), ent_id, contact_phone="13904337777")
    report = clerk.sync()
    assert report.rejected == 1
    local = _enterprise(clerk, ent_id)
    assert local is not None and local.deleted_at is not None
    [conflict] = open_conflicts(clerk.store)
    assert conflict.mine["contact_phone"] == "13904337777"


def test_two_reviewers_deciding_one_case_offline_get_one_decision(live, devices):
    case_id, first, second = case_decided_twice(devices, _registration())
    assert first.sync().applied == 1
    report = second.sync()
    assert report.rejected == 1
    with second.store.db.read() as s:
        conflict = s.scalars(select(SyncConflict)).one()
        case = s.get(AbnormalCase, case_id)
    assert conflict.decided_by == "崔志刚" and "崔志刚" in conflict.reason
    assert case is not None and case.state == "reviewed"
    server = _server_record(live, "abnormal_case", case_id)
    assert server is not None and server.data["state"] == "reviewed"


def test_a_record_deleted_before_it_was_ever_synced(live, devices, county_site, tmp_path):
    inspector = devices("hc_inspector")
    inspector.sync()
    inspection_id = started(_ctx(inspector), county_site.project_id)
    photo = photo_file(tmp_path / "site.jpg")
    attachment_id = inspections.attach_photo(_ctx(inspector), inspection_id, photo,
                                             item_code="JS-01", caption="现场")
    inspections.remove_photo(_ctx(inspector), attachment_id)
    report = inspector.sync()
    assert report.rejected == 0
    server = _server_record(live, "attachment", attachment_id)
    assert server is None or server.deleted
    teammate = devices("hc_clerk")
    teammate.sync()
    with teammate.store.db.read() as s:
        shown = s.scalar(select(func.count()).select_from(Attachment).where(
            Attachment.id == attachment_id, Attachment.deleted_at.is_(None)))
    assert shown == 0


def test_the_same_photo_attached_twice_is_uploaded_once(live, devices, county_site, tmp_path):
    inspector = devices("hc_inspector")
    inspector.sync()
    inspection_id = started(_ctx(inspector), county_site.project_id)
    photo = photo_file(tmp_path / "site.jpg")
    first = inspections.attach_photo(_ctx(inspector), inspection_id, photo, item_code="JS-01")
    second = inspections.attach_photo(_ctx(inspector), inspection_id, photo, item_code="JS-02")
    report = inspector.sync()
    assert report.uploaded_files == 1 and report.rejected == 0
    assert {_server_record(live, "attachment", a) is not None for a in (first, second)} == {True}
    other = devices("hc_clerk")
    other.sync()
    with other.store.db.read() as s:
        shas = set(s.scalars(select(Attachment.sha256).where(
            Attachment.id.in_([first, second]))))
        [sha] = shas
        assert s.get(Blob, sha) is not None
    assert (other.store.paths.attachments_dir / sha[:2] / sha[2:4] / sha).is_file()


def test_an_upload_cut_at_a_random_byte_resumes_where_it_stopped(live, devices, county_site,
                                                                  tmp_path):
    inspector = devices("hc_inspector")
    inspector.sync()
    inspection_id = started(_ctx(inspector), county_site.project_id)
    photo = photo_file(tmp_path / "site.jpg", size=(3000, 2200), seed=7)
    inspections.attach_photo(_ctx(inspector), inspection_id, photo, item_code="JS-01")
    with inspector.store.db.read() as s:
        blob = s.scalars(select(Blob)).one()
    cut = 5000 + (hash(blob.sha256) % max(blob.size - 10000, 1))
    live.proxy.add(b"PUT /sync/v1/files/", "cut_request", after_bytes=cut)
    with pytest.raises(Offline):
        inspector.sync()
    report = inspector.sync()
    assert report.uploaded_files == 1 and report.rejected == 0
    assert report.bytes_sent < blob.size - cut + 20000, (report.bytes_sent, blob.size, cut)
    stored = live.files_dir / blob.sha256[:2] / blob.sha256
    assert stored.is_file() and stored.stat().st_size == blob.size


def test_the_data_directory_moved(live, devices, tmp_path):
    clerk = devices("hc_clerk")
    ent_id = registry.register(_ctx(clerk), _registration())
    clerk.sync()
    old = clerk.store.paths.data_dir
    clerk.store.close()
    moved = tmp_path / "新电脑" / "吉建管数据"
    moved.parent.mkdir()
    old.rename(moved)
    from jjg_desktop.config import resolve_paths
    from jjg_desktop.services.startup import open_store

    clerk.store = open_store(resolve_paths(data_dir=moved))
    enterprises.update_contact(ServiceContext(clerk.store, _ctx(clerk).actor), ent_id,
                               contact_phone="13904336666")
    report = clerk.sync()
    assert (report.applied, report.rejected, report.full_resync) == (1, 0, False)
    assert _server_versions(live, "enterprise", ent_id)[-1] == 2


def test_a_partition_at_any_step_loses_nothing(live, devices, county_site, tmp_path):
    inspector, clerk = devices("hc_inspector"), devices("hc_clerk")
    inspector.sync()
    inspection_id = started(_ctx(inspector), county_site.project_id)
    inspections.attach_photo(_ctx(inspector), inspection_id, photo_file(tmp_path / "p.jpg"),
                             item_code="JS-01")
    inspections.answer(_ctx(inspector), inspection_id, "JS-01", "符合")
    stages_seen: list[str] = []
    login = inspector.credentials.load(live.proxy.url, folder=folder_of(inspector.store))
    assert login is not None
    step = 0
    while True:
        step += 1
        calls = 0

        def cut(p: SyncProgress, at: int = step) -> None:
            nonlocal calls
            calls += 1
            stages_seen.append(p.stage)
            if calls == at:
                live.proxy.partition(True)

        try:
            SyncEngine(inspector.store, SyncClient(live.proxy.url, token=login.token),
                       progress=cut).run()
            break
        except Offline:
            pass
        finally:
            live.proxy.partition(False)
        assert step < 20
    inspector.sync()
    clerk.sync()
    assert _states(inspector) == {"applied": _states(inspector)["applied"]}
    server = _server_record(live, "inspection", inspection_id)
    assert server is not None and server.data["status"] == "in_progress"
    assert {"检查服务器", "上传照片和签名", "提交本机更改", "下载服务器更新"} <= set(stages_seen)
    with clerk.store.db.read() as s:
        assert s.scalar(select(func.count()).select_from(Attachment)) == 1


def test_keeping_my_version_after_a_conflict_wins_on_the_server(live, devices):
    clerk, other = devices("hc_clerk"), devices("hc_clerk")
    ent_id = registry.register(_ctx(clerk), _registration())
    clerk.sync()
    other.sync()
    enterprises.update_contact(_ctx(other), ent_id, contact_phone="13904331111")
    other.sync()
    enterprises.update_contact(_ctx(clerk), ent_id, contact_phone="13904332222")
    assert clerk.sync().rejected == 1
    [conflict] = open_conflicts(clerk.store)
    assert conflict.theirs is not None and conflict.theirs["contact_phone"] == "13904331111"
    keep_mine(_ctx(clerk), conflict.id)
    assert clerk.sync().applied == 1
    other.sync()
    seen = _enterprise(other, ent_id)
    assert seen is not None and seen.contact_phone == "13904332222"




def test_two_laptops_numbering_inspections_offline_get_distinct_numbers(devices,
                                                                        county_site):
    first, second = devices("hc_inspector"), devices("hc_inspector")
    first.sync()
    second.sync()
    mine = started(_ctx(first), county_site.project_id)
    theirs = started(_ctx(second), county_site.project_id)
    assert _number(first, mine) == _number(second, theirs)  # both took the next serial
    first.sync()
    assert second.sync().rejected == 0
    first.sync()
    for d in (first, second):
        assert _number(d, mine) != _number(d, theirs)
        assert _number(d, theirs).endswith("002号")
        with d.store.db.read() as s:
            assert s.scalar(select(func.count()).select_from(ParkedChange)) == 0


def _number(d: Device, inspection_id: str) -> str:
    with d.store.db.read() as s:
        inspection = s.get(Inspection, inspection_id)
        assert inspection is not None
        return inspection.number


def test_a_photo_whose_file_is_gone_waits_and_goes_up_once_it_is_back(live, devices,
                                                                       county_site, tmp_path):
    inspector = devices("hc_inspector")
    inspector.sync()
    inspection_id = started(_ctx(inspector), county_site.project_id)
    inspections.attach_photo(_ctx(inspector), inspection_id, photo_file(tmp_path / "p.jpg"),
                             item_code="JS-01")
    with inspector.store.db.read() as s:
        sha = s.scalars(select(Blob.sha256)).one()
    stored = inspector.store.paths.attachments_dir / sha[:2] / sha[2:4] / sha
    kept = stored.read_bytes()
    stored.unlink()
    first = inspector.sync()
    assert (first.uploaded_files, first.retried) == (0, 1)
    assert _states(inspector).get("pending") == 1
    stored.write_bytes(kept)
    again = inspector.sync()
    assert (again.uploaded_files, again.retried) == (1, 0)
    assert _states(inspector) == {"applied": _states(inspector)["applied"]}
    assert (live.files_dir / sha[:2] / sha).is_file()
