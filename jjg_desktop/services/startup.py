"""Opening a store: folders, schema, reference data, this client's identity, the active user."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from jjg_desktop.config import Paths
from jjg_desktop.services.context import Actor, Change, ServiceContext, Store, change
from jjg_desktop.services.errors import InvalidInput
from jjg_desktop.store import divisions
from jjg_desktop.store.base import new_id
from jjg_desktop.store.checklists import install_shipped_templates
from jjg_desktop.store.database import Database
from jjg_desktop.store.migrate import ensure_schema
from jjg_desktop.store.models import Division, LocalSetting, SyncState, UserProfile

ROLES = {
    "inspector": "执法检查人员",
    "county_clerk": "县级住建局",
    "prefecture_reviewer": "市州审核",
    "province_admin": "省厅",
}


def open_store(paths: Paths) -> Store:
    """Create or upgrade the database (backing it up first) and load reference data."""
    paths.data_dir.mkdir(parents=True, exist_ok=True)
    paths.db_path.parent.mkdir(parents=True, exist_ok=True)
    db = Database(paths.db_path)
    try:
        ensure_schema(db, paths.backups_dir)
        with db.write() as session:
            divisions.load_reference(session)
            install_shipped_templates(session)
            if session.get(SyncState, 1) is None:
                session.add(SyncState(id=1, client_id=new_id()))
    except BaseException:
        db.close()
        raise
    return Store(db=db, paths=paths)


DEMO_AS_OF_KEY = "demo.as_of"


def demo_as_of(store: Store) -> date | None:
    """The date a demo database is frozen at; None for real data."""
    with store.db.read() as session:
        setting = session.get(LocalSetting, DEMO_AS_OF_KEY)
        return date.fromisoformat(str(setting.value["date"])) if setting else None


def active_actor(store: Store) -> Actor | None:
    with store.db.read() as session:
        profile = session.scalars(select(UserProfile).where(UserProfile.active)).first()
        if profile is None:
            return None
        return Actor(username=profile.username, display_name=profile.display_name,
                     role=profile.role, division_code=profile.division_code)


def set_profile(store: Store, *, username: str, display_name: str, role: str,
                division_code: str, enforcement_cert_no: str | None = None) -> Actor:
    """Make this user the one working on this machine (a local setting, not synced)."""
    username, display_name = username.strip(), display_name.strip()
    if not username or not display_name:
        raise InvalidInput("请填写用户名和姓名")
    if role not in ROLES:
        raise InvalidInput(f"未知的角色：{role}")
    actor = Actor(username=username, display_name=display_name, role=role,
                  division_code=division_code)
    ctx = ServiceContext(store=store, actor=actor)
    with change(ctx) as ch:
        if ch.session.get(Division, division_code) is None:
            raise InvalidInput(f"未知的行政区划代码：{division_code}")
        _activate(ch, actor, enforcement_cert_no)
    return actor


def _activate(ch: Change, actor: Actor, enforcement_cert_no: str | None) -> None:
    for other in ch.session.scalars(select(UserProfile).where(UserProfile.active)):
        other.active = False
    profile = ch.session.get(UserProfile, actor.username)
    if profile is None:
        profile = UserProfile(username=actor.username)
        ch.session.add(profile)
    profile.display_name = actor.display_name
    profile.role = actor.role
    profile.division_code = actor.division_code
    profile.enforcement_cert_no = enforcement_cert_no
    profile.active = True
    ch.record(action="profile.activate", entity="user_profile", entity_id=actor.username,
              data={"role": actor.role, "division": actor.division_code}, sync=False)
