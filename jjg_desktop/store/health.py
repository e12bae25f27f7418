"""`db check`: is a database file intact, at which schema version, and is its history untampered.

Reads only: a check never migrates, repairs or otherwise writes the file.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.exc import DatabaseError, OperationalError
from sqlalchemy.orm import Session

from jjg_desktop.store import anchors, audit, record_seals
from jjg_desktop.store.database import Database
from jjg_desktop.store.migrate import alembic_config, is_known_revision
from jjg_desktop.store.read import search


@dataclass(frozen=True, slots=True)
class CheckItem:
    name: str
    ok: bool
    detail: str


@dataclass(slots=True)
class HealthReport:
    path: Path
    items: list[CheckItem] = field(default_factory=list)
    fatal: str = ""

    @property
    def ok(self) -> bool:
        return not self.fatal and all(i.ok for i in self.items)


def check_database(path: Path) -> HealthReport:
    report = HealthReport(path=path)
    if not path.is_file():
        report.fatal = f"找不到数据库文件：{path}"
        return report
    if not _is_sqlite(path):
        report.fatal = f"{path} 不是有效的SQLite数据库文件，可能已损坏或不是本程序的数据。"
        return report
    db = Database(path)
    try:
        _run_checks(db, report)
    except (DatabaseError, OperationalError, sqlite3.DatabaseError) as exc:
        report.fatal = f"无法读取数据库 {path}：{exc.args[0] if exc.args else exc}"
    finally:
        db.close()
    return report


def _is_sqlite(path: Path) -> bool:
    with path.open("rb") as f:
        return f.read(16) == b"SQLite format 3\x00"


def _run_checks(db: Database, report: HealthReport) -> None:
    with db.read() as session:
        rows = [r[0] for r in session.execute(text("PRAGMA integrity_check")).all()]
        ok = rows == ["ok"]
        report.items.append(CheckItem("文件完整性", ok, "正常" if ok else "；".join(rows[:10])))

        fk = session.execute(text("PRAGMA foreign_key_check")).all()
        report.items.append(CheckItem(
            "数据关联", not fk,
            "正常" if not fk else f"{len(fk)} 条记录引用了不存在的数据（如表 {fk[0][0]}）"))

        report.items.append(_schema_item(session))
        if not report.items[-1].ok and "更新版本" in report.items[-1].detail:
            return

        if _has_table(session, "audit_log"):
            chain = audit.verify_chain(session)
            problems = [*chain.problems, *anchors.problems(session)]
            report.items.append(CheckItem(
                "审计日志链", not problems,
                f"{chain.entries} 条记录，哈希链完整" if not problems else "；".join(problems)))
            unsealed = record_seals.unsealed(session)
            report.items.append(CheckItem(
                "记录与审计日志", not unsealed,
                "每条记录都与审计日志记录的最后状态一致" if not unsealed else _listed(unsealed)))
        if _has_table(session, "enterprise_search"):
            problems = search.integrity_problems(session)
            report.items.append(CheckItem(
                "搜索索引", not problems, "正常" if not problems else "；".join(problems)))


def _listed(unsealed: list[record_seals.Unsealed], shown: int = 10) -> str:
    lines = [u.describe() for u in unsealed[:shown]]
    more = f"；另有 {len(unsealed) - shown} 条" if len(unsealed) > shown else ""
    return f"{len(unsealed)} 条记录不符：" + "；".join(lines) + more


def _has_table(session: Session, name: str) -> bool:
    return bool(session.execute(
        text("SELECT 1 FROM sqlite_master WHERE name = :n"), {"n": name}).first())


def _schema_item(session: Session) -> CheckItem:
    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    current = None
    if _has_table(session, "alembic_version"):
        current = session.execute(
            text("SELECT version_num FROM alembic_version")).scalar()
    if current is None:
        return CheckItem("结构版本", False, "没有版本信息：不是吉建管的数据库，或未初始化")
    if current == head:
        return CheckItem("结构版本", True, f"{current}（最新）")
    if not is_known_revision(script, current):
        return CheckItem("结构版本", False,
                         f"{current}：由更新版本的吉建管创建，请升级本程序后再打开")
    return CheckItem("结构版本", True, f"{current}（打开时将先备份再升级到 {head}）")
