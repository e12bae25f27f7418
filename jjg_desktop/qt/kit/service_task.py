"""Running a service call off the GUI thread, with its refusal handed back as a message.

A `ServiceError` is the expected way for a user action to end badly (the message says why, in
Chinese, and nothing was written); it comes back to `failed`. Anything else is a bug and goes
to the crash handler, as with any task.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from jjg_desktop.qt.kit.tasks import TaskRunner, TaskState
from jjg_desktop.services.errors import ServiceError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class _Refused:
    message: str


def run_service(tasks: TaskRunner, key: str, work: Callable[[TaskState], T],
                done: Callable[[T], None], failed: Callable[[str], None]) -> TaskState:
    """Run `work` on the task runner; `done(result)` or `failed(message)` on the GUI thread."""

    def guarded(state: TaskState) -> Any:
        try:
            return work(state)
        except ServiceError as exc:
            return _Refused(str(exc))

    def deliver(result: Any) -> None:
        if isinstance(result, _Refused):
            failed(result.message)
        else:
            done(result)

    return tasks.run(key, guarded, deliver)
