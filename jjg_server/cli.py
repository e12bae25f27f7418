"""`jjg-server`: run the sync server, manage its users, rotate its epoch."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import NoReturn

from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from jjg_server import auth, store

DEFAULT_DB = os.environ.get("JJG_SERVER_DB", "sqlite:///jjg-server.sqlite3")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：参数错误：{message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="jjg-server", description="吉建管 省级同步服务")
    commands = parser.add_subparsers(dest="command", required=True, metavar="命令")

    serve = commands.add_parser("serve", help="启动同步服务")
    serve.add_argument("--db", default=DEFAULT_DB, help="数据库 URL 或 SQLite 文件路径")
    serve.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1）")
    serve.add_argument("--port", type=int, default=8000, help="监听端口（默认 8000）")

    user = commands.add_parser("user", help="用户管理")
    user_commands = user.add_subparsers(dest="user_command", required=True, metavar="操作")
    add = user_commands.add_parser("add", help="添加用户")
    add.add_argument("--db", default=DEFAULT_DB, help="数据库 URL 或 SQLite 文件路径")
    add.add_argument("--username", required=True, help="登录名")
    add.add_argument("--name", required=True, help="姓名")
    add.add_argument("--role", required=True, help=f"角色：{'、'.join(auth.ROLES)}")
    add.add_argument("--division", required=True, help="行政区划代码（6 位）")
    add.add_argument("--password-stdin", action="store_true",
                     help="从标准输入读取密码（第一行）")
    epoch = commands.add_parser("epoch", help="数据库纪元（恢复备份后使用）")
    epoch_commands = epoch.add_subparsers(dest="epoch_command", required=True, metavar="操作")
    rotate = epoch_commands.add_parser(
        "rotate", help="换用新的纪元：恢复备份后执行，客户端将重新下载全部数据")
    rotate.add_argument("--db", default=DEFAULT_DB, help="数据库 URL 或 SQLite 文件路径")
    return parser


def _read_password(from_stdin: bool) -> str | None:
    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("密码：")
    if getpass.getpass("再次输入密码：") != first:
        print("两次输入的密码不一致", file=sys.stderr)
        return None
    return first


def _user_add(args: argparse.Namespace) -> int:
    password = _read_password(args.password_stdin)
    if password is None:
        return 1
    engine = store.open_db(args.db)
    try:
        with Session(engine) as session, session.begin():
            auth.add_user(session, username=args.username, display_name=args.name,
                          role=args.role, division_code=args.division, password=password,
                          now=datetime.now(UTC))
    except auth.UserError as exc:
        print(f"无法添加用户：{exc}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"已添加用户 {args.username}（{args.name}，{args.role}，{args.division}）")
    return 0


def _epoch_rotate(args: argparse.Namespace) -> int:
    engine = store.open_db(args.db)
    try:
        with Session(engine) as session, session.begin():
            old = store.epoch(session)
            new = store.rotate_epoch(session)
    finally:
        engine.dispose()
    print(f"已换用新的纪元：{old} → {new}；客户端下次同步时将重新下载全部数据")
    return 0


def _serve(args: argparse.Namespace) -> int:
    try:
        import uvicorn

        from jjg_server.app import create_app
    except ImportError:
        print("未安装服务器组件，请先执行：pip install 'jjg-desktop[server]'", file=sys.stderr)
        return 2

    app = create_app(args.db)
    print(f"吉建管同步服务：http://{args.host}:{args.port}/sync/v1/meta", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "serve":
            return _serve(args)
        if args.command == "epoch":
            return _epoch_rotate(args)
        return _user_add(args)
    except SQLAlchemyError as exc:
        print(f"数据库错误：{exc.__class__.__name__}，请检查 --db 是否正确", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
