"""`jjg-desktop profile export|import`: moving the data with the global --db / --data-dir."""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path

import pytest

from jjg_desktop.cli.main import main
from jjg_desktop.config import resolve_paths
from jjg_desktop.services.startup import active_actor, open_store, set_profile


def _files(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def old_laptop(tmp_path: Path) -> Path:
    data = tmp_path / "旧电脑"
    store = open_store(resolve_paths(data_dir=data))
    try:
        set_profile(store, username="insp07", display_name="金哲", role="inspector",
                    division_code="222404")
    finally:
        store.close()
    (data / "attachments" / "12" / "34").mkdir(parents=True)
    (data / "attachments" / "12" / "34" / ("1234" + "0" * 60)).write_bytes(b"photo")
    return data


def test_export_then_import_on_the_command_line(
        old_laptop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    package = tmp_path / "移机.zip"
    assert main(["--data-dir", str(old_laptop), "profile", "export", "--out", str(package)]) == 0
    out = capsys.readouterr().out
    assert f"已导出到：{package}" in out and "1 个附件" in out

    new_db = tmp_path / "新电脑" / "work.sqlite"
    assert main(["profile", "import", str(package), "--db", str(new_db)]) == 0
    out = capsys.readouterr().out
    assert "已导入" in out and str(new_db) in out

    moved = resolve_paths(db=new_db)
    assert _files(moved.attachments_dir) == _files(old_laptop / "attachments")
    store = open_store(moved)
    try:
        actor = active_actor(store)
        assert actor is not None and actor.display_name == "金哲"
    finally:
        store.close()


def test_import_over_data_needs_replace(
        old_laptop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    package = tmp_path / "p.zip"
    assert main(["profile", "export", "--data-dir", str(old_laptop), "--out", str(package)]) == 0
    other = tmp_path / "other"
    open_store(resolve_paths(data_dir=other)).close()
    capsys.readouterr()

    assert main(["--data-dir", str(other), "profile", "import", str(package)]) == 2
    assert "--replace" in capsys.readouterr().err

    assert main(["--data-dir", str(other), "profile", "import", str(package), "--replace"]) == 0
    assert "导入前的数据库已保存为" in capsys.readouterr().out


def test_a_damaged_package_is_explained(
        old_laptop: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    package = tmp_path / "p.zip"
    assert main(["--data-dir", str(old_laptop), "profile", "export", "--out", str(package)]) == 0
    with zipfile.ZipFile(package) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    members["attachments/12/34/1234" + "0" * 60] = b"PHOTO"
    with zipfile.ZipFile(package, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    capsys.readouterr()

    target = tmp_path / "new"
    assert main(["--data-dir", str(target), "profile", "import", str(package)]) == 2
    err = capsys.readouterr().err
    assert "SHA-256 不符" in err and "本机数据未做任何修改" in err
    assert not target.exists()
