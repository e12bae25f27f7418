"""Moving a profile to a new laptop: the export holds a consistent database and every
attachment; the import puts them in place only when every member matches its manifest."""

from __future__ import annotations

import contextlib
import hashlib
import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import text

from inspection_support import detail, photo_file, sign_all, started
from inspection_support import site as make_site
from jjg_desktop.config import Paths, resolve_paths
from jjg_desktop.services import inspections
from jjg_desktop.services.context import ServiceContext, Store
from jjg_desktop.services.profile_transfer import (
    ProfileError,
    TransferCancelled,
    export_profile,
    import_profile,
)
from jjg_desktop.services.startup import active_actor, open_store
from jjg_desktop.store.backups import BEFORE_IMPORT, list_backups
from jjg_desktop.store.revision import SCHEMA_HEAD


def _files(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def inspection(ctx: ServiceContext, store: Store, tmp_path: Path) -> str:
    """An inspection with two photos and three signatures: five attachment files."""
    inspection_id = started(ctx, make_site(store, ctx.clock()).project_id)
    for seed in (1, 2):
        inspections.attach_photo(ctx, inspection_id,
                                 photo_file(tmp_path / f"IMG_{seed}.jpg", seed=seed))
    sign_all(ctx, inspection_id)
    return inspection_id


@pytest.fixture
def exported(store: Store, inspection: str, tmp_path: Path) -> Path:
    return export_profile(store.paths, tmp_path / "移机" / "吉建管数据.zip").path


def _repack(source: Path, target: Path, *, change: dict[str, bytes | None] | None = None,
            fresh_manifest: bool = False) -> Path:
    """A copy of the zip with members replaced, added or (None) left out; the manifest kept
    as it was, or rewritten to match."""
    with zipfile.ZipFile(source) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    manifest = json.loads(members.pop("manifest.json"))
    for name, data in (change or {}).items():
        if data is None:
            members.pop(name, None)
        else:
            members[name] = data
    if fresh_manifest:
        manifest["files"] = {n: {"sha256": hashlib.sha256(d).hexdigest(), "size": len(d)}
                             for n, d in members.items()}
    with zipfile.ZipFile(target, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        zf.writestr("manifest.json", json.dumps(manifest))
    return target


def test_a_profile_moves_to_an_empty_data_folder_intact(
        store: Store, inspection: str, exported: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(exported) as zf:
        manifest = json.loads(zf.read("manifest.json"))
        assert zf.namelist()[0] == "jjg.sqlite" and len(zf.namelist()) == 7
    assert manifest["schema"] == SCHEMA_HEAD and manifest["app_version"]
    assert set(manifest["files"]) == {"jjg.sqlite"} | {
        f"attachments/{name}" for name in _files(store.paths.attachments_dir)}
    before = detail(store, inspection)
    store.close()

    laptop = resolve_paths(data_dir=tmp_path / "新电脑")
    report = import_profile(exported, laptop)

    assert report.attachments == 5 and report.kept is None and report.schema == SCHEMA_HEAD
    assert _files(laptop.attachments_dir) == _files(store.paths.attachments_dir)
    moved = open_store(laptop)
    try:
        after = detail(moved, inspection)
        assert (after.number, len(after.photos), len(after.signatures)) == (
            before.number, 2, 3)
        assert active_actor(moved) == active_actor(store)
    finally:
        moved.close()
    assert not [p for p in laptop.data_dir.iterdir() if p.name.startswith(".importing")]


def test_the_export_is_a_consistent_copy_while_the_app_writes(
        store: Store, ctx: ServiceContext, inspection: str, tmp_path: Path) -> None:
    inspections.answer(ctx, inspection, "JS-01", "符合", "现场核对无误")
    report = export_profile(store.paths, tmp_path / "out.zip")
    laptop = resolve_paths(data_dir=tmp_path / "new")
    import_profile(report.path, laptop)
    moved = open_store(laptop)
    try:
        with moved.db.read() as s:
            assert s.execute(text("SELECT count(*) FROM inspection_answer WHERE remark = "
                                  "'现场核对无误'")).scalar() == 1
    finally:
        moved.close()


@pytest.mark.parametrize("tamper", ["altered", "missing", "extra", "truncated"])
def test_a_tampered_package_is_refused_and_nothing_changes(
        store: Store, exported: Path, tmp_path: Path, tamper: str) -> None:
    with zipfile.ZipFile(exported) as zf:
        photo = next(n for n in zf.namelist() if n.startswith("attachments/"))
        original = zf.read(photo)
    bad = tmp_path / "bad.zip"
    if tamper == "altered":
        _repack(exported, bad, change={photo: original[:-1] + b"\x00"})
    elif tamper == "missing":
        _repack(exported, bad, change={photo: None})
    elif tamper == "extra":
        _repack(exported, bad, change={"attachments/ff/ff/extra": b"x"})
    else:
        bad.write_bytes(exported.read_bytes()[: exported.stat().st_size // 2])
    current = _files(store.paths.data_dir)

    with pytest.raises(ProfileError, match=r"无法导入.*本机数据未做任何修改"):
        import_profile(bad, store.paths, replace=True)
    empty = resolve_paths(data_dir=tmp_path / "empty")
    with pytest.raises(ProfileError):
        import_profile(bad, empty)

    assert _files(store.paths.data_dir) == current
    assert list_backups(store.paths.backups_dir) == []
    assert not empty.data_dir.exists()


@pytest.mark.parametrize("name", ["../outside.txt", "attachments/../../outside.txt",
                                  "/tmp/outside.txt", "attachments\\..\\..\\outside.txt",
                                  "settings.json"])
def test_paths_leading_out_of_the_data_folder_are_refused(
        exported: Path, tmp_path: Path, name: str) -> None:
    evil = _repack(exported, tmp_path / "evil.zip", change={name: b"owned"},
                   fresh_manifest=True)
    target = resolve_paths(data_dir=tmp_path / "a" / "b" / "data")
    with pytest.raises(ProfileError, match="已拒绝"):
        import_profile(evil, target)
    assert not list(tmp_path.rglob("outside.txt"))
    assert not target.db_path.exists()


def test_a_database_from_a_newer_program_is_refused(exported: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(exported) as zf:
        db = tmp_path / "newer.sqlite"
        db.write_bytes(zf.read("jjg.sqlite"))
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
        conn.commit()
    newer = _repack(exported, tmp_path / "newer.zip", change={"jjg.sqlite": db.read_bytes()},
                    fresh_manifest=True)
    target = resolve_paths(data_dir=tmp_path / "new")
    with pytest.raises(ProfileError, match="更新版本"):
        import_profile(newer, target)
    assert not target.db_path.exists()


def test_existing_data_is_replaced_only_when_asked_and_is_backed_up_first(
        store: Store, exported: Path, tmp_path: Path) -> None:
    other = resolve_paths(data_dir=tmp_path / "other")
    open_store(other).close()
    with contextlib.closing(sqlite3.connect(other.db_path)) as conn:
        conn.execute("UPDATE sync_state SET server_url = 'https://old.example'")
        conn.commit()
    (other.attachments_dir / "ab" / "cd").mkdir(parents=True)
    (other.attachments_dir / "ab" / "cd" / "abcd-old").write_bytes(b"old photo")
    db_before = other.db_path.read_bytes()

    with pytest.raises(ProfileError, match=r"已有数据.*--replace"):
        import_profile(exported, other)
    assert other.db_path.read_bytes() == db_before

    report = import_profile(exported, other, replace=True)

    assert report.kept is not None and report.kept.name.endswith(f"-{BEFORE_IMPORT}.sqlite")
    with contextlib.closing(sqlite3.connect(report.kept)) as conn:
        assert conn.execute("SELECT server_url FROM sync_state").fetchone() == (
            "https://old.example",)
    assert (other.attachments_dir / "ab" / "cd" / "abcd-old").read_bytes() == b"old photo"
    assert set(_files(store.paths.attachments_dir)) < set(_files(other.attachments_dir))
    assert not other.db_path.with_name("jjg.sqlite-wal").exists()
    moved = open_store(other)
    try:
        assert active_actor(moved) == active_actor(store)
    finally:
        moved.close()


@pytest.mark.parametrize("stop_after", [1, 3])
def test_a_cancelled_export_leaves_no_file(
        store: Store, inspection: str, tmp_path: Path, stop_after: int) -> None:
    calls: list[tuple[int, int]] = []

    def progress(done: int, total: int) -> bool:
        calls.append((done, total))
        return len(calls) < stop_after

    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(TransferCancelled, match="已取消导出"):
        export_profile(store.paths, folder / "p.zip", progress)
    assert list(folder.iterdir()) == []


def test_progress_goes_up_to_the_total(store: Store, inspection: str, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    export_profile(store.paths, tmp_path / "p.zip", lambda d, t: seen.append((d, t)) or True)
    done = [d for d, _ in seen]
    assert done == sorted(done) and seen[-1][0] >= seen[-1][1] * 0.9
    laptop = resolve_paths(data_dir=tmp_path / "new")
    seen.clear()
    import_profile(tmp_path / "p.zip", laptop, progress=lambda d, t: seen.append((d, t)) or None)
    assert seen[-1][0] == seen[-1][1]


def test_a_cancelled_import_changes_nothing(exported: Path, tmp_path: Path) -> None:
    target = resolve_paths(data_dir=tmp_path / "new")
    with pytest.raises(TransferCancelled, match="已取消导入"):
        import_profile(exported, target, progress=lambda d, t: False)
    assert not target.data_dir.exists()


def test_not_a_package(tmp_path: Path, paths: Paths) -> None:
    junk = tmp_path / "x.zip"
    junk.write_bytes(b"PK not really")
    with pytest.raises(ProfileError, match="不是有效的 zip"):
        import_profile(junk, paths)
    plain = tmp_path / "plain.zip"
    with zipfile.ZipFile(plain, "w") as zf:
        zf.writestr("readme.txt", "hi")
    with pytest.raises(ProfileError, match="缺少清单"):
        import_profile(plain, paths)
