"""Background sync: one run at a time on a worker thread, on the settings' interval, with
backoff after a failure and a reachability probe while offline.

The worker is a daemon thread rather than a task-runner job: a request that hangs cannot be
interrupted, and closing the window waits only `Timing.stop_wait_s` for it (a thread pool
would hold the exit until the request times out). The sync itself stops at its next step
once `should_stop` turns true; what it has done so far is kept.

Sync modules are imported on first use: requests, pydantic and keyring add ~0.2 s to start.
"""

from __future__ import annotations

import contextlib
import logging
import random
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot

from jjg_desktop.qt.kit.workspace import Workspace
from jjg_desktop.services.context import Actor
from jjg_desktop.sync.errors import NotSignedIn, Offline, Stopped, SyncError

if TYPE_CHECKING:
    from jjg_desktop.settings import Settings
    from jjg_desktop.sync.credentials import Credentials
    from jjg_desktop.sync.engine import SyncProgress, SyncReport

log = logging.getLogger(__name__)

SYNC_ERROR = ("同步时出现程序错误，详细信息已记录到日志。请点“立即同步”重试；"
              "如果仍然出错，请联系技术支持。")
PROBE_TIMEOUT = (5.0, 10.0)
MAX_DOUBLINGS = 20


class Phase(StrEnum):
    UNCONFIGURED = "unconfigured"
    """No server address in the settings."""
    WAITING = "waiting"
    """A server is set; no sync has run since the program started."""
    SYNCING = "syncing"
    CONNECTED = "connected"
    """The last sync went through."""
    OFFLINE = "offline"
    """The server could not be reached; a retry and probes are scheduled."""
    TROUBLE = "trouble"
    """The server answered with an error of its own; a retry is scheduled."""
    NEEDS_LOGIN = "needs_login"
    REFUSED = "refused"
    """The server refused this client; no retry until the user acts or the settings change."""


@dataclass(frozen=True, slots=True)
class Timing:
    backoff_base_ms: int = 15_000
    backoff_cap_ms: int = 15 * 60_000
    probe_ms: int = 30_000
    debounce_ms: int = 60_000
    first_sync_ms: int = 3_000
    stop_wait_s: float = 3.0
    interval_ms: int | None = None
    """None: the settings' sync interval."""


def backoff_ms(failures: int, timing: Timing, rng: Callable[[], float]) -> int:
    """Full jitter: uniform in [0, min(cap, base · 2^(failures − 1))]."""
    ceiling = min(timing.backoff_cap_ms,
                  timing.backoff_base_ms * 2 ** min(max(failures - 1, 0), MAX_DOUBLINGS))
    return round(rng() * ceiling)


@dataclass(slots=True)
class _Run:
    probe: bool
    by_user: bool
    settings: Settings
    result: Any = None
    error: BaseException | None = None


class _Relay(QObject):
    """Carries the worker's news to the GUI thread (queued)."""

    progress = Signal(object)
    done = Signal(object)


def _server_key(settings: Settings) -> tuple[str, str, bool]:
    return settings.server_url.rstrip("/"), settings.ca_bundle, settings.allow_plain_http


def _load_settings() -> Settings:
    from jjg_desktop.settings import load_settings

    return load_settings()


