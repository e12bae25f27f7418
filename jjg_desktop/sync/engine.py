"""One sync with the provincial server: meta → files → push → pull, resumable at every step.

Nothing here is lost to a cut connection or a killed process: the outbox is only marked sent
in the transaction that stores the server's answer (a lost answer is resent and answered
`duplicate`), and each pulled page is written together with its cursor. A changed server
epoch (the server was restored from a backup) means a full re-download that keeps unsent
work, and then sends again what the server lost.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from jjg_desktop import __version__
from jjg_desktop.services.context import Store, audit_safe, utc_now
from jjg_desktop.store import anchors, attachments
from jjg_desktop.store import synced_rows as rows
from jjg_desktop.store.models import (
    Blob,
    OutboxCommand,
    ParkedChange,
    SyncConflict,
    SyncState,
    UserProfile,
)
from jjg_desktop.store.rulebook import install_published
from jjg_desktop.sync import outbox_check
from jjg_desktop.sync.apply import Incoming, apply_changes, parked_reasons, pending_keys
from jjg_desktop.sync.client import SyncClient
from jjg_desktop.sync.conflicts import clear_refetch, queued_refetch
from jjg_desktop.sync.errors import Refused, ServerTrouble, Stopped, SyncError, TooLarge
from jjg_desktop.sync.protocol import (
    MAX_PUSH_ROWS,
    AuditHead,
    AuditProof,
    ChangeEntry,
    Command,
    CommandResult,
    Meta,
    PullResponse,
    PushRequest,
    PushResponse,
    RowChange,
)

log = logging.getLogger(__name__)

PUSH_BATCH = 200
PULL_PAGE = 2000
outbox_check.install()
RESEND_COMMAND = "sync.resend"
NOT_RESENT = ("checklist_template", "published_rule")


@dataclass(frozen=True, slots=True)
class SyncProgress:
    stage: str
    done: int = 0
    total: int | None = None


@dataclass(slots=True)
class SyncReport:
    pushed: int = 0
    applied: int = 0
    duplicates: int = 0
    rejected: int = 0
    retried: int = 0
    pulled: int = 0
    uploaded_files: int = 0
    downloaded_files: int = 0
    requests: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0
    full_resync: bool = False
    waiting: dict[str, int] = field(default_factory=dict)
    """Pulled records not written here yet, by reason (Chinese)."""
    others: dict[str, int] = field(default_factory=dict)
    """Changes other users made on this laptop, by name: they go up under their sign-in."""
    audit_problem: str = ""
    """The server found this laptop's audit log cut or rewritten (Chinese)."""

    def summary(self) -> str:
        parts = [f"上传 {self.applied + self.duplicates} 项更改", f"下载 {self.pulled} 条记录"]
        if self.uploaded_files or self.downloaded_files:
            parts.append(f"传输 {self.uploaded_files + self.downloaded_files} 个文件")
        if self.rejected:
            parts.append(f"{self.rejected} 项与服务器冲突，请在“同步”页处理")
        if self.retried:
            parts.append(f"{self.retried} 项稍后重试")
        for name, count in self.others.items():
            parts.append(f"{name}在本机的 {count} 项更改保留给其本人登录后同步")
        for reason, count in self.waiting.items():
            parts.append(f"{count} 条服务器记录暂未写入本机：{reason}")
        if self.full_resync:
            parts.insert(0, "服务器已从备份恢复，已重新下载全部数据")
        if self.audit_problem:
            parts.insert(0, f"注意：{self.audit_problem}（已报告省级管理员）")
        return "；".join(parts)


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in text.split(".") if p.isdigit())


