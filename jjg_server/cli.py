"""`jjg-server`: run the sync server, manage users, publish rules, load data, rotate the epoch."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NoReturn

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from jjg_server import auth, files, store
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


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="jjg-server", description="吉建管 省级同步服务。不带命令时启动服务"
                     "（同 serve）。")
    _db(parser, with_files=True)
    _listen(parser)
    commands = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)

    serve = commands.add_parser("serve", help="启动同步服务")
    _db(serve, with_files=True)
    _listen(serve)

    user = commands.add_parser("user", help="用户管理")
    user_commands = user.add_subparsers(dest="user_command", required=True, metavar="操作",
                                        parser_class=_Parser)
    add = user_commands.add_parser("add", help="添加用户")
    _db(add)
    add.add_argument("--username", required=True, help="登录名")
    add.add_argument("--name", required=True, help="姓名")
    add.add_argument("--role", required=True, help=f"角色：{'、'.join(auth.ROLES)}")
    add.add_argument("--division", required=True, help="行政区划代码（6 位）")
    add.add_argument("--password-stdin", action="store_true",
                     help="从标准输入读取密码（第一行）")

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


def _user_add(args: argparse.Namespace) -> int:
    password = _read_password(args.password_stdin)
    if password is None:
        return 1

    def work(engine: Engine) -> int:
        try:
            with Session(engine) as session, session.begin():
                auth.add_user(session, username=args.username, display_name=args.name,
                              role=args.role, division_code=args.division, password=password,
                              now=datetime.now(UTC))
        except auth.UserError as exc:
            print(f"无法添加用户：{exc}", file=sys.stderr)
            return 1
        print(f"已添加用户 {args.username}（{args.name}，{args.role}，{args.division}）")
        return 0

    return _with_db(args.db, work)


def _epoch_rotate(args: argparse.Namespace) -> int:
    def work(engine: Engine) -> int:
        with Session(engine) as session, session.begin():
            old = store.epoch(session)
            new = store.rotate_epoch(session)
        print(f"已换用新的纪元：{old} → {new}；客户端下次同步时将重新下载全部数据")
        return 0

    return _with_db(args.db, work)


def _publish(args: argparse.Namespace) -> int:
    from jjg_server.publish import PublishError, publish_checklist, publish_workflow

    action = publish_checklist if args.publish_command == "checklist" else publish_workflow

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

    app = create_app(args.db, files_dir=args.files)
    print(f"吉建管同步服务：http://{args.host}:{args.port}/sync/v1/meta", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0


_COMMANDS: dict[str | None, Callable[[argparse.Namespace], int]] = {
    None: _serve, "serve": _serve, "user": _user_add, "epoch": _epoch_rotate,
    "publish": _publish, "load": _load_client_db, "demo": _demo,
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
