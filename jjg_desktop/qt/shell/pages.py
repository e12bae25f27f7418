"""The pages behind the navigation, how each is made, and what the window adds once the store
is open (sync, status fields, settings). Importing this module loads SQLAlchemy, the read
models and every page: the start does it on a worker thread while the first paint shows."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QWidget

from jjg_desktop.qt.cases.case_page import CasePage
from jjg_desktop.qt.inspections.inspection_page import InspectionPage
from jjg_desktop.qt.kit.workspace import Workspace
from jjg_desktop.qt.registry.enterprise_page import EnterprisePage
from jjg_desktop.qt.registry.project_page import ProjectPage
from jjg_desktop.qt.settings.settings_dialog import SettingsDialog
from jjg_desktop.qt.shell.status_bar import StatusFields
from jjg_desktop.qt.sync.sync_page import SyncPage
from jjg_desktop.qt.sync.sync_scheduler import SyncScheduler


def _sync_page(workspace: Workspace, sync: SyncScheduler) -> SyncPage:
    page = SyncPage(workspace)
    page.attach(sync)
    return page


PAGE_MAKERS: dict[str, Callable[[Workspace, SyncScheduler], QWidget]] = {
    "inspections": lambda ws, _sync: InspectionPage(ws),
    "projects": lambda ws, _sync: ProjectPage(ws),
    "enterprises": lambda ws, _sync: EnterprisePage(ws),
    "cases": lambda ws, _sync: CasePage(ws),
    "sync": _sync_page,
}
"""Every page but the 工作台, which the window makes itself for the first paint."""

__all__ = ["PAGE_MAKERS", "EnterprisePage", "SettingsDialog", "StatusFields", "SyncPage",
           "SyncScheduler"]