class SyncEngine:
    """Runs one sync of ``store`` through ``client``; build a new one for each run."""

    def __init__(self, store: Store, client: SyncClient, *,
                 progress: Callable[[SyncProgress], None] | None = None,
                 should_stop: Callable[[], bool] | None = None,
                 clock: Callable[[], datetime] = utc_now, pull_page: int | None = None,
                 author: str | None = None) -> None:
        """``author``: the signed-in user; only their changes (and those made before changes
        had authors) go up, anyone else's wait for their own sign-in."""
        self.store, self.client = store, client
        self._author = author
        self._progress = progress or (lambda _p: None)
        self._should_stop = should_stop or (lambda: False)
        self._clock = clock
        self._pull_page = pull_page or PULL_PAGE
        self.report = SyncReport()

    # --- the run -----------------------------------------------------------------------

    def run(self) -> SyncReport:
        self._note_attempt()
        try:
            self._step("检查服务器")
            meta = self.client.meta()
            self._check_client_version(meta)
            client_id, cursor = self._begin(meta)
            latest = max(meta.latest_seq, self._push_all(client_id))
            self._refetch()
            self._pull_all(meta.epoch, cursor, latest)
            self._retry_parked()
            with self.store.db.read() as session:
                install_published(session)  # a workflow or calendar the province published
            if self._resend_lost():
                self._push_all(client_id)
        except SyncError as exc:
            self._note_failure(exc.message)
            raise
        finally:
            self._count_traffic()
        self._note_success()
        return self.report

    def _step(self, stage: str, done: int = 0, total: int | None = None) -> None:
        if self._should_stop():
            raise Stopped("同步已停止，已完成的部分已保存")
        self._progress(SyncProgress(stage, done, total))

    def _count_traffic(self) -> None:
        self.report.requests = self.client.requests_made
        self.report.bytes_sent = self.client.bytes_sent
        self.report.bytes_received = self.client.bytes_received

    def _check_client_version(self, meta: Meta) -> None:
        if _version_tuple(__version__) < _version_tuple(meta.min_client_version):
            raise Refused(f"服务器要求吉建管 {meta.min_client_version} 或更新版本（本机为 "
                          f"{__version__}），请升级后再同步；本机数据不受影响")

    # --- state -------------------------------------------------------------------------

    def _begin(self, meta: Meta) -> tuple[str, int]:
        """This client's id and pull cursor; a restored server starts a full re-download."""
        with self.store.db.write() as session:
            state = session.get(SyncState, 1)
            if state is None:
                raise RuntimeError("sync_state missing: store not opened with open_store")
            url = self.client.base_url
            if state.server_epoch and (state.server_epoch != meta.epoch
                                       or state.server_url not in ("", url)):
                log.warning("server epoch changed (%s → %s): full re-download",
                            state.server_epoch, meta.epoch)
                self._unconfirm_server_versions(session)
                state.pull_cursor = 0
                self.report.full_resync = True
            state.server_epoch, state.server_url = meta.epoch, url
            return state.client_id, state.pull_cursor

    @staticmethod
    def _unconfirm_server_versions(session: Session) -> None:
        """Versions from before the restore: negative until the re-download confirms them."""
        for entity, model in rows.synced_models().items():
            if entity not in NOT_RESENT:
                session.execute(update(model).where(model.server_version > 0)
                                .values(server_version=-model.server_version))

    def _note_attempt(self) -> None:
        with self.store.db.write() as session:
            state = session.get(SyncState, 1)
            if state is not None:
                state.last_attempt_at = self._clock()

    def _note_success(self) -> None:
        with self.store.db.write() as session:
            state = session.get(SyncState, 1)
            if state is not None:
                state.last_success_at = self._clock()
                state.last_error = ""

    def _note_failure(self, message: str) -> None:
        try:
            with self.store.db.write() as session:
                state = session.get(SyncState, 1)
                if state is not None:
                    state.last_error = message
        except Exception:  # the failure itself is what the user needs to see
            log.exception("could not record the sync failure")

    # --- files -------------------------------------------------------------------------

    def _upload_files(self, commands: list[OutboxCommand]) -> None:
        wanted = sorted({sha for c in commands for r in c.rows
                         for sha in rows.file_hashes(r["entity"], r["data"])})
        if not wanted:
            return
        with self.store.db.read() as session:
            done = set(session.scalars(select(Blob.sha256).where(
                Blob.sha256.in_(wanted), Blob.uploaded.is_(True))))
        unknown = [sha for sha in wanted if sha not in done]
        if not unknown:
            return
        reply = self.client.missing_files(unknown)
        on_server = set(unknown) - set(reply.missing)
        root = self.store.paths.attachments_dir
        for n, sha in enumerate(reply.missing, start=1):
            self._step("上传照片和签名", n - 1, len(reply.missing))
            path = attachments.path_of(root, sha)
            if not path.is_file():
                log.error("attachment %s is missing locally; its command will wait", sha)
                continue
            if self.client.upload(sha, path, held=reply.held.get(sha, 0)).complete:
                self.report.uploaded_files += 1
                on_server.add(sha)
        with self.store.db.write() as session:
            session.execute(update(Blob).where(Blob.sha256.in_(on_server)).values(uploaded=True))

    # --- push --------------------------------------------------------------------------

    def _push_all(self, client_id: str) -> int:
        """Push every pending command; the server's latest sequence after the last batch."""
        after = latest = 0
        total = self._pending_count()
        # after a restore the server may have lost earlier changes of these records too:
        # each row goes as a whole (the server compares it with what it holds)
        whole = self.report.full_resync
        sent = 0
        size = PUSH_BATCH
        while True:
            with self.store.db.read() as session:
                batch = _within_rows(list(session.scalars(
                    self._mine(select(OutboxCommand).where(OutboxCommand.state == "pending",
                                                           OutboxCommand.id > after))
                    .order_by(OutboxCommand.id).limit(size))))
            if not batch:
                self._count_others()
                return latest
            self._upload_files(batch)
            self._step("提交本机更改", sent, total)
            try:
                reply = self.client.push(PushRequest(client_id=client_id,
                                                     commands=[_command(c, whole=whole)
                                                               for c in batch],
                                                     audit=self._audit_proof()))
            except TooLarge as exc:
                if len(batch) > 1:  # the server takes less at a time than this: halve
                    size = max(1, len(batch) // 2)
                    continue
                log.error("command %s is larger than the server takes: %s", batch[0].id, exc)
                reply = PushResponse(results=[CommandResult(
                    id=batch[0].id, status="retry",
                    reason=f"该操作的数据量超过服务器一次接收的上限（{exc.message}），"
                           "请联系省级管理员")], latest_seq=latest)
            self._store_results(batch, reply.results)
            self._anchored(reply)
            latest = max(latest, reply.latest_seq)
            sent += len(batch)
            after = batch[-1].id

    def _audit_proof(self) -> AuditProof | None:
        with self.store.db.read() as session:
            current = anchors.head(session)
            acknowledged = anchors.acknowledged(session)
            at_anchor = anchors.hash_at(session, acknowledged.seq) if acknowledged else None
        if current is None:
            return None
        anchored = (AuditHead(seq=acknowledged.seq, hash=at_anchor)
                    if acknowledged is not None and at_anchor is not None else None)
        return AuditProof(head=AuditHead(seq=current.seq, hash=current.hash),
                          anchored=anchored)

    def _anchored(self, reply: PushResponse) -> None:
        if reply.audit_problem:
            log.warning("the server finds this audit log changed: %s", reply.audit_problem)
            self.report.audit_problem = reply.audit_problem
        if reply.audit_anchor is not None:
            held = anchors.Head(reply.audit_anchor.seq, reply.audit_anchor.hash)
            with self.store.db.write() as session:
                if anchors.acknowledged(session) != held:
                    anchors.remember(session, held)

    def _mine(self, query: Select[tuple[OutboxCommand]]) -> Select[tuple[OutboxCommand]]:
        if self._author is None:
            return query
        return query.where(OutboxCommand.author.in_([self._author, ""]))

    def _pending_count(self) -> int:
        with self.store.db.read() as session:
            return session.scalar(self._mine(select(func.count()).select_from(
                OutboxCommand).where(OutboxCommand.state == "pending"))) or 0

    def _count_others(self) -> None:
        """Changes other people made on this laptop: kept for their own sign-in."""
        if self._author is None:
            return
        with self.store.db.read() as session:
            self.report.others = pending_of_others(session, self._author)

    def _store_results(self, batch: list[OutboxCommand], results: list[CommandResult]) -> None:
        by_id = {r.id: r for r in results}
        now = self._clock()
        with self.store.db.write() as session:
            for sent in batch:
                result = by_id.get(sent.id)
                command = session.get(OutboxCommand, sent.id)
                if result is None or command is None:
                    continue
                self.report.pushed += 1
                command.attempts += 1
                if result.status in ("applied", "duplicate"):
                    command.state = "applied"
                    command.last_error = ""
                    if result.status == "applied":
                        self.report.applied += 1
                    else:
                        self.report.duplicates += 1
                elif result.status == "rejected":
                    command.state = "rejected"
                    command.last_error = result.reason
                    self.report.rejected += 1
                    session.add(_conflict(command, result, now))
                else:
                    command.last_error = result.reason
                    self.report.retried += 1

    # --- the server's side of a conflict ------------------------------------------------

    def _refetch(self) -> None:
        """Records whose server side was taken: their latest server copy replaces what is
        here (unless a change of this laptop still waits to go up); one the server does not
        have is taken back."""
        with self.store.db.read() as session:
            keys = queued_refetch(session)
        if not keys:
            return
        self._step("取回服务器上的最新版本")
        for start in range(0, len(keys), 500):
            chunk = keys[start:start + 500]
            reply = self.client.records(chunk)
            with self.store.db.write() as session:
                pending = pending_keys(session)
                latest = [r for r in reply.records if (r.entity, r.id) not in pending]
                for r in latest:  # whatever version is here, the server's copy goes in
                    model = rows.synced_models()[r.entity]
                    session.execute(update(model).where(model.id == r.id)
                                    .values(server_version=None))
                applied = apply_changes(session, (Incoming(r.entity, r.id, r.version,
                                                           r.deleted, r.data) for r in latest),
                                        now=self._clock(), pending=pending)
                for key in reply.missing:
                    if (key.entity, key.id) in pending or key.entity not in rows.synced_models():
                        continue
                    model = rows.synced_models()[key.entity]
                    session.execute(update(model).where(model.id == key.id,
                                                        model.deleted_at.is_(None))
                                    .values(deleted_at=self._clock()))
                clear_refetch(session, chunk)
            self.report.pulled += applied.written

    # --- pull --------------------------------------------------------------------------

    def _pull_all(self, epoch: str, cursor: int, latest: int) -> None:
        """Pages are fetched (with their files) one ahead while the current one is written."""
        if cursor >= latest and not self.report.full_resync:
            return
        with ThreadPoolExecutor(1, thread_name_prefix="jjg-pull") as fetcher:
            ahead = fetcher.submit(self._fetch_page, cursor)
            while True:
                self._step("下载服务器更新", cursor, latest)
                page = ahead.result()
                if page.epoch != epoch:
                    raise ServerTrouble("服务器刚刚从备份恢复，下次同步将重新下载全部数据")
                if page.more:
                    ahead = fetcher.submit(self._fetch_page, page.cursor)
                self._apply_page(page.changes, page.cursor)
                cursor = page.cursor
                if not page.more:
                    return

    def _retry_parked(self) -> None:
        """Pulled rows that could not be written yet are tried again, over and over while
        that writes some (a parent arrived; a renumbered record freed a number, which frees
        the next): a chain of renumberings untangles in one sync. What still waits is told."""
        waiting = self._parked_count()
        while waiting:
            with self.store.db.write() as session:
                apply_changes(session, [], now=self._clock(), pending=pending_keys(session))
            now_waiting = self._parked_count()
            if now_waiting >= waiting:
                break
            waiting = now_waiting
        if waiting:
            with self.store.db.read() as session:
                self.report.waiting = parked_reasons(session)

    def _parked_count(self) -> int:
        with self.store.db.read() as session:
            return session.scalar(select(func.count()).select_from(ParkedChange)) or 0

    def _fetch_page(self, cursor: int) -> PullResponse:
        page = self.client.pull(cursor, self._pull_page)
        self._fetch_files(page.changes)
        return page

    def _fetch_files(self, changes: list[ChangeEntry]) -> None:
        wanted = {sha for c in changes if not c.deleted
                  for sha in rows.file_hashes(c.entity, c.data)}
        if not wanted:
            return
        with self.store.db.read() as session:
            have = set(session.scalars(select(Blob.sha256).where(Blob.sha256.in_(wanted))))
        root = self.store.paths.attachments_dir
        for sha in sorted(wanted - have):
            target = attachments.path_of(root, sha)
            try:
                size = target.stat().st_size if target.is_file() else self.client.download(
                    sha, target)
            except Refused as exc:  # the server lacks it: the row is parked until it arrives
                log.warning("file %s not available from the server: %s", sha, exc.message)
                continue
            with self.store.db.write() as session:
                if session.get(Blob, sha) is None:
                    session.add(Blob(sha256=sha, size=size, mime=_mime(target),
                                     rel_path=attachments.relative_path(sha),
                                     created_at=self._clock(), uploaded=True))
            self.report.downloaded_files += 1

    def _apply_page(self, changes: list[ChangeEntry], cursor: int) -> None:
        with self.store.db.write() as session:
            applied = apply_changes(
                session, (Incoming(c.entity, c.id, c.version, c.deleted, c.data)
                          for c in changes), now=self._clock(), pending=pending_keys(session))
            for entity, record_id, version in applied.newer_here:
                self._queue_resend(session, entity, [record_id], version)
            state = session.get(SyncState, 1)
            assert state is not None
            state.pull_cursor = cursor
        self.report.pulled += applied.written

    # --- after a restored server ---------------------------------------------------------

    def _resend_lost(self) -> bool:
        """Queue again what the restored server no longer has at all; True if any."""
        queued = False
        with self.store.db.write() as session:
            pending = pending_keys(session)
            for entity, model in rows.synced_models().items():
                unconfirmed = session.scalars(select(model.id).where(model.server_version < 0))
                lost = [i for i in unconfirmed if (entity, i) not in pending]
                session.execute(update(model).where(model.server_version < 0)
                                .values(server_version=None))
                for start in range(0, len(lost), PUSH_BATCH):
                    self._queue_resend(session, entity, lost[start:start + PUSH_BATCH], None)
                    queued = True
        return queued

    def _queue_resend(self, session: Session, entity: str, ids: list[str],
                      base: int | None) -> None:
        model = rows.synced_models()[entity]
        found = list(session.scalars(select(model).where(model.id.in_(ids))))
        for row in found:
            row.server_version = base
        session.add(OutboxCommand(
            author=self._author or "", command=RESEND_COMMAND, entity=entity, entity_id=ids[0],
            args={"reason": "server_restored", "count": len(found)}, base_version=base,
            created_at=self._clock(),
            rows=[{"entity": entity, "id": r.id, "base_version": base,
                   "deleted": r.deleted_at is not None,
                   "data": audit_safe(rows.snapshot(r))} for r in found]))


def pending_of_others(session: Session, username: str) -> dict[str, int]:
    """Changes other people made on this laptop not sent yet, by name."""
    found = session.execute(
        select(func.coalesce(UserProfile.display_name, OutboxCommand.author), func.count())
        .select_from(OutboxCommand)
        .outerjoin(UserProfile, UserProfile.username == OutboxCommand.author)
        .where(OutboxCommand.state == "pending", OutboxCommand.author.not_in([username, ""]))
        .group_by(OutboxCommand.author, UserProfile.display_name)).all()
    return {str(name): int(count) for name, count in found}


def _within_rows(batch: list[OutboxCommand]) -> list[OutboxCommand]:
    """The first commands of ``batch`` whose rows the server takes in one push."""
    taken, rows_in = [], 0
    for c in batch:
        rows_in += len(c.rows)
        if taken and rows_in > MAX_PUSH_ROWS:
            break
        taken.append(c)
    return taken


def _command(c: OutboxCommand, *, whole: bool = False) -> Command:
    return Command(
        id=c.id, command=c.command, entity=c.entity, entity_id=c.entity_id,
        base_version=c.base_version, args=c.args,
        created_at=c.created_at.replace(tzinfo=UTC),
        rows=[RowChange.model_validate({**r, "changed": None} if whole else r)
              for r in c.rows], author=c.author or None,
        files=sorted({sha for r in c.rows for sha in rows.file_hashes(r["entity"], r["data"])}))


def _conflict(command: OutboxCommand, result: CommandResult, now: datetime) -> SyncConflict:
    return SyncConflict(
        command_id=command.id, command=command.command, entity=command.entity,
        entity_id=command.entity_id, reason=result.reason, mine=command.rows,
        theirs=result.current, decided_by=result.decided_by,
        decided_at=(result.decided_at.astimezone(UTC).replace(tzinfo=None)
                    if result.decided_at else None),
        detected_at=now)


def _mime(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(8)
    if head.startswith(b"\xff\xd8"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG"):
        return "image/png"
    return "application/octet-stream"
