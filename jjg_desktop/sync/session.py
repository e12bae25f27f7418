"""Signing in to the provincial server and running one sync with the stored login."""

from __future__ import annotations

from collections.abc import Callable

from jjg_desktop.services.context import Actor, Store
from jjg_desktop.services.startup import active_actor, set_profile
from jjg_desktop.store.models import SyncState
from jjg_desktop.sync.client import SyncClient
from jjg_desktop.sync.credentials import Credentials, Login, folder_key
from jjg_desktop.sync.engine import SyncEngine, SyncProgress, SyncReport, pending_of_others
from jjg_desktop.sync.errors import NotSignedIn


def client_id(store: Store) -> str:
    with store.db.read() as session:
        state = session.get(SyncState, 1)
        if state is None:
            raise RuntimeError("sync_state missing: store not opened with open_store")
        return state.client_id


def folder_of(store: Store) -> str:
    return folder_key(store)


def sign_in(store: Store, credentials: Credentials, *, server_url: str, username: str,
            password: str, ca_bundle: str = "", allow_plain_http: bool = False) -> Actor:
    """Log in; the token goes to the keyring under this server, user and data folder, and
    the user, with the role and division of their server account, works on this store."""
    client = SyncClient(server_url, ca_bundle=ca_bundle, allow_plain_http=allow_plain_http)
    try:
        reply = client.login(username, password, client_id(store))
    finally:
        client.close()
    credentials.save(Login(client.base_url, reply.user.username, reply.token), folder_of(store))
    return set_profile(store, username=reply.user.username,
                       display_name=reply.user.display_name, role=reply.user.role,
                       division_code=reply.user.division_code)


def kept_for_others(store: Store, username: str) -> dict[str, int]:
    """Changes other people made on this laptop that are not sent yet, by name: signing in
    as someone else keeps them for their own sign-in."""
    with store.db.read() as session:
        return pending_of_others(session, username)


def kept_message(kept: dict[str, int]) -> str:
    return "；".join(f"本机还有{name}的 {count} 项更改尚未同步，将保留给其本人登录后同步，"
                    "不会以您的名义提交" for name, count in kept.items())


def sync_once(store: Store, credentials: Credentials, *, server_url: str, ca_bundle: str = "",
              allow_plain_http: bool = False,
              progress: Callable[[SyncProgress], None] | None = None,
              should_stop: Callable[[], bool] | None = None) -> SyncReport:
    """One sync with the login kept for ``server_url``; NotSignedIn if there is none."""
    if not server_url:
        raise NotSignedIn("尚未设置同步服务器地址，请在“设置”中填写后登录")
    client = SyncClient(server_url, ca_bundle=ca_bundle, allow_plain_http=allow_plain_http)
    actor = active_actor(store)
    login = credentials.load(client.base_url, actor.username if actor else None,
                             folder_of(store))
    if login is None:
        client.close()
        who = actor.display_name if actor else ""
        raise NotSignedIn(f"{who}尚未登录同步服务器，请先登录")
    client.token = login.token
    try:
        return SyncEngine(store, client, progress=progress, should_stop=should_stop,
                          author=login.username).run()
    finally:
        client.close()
