"""Background work: results come back on the GUI thread; a later request supersedes an
earlier one with the same key; failures reach the crash handler."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from types import TracebackType

import pytest
from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from jjg_desktop.qt.kit.tasks import TaskRunner, TaskState


@pytest.fixture
def runner() -> Iterator[TaskRunner]:
    tasks = TaskRunner()
    yield tasks
    tasks.cancel_all()
    tasks.wait()


def test_result_arrives_on_the_gui_thread(qtbot: QtBot, runner: TaskRunner) -> None:
    worker_threads: list[QThread] = []
    results: list[tuple[int, bool]] = []

    def work(_state: TaskState) -> int:
        worker_threads.append(QThread.currentThread())
        return 42

    runner.run("answer", work, lambda value: results.append(
        (value, QThread.currentThread() is QApplication.instance().thread())))
    qtbot.waitUntil(lambda: bool(results))
    assert results == [(42, True)]
    assert worker_threads[0] is not QApplication.instance().thread()


def test_a_later_request_supersedes_an_earlier_one(qtbot: QtBot, runner: TaskRunner) -> None:
    started, release = threading.Event(), threading.Event()
    seen_cancel: list[bool] = []
    results: list[str] = []

    def slow(state: TaskState) -> str:
        started.set()
        release.wait(5)
        seen_cancel.append(state.cancelled)
        return "old"

    first = runner.run("count", slow, results.append)
    assert started.wait(5)
    runner.run("count", lambda _state: "new", results.append)
    assert first.cancelled
    release.set()
    qtbot.waitUntil(lambda: results == ["new"])
    runner.wait()
    qtbot.wait(50)
    assert results == ["new"]
    assert seen_cancel == [True]


def test_other_keys_are_not_superseded(qtbot: QtBot, runner: TaskRunner) -> None:
    results: list[str] = []
    runner.run("a", lambda _s: "a", results.append)
    runner.run("b", lambda _s: "b", results.append)
    qtbot.waitUntil(lambda: sorted(results) == ["a", "b"])


def test_a_failure_goes_to_the_excepthook(qtbot: QtBot, runner: TaskRunner,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    caught: list[BaseException] = []

    def hook(_t: type[BaseException], exc: BaseException, _tb: TracebackType | None) -> None:
        caught.append(exc)

    monkeypatch.setattr(sys, "excepthook", hook)

    def fail(_state: TaskState) -> None:
        raise OSError("磁盘已满")

    runner.run("save", fail, lambda _value: pytest.fail("no result after a failure"))
    qtbot.waitUntil(lambda: bool(caught))
    assert str(caught[0]) == "磁盘已满"


def test_synchronous_mode_runs_in_place() -> None:
    runner = TaskRunner(synchronous=True)
    results: list[int] = []
    runner.run("n", lambda _s: threading.get_ident(), results.append)
    assert results == [threading.get_ident()]
    with pytest.raises(ZeroDivisionError):
        runner.run("n", lambda _s: 1 // 0, results.append)
