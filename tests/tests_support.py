"""Small builders shared by tests (data a test needs, made through the real store)."""

from __future__ import annotations

import itertools
import json
import sqlite3
from datetime import date, datetime

import keyring.errors
from keyring.backend import KeyringBackend

from jjg_desktop.rules.credit_code import complete
from jjg_desktop.services.context import ServiceContext, Store
from jjg_desktop.store import audit
from jjg_desktop.store.base import new_id
from jjg_desktop.store.models import AbnormalCase, Enterprise

_serial = itertools.count(1)


def add_enterprise(store: Store, now: datetime, *, name: str = "珲春市鑫源建筑工程有限公司",
                   division_code: str = "222404", home_province_code: str = "220000",
                   home_province: str = "吉林省", server_version: int | None = 7) -> str:
    """An enterprise as the server would have sent it (no audit, no outbox)."""
    code = complete(f"91{division_code}MA{next(_serial):06d}"[:16])
    ent = Enterprise(id=new_id(), credit_code=code, name=name,
                     home_province_code=home_province_code, home_province=home_province,
                     division_code=division_code, created_at=now, updated_at=now,
                     server_version=server_version)
    with store.db.write() as s:
        s.add(ent)
    return ent.id


def add_project(store: Store, now: datetime, *, name: str, parties: dict[str, str],
                division_code: str = "222404", status: str = "在建") -> str:
    """A project (as the server sent it) with enterprises in roles: {role: enterprise id}."""
    from jjg_desktop.store.models import Project, ProjectParty

    project = Project(id=new_id(), code=f"2224042026{next(_serial):06d}", name=name,
                      division_code=division_code, status=status, created_at=now,
                      updated_at=now, server_version=1)
    with store.db.write() as s:
        s.add(project)
        s.flush()
        for role, enterprise_id in parties.items():
            s.add(ProjectParty(id=new_id(), project_id=project.id, enterprise_id=enterprise_id,
                               role=role, created_at=now, updated_at=now, server_version=1))
    return project.id


def shipped_template_id() -> str:
    """The checklist template every store has from its first start."""
    from jjg_desktop.rules.checklist import template_id
    from jjg_desktop.store.checklists import shipped_templates

    template = shipped_templates()[0]
    return template_id(template.code, template.version)


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps passwords in this object (priority 1: usable), standing in for
    the OS vault."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.passwords.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)


def rechain(conn: sqlite3.Connection) -> None:
    """What a careful forger does after editing entries: every hash made again."""
    prev = audit.GENESIS
    for seq, at, actor, role, division, action, entity, entity_id, data in conn.execute(
            "SELECT seq, at, actor, actor_role, actor_division, action, entity, entity_id, "
            "data FROM audit_log ORDER BY seq").fetchall():
        digest = audit.entry_hash(prev, seq, datetime.fromisoformat(at), actor, role, division,
                                  action, entity, entity_id, json.loads(data))
        conn.execute("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?",
                     (prev, digest, seq))
        prev = digest


def signed_verification(verifiers: list[str], method: str,
                        representative: str = "张立新") -> list:
    """The signatures that make a verification final: each verifier's, and on site the
    enterprise representative's."""
    import io

    from PIL import Image

    from jjg_desktop.rules.verification import ON_SITE, REPRESENTATIVE, VERIFIER
    from jjg_desktop.services.signatures import SignatureInput

    buffer = io.BytesIO()
    Image.new("RGBA", (120, 40), (0, 0, 0, 0)).save(buffer, format="PNG")
    png = buffer.getvalue()
    out = [SignatureInput(VERIFIER, name, png) for name in verifiers]
    if method == ON_SITE:
        out.append(SignatureInput(REPRESENTATIVE, representative, png))
    return out


def notify_and_hear(province: ServiceContext, case_id: str, *, number: str = "吉建告〔2026〕1号",
                    day: date = date(2026, 5, 18), clearing: bool = False) -> None:
    """The prior notice (告知) served and the party heard: what must come before a listing
    (or, with `clearing`, before a clearing)."""
    from jjg_desktop.services.cases import StepInput, take_step

    notify, hear = ("notify_clearing", "hear_clearing") if clearing else (
        "notify_listing", "hear_listing")
    for action, step in ((notify, StepInput(decision_no=number, decision_date=day,
                                            comment="逾期未整改" if clearing else "")),
                         (hear, StepInput(comment="企业陈述申辩：无新的事实和理由"))):
        with province.store.db.read() as s:
            version = s.get(AbnormalCase, case_id).version
        take_step(province, case_id, action, base_version=version, step=step)