class SyncScheduler(QObject):
    started = Signal()
    progress = Signal(object)
    """SyncProgress."""
    finished = Signal(object)
    """SyncReport."""
    failed = Signal(str, bool)
    """message, transient."""
    login_needed = Signal(str, bool)
    """message, whether the user asked for this sync."""
    phase_changed = Signal()
    signed_in = Signal(object)
    """Actor: the user who logged in (the local profile now follows the server's)."""

    def __init__(self, workspace: Workspace, *, timing: Timing | None = None,
                 rng: Callable[[], float] = random.random,
                 credentials: Credentials | None = None,
                 settings: Callable[[], Settings] = _load_settings,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self.timing = timing or Timing()
        self._rng = rng
        self._settings = settings
        self._credentials = credentials
        self._credentials_lock = threading.Lock()
        self._relay = _Relay(self)
        self._relay.progress.connect(self._on_progress, Qt.ConnectionType.QueuedConnection)
        self._relay.done.connect(self._on_done, Qt.ConnectionType.QueuedConnection)
        self._interval = self._timer(self._tick, repeat=True)
        self._retry = self._timer(self._retry_due, repeat=False)
        self._probe = self._timer(self._probe_due, repeat=True)
        self._debounce = self._timer(self._debounced, repeat=False)
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._closed = False
        self._queued_by_user: bool | None = None
        self._paused_on: tuple[str, str, bool] | None = None
        self._ignore_changes = False
        self._reachable_but_failing = False
        self.phase = Phase.UNCONFIGURED
        self.failures = 0
        self.retry_delay_ms: int | None = None
        self.last_error = ""
        self.last_progress: SyncProgress | None = None
        self.last_report: SyncReport | None = None
        workspace.changed.connect(self._local_change)

    def _timer(self, slot: Callable[[], None], *, repeat: bool) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(not repeat)
        timer.timeout.connect(slot)
        return timer

    # --- what the window and the pages use ------------------------------------------------

    @property
    def running(self) -> bool:
        return self._thread is not None

    def credentials(self) -> Credentials:
        """The program's one keeper of login tokens (the keyring, or memory without one)."""
        with self._credentials_lock:
            if self._credentials is None:
                from jjg_desktop.sync.credentials import Credentials

                self._credentials = Credentials()
            return self._credentials

    def settings(self) -> Settings:
        return self._settings()

    def start(self) -> None:
        """Begin the regular syncs (the first one shortly after the window appears)."""
        settings = self._settings()
        self._apply_interval(settings)
        self._interval.start()
        self._ws.tasks.run("sync-credentials", lambda _s: self.credentials(), lambda _c: None)
        if settings.server_url:
            self._set_phase(Phase.WAITING)
            self._retry.start(self.timing.first_sync_ms)
        else:
            self._set_phase(Phase.UNCONFIGURED)

    @Slot()
    def sync_now(self) -> None:
        """The user's "立即同步": forget the backoff and any pause, and sync now."""
        self.failures = 0
        self.retry_delay_ms = None
        self._paused_on = None
        self._reachable_but_failing = False
        for timer in (self._retry, self._probe, self._debounce):
            timer.stop()
        self._run(by_user=True)

    def note_signed_in(self, actor: Actor) -> None:
        """After a login: the profile follows the server, and a sync starts."""
        self._ws.actor = actor
        self.signed_in.emit(actor)
        self.sync_now()

    def note_signed_out(self, message: str) -> None:
        self._stop.set()
        for timer in (self._retry, self._probe, self._debounce):
            timer.stop()
        self.last_error = message
        self._paused_on = _server_key(self._settings())
        self._set_phase(Phase.NEEDS_LOGIN)

    @Slot()
    def settings_changed(self) -> None:
        """The user saved the settings: a new interval applies, a new server is tried now."""
        settings = self._settings()
        self._apply_interval(settings)
        if self._paused_on is not None and self._paused_on != _server_key(settings):
            self._paused_on = None
            self.failures = 0
            self._run(by_user=False)
        elif not settings.server_url and not self.running:
            self._set_phase(Phase.UNCONFIGURED)
        elif self.phase is Phase.UNCONFIGURED:
            self._run(by_user=False)

    def shutdown(self) -> bool:
        """Stop the timers and the running sync; False if it did not stop in time."""
        self._closed = True
        for timer in (self._interval, self._retry, self._probe, self._debounce):
            timer.stop()
        self._stop.set()
        thread = self._thread
        if thread is None:
            return True
        thread.join(self.timing.stop_wait_s)
        if thread.is_alive():
            log.warning("同步未能在 %.0f 秒内停止，程序照常退出", self.timing.stop_wait_s)
            return False
        self._thread = None
        return True

    def retry_remaining_ms(self) -> int | None:
        return self._retry.remainingTime() if self._retry.isActive() else None

    # --- timers ----------------------------------------------------------------------

    def _apply_interval(self, settings: Settings) -> None:
        ms = self.timing.interval_ms or settings.sync_interval_minutes * 60_000
        if self._interval.interval() != ms:
            self._interval.setInterval(ms)

    @Slot()
    def _tick(self) -> None:
        settings = self._settings()
        self._apply_interval(settings)
        if self._paused_on is not None:
            if self._paused_on != _server_key(settings):
                self._paused_on = None
                self._run(by_user=False)
            return
        if self._retry.isActive() or self.failures:
            return
        self._run(by_user=False)

    @Slot()
    def _retry_due(self) -> None:
        self._run(by_user=False)

    @Slot()
    def _debounced(self) -> None:
        if self.phase in (Phase.CONNECTED, Phase.WAITING):
            self._run(by_user=False)

    @Slot(str, str)
    def _local_change(self, _entity: str, _entity_id: str) -> None:
        if self._ignore_changes or self._closed or self._debounce.isActive():
            return
        if self.phase in (Phase.CONNECTED, Phase.WAITING):
            self._debounce.start(self.timing.debounce_ms)

    @Slot()
    def _probe_due(self) -> None:
        if self.running or self._closed:
            return
        settings = self._settings()
        if not settings.server_url:
            self._probe.stop()
            return
        self._start(_Run(probe=True, by_user=False, settings=settings), self._reach)

    # --- running ---------------------------------------------------------------------

    def _run(self, *, by_user: bool) -> None:
        if self._closed:
            return
        if self.running:
            if by_user or self._queued_by_user is None:
                self._queued_by_user = by_user or bool(self._queued_by_user)
            return
        settings = self._settings()
        if not settings.server_url and not by_user:
            self._set_phase(Phase.UNCONFIGURED)
            return
        self._debounce.stop()
        self._stop.clear()
        self.last_progress = None
        run = _Run(probe=False, by_user=by_user, settings=settings)
        self._start(run, self._sync)
        self._set_phase(Phase.SYNCING)
        self.started.emit()

    def _start(self, run: _Run, work: Callable[[_Run], Any]) -> None:
        def body() -> None:
            try:
                run.result = work(run)
            except BaseException as exc:  # handed to the GUI thread
                run.error = exc
            # RuntimeError: the window (and the relay) went away while this ran.
            with contextlib.suppress(RuntimeError):
                self._relay.done.emit(run)

        self._thread = threading.Thread(target=body, name="jjg-sync", daemon=True)
        self._thread.start()

    def _sync(self, run: _Run) -> SyncReport:
        from jjg_desktop.sync.session import sync_once

        return sync_once(self._ws.store, self.credentials(), server_url=run.settings.server_url,
                         ca_bundle=run.settings.ca_bundle,
                         allow_plain_http=run.settings.allow_plain_http,
                         progress=self._report_progress,
                         should_stop=self._stop.is_set)

    def _reach(self, run: _Run) -> None:
        from jjg_desktop.sync.client import SyncClient

        client = SyncClient(run.settings.server_url, ca_bundle=run.settings.ca_bundle,
                            allow_plain_http=run.settings.allow_plain_http,
                            timeout=PROBE_TIMEOUT)
        try:
            client.meta()
        finally:
            client.close()

    def _report_progress(self, progress: SyncProgress) -> None:
        with contextlib.suppress(RuntimeError):
            self._relay.progress.emit(progress)

    @Slot(object)
    def _on_progress(self, progress: SyncProgress) -> None:
        if self.phase is Phase.SYNCING and not self._closed:
            self.last_progress = progress
            self.phase_changed.emit()
            self.progress.emit(progress)

    @Slot(object)
    def _on_done(self, run: _Run) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self._closed:
            return
        if run.probe:
            self._probed(run)
        elif run.error is None:
            self._succeeded(run.result)
        elif isinstance(run.error, SyncError):
            self._failed(run.error, run.by_user)
        else:
            sys.excepthook(type(run.error), run.error, run.error.__traceback__)
            self._pause(Phase.REFUSED, SYNC_ERROR, run.settings)
            self.failed.emit(SYNC_ERROR, False)
        queued, self._queued_by_user = self._queued_by_user, None
        if queued is not None and not self.running:
            self._run(by_user=queued)

    def _probed(self, run: _Run) -> None:
        if run.error is None and self.phase is Phase.OFFLINE:
            log.info("同步服务器已可连接，开始同步")
            self._probe.stop()
            self._retry.stop()
            self._reachable_but_failing = True
            self._run(by_user=False)

    def _succeeded(self, report: SyncReport) -> None:
        self.failures = 0
        self.retry_delay_ms = None
        self._reachable_but_failing = False
        self.last_error = ""
        self.last_report = report
        self._paused_on = None
        self._retry.stop()
        self._probe.stop()
        log.info("同步完成：%s", report.summary())
        self._set_phase(Phase.CONNECTED)
        self.finished.emit(report)
        if report.pulled:
            self._announce_pulled()

    def _announce_pulled(self) -> None:
        """Pulled records are new to every view: each list reloads."""
        self._ignore_changes = True
        try:
            for entity in ("enterprise", "project", "inspection", "abnormal_case",
                           "verification"):
                self._ws.changed.emit(entity, "")
        finally:
            self._ignore_changes = False

    def _failed(self, error: SyncError, by_user: bool) -> None:
        self.last_error = error.message
        if isinstance(error, Stopped):
            if self._paused_on is None:
                self._set_phase(Phase.WAITING)
            return
        log.warning("同步未完成：%s", error.message)
        if isinstance(error, NotSignedIn):
            self._pause(Phase.NEEDS_LOGIN, error.message, self._settings())
            self.failed.emit(error.message, False)
            self.login_needed.emit(error.message, by_user)
            return
        if not error.transient:
            self._pause(Phase.REFUSED, error.message, self._settings())
            self.failed.emit(error.message, False)
            return
        self.failures += 1
        self.retry_delay_ms = backoff_ms(self.failures, self.timing, self._rng)
        self._retry.start(self.retry_delay_ms)
        offline = isinstance(error, Offline)
        # A probe that reached the server while the sync itself still cannot get through
        # would start a sync every probe interval: from then on the backoff alone decides.
        if offline and not self._reachable_but_failing and not self._probe.isActive():
            self._probe.start(self.timing.probe_ms)
        self._set_phase(Phase.OFFLINE if offline else Phase.TROUBLE)
        self.failed.emit(error.message, True)

    def _pause(self, phase: Phase, message: str, settings: Settings) -> None:
        self.last_error = message
        self._paused_on = _server_key(settings)
        self._retry.stop()
        self._probe.stop()
        self._set_phase(phase)

    def _set_phase(self, phase: Phase) -> None:
        self.phase = phase
        self.phase_changed.emit()
