"""Work that must not block the GUI thread, with results handed back on the GUI thread.

`TaskRunner.run(key, work, done)` runs `work(state)` on a thread pool and calls `done(result)`
on the GUI thread. A later run with the same key supersedes an earlier one: the earlier one's
`state.cancelled` turns true (long work may stop early) and its result is dropped. Each piece
of work opens its own database session (`store.db.read()`); sessions are not shared between
threads. Tests switch on `synchronous`, which runs the work in place and lets its errors
propagate to the caller.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

T = TypeVar("T")


@dataclass(slots=True)
class TaskState:
    """What a piece of work can ask while it runs."""

    _cancel: threading.Event = field(default_factory=threading.Event)

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()


@dataclass(slots=True)
class _Outcome:
    key: str
    state: TaskState
    done: Callable[[Any], None]
    result: Any = None
    error: BaseException | None = None


class _Job(QRunnable):
    def __init__(self, outcome: _Outcome, work: Callable[[TaskState], Any],
                 deliver: Callable[[_Outcome], None]) -> None:
        super().__init__()
        self._outcome, self._work, self._deliver = outcome, work, deliver

    def run(self) -> None:
        if not self._outcome.state.cancelled:
            try:
                self._outcome.result = self._work(self._outcome.state)
            except BaseException as exc:  # handed to the GUI thread, which reports it
                self._outcome.error = exc
        # RuntimeError: the runner was destroyed (the window closed); nobody waits for this.
        with contextlib.suppress(RuntimeError):
            self._deliver(self._outcome)


class TaskRunner(QObject):
    _finished = Signal(object)

    def __init__(self, *, synchronous: bool = False, max_threads: int = 2,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.synchronous = synchronous
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(max_threads)
        self._latest: dict[str, TaskState] = {}
        self._finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)

    def run(self, key: str, work: Callable[[TaskState], T], done: Callable[[T], None]) -> TaskState:
        previous = self._latest.get(key)
        if previous is not None:
            previous.cancel()
        state = TaskState()
        self._latest[key] = state
        outcome = _Outcome(key=key, state=state, done=done)
        if self.synchronous:
            outcome.result = work(state)
            self._on_finished(outcome)
        else:
            self._pool.start(_Job(outcome, work, self._finished.emit))
        return state

    def cancel_all(self) -> None:
        for state in self._latest.values():
            state.cancel()

    def wait(self, msecs: int = -1) -> bool:
        """Block until running work is done (at shutdown, before the database closes)."""
        return self._pool.waitForDone(msecs)

    @Slot(object)
    def _on_finished(self, outcome: _Outcome) -> None:
        if self._latest.get(outcome.key) is outcome.state:
            del self._latest[outcome.key]
        if outcome.state.cancelled:
            return
        if outcome.error is not None:
            error = outcome.error
            sys.excepthook(type(error), error, error.__traceback__)
            return
        outcome.done(outcome.result)
