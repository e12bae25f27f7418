"""`jjg-desktop login` and `jjg-desktop sync`: signing in and one sync from the command line
(for scheduled runs). The token goes to the OS keyring, never to the screen or a file."""

from __future__ import annotations

import getpass
import sys

from jjg_desktop.config import Paths
from jjg_desktop.services.startup import open_store
from jjg_desktop.settings import load_settings, save_settings
from jjg_desktop.sync.credentials import Credentials
from jjg_desktop.sync.engine import SyncProgress
from jjg_desktop.sync.errors import SyncError
from jjg_desktop.sync.session import kept_for_others, kept_message, sign_in, sync_once

EXIT_OK, EXIT_CONFLICTS, EXIT_FAILED, EXIT_WAITING = 0, 1, 2, 3


def run_login(paths: Paths, server: str | None, username: str, password_stdin: bool) -> int:
    settings = load_settings()
    url = server or settings.server_url
    if not url:
        print("请用 --server 指定同步服务器地址（或在设置中填写）", file=sys.stderr)
        return EXIT_FAILED
    password = (sys.stdin.readline().rstrip("\n") if password_stdin
                else getpass.getpass(f"{username} 的密码："))
    credentials = Credentials()
    store = open_store(paths)
    try:
        actor = sign_in(store, credentials, server_url=url, username=username,
                        password=password, ca_bundle=settings.ca_bundle,
                        allow_plain_http=settings.allow_plain_http)
    except SyncError as exc:
        print(f"✗ 登录失败：{exc.message}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        store.close()
    if url != settings.server_url:
        save_settings(settings.model_copy(update={"server_url": url}))
    print(f"已登录 {url}：{actor.display_name}（{actor.username}，{actor.division_code}）")
    store = open_store(paths)
    try:
        kept = kept_message(kept_for_others(store, actor.username))
    finally:
        store.close()
    if kept:
        print(f"注意：{kept}")
    if credentials.warning:
        print(f"注意：{credentials.warning}\n计划任务中的 jjg-desktop sync 需要系统密码保管库。",
              file=sys.stderr)
    return EXIT_OK


def run_sync(paths: Paths, server: str | None, quiet: bool) -> int:
    settings = load_settings()
    url = server or settings.server_url

    def show(p: SyncProgress) -> None:
        if not quiet:
            total = f"/{p.total}" if p.total else ""
            print(f"  {p.stage} {p.done}{total}", file=sys.stderr)

    store = open_store(paths)
    try:
        report = sync_once(store, Credentials(), server_url=url, ca_bundle=settings.ca_bundle,
                           allow_plain_http=settings.allow_plain_http, progress=show)
    except SyncError as exc:
        print(f"✗ 同步未完成：{exc.message}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        store.close()
    if report.rejected:
        print(f"! 同步完成，但有冲突待处理：{report.summary()}（{report.requests} 次请求）")
        return EXIT_CONFLICTS
    if report.waiting or report.retried:
        print(f"! 同步完成，但有内容尚未同步：{report.summary()}（{report.requests} 次请求）")
        return EXIT_WAITING
    print(f"✓ 同步完成：{report.summary()}（{report.requests} 次请求）")
    return EXIT_OK
