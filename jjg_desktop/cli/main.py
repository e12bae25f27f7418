"""`jjg-desktop`: the GUI by default, and the sub-commands clerks and scheduled jobs use."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from jjg_desktop import __version__
from jjg_desktop.config import Paths, resolve_paths

EXIT_OK, EXIT_PROBLEMS, EXIT_FAILED = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="jjg-desktop",
        description="吉建管 — 建筑市场监管桌面端（四不两直检查、入吉企业、异常名录）",
    )
    p.add_argument("--version", action="version", version=f"吉建管 desktop {__version__}")
    p.add_argument("--db", type=Path, help="数据库文件（默认在用户数据目录）")
    p.add_argument("--data-dir", type=Path, help="数据目录（数据库、附件、备份、日志）")
    p.add_argument("--demo", action="store_true",
                   help="打开演示数据库（首次使用时生成，与正式数据分开存放）")
    sub = p.add_subparsers(dest="command", metavar="命令")

    demo = sub.add_parser("demo", help="生成演示数据库（一个县的企业、项目、检查和异常名录案件）")
    demo.add_argument("--db", type=Path, required=True, help="要创建的数据库文件")
    demo.add_argument("--seed", type=int, default=20230315, help="随机种子（相同种子生成相同数据）")

    db = sub.add_parser("db", help="数据库维护")
    db_sub = db.add_subparsers(dest="db_command", metavar="操作", required=True)
    check = db_sub.add_parser("check", help="检查文件完整性、结构版本和审计日志链（只读）")
    check.add_argument("--db", type=Path, required=True, help="要检查的数据库文件")

    backup = sub.add_parser("backup", help="数据库备份：查看、立即备份、恢复")
    backup_sub = backup.add_subparsers(dest="backup_command", metavar="操作", required=True)
    b_list = backup_sub.add_parser("list", help="列出备份（最新的在前）")
    b_list.add_argument("--db", type=Path, required=True, help="数据库文件")
    b_make = backup_sub.add_parser("make", help="立即备份数据库（备份后校验完整性）")
    b_make.add_argument("--db", type=Path, required=True, help="数据库文件")
    b_restore = backup_sub.add_parser(
        "restore", help="用备份替换数据库（当前文件先另存为备份）；请先关闭吉建管")
    b_restore.add_argument("--db", type=Path, required=True, help="要恢复的数据库文件")
    b_restore.add_argument("backup", type=Path,
                           help="备份文件（路径，或备份文件夹中的文件名）")

    login = sub.add_parser("login", help="登录省级同步服务器（令牌保存在系统密码保管库）")
    login.add_argument("--server", help="同步服务器地址（默认用设置中的地址）")
    login.add_argument("--user", required=True, help="登录名")
    login.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码")

    sync = sub.add_parser("sync", help="与省级服务器同步一次（可用于计划任务）；"
                                       "退出码 0 完成，1 有冲突待处理，2 未完成，"
                                       "3 有内容暂未同步（原因见输出）")
    sync.add_argument("--server", help="同步服务器地址（默认用设置中的地址）")
    sync.add_argument("--quiet", action="store_true", help="不显示进度")

    conflicts = sub.add_parser("conflicts", help="与服务器冲突的更改：列出、保留我的、采用服务器的")
    c_sub = conflicts.add_subparsers(dest="conflicts_command", required=True)
    c_sub.add_parser("list", help="列出待处理的冲突（编号、内容、服务器的答复）")
    for action, text in (("keep", "保留我的修改，下次同步时重新提交"),
                         ("take", "放弃我的修改，采用服务器上的版本")):
        c_sub.add_parser(action, help=text).add_argument("id", type=int, help="冲突编号")

    profile = sub.add_parser(
        "profile", help="导出或导入本机全部数据（数据库和附件），用于更换电脑")
    profile_sub = profile.add_subparsers(dest="profile_command", metavar="操作", required=True)
    p_export = profile_sub.add_parser("export", help="把数据库和全部附件导出为一个 zip 文件")
    p_export.add_argument("--out", type=Path, required=True, help="要写入的 zip 文件")
    p_import = profile_sub.add_parser(
        "import", help="从导出的 zip 文件导入数据（逐个文件校验）；请先关闭吉建管")
    p_import.add_argument("zip", type=Path, help="导出的 zip 文件")
    p_import.add_argument("--replace", action="store_true",
                          help="替换已有数据（当前数据库先备份为“导入数据前的数据库”）")
    for command in (p_export, p_import):
        command.add_argument("--db", type=Path, default=argparse.SUPPRESS, help="数据库文件")
        command.add_argument("--data-dir", type=Path, default=argparse.SUPPRESS,
                             help="数据目录")

    pdf = sub.add_parser("pdf", help="生成打印文书（PDF）")
    pdf.add_argument("kind", choices=["verification", "case", "inspection", "notice"],
                     help="文书类型：verification 核查记录；case 异常名录决定文书；"
                          "inspection 检查记录表；notice 整改通知书")
    pdf.add_argument("record_id", help="记录编号")
    pdf.add_argument("-o", "--output", type=Path, required=True, help="输出的 PDF 文件")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "demo":
        return _demo(args.db, args.seed)
    if args.command == "db":
        return _db_check(args.db)
    if args.command == "backup":
        from jjg_desktop.cli.backup import run_backup

        return run_backup(resolve_paths(db=args.db, data_dir=args.data_dir),
                          args.backup_command, getattr(args, "backup", None))
    if args.command in ("login", "sync"):
        from jjg_desktop.cli import sync as sync_cli

        paths = resolve_paths(db=args.db, data_dir=args.data_dir)
        if args.command == "login":
            return sync_cli.run_login(paths, args.server, args.user, args.password_stdin)
        return sync_cli.run_sync(paths, args.server, args.quiet)
    if args.command == "conflicts":
        from jjg_desktop.cli.conflicts import run_conflicts

        return run_conflicts(resolve_paths(db=args.db, data_dir=args.data_dir),
                             args.conflicts_command, getattr(args, "id", None))
    if args.command == "profile":
        from jjg_desktop.cli.profile import run_profile

        paths = resolve_paths(db=args.db, data_dir=args.data_dir)
        if args.profile_command == "export":
            return run_profile(paths, "export", args.out)
        return run_profile(paths, "import", args.zip, replace=args.replace)
    if args.command == "pdf":
        return _pdf(resolve_paths(db=args.db, data_dir=args.data_dir), args.kind,
                    args.record_id, args.output)
    return _gui(_gui_paths(args))


def _gui_paths(args: argparse.Namespace) -> Paths:
    if args.demo and not (args.db or args.data_dir):
        import platformdirs

        from jjg_desktop.config import APP_AUTHOR, APP_NAME

        demo_dir = Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR)) / "demo"
        paths = resolve_paths(data_dir=demo_dir)
    else:
        paths = resolve_paths(db=args.db, data_dir=args.data_dir)
    if args.demo and not paths.db_path.exists():
        code = _demo(paths.db_path, 20230315, paths=paths)
        if code != EXIT_OK:
            raise SystemExit(code)
    return paths


def _gui(paths: Paths) -> int:
    from jjg_desktop.qt.shell.app import run

    return run(paths)


def _demo(db_path: Path, seed: int, paths: Paths | None = None) -> int:
    from jjg_desktop.demo.build import build_demo
    from jjg_desktop.services.errors import ServiceError
    from jjg_desktop.services.startup import open_store
    from jjg_desktop.store.migrate import SchemaError

    if db_path.exists():
        print(f"文件已存在：{db_path}。演示数据库只生成到新文件，请换一个文件名。", file=sys.stderr)
        return EXIT_FAILED
    try:
        store = open_store(paths or resolve_paths(db=db_path))
    except (SchemaError, OSError) as exc:
        print(f"无法创建数据库：{exc}", file=sys.stderr)
        return EXIT_FAILED
    try:
        summary = build_demo(store, seed=seed)
    except ServiceError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_FAILED
    finally:
        store.close()
    print(f"已生成演示数据库：{db_path}")
    print(summary.describe())
    return EXIT_OK


def _db_check(db_path: Path) -> int:
    from jjg_desktop.store.health import check_database

    report = check_database(db_path.expanduser().resolve())
    if report.fatal:
        print(f"✗ {report.fatal}", file=sys.stderr)
        return EXIT_FAILED
    print(f"数据库：{report.path}")
    for item in report.items:
        print(f"{'✓' if item.ok else '✗'} {item.name}：{item.detail}")
    print("检查通过。" if report.ok else "发现问题，请先备份此文件，再联系技术支持。")
    return EXIT_OK if report.ok else EXIT_PROBLEMS


def _pdf(paths: Paths, kind: str, record_id: str, output: Path) -> int:
    from jjg_desktop.reports.case_documents import render_case_document
    from jjg_desktop.reports.inspection_record import render_inspection_record
    from jjg_desktop.reports.rectification_notice import render_rectification_notice
    from jjg_desktop.reports.verification_record import render_verification_record
    from jjg_desktop.services.errors import ServiceError
    from jjg_desktop.services.startup import open_store
    from jjg_desktop.store.migrate import SchemaError

    if not paths.db_path.is_file():
        print(f"找不到数据库文件：{paths.db_path}", file=sys.stderr)
        return EXIT_FAILED
    renderers = {"verification": render_verification_record, "case": render_case_document,
                 "inspection": render_inspection_record, "notice": render_rectification_notice}
    try:
        store = open_store(paths)
    except SchemaError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_FAILED
    try:
        written = renderers[kind](store, record_id, output)
    except ServiceError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_FAILED
    except OSError as exc:
        print(f"无法写入 {output}：{exc.strerror or exc}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        store.close()
    print(f"已生成：{written}")
    return EXIT_OK
