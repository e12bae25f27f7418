"""Settings: defaults, a round trip through the file, upgrades of old files, newer and broken
files, validation in Chinese, and the data folder they choose."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from pydantic import ValidationError

from jjg_desktop.config import chosen_data_dir, resolve_paths
from jjg_desktop.settings import (
    SETTINGS_VERSION,
    Settings,
    load_settings,
    problems,
    save_settings,
    settings_path,
)


def _refused(**values: object) -> dict[str, str]:
    with pytest.raises(ValidationError) as caught:
        Settings.model_validate(values)
    return problems(caught.value)


def test_the_file_lives_in_the_config_folder_and_starts_with_defaults(config_dir: Path) -> None:
    assert settings_path() == config_dir / "settings.json"
    settings = load_settings()
    assert settings == Settings()
    assert (settings.server_url, settings.sync_interval_minutes, settings.print_copies,
            settings.duplex, settings.version) == ("", 10, 1, False, SETTINGS_VERSION)
    assert not config_dir.exists()


def test_saved_settings_come_back_and_the_file_is_readable_json(
        config_dir: Path, tmp_path: Path) -> None:
    bundle = tmp_path / "省厅根证书.pem"
    bundle.write_text("-----BEGIN CERTIFICATE-----\n", encoding="utf-8")
    chosen = Settings(server_url="https://jjg.jl.gov.cn:8443/sync", ca_bundle=str(bundle),
                      data_dir=str(tmp_path / "数据"), sync_interval_minutes=30,
                      printer_name="办公室打印机", print_copies=2, duplex=True)
    save_settings(chosen)

    assert load_settings() == chosen
    text = settings_path().read_text(encoding="utf-8")
    assert "办公室打印机" in text and "\n  " in text
    assert json.loads(text)["version"] == SETTINGS_VERSION
    assert [p.name for p in config_dir.iterdir()] == ["settings.json"]


def test_saving_replaces_the_file_in_one_step(config_dir: Path) -> None:
    save_settings(Settings(sync_interval_minutes=5))
    save_settings(Settings(sync_interval_minutes=45))
    assert load_settings().sync_interval_minutes == 45
    assert [p.name for p in config_dir.iterdir()] == ["settings.json"]


def test_a_version_0_file_is_upgraded(config_dir: Path) -> None:
    config_dir.mkdir()
    settings_path().write_text(json.dumps(
        {"server_url": "https://10.1.2.3:8000", "sync_minutes": 25, "duplex": True}),
        encoding="utf-8")
    settings = load_settings()
    assert settings.version == SETTINGS_VERSION
    assert (settings.server_url, settings.sync_interval_minutes, settings.duplex) == (
        "https://10.1.2.3:8000", 25, True)


def test_a_file_from_a_newer_version_is_read_and_left_alone(config_dir: Path) -> None:
    config_dir.mkdir()
    content = json.dumps({"version": SETTINGS_VERSION + 1, "server_url": "https://a.example",
                          "print_copies": 3, "theme": "dark"})
    settings_path().write_text(content, encoding="utf-8")
    settings = load_settings()
    assert (settings.server_url, settings.print_copies) == ("https://a.example", 3)
    assert settings_path().read_text(encoding="utf-8") == content


@pytest.mark.parametrize("content", ["{\"server_url\": ", "[1, 2]", "\xff\xfe garbage",
                                     "{\"version\": \"one\"}"])
def test_a_broken_file_gives_defaults_and_is_kept_aside(
        config_dir: Path, caplog: pytest.LogCaptureFixture, content: str) -> None:
    config_dir.mkdir()
    settings_path().write_bytes(content.encode("latin-1"))
    with caplog.at_level(logging.WARNING, logger="jjg_desktop.settings"):
        assert load_settings() == Settings()
    [aside] = list(config_dir.iterdir())
    assert aside.name.startswith("settings.json.corrupt-")
    assert aside.read_bytes() == content.encode("latin-1")
    assert "已改用默认设置" in caplog.text and aside.name in caplog.text


def test_a_file_written_by_windows_notepad_is_read(config_dir: Path) -> None:
    config_dir.mkdir()
    settings_path().write_bytes(b"\xef\xbb\xbf" + json.dumps(
        {"version": 1, "printer_name": "财务室"}, ensure_ascii=False).encode("utf-8"))
    assert load_settings().printer_name == "财务室"


def test_one_bad_value_falls_back_alone(
        config_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    config_dir.mkdir()
    settings_path().write_text(json.dumps(
        {"version": 1, "server_url": "https://ok.example", "ca_bundle": "/gone/ca.pem",
         "print_copies": 99}), encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="jjg_desktop.settings"):
        settings = load_settings()
    assert (settings.server_url, settings.ca_bundle, settings.print_copies) == (
        "https://ok.example", "", 1)
    assert "/gone/ca.pem" in caplog.text


@pytest.mark.parametrize("url", ["", "https://jjg.jl.gov.cn", "https://10.0.0.5:8000",
                                 "https://sync.example.com:8443/jjg/v1",
                                 "  https://trimmed.example  ", "http://[::1]:9000/",
                                 "http://127.0.0.1:8000", "http://localhost:8000/sync"])
def test_good_server_addresses(url: str) -> None:
    assert Settings(server_url=url).server_url == url.strip()


@pytest.mark.parametrize("url", ["http://10.0.0.5:8000", "http://jjg.jl.gov.cn/sync",
                                 "http://[2001:db8::1]:8000"])
def test_clear_text_to_another_computer_needs_the_explicit_setting(url: str) -> None:
    why = _refused(server_url=url)["server_url"]
    assert "不加密的 http://" in why and "明文" in why and "允许不加密的连接" in why
    assert Settings(server_url=url, allow_plain_http=True).server_url == url


@pytest.mark.parametrize("url", ["jjg.jl.gov.cn", "ftp://jjg.jl.gov.cn", "https://",
                                 "https://bad host", "https://a.example:99999",
                                 "https://a.example/?q=1", "https://-a.example"])
def test_bad_server_addresses_are_refused_in_chinese(url: str) -> None:
    assert "服务器地址" in _refused(server_url=url)["server_url"]


def test_other_values_are_checked(tmp_path: Path) -> None:
    assert _refused(ca_bundle=str(tmp_path / "none.pem")) == {
        "ca_bundle": f"找不到 CA 证书文件：{tmp_path / 'none.pem'}"}
    assert "1 到 1440 分钟" in _refused(sync_interval_minutes=0)["sync_interval_minutes"]
    assert "1 到 20 份" in _refused(print_copies=21)["print_copies"]
    a_file = tmp_path / "x.txt"
    a_file.write_text("x", encoding="utf-8")
    assert "不是文件夹" in _refused(data_dir=str(a_file))["data_dir"]
    assert "不是有效的值" in _refused(sync_interval_minutes="十")["sync_interval_minutes"]


def test_settings_cannot_be_changed_in_place() -> None:
    with pytest.raises(ValidationError):
        Settings().duplex = True  # type: ignore[misc]


def test_the_data_folder_from_settings_comes_after_command_line_and_environment(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JJG_DB", raising=False)
    monkeypatch.delenv("JJG_DATA_DIR", raising=False)
    chosen = tmp_path / "设置的目录"
    save_settings(Settings(data_dir=str(chosen)))

    assert resolve_paths().db_path == chosen / "jjg.sqlite"
    assert resolve_paths().log_dir == chosen / "logs"
    assert resolve_paths(data_dir=tmp_path / "cli").data_dir == tmp_path / "cli"
    assert resolve_paths(db=tmp_path / "one.sqlite").db_path == tmp_path / "one.sqlite"
    monkeypatch.setenv("JJG_DATA_DIR", str(tmp_path / "env"))
    assert resolve_paths().data_dir == tmp_path / "env"
    monkeypatch.delenv("JJG_DATA_DIR")
    save_settings(Settings())
    assert resolve_paths().data_dir not in (chosen, tmp_path / "env")


@pytest.mark.parametrize("content", [
    None,
    '{"version": 1, "data_dir": "  {folder}  "}',
    '{"data_dir": "{folder}", "sync_minutes": 5}',
    '{"version": 1, "data_dir": "{file}"}',
    '{"version": 1, "data_dir": 42}',
    '{"version": 1, "data_dir": ""}',
    '{"version": 1, "data_dir": "{folder}", "print_copies": 999}',
    '["not", "an", "object"]',
    '{"version": 1, "data_dir": "{folder}"',
    "\ufeff" + '{"version": 1, "data_dir": "{folder}"}',
])
def test_the_start_reads_the_data_folder_as_the_settings_model_does(
        config_dir: Path, tmp_path: Path, content: str | None) -> None:
    """The start reads the data folder before pydantic is loaded; it must choose the folder
    the validated settings name, whatever the file holds."""
    folder, file = tmp_path / "数据", tmp_path / "a-file.txt"
    file.write_text("x", encoding="utf-8")
    path = settings_path()
    if content is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content.replace("{folder}", str(folder)).replace("{file}", str(file)),
                        encoding="utf-8")
    light = chosen_data_dir()
    model = load_settings().data_dir or None
    assert light == model
