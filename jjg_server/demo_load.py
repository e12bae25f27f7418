"""`jjg-server demo`: the client's demo county on the server, and users to try it with.

The demo is built by the client's own generator into a throw-away store, loaded like any
client database, and the demo's officials get accounts (same usernames, so sealed teams and
case histories name them) with fresh passwords printed once.
"""

from __future__ import annotations

import secrets
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from jjg_desktop.config import resolve_paths
from jjg_desktop.demo.build import build_demo
from jjg_desktop.rules.divisions import jurisdiction
from jjg_desktop.services.startup import open_store
from jjg_desktop.store.database import Database
from jjg_desktop.store.models import CaseTransition, Inspection, UserProfile
from jjg_server import accounts
from jjg_server.client_db import Loaded, load_client_db
from jjg_server.files import FileStore
from jjg_server.passwords import policy_problem
from jjg_server.store import Record, User

DEMO_COUNTY = "222404"
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class DemoError(ValueError):
    """The demo cannot be loaded here; the message is Chinese."""


@dataclass(frozen=True, slots=True)
class DemoUser:
    username: str
    display_name: str
    role: str
    division_code: str
    password: str


@dataclass(frozen=True, slots=True)
class DemoLoaded:
    description: str
    loaded: Loaded
    users: tuple[DemoUser, ...]


def _accounts(county: str, prefecture: str) -> tuple[tuple[str, str, str, str], ...]:
    """(username, fallback name, role, division) as the demo generator names its officials."""
    return ((f"clerk{county}-1", "县住建局办事员", "county_clerk", county),
            (f"inspector{county}-1", "执法检查人员", "inspector", county),
            (f"reviewer{prefecture}", "市州审核人员", "prefecture_reviewer", prefecture),
            ("admin220000", "省厅管理员", "province_admin", "220000"))


def _new_password(username: str) -> str:
    while True:  # a random one that also meets the policy (letters and digits both)
        password = "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(12))
        if policy_problem(password, username) is None:
            return password


def load_demo(engine: Engine, files: FileStore, *, county: str = DEMO_COUNTY) -> DemoLoaded:
    with Session(engine) as session:
        if session.scalars(select(Record).limit(1)).first() is not None:
            raise DemoError("服务器数据库中已有数据；演示数据只能载入新建的空数据库，请换一个 --db")
    with tempfile.TemporaryDirectory(prefix="jjg-demo-") as folder:
        paths = resolve_paths(data_dir=Path(folder))
        client = open_store(paths)
        try:
            summary = build_demo(client, county=county)
        finally:
            client.close()
        names = _names(paths.db_path)
        loaded = load_client_db(engine, files, paths.db_path, paths.attachments_dir)
    prefecture = jurisdiction().rows[county].parent_code or county
    users = []
    with Session(engine) as session, session.begin():
        for username, fallback, role, division in _accounts(county, prefecture):
            if session.get(User, username) is not None:
                continue
            password = _new_password(username)
            user = accounts.add_user(session, username=username,
                                 display_name=names.get(username, fallback), role=role,
                                 division_code=division, password=password,
                                 now=datetime.now(UTC))
            users.append(DemoUser(username, user.display_name, role, division, password))
    # the last line tells the throw-away client's audit log and outbox: not the server's
    description = "\n".join(summary.describe().splitlines()[:-1])
    return DemoLoaded(description, loaded, tuple(users))


def _names(path: Path) -> dict[str, str]:
    """The demo officials' names by username, as the demo's records show them."""
    names: dict[str, str] = {}
    db = Database(path)
    try:
        with db.read() as session:
            for insp in session.scalars(select(Inspection)):
                for member in insp.team:
                    if member.get("username"):
                        names.setdefault(member["username"], member.get("name", ""))
            for step in session.scalars(select(CaseTransition)):
                names.setdefault(step.actor, step.actor_name)
            for profile in session.scalars(select(UserProfile)):
                names[profile.username] = profile.display_name
    finally:
        db.close()
    return {k: v for k, v in names.items() if v}
