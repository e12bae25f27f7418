"""同步: what this computer will send to the provincial server, and the state of sync.

There is no server login yet, so this page only shows the queue; it offers no button that
could not do anything.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QLabel, QTableView, QWidget
from sqlalchemy.orm import Session

from jjg_desktop.qt import labels
from jjg_desktop.qt.forms import form
from jjg_desktop.qt.lazy_model import Column, LazyTableModel, ListSource
from jjg_desktop.qt.record_list import size_columns
from jjg_desktop.qt.tasks import TaskState
from jjg_desktop.qt.workspace import Workspace
from jjg_desktop.store.worklists import (
    OutboxRow,
    SyncSummary,
    outbox_count,
    outbox_ids,
    outbox_rows,
    sync_summary,
)

SYNC_FORM = form("sync_page.ui", statementLabel=QLabel, serverValue=QLabel,
                 lastSyncValue=QLabel, pendingValue=QLabel, clientIdValue=QLabel,
                 outboxTable=QTableView)


def _ids(session: Session, _filter: None, *, sort: str, order: str, limit: int,
         offset: int) -> list[int]:
    return outbox_ids(session, limit=limit, offset=offset)


def _count(session: Session, _filter: None) -> int:
    return outbox_count(session)


def _rows(session: Session, ids: Sequence[Any]) -> list[OutboxRow]:
    return outbox_rows(session, ids)


SOURCE = ListSource(ids=_ids, rows=_rows, count=_count, default_sort="id",
                    default_order="desc")


def _tr(text: str) -> str:
    return QCoreApplication.translate("SyncPage", text)


def _record(row: OutboxRow) -> str:
    kind = labels.label(labels.ENTITY, row.entity)
    return f"{kind} · {row.record}" if row.record else f"{kind} · {row.entity_id}"


def columns() -> list[Column]:
    return [
        Column(_tr("时间"), lambda r: labels.local_time(r.created_at), None, 9),
        Column(_tr("操作"), lambda r: labels.label(labels.OUTBOX_COMMAND, r.command), None, 10),
        Column(_tr("记录"), _record, None, 26),
        Column(_tr("状态"), lambda r: labels.label(labels.OUTBOX_STATE, r.state), None, 6),
    ]


class SyncPage(QWidget):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        ui = SYNC_FORM.load(self)
        self.server = ui.find(QLabel, "serverValue")
        self.last_sync = ui.find(QLabel, "lastSyncValue")
        self.pending = ui.find(QLabel, "pendingValue")
        self.client_id = ui.find(QLabel, "clientIdValue")
        self.table = ui.find(QTableView, "outboxTable")
        self.model = LazyTableModel(workspace, SOURCE, columns(), None, parent=self)
        self.table.setModel(self.model)
        size_columns(self.table, self.model)
        self.setFocusProxy(self.table)
        self._stale = False
        self.refresh_summary()
        workspace.changed.connect(self._changed)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.model.reload()
            self.refresh_summary()

    def refresh_summary(self) -> None:
        def work(_state: TaskState) -> SyncSummary:
            with self._ws.store.db.read() as session:
                return sync_summary(session)

        self._ws.tasks.run("sync-summary", work, self._show_summary)

    def _show_summary(self, s: SyncSummary) -> None:
        self.server.setText(s.server_url or self.tr("未配置（服务器登录随同步功能提供）"))
        self.last_sync.setText(labels.local_time(s.last_success_at) or self.tr("从未同步"))
        self.pending.setText(self.tr("{n} 条更改").format(n=s.pending))
        self.client_id.setText(s.client_id)

    def _changed(self, _entity: str, _entity_id: str) -> None:
        if self.isVisible():
            self.model.reload()
            self.refresh_summary()
        else:
            self._stale = True
