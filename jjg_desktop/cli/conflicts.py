"""`jjg-desktop conflicts list|keep ID|take ID`: the changes the server refused, for support
staff and scheduled tasks, in the words the 同步 page uses."""

from __future__ import annotations

import sys

from jjg_desktop.config import Paths
from jjg_desktop.services.errors import ServiceError
from jjg_desktop.services.startup import active_actor, open_store
from jjg_desktop.sync.conflicts import ConflictView, keep_mine, open_conflicts, take_theirs

EXIT_OK, EXIT_REFUSED = 0, 2


def _show(view: ConflictView) -> str:
    lines = [f"[{view.id}] {view.command_name}：{view.title}",
             f"    服务器的答复：{view.reason or '—'}"]
    if view.decided_by:
        lines.append(f"    办理人：{view.decided_by}")
    for field in view.fields:
        if field.differs:
            lines.append(f"    {field.label}：我的 {field.mine} ｜ 服务器 {field.theirs}")
    if not view.can_keep_mine:
        lines.append(f"    不能保留我的修改：{view.why_not}")
    return "\n".join(lines)


def run_conflicts(paths: Paths, action: str, conflict_id: int | None) -> int:
    from jjg_desktop.services.context import ServiceContext

    store = open_store(paths)
    try:
        if action == "list":
            views = open_conflicts(store)
            if not views:
                print("没有待处理的同步冲突")
            for view in views:
                print(_show(view))
            return EXIT_OK
        actor = active_actor(store)
        if actor is None:
            print("本机还没有用户，请先登录", file=sys.stderr)
            return EXIT_REFUSED
        ctx = ServiceContext(store=store, actor=actor)
        assert conflict_id is not None
        try:
            (keep_mine if action == "keep" else take_theirs)(ctx, conflict_id)
        except ServiceError as exc:
            print(f"✗ {exc}", file=sys.stderr)
            return EXIT_REFUSED
        print("已保留我的修改，下次同步时重新提交" if action == "keep"
              else "已采用服务器上的版本")
        return EXIT_OK
    finally:
        store.close()
