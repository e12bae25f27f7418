"""`jjg-server` as a user runs it: serve, users, publishing, loading data, the demo, epochs."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
import requests
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from jjg_desktop.config import Paths
from jjg_desktop.rules.checklist import template_id
from jjg_desktop.services.startup import open_store
from jjg_desktop.store import attachments
from jjg_desktop.store.checklists import shipped_templates
from jjg_desktop.store.models import Attachment
from jjg_desktop.sync.protocol import LoginResponse, Meta, ProblemDetail
from jjg_server.store import PublishedWorkflow, Record, User
from server_support import SyncClient, add_user, row, running_server

TIMEOUT = 60
REPO = Path(__file__).resolve().parents[2]
CHECKLIST = REPO / "resources" / "checklists" / "jzsc-zfjcb-2023.v1.json"
WORKFLOW = REPO / "resources" / "workflows" / "abnormal-list.v2.json"


def _cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "jjg_server.cli", *args], input=stdin,
                          capture_output=True, text=True, encoding="utf-8", timeout=TIMEOUT,
                          env=env, check=False)


def _user_add(db_url: str, username: str, *extra: str, stdin: str) -> subprocess.CompletedProcess:
    return _cli("user", "add", "--db", db_url, "--username", username, "--name", "王建国",
                "--role", "inspector", "--division", "220102", *extra, stdin=stdin)


def test_user_add_creates_a_user_who_can_log_in(db_url: str, engine: Engine, files_dir: Path):
    done = _user_add(db_url, "insp07", "--password-stdin", stdin="现场-检查-2607\n")
    assert done.returncode == 0, done.stderr
    assert "已添加用户 insp07" in done.stdout
    with Session(engine) as session:
        user = session.get_one(User, "insp07")
        assert (user.display_name, user.role, user.division_code, user.active) == (
            "王建国", "inspector", "220102", True)
        assert user.password_hash.startswith("$argon2id$")

    with running_server(db_url, files_dir) as base:
        body = {"username": "insp07", "password": "现场-检查-2607", "client_id": "tablet-1"}
        reply = requests.post(f"{base}/sync/v1/login", json=body, timeout=TIMEOUT)
        assert reply.status_code == 200, reply.text
        assert LoginResponse.model_validate_json(reply.text).user.display_name == "王建国"
        body["password"] = "现场-检查-2607\n"
        reply = requests.post(f"{base}/sync/v1/login", json=body, timeout=TIMEOUT)
        assert ProblemDetail.model_validate_json(reply.text).status == 401


def test_user_add_refuses_a_duplicate_and_bad_input_in_chinese(db_url: str, engine: Engine):
    assert _user_add(db_url, "insp07", "--password-stdin", stdin="现场-检查-2607\n").returncode == 0
    again = _user_add(db_url, "insp07", "--password-stdin", stdin="现场-检查-2608\n")
    assert again.returncode == 1 and "用户已存在：insp07" in again.stderr
    empty = _user_add(db_url, "insp08", "--password-stdin", stdin="\n")
    assert empty.returncode == 1 and "密码不能为空" in empty.stderr
    for weak, why in (("pw-1", "至少 10 个字符"), ("1234567890", "只由一类字符"),
                      ("insp08-2026", "不能包含登录名"), ("password123", "过于常见")):
        refused = _user_add(db_url, "insp08", "--password-stdin", stdin=f"{weak}\n")
        assert refused.returncode == 1 and why in refused.stderr, refused.stderr
    bad_division = _cli("user", "add", "--db", db_url, "--username", "insp09", "--name", "李",
                        "--role", "inspector", "--division", "22", "--password-stdin",
                        stdin="现场-检查-2609\n")
    assert bad_division.returncode == 1 and "行政区划代码" in bad_division.stderr
    bad_role = _cli("user", "add", "--db", db_url, "--username", "insp10", "--name", "李",
                    "--role", "boss", "--division", "220102", "--password-stdin",
                    stdin="现场-检查-2610\n")
    assert bad_role.returncode == 1 and "角色无效：boss" in bad_role.stderr
    with Session(engine) as session:
        assert [session.get(User, u) for u in ("insp08", "insp09", "insp10")] == [None] * 3


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("command", [[], ["serve"]], ids=["no-command", "serve"])
def test_the_server_answers_meta_on_loopback(tmp_path: Path, command: list[str]):
    port = _free_port()
    db = tmp_path / "served.sqlite3"
    process = subprocess.Popen(
        [sys.executable, "-m", "jjg_server.cli", *command, "--db", str(db),
         "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + TIMEOUT
        while True:
            assert process.poll() is None, process.stderr.read() if process.stderr else ""
            try:
                reply = requests.get(f"http://127.0.0.1:{port}/sync/v1/meta", timeout=2)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline, "jjg-server did not start"
                time.sleep(0.1)
        assert Meta.model_validate_json(reply.text).latest_seq == 0
        assert db.exists() and (tmp_path / "served.files").is_dir()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        if process.stderr:
            process.stderr.close()


def test_postgresql_needs_a_files_folder():
    done = _cli("--db", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert done.returncode == 2 and "须用 --files 指定" in done.stderr


def test_help_is_in_chinese():
    done = _cli("--help")
    assert done.returncode == 0
    for words in ("用法：", "启动同步服务", "发布检查表模板或流程规则", "载入数据",
                  "显示帮助并退出"):
        assert words in done.stdout


def test_epoch_rotate_gives_the_database_a_new_epoch_that_meta_reports(
        db_url: str, files_dir: Path):
    """After restoring a backup the operator rotates the epoch: clients re-download all."""
    with running_server(db_url, files_dir) as base:
        before = Meta.model_validate_json(
            requests.get(f"{base}/sync/v1/meta", timeout=TIMEOUT).text).epoch
    done = _cli("epoch", "rotate", "--db", db_url)
    assert done.returncode == 0, done.stderr
    assert "已换用新的纪元" in done.stdout and before in done.stdout
    with running_server(db_url, files_dir) as base:
        after = Meta.model_validate_json(
            requests.get(f"{base}/sync/v1/meta", timeout=TIMEOUT).text).epoch
    assert after != before and len(after) == 32 and after in done.stdout


def test_epoch_rotate_is_seen_by_a_running_server(server: str, db_url: str):
    def epoch() -> str:
        reply = requests.get(f"{server}/sync/v1/meta", timeout=TIMEOUT)
        return Meta.model_validate_json(reply.text).epoch
    before = epoch()
    assert _cli("epoch", "rotate", "--db", db_url).returncode == 0
    assert epoch() != before


def test_a_published_checklist_reaches_every_client_and_never_changes(
        server: str, db_url: str, engine: Engine, tmp_path: Path):
    done = _cli("publish", "checklist", str(CHECKLIST), "--db", db_url)
    assert done.returncode == 0, done.stderr
    assert "已发布检查表 JZSC-ZFJCB-2023 第 1 版" in done.stdout
    again = _cli("publish", "checklist", str(CHECKLIST), "--db", db_url)
    assert again.returncode == 0 and "内容相同，未做修改" in again.stdout
    changed = json.loads(CHECKLIST.read_text(encoding="utf-8"))
    changed["title"] = changed["title"] + "（改）"
    altered = tmp_path / "altered.json"
    altered.write_text(json.dumps(changed, ensure_ascii=False), encoding="utf-8")
    refused = _cli("publish", "checklist", str(altered), "--db", db_url)
    assert refused.returncode == 1 and "内容不得更改" in refused.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    assert "不是有效的 JSON" in _cli("publish", "checklist", str(broken), "--db", db_url).stderr

    add_user(engine, "insp01", "现场-检查-2601", role="inspector", division="220102")
    [change] = SyncClient.signed_in(server, "insp01", "现场-检查-2601").pull_all()
    assert change.entity == "checklist_template"
    assert change.id == template_id("JZSC-ZFJCB-2023", "1")  # the id clients ship it under
    assert (change.data["code"], change.data["version"]) == ("JZSC-ZFJCB-2023", "1")
    assert change.data["published_on"] and change.data["content"]["sections"]


def test_the_newest_published_workflow_decides_case_steps(
        server: str, db_url: str, engine: Engine, tmp_path: Path):
    lenient = json.loads(WORKFLOW.read_text(encoding="utf-8"))
    lenient["version"] = "2"
    propose = next(t for t in lenient["transitions"] if t["action"] == "propose")
    propose["requires"] = ["grounds"]  # no evidence needed any more
    path = tmp_path / "abnormal-list.v2.json"
    path.write_text(json.dumps(lenient, ensure_ascii=False), encoding="utf-8")
    invalid = tmp_path / "invalid.json"
    invalid.write_text(json.dumps({**lenient, "transitions": "x"}), encoding="utf-8")
    refused = _cli("publish", "workflow", str(invalid), "--db", db_url)
    assert refused.returncode == 1 and "流程文件 invalid.json 无效" in refused.stderr
    done = _cli("publish", "workflow", str(path), "--db", db_url)
    assert done.returncode == 0 and "已发布流程 abnormal-list 第 2 版" in done.stdout
    with Session(engine) as session:
        assert [w.version for w in session.scalars(select(PublishedWorkflow))] == ["2"]

    add_user(engine, "clerk01", "现场-检查-2601")
    clerk = SyncClient.signed_in(server, "clerk01", "现场-检查-2601")
    case = row("abnormal_case", "c1", enterprise_id="e1", division_code="222404",
               state="proposed", version=1, grounds=["联系不上"])
    assert clerk.do("case.transition", case, args={
        "action": "propose", "case_version": 0, "grounds": ["联系不上"], "comment": "",
        "division_code": "222404"}) == "applied"


def test_a_client_database_is_loaded_with_its_files(
        paths: Paths, db_url: str, engine: Engine, files_dir: Path):
    client = open_store(paths)
    photo = b"\x89PNG a signature"
    with client.db.write() as session:
        blob = attachments.put(session, paths.attachments_dir, photo, "image/png",
                               datetime(2026, 3, 2, 1, 30))
        session.add(Attachment(id="a1", sha256=blob.sha256, owner_kind="inspection",
                               owner_id="i1", created_at=datetime(2026, 3, 2, 1, 30),
                               updated_at=datetime(2026, 3, 2, 1, 30)))
    client.close()
    done = _cli("load", "client-db", str(paths.db_path), "--db", db_url,
                "--files", str(files_dir), "--attachments", str(paths.attachments_dir))
    assert done.returncode == 0, done.stderr
    templates = len(shipped_templates())  # every shipped checklist version is a record
    assert f"已载入 {templates + 1} 条记录（检查表 {templates}，照片 1）" in done.stdout
    assert "附件文件 1 个" in done.stdout
    with Session(engine) as session:
        loaded = session.get_one(Record, ("attachment", "a1"))
        assert (loaded.version, loaded.data["sha256"]) == (1, blob.sha256)
    assert (files_dir / blob.sha256[:2] / blob.sha256).read_bytes() == photo
    again = _cli("load", "client-db", str(paths.db_path), "--db", db_url,
                 "--files", str(files_dir))
    assert again.returncode == 0 and "已载入 0 条记录" in again.stdout
    assert f"跳过 {templates + 1} 条" in again.stdout
    missing = _cli("load", "client-db", str(paths.db_path.parent / "none.sqlite"),
                   "--db", db_url, "--files", str(files_dir))
    assert missing.returncode == 1 and "找不到客户端数据库文件" in missing.stderr


def test_the_demo_county_is_loaded_and_its_users_pull_it(
        db_url: str, files_dir: Path, engine: Engine):
    done = _cli("demo", "--db", db_url, "--files", str(files_dir))
    assert done.returncode == 0, done.stderr
    assert "演示县：珲春市（222404）" in done.stdout
    loaded = int(re.search(r"已载入 (\d+) 条记录", done.stdout)[1])  # type: ignore[index]
    with Session(engine) as session:
        assert loaded == session.scalar(select(func.count()).select_from(Record)) > 2500
    passwords = dict(re.findall(r"^\s+(\S+)\s+([a-z0-9]{12})\s", done.stdout, re.MULTILINE))
    assert set(passwords) == {"clerk222404-1", "inspector222404-1", "reviewer222400",
                              "admin220000"}
    refused = _cli("demo", "--db", db_url, "--files", str(files_dir))
    assert refused.returncode == 1 and "只能载入新建的空数据库" in refused.stderr

    add_user(engine, "clerk-far", "现场-检查-2601", division="220102")
    with running_server(db_url, files_dir) as base:
        inspector = SyncClient.signed_in(base, "inspector222404-1",
                                         passwords["inspector222404-1"])
        received = inspector.pull_all(limit=2000)
        far = SyncClient.signed_in(base, "clerk-far", "现场-检查-2601",
                                   client_id="far").pull_all(limit=2000)
    kinds: dict[str, int] = {}
    for change in received:
        kinds[change.entity] = kinds.get(change.entity, 0) + 1
    assert len(received) == loaded  # one county: its inspector receives every record
    assert (kinds["project"], kinds["inspection"], kinds["enterprise"]) == (150, 12, 300)
    assert kinds["pool_member"] == 15  # the county's 检查人员库: 3 officials, 12 experts
    assert {c.entity for c in far} == {"enterprise", "jilin_registration", "checklist_template"}
    with Session(engine) as session:
        assert session.get_one(User, "reviewer222400").role == "prefecture_reviewer"
