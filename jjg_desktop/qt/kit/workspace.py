"""What every page shares: the store, the acting user, the task runner, the day, and the
signals that tell the window something changed, something should be said, or where to go."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from PySide6.QtCore import QObject, Signal

from jjg_desktop.qt.kit.presets import Destination
from jjg_desktop.qt.kit.tasks import TaskRunner
from jjg_desktop.services.context import Actor, ServiceContext, Store, utc_now


class Workspace(QObject):
    changed = Signal(str, str)
    """entity, id: a user action wrote this record."""
    message = Signal(str)
    """A line for the status bar."""
    navigate = Signal(object)
    """A `Destination` to show."""

    def __init__(self, store: Store, actor: Actor, tasks: TaskRunner,
                 today: Callable[[], date] = date.today,
                 clock: Callable[[], datetime] = utc_now, demo_as_of: date | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self.actor = actor
        self.tasks = tasks
        self.today = today
        self.clock = clock
        self.demo_as_of = demo_as_of

    def service(self) -> ServiceContext:
        return ServiceContext(store=self.store, actor=self.actor, clock=self.clock)

    def saved(self, text: str, entity: str, entity_id: str) -> None:
        """Report a successful change: the status bar says so and every view refreshes."""
        self.message.emit(text)
        self.changed.emit(entity, entity_id)

    def go(self, page: str, record_id: str = "", preset: str = "") -> None:
        self.navigate.emit(Destination(page, record_id, preset))
