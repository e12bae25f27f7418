"""`jjg-server`: run the sync server, manage users, publish rules, load data, rotate the epoch."""

from __future__ import annotations

import argparse
import getpass
import ipaddress
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, NoReturn

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from jjg_desktop.rules.china_time import CHINA
from jjg_server import accounts, auth, files, store
from jjg_server.passwords import MIN_LENGTH
from jjg_server.schema import SchemaError

DEFAULT_DB = os.environ.get("JJG_SERVER_DB", "sqlite:///jjg-server.sqlite3")
DB_HELP = "数据库 URL 或 SQLite 文件路径（如 postgresql+psycopg://用户@主机/库）"
FILES_HELP = "存放附件文件的目录（SQLite 默认为数据库旁的 NAME.files/；PostgreSQL 必须指定）"


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                  groups: Iterable[argparse._MutuallyExclusiveGroup],
                  prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


class _Parser(argparse.ArgumentParser):
    """argparse with its own words in Chinese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.update(add_help=False, formatter_class=_Formatter)
        super().__init__(*args, **kwargs)
        self._positionals.title = "参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示帮助并退出")

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：参数错误：{message}\n")


def _db(parser: argparse.ArgumentParser, *, with_files: bool = False) -> None:
    parser.add_argument("--db", default=DEFAULT_DB, help=DB_HELP)
    if with_files:
        parser.add_argument("--files", type=Path, default=None, help=FILES_HELP)


def _listen(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
    parser.add_argument("--port", type=int, default=8000, help="监听端口（默认 8000）")
    parser.add_argument("--certfile", type=Path, default=None,
                        help="TLS 证书文件（PEM，含中间证书）：提供 HTTPS")
    parser.add_argument("--keyfile", type=Path, default=None, help="TLS 私钥文件（PEM）")
    parser.add_argument("--production", action="store_true",
                        help="生产模式：不提供 /docs 与 /openapi.json；不在本机以外的地址上"
                             "提供明文 HTTP（须 --certfile/--keyfile，或只监听 127.0.0.1 由 "
                             "nginx 提供 HTTPS，见 docs/operations.md）")
    parser.add_argument("--upload-quota-mb", type=int, default=files.UPLOAD_QUOTA // 2**20,
                        help="每个用户未完成的上传合计上限（MB，默认 %(default)s）")
    parser.add_argument("--partial-days", type=int, default=files.PARTIAL_TTL.days,
                        help="未完成的上传多少天无进展后清除（默认 %(default)s）")


def _username(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--username", required=True, help="登录名")


def _password_stdin(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--password-stdin", action="store_true",
                        help=f"从标准输入读取密码（第一行）。密码至少 {MIN_LENGTH} 个字符，"
                             "须混合字母、数字或符号，不能包含登录名")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="jjg-server", description="吉建管 省级同步服务。不带命令时启动服务"
                     "（同 serve）。")
    _db(parser, with_files=True)
    _listen(parser)
    commands = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)

    serve = commands.add_parser("serve", help="启动同步服务")
    _db(serve, with_files=True)
    _listen(serve)

    user = commands.add_parser(
        "user", help="用户管理：添加、列出、停用、启用、重置密码、改角色、注销登录")
    user_commands = user.add_subparsers(dest="user_command", required=True, metavar="操作",
                                        parser_class=_Parser)
    add = user_commands.add_parser("add", help="添加用户")
    _db(add)
    _username(add)
    add.add_argument("--name", required=True, help="姓名")
    add.add_argument("--role", required=True, help=f"角色：{'、'.join(auth.ROLES)}")
    add.add_argument("--division", required=True,
                     help="行政区划代码（见 db/reference/divisions.csv，如 222404、JL-CBS）")
    _password_stdin(add)
    listing = user_commands.add_parser(
        "list", help="列出用户（姓名、角色、区划、状态、在线会话数）")
    _db(listing)
    listing.add_argument("--division", default=None, help="只列出该行政区划及其下级的用户")
    for name, text in (("disable", "停用用户（立即注销其全部登录）"),
                       ("enable", "恢复已停用的用户"),
                       ("revoke", "注销用户的全部登录（各电脑须重新登录）")):
        action = user_commands.add_parser(name, help=text)
        _db(action)
        _username(action)
    reset = user_commands.add_parser("reset-password", help="重置密码（立即注销其全部登录）")
    _db(reset)
    _username(reset)
    _password_stdin(reset)
    role = user_commands.add_parser("set-role", help="修改角色或行政区划（立即注销其全部登录）")
    _db(role)
    _username(role)
    role.add_argument("--role", default=None, help=f"新角色：{'、'.join(auth.ROLES)}")
    role.add_argument("--division", default=None, help="新的行政区划代码")

    publish = commands.add_parser("publish", help="发布检查表模板或流程规则")
    publish_commands = publish.add_subparsers(dest="publish_command", required=True,
                                              metavar="类型", parser_class=_Parser)
    checklist = publish_commands.add_parser(
        "checklist", help="发布检查表模板（JSON）：各客户端同步时收到")
    checklist.add_argument("file", type=Path, metavar="FILE.json", help="检查表模板文件")
    _db(checklist)
    workflow = publish_commands.add_parser(
        "workflow", help="发布流程规则（JSON）：此后的案件流转按最新发布的流程判定")
    workflow.add_argument("file", type=Path, metavar="FILE.json", help="流程定义文件")
    _db(workflow)
    calendar = publish_commands.add_parser(
        "calendar", help="发布节假日安排（JSON，国务院公布的下一年安排）：各客户端同步时收到，"
                         "工作日期限按其计算")
    calendar.add_argument("file", type=Path, metavar="FILE.json", help="节假日安排文件")
    _db(calendar)

    load = commands.add_parser("load", help="载入数据")
    load_commands = load.add_subparsers(dest="load_command", required=True, metavar="来源",
                                        parser_class=_Parser)
    client_db = load_commands.add_parser(
        "client-db", help="载入一个客户端数据库中的全部同步数据（每条为第 1 版）及其附件")
    client_db.add_argument("file", type=Path, metavar="FILE.sqlite", help="客户端数据库文件")
    client_db.add_argument("--attachments", type=Path, default=None,
                           help="客户端的附件目录（默认为客户端数据库旁的 NAME.files/attachments）")
    _db(client_db, with_files=True)

    demo = commands.add_parser(
        "demo", help="生成演示县（珲春市）的数据载入空数据库，并创建演示用户（密码只显示一次）")
    _db(demo, with_files=True)

    audit_parser = commands.add_parser("audit", help="各电脑审计日志的核对结果")
    audit_commands = audit_parser.add_subparsers(dest="audit_command", required=True,
                                                 metavar="操作", parser_class=_Parser)
    alerts = audit_commands.add_parser(
        "alerts", help="列出审计日志被截短或改写的电脑（同步时发现）")
    _db(alerts)

    epoch = commands.add_parser("epoch", help="数据库纪元（恢复备份后使用）")
    epoch_commands = epoch.add_subparsers(dest="epoch_command", required=True, metavar="操作",
                                          parser_class=_Parser)
    rotate = epoch_commands.add_parser(
        "rotate", help="换用新的纪元：恢复备份后执行，客户端将重新下载全部数据")
    _db(rotate)
    return parser


def _read_password(from_stdin: bool) -> str | None:
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("密码：")
    if getpass.getpass("再次输入密码：") != first:
        print("两次输入的密码不一致", file=sys.stderr)
        return None
    return first


def _with_db(db: str, work: Callable[[Engine], int]) -> int:
    engine = store.open_db(db)
    try:
        return work(engine)
    finally:
        engine.dispose()


def _files(args: argparse.Namespace) -> files.FileStore:
    return files.FileStore(args.files or files.default_dir(store.normalize_url(args.db)))


def _account_change(args: argparse.Namespace, change: Callable[[Session, datetime], str]) -> int:
    def work(engine: Engine) -> int:
        try:
            with Session(engine) as session, session.begin():
                print(change(session, datetime.now(UTC)))
        except accounts.UserError as exc:
            print(f"无法完成：{exc}", file=sys.stderr)
            return 1
        return 0

    return _with_db(args.db, work)


def _user(args: argparse.Namespace) -> int:
    command = args.user_command
    password = ""
    if command in ("add", "reset-password"):
        read = _read_password(args.password_stdin)
        if read is None:
            return 1
        password = read

    def change(session: Session, now: datetime) -> str:
        if command == "add":
            accounts.add_user(session, username=args.username, display_name=args.name,
                              role=args.role, division_code=args.division, password=password,
                              now=now)
            added = accounts.list_users(session, now=now)
            return "已添加用户 " + next(a.describe() for a in added
                                      if a.username == args.username)
        if command == "list":
            found = accounts.list_users(session, now=now, division=args.division)
            lines = [f"{a.describe()}  {'在用' if a.active else '已停用'}  在线会话 {a.sessions}"
                     for a in found]
            return "\n".join([*lines, f"共 {len(found)} 个用户"])
        if command in ("disable", "enable"):
            account = accounts.set_active(session, args.username, command == "enable", now=now)
            return f"已{'恢复' if account.active else '停用'}用户 {account.describe()}" + (
                "" if account.active else "；其全部登录已注销")
        if command == "reset-password":
            account = accounts.reset_password(session, args.username, password, now=now)
            return f"已重置 {account.describe()} 的密码；其全部登录已注销"
        if command == "set-role":
            account = accounts.set_role(session, args.username, role=args.role,
                                        division=args.division, now=now)
            return f"已修改为 {account.describe()}；其全部登录已注销"
        revoked = accounts.revoke(session, args.username)
        return f"已注销用户 {args.username} 的 {revoked} 个登录"

    return _account_change(args, change)


def _epoch_rotate(args: argparse.Namespace) -> int:
    def work(engine: Engine) -> int:
        with Session(engine) as session, session.begin():
            old = store.epoch(session)
            new = store.rotate_epoch(session)
        print(f"已换用新的纪元：{old} → {new}；客户端下次同步时将重新下载全部数据")
        return 0

    return _with_db(args.db, work)


def _audit_alerts(args: argparse.Namespace) -> int:
    from jjg_server.anchoring import alerts

    def work(engine: Engine) -> int:
        with Session(engine) as session:
            found = alerts(session)
            names = {a.username: auth.display_name(session, a.username) for a in found}
        for alert in found:
            at = alert.at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
            print(f"{at}  {names[alert.username]}（{alert.username}）的电脑 "
                  f"{alert.client_id[:8]}：{alert.detail}")
        print(f"共 {len(found)} 条" if found else "没有发现审计日志被截短或改写的电脑")
        return 0

    return _with_db(args.db, work)


def _publish(args: argparse.Namespace) -> int:
    from jjg_server.publish import (
        PublishError,
        publish_calendar,
        publish_checklist,
        publish_workflow,
    )

    action = {"checklist": publish_checklist, "workflow": publish_workflow,
              "calendar": publish_calendar}[args.publish_command]

    def work(engine: Engine) -> int:
        try:
            with Session(engine) as session, session.begin():
                print(action(session, args.file, now=datetime.now(UTC)))
        except PublishError as exc:
            print(f"无法发布：{exc}", file=sys.stderr)
            return 1
        return 0

    return _with_db(args.db, work)


def _load_client_db(args: argparse.Namespace) -> int:
    from jjg_server.client_db import LoadError, load_client_db

    file_store = _files(args)

    def work(engine: Engine) -> int:
        try:
            loaded = load_client_db(engine, file_store, args.file, args.attachments)
        except LoadError as exc:
            print(f"无法载入：{exc}", file=sys.stderr)
            return 1
        print(loaded.describe())
        return 0

    return _with_db(args.db, work)


def _demo(args: argparse.Namespace) -> int:
    from jjg_server.demo_load import DemoError, load_demo

    file_store = _files(args)

    def work(engine: Engine) -> int:
        try:
            demo = load_demo(engine, file_store)
        except DemoError as exc:
            print(f"无法载入演示数据：{exc}", file=sys.stderr)
            return 1
        print(demo.description)
        print(demo.loaded.describe())
        if demo.users:
            print("\n演示用户（密码只显示这一次，请记下）：")
            for u in demo.users:
                print(f"  {u.username:<22} {u.password}  {u.display_name}（{u.role}，"
                      f"{u.division_code}）")
        files_option = f" --files {args.files}" if args.files else ""
        print(f"\n启动服务：jjg-server --db {args.db}{files_option} --port 8000")
        return 0

    return _with_db(args.db, work)


def _serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from jjg_server.app import create_app
    except ImportError:
        print("未安装服务器组件，请先执行：pip install 'jjg-desktop[server]'", file=sys.stderr)
        return 2
    if (args.certfile is None) != (args.keyfile is None):
        print("--certfile 与 --keyfile 须同时给出", file=sys.stderr)
        return 2
    tls = args.certfile is not None
    if args.production and not tls and not _loopback(args.host):
        print(f"生产模式下不能在 {args.host} 上提供明文 HTTP：密码和令牌会以明文经过网络。"
              "请用 --certfile/--keyfile 提供 HTTPS，或只监听 127.0.0.1 并由 nginx 提供 "
              "HTTPS（见 docs/operations.md）", file=sys.stderr)
        return 2
    for path in (args.certfile, args.keyfile):
        if path is not None and not path.is_file():
            print(f"找不到 TLS 文件：{path}", file=sys.stderr)
            return 2
    app = create_app(args.db, files_dir=args.files, docs=not args.production,
                     upload_quota=args.upload_quota_mb * 2**20,
                     partial_ttl=timedelta(days=args.partial_days))
    print(f"吉建管同步服务：{'https' if tls else 'http'}://{args.host}:{args.port}/sync/v1/meta",
          flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info",
                ssl_certfile=args.certfile, ssl_keyfile=args.keyfile)
    return 0


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_COMMANDS: dict[str | None, Callable[[argparse.Namespace], int]] = {
    None: _serve, "serve": _serve, "user": _user, "epoch": _epoch_rotate,
    "publish": _publish, "load": _load_client_db, "demo": _demo, "audit": _audit_alerts,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return _COMMANDS[args.command](args)
    except (SchemaError, files.FilesDirMissing) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except SQLAlchemyError as exc:
        print(f"数据库错误：{exc.__class__.__name__}，请检查 --db 是否正确", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
