"""The soak: laptops of a county doing the work the services offer, offline for a while, syncing
through a faulty network, people deciding conflicts both ways; then clean syncs, and every
laptop must hold exactly what the server holds for its user.

Used by tests/sync/test_soak.py (seeded, bounded) and scripts/soak.py (longer runs).
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sync_support import Device

from inspection_support import photo_file, started
from jjg_desktop.rules import key_posts
from jjg_desktop.rules.credit_code import complete
from jjg_desktop.rules.registration import RegistrationInput
from jjg_desktop.rules.verification import CheckResult
from jjg_desktop.services import (
    cases,
    enterprise_facts,
    enterprises,
    inspections,
    registry,
    verifications,
)
from jjg_desktop.services.cases import StepInput
from jjg_desktop.services.draws import add_pool_member
from jjg_desktop.services.errors import InvalidInput, NotFound
from jjg_desktop.store import synced_rows
from jjg_desktop.store.models import (
    AbnormalCase,
    Enterprise,
    Inspection,
    InspectionAnswer,
    OutboxCommand,
    ParkedChange,
)
from jjg_desktop.sync.client import SyncClient
from jjg_desktop.sync.conflicts import keep_mine, open_conflicts, take_theirs
from jjg_desktop.sync.engine import SyncEngine, SyncProgress
from jjg_desktop.sync.errors import SyncError
from jjg_desktop.sync.session import folder_of
from jjg_server import permissions
from jjg_server.auth import Caller
from jjg_server.store import Record, User
from tests_support import signed_verification

ITEMS = ("JS-01", "JS-02", "JS-03", "AQ-01", "AQ-02", "SM-07")
PLANNED_ON = (date(2026, 5, 18), date(2026, 12, 7))
ANSWERS = ("符合", "不符合", "不适用")
FAULTS = ("lose_push", "cut_upload", "refuse_pull", "partition")
ROLES = ("hc_clerk", "hc_clerk", "hc_inspector", "hc_inspector", "yb_reviewer", "province")


@dataclass
class Soak:
    """One run: its laptops, its randomness, what it did."""

    live: Any
    laptops: list[Device]
    project_id: str
    folder: Path
    rng: random.Random
    done: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)
    n: int = 0

    def run(self, ops: int, fault_rate: float = 0.2) -> None:
        for _ in range(ops):
            laptop = self.rng.choice(self.laptops)
            self.step(laptop)
            if self.rng.random() < fault_rate:
                self.faulty_sync(self.rng.choice(self.laptops))
            elif self.rng.random() < 0.15:
                self.sync(self.rng.choice(self.laptops))

    # --- what people do ---------------------------------------------------------------

    def step(self, d: Device) -> None:
        assert d.ctx is not None
        self.n += 1
        role = d.ctx.actor.role
        choices: list[Callable[[Device], str]] = [self.contact, self.decide_conflict]
        if role == "county_clerk":
            choices += [self.register, self.fact, self.propose, self.pool_member, self.verify]
        elif role == "inspector":
            choices += [self.inspect, self.answer, self.answer, self.photo, self.conclude]
        elif role == "province_admin":
            choices += [self.decide, self.decide]
        else:
            choices += [self.review, self.review]
        action = self.rng.choice(choices)
        try:
            self.done[action(d)] += 1
        except (InvalidInput, NotFound) as refused:  # the laptop's own rules said no
            self.refused[f"{action.__name__}: {str(refused)[:30]}"] += 1

    def _enterprises(self, d: Device) -> list[str]:
        with d.store.db.read() as s:
            return list(s.scalars(select(Enterprise.id).where(Enterprise.deleted_at.is_(None))
                                  .order_by(Enterprise.credit_code)))

    def contact(self, d: Device) -> str:
        known = self._enterprises(d)
        if not known:
            return "nothing"
        column = self.rng.choice(("contact_phone", "contact_person", "address"))
        value = {"contact_phone": f"1390433{self.n:04d}", "contact_person": f"联系人{self.n}",
                 "address": f"珲春市新安街道{self.n}号"}[column]
        assert d.ctx is not None
        enterprises.update_contact(d.ctx, self.rng.choice(known[:6]), **{column: value})
        return "contact"

    def register(self, d: Device) -> str:
        assert d.ctx is not None
        code = complete(f"91320100{self.rng.randrange(10**8):08d}")
        registry.register(d.ctx, RegistrationInput(
            credit_code=code, name=f"随机建设工程有限公司{self.n:04d}", home_province="江苏",
            division_code="222404", registered_on=date(2026, 3, 2),
            office_address="珲春市河南街道靖和街56号", person_in_charge="周明",
            phone="13904331234", qualifications=["建筑工程施工总承包贰级"],
            commitments=["承诺登记信息真实"]))
        return "register"

    def fact(self, d: Device) -> str:
        known = self._enterprises(d)
        if not known:
            return "nothing"
        assert d.ctx is not None
        enterprise_facts.record_fact(d.ctx, self.rng.choice(known), kind="人员变动",
                                     occurred_on=date(2026, 4, 1), detail=f"第{self.n}次变动")
        return "fact"

    def propose(self, d: Device) -> str:
        known = self._enterprises(d)
        if not known:
            return "nothing"
        assert d.ctx is not None
        cases.propose(d.ctx, self.rng.choice(known[:8]), grounds=["联系不上"], step=StepInput(
            comment="多次电话无人接听", evidence=[{"kind": "call", "id": f"c{self.n}"}]))
        return "propose"

    def review(self, d: Device) -> str:
        with d.store.db.read() as s:
            waiting = list(s.execute(select(AbnormalCase.id, AbnormalCase.version).where(
                AbnormalCase.state == "proposed", AbnormalCase.deleted_at.is_(None))
                .order_by(AbnormalCase.id)))
        if not waiting:
            return "nothing"
        case_id, version = self.rng.choice(waiting)
        action = self.rng.choice(("agree", "return"))
        assert d.ctx is not None
        cases.take_step(d.ctx, case_id, action, base_version=version, step=StepInput(
            comment="同意列入" if action == "agree" else "证据不足，退回补充"))
        return action

    def decide(self, d: Device) -> str:
        """The province's next step on a reviewed case: tell the enterprise, hear it, then
        list or not."""
        with d.store.db.read() as s:
            waiting = list(s.execute(select(
                AbnormalCase.id, AbnormalCase.version, AbnormalCase.state).where(
                AbnormalCase.state.in_(("reviewed", "notified", "heard")),
                AbnormalCase.deleted_at.is_(None)).order_by(AbnormalCase.id)))
        if not waiting:
            return "nothing"
        case_id, version, state = self.rng.choice(waiting)
        assert d.ctx is not None
        year = d.ctx.today().year
        go_on = self.rng.random() < 0.7
        if state == "notified":
            action, step = "hear_listing", StepInput(comment="企业陈述申辩，未提出新的事实")
        elif state == "reviewed" and go_on:
            action, step = "notify_listing", StepInput(
                decision_no=f"吉建告〔{year}〕{self.n}号", decision_date=d.ctx.today())
        elif state == "heard" and go_on:
            action, step = "list", StepInput(
                comment="经审核，决定列入", decision_no=f"吉建管〔{year}〕{self.n}号",
                decision_date=d.ctx.today())
        else:
            action, step = "reject", StepInput(comment="证据不足，不予列入")
        cases.take_step(d.ctx, case_id, action, base_version=version, step=step)
        return action

    def verify(self, d: Device) -> str:
        known = self._enterprises(d)
        if not known:
            return "nothing"
        assert d.ctx is not None
        outcome = self.rng.choice(("通过", "不通过"))
        verifications.record_verification(
            d.ctx, self.rng.choice(known[:8]), verified_on=d.ctx.today(), method="实地核查",
            verifiers=["刘晓燕", "金哲"],
            checks={"registration_true": CheckResult("通过"),
                    "office_present": CheckResult(outcome, note=f"第{self.n}次核查"),
                    "reachable": CheckResult("通过")},
            signatures=signed_verification(["刘晓燕", "金哲"], "实地核查"))
        return "verify"

    def pool_member(self, d: Device) -> str:
        assert d.ctx is not None
        add_pool_member(d.ctx, kind="专家", name=f"专家{self.n}", specialty="建筑工程")
        return "pool"

    def _open_inspections(self, d: Device) -> list[str]:
        with d.store.db.read() as s:
            return list(s.scalars(select(Inspection.id).where(
                Inspection.status == "in_progress", Inspection.deleted_at.is_(None))
                .order_by(Inspection.number)))

    def inspect(self, d: Device) -> str:
        assert d.ctx is not None
        # two laptops offline take the same number; checks planned from 2026-12-07 are on
        # version 3, whose SM-02 is the key posts' sheet
        started(d.ctx, self.project_id, planned_on=self.rng.choice(PLANNED_ON))
        return "inspect"

    def answer(self, d: Device) -> str:
        open_ = self._open_inspections(d)
        if not open_:
            return self.inspect(d)
        assert d.ctx is not None
        inspection_id = self.rng.choice(open_)
        with d.store.db.read() as s:
            planned = s.get(Inspection, inspection_id)
            on_v3 = planned is not None and planned.planned_on >= PLANNED_ON[1]
        if on_v3 and self.rng.random() < 0.5:
            inspections.answer(d.ctx, inspection_id, "SM-02", self._sheet())
            return "sheet"
        inspections.answer(d.ctx, inspection_id, self.rng.choice(ITEMS),
                           self.rng.choice(ANSWERS), f"第{self.n}次检查说明")
        return "answer"

    def _sheet(self) -> str:
        """A key posts' sheet of several people (longer than the 200 characters answers
        once held), different on each laptop that writes it."""
        posts = ("项目负责人", "专职安全员", "专职安全员", "总监理工程师", "安全监理工程师")
        people = []
        for n, post in enumerate(posts[: self.rng.randint(2, len(posts))]):
            due = self.rng.randint(18, 23)
            people.append((post, f"{post[:2]}{self.n}号{n}", due, self.rng.randint(8, due)))
        return key_posts.encode("2026-11", people)

    def photo(self, d: Device) -> str:
        open_ = self._open_inspections(d)
        if not open_:
            return "nothing"
        assert d.ctx is not None
        inspections.attach_photo(d.ctx, self.rng.choice(open_),
                                 photo_file(self.folder / f"soak-{self.n}.jpg",
                                            size=(320, 240), seed=self.n),
                                 item_code=self.rng.choice(ITEMS))
        return "photo"

    def conclude(self, d: Device) -> str:
        open_ = self._open_inspections(d)
        if not open_:
            return "nothing"
        assert d.ctx is not None
        inspections.set_conclusion(d.ctx, self.rng.choice(open_), f"结论第{self.n}稿")
        return "conclusion"

    def decide_conflict(self, d: Device) -> str:
        views = open_conflicts(d.store)
        if not views:
            return "nothing"
        view = self.rng.choice(views)
        assert d.ctx is not None
        if view.can_keep_mine and self.rng.random() < 0.5:
            keep_mine(d.ctx, view.id)
            return "keep_mine"
        take_theirs(d.ctx, view.id)
        return "take_theirs"

    # --- syncing ----------------------------------------------------------------------

    def sync(self, d: Device) -> None:
        try:
            d.sync()
        except SyncError:
            self.done["sync_failed"] += 1

    def faulty_sync(self, d: Device) -> None:
        live, rng = self.live, self.rng
        fault = rng.choice(FAULTS)
        if fault == "lose_push":
            live.proxy.add(b"POST /sync/v1/push", "lose_response")
        elif fault == "cut_upload":
            live.proxy.add(b"PUT /sync/v1/files/", "cut_request",
                           after_bytes=rng.randrange(200, 20000))
        elif fault == "refuse_pull":
            live.proxy.add(b"GET /sync/v1/pull", "refuse")
        stop_at = rng.randrange(1, 6) if fault == "partition" else -1
        calls = 0

        def progress(_p: SyncProgress) -> None:
            nonlocal calls
            calls += 1
            if calls == stop_at:
                live.proxy.partition(True)

        login = d.credentials.load(live.proxy.url, folder=folder_of(d.store))
        assert login is not None
        try:
            SyncEngine(d.store, SyncClient(live.proxy.url, token=login.token),
                       progress=progress, author=login.username).run()
            self.done["faulty_sync_ok"] += 1
        except SyncError:
            self.done["faulty_sync_failed"] += 1
        finally:
            live.proxy.partition(False)
            live.proxy.clear()

    def settle(self, rounds: int = 8) -> int:
        """Everyone decides what is left and syncs until nothing moves; the rounds it took."""
        for n in range(1, rounds + 1):
            for d in self.laptops:
                for view in open_conflicts(d.store):
                    assert d.ctx is not None
                    if view.can_keep_mine and self.rng.random() < 0.5:
                        keep_mine(d.ctx, view.id)
                    else:
                        take_theirs(d.ctx, view.id)
                d.sync()
            if all(quiet(d) for d in self.laptops):
                for d in self.laptops:
                    d.sync()
                return n
        return rounds + 1


def quiet(d: Device) -> bool:
    """Nothing to send, nothing to decide, nothing waiting."""
    with d.store.db.read() as s:
        pending = s.scalar(select(func.count()).select_from(OutboxCommand).where(
            OutboxCommand.state == "pending")) or 0
        parked = s.scalar(select(func.count()).select_from(ParkedChange)) or 0
    return pending == 0 and parked == 0 and not open_conflicts(d.store)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def laptop_rows(d: Device) -> dict[tuple[str, str], str]:
    """Every synced record on the laptop: version, tombstone and every column, as text.
    Left out: an empty answer holding a photo (never sent) and a record the server never had
    that this laptop took back (a refused creation)."""
    out: dict[tuple[str, str], str] = {}
    with d.store.db.read() as s:
        for entity, model in synced_rows.synced_models().items():
            for row in s.scalars(select(model)):
                if row.server_version is None and (
                        row.deleted_at is not None
                        or (isinstance(row, InspectionAnswer) and not row.value)):
                    continue
                data = json.loads(_canonical(synced_rows.snapshot(row)))
                out[(entity, row.id)] = _canonical(
                    [row.server_version, row.deleted_at is not None, data])
    return out


def server_rows(live: Any, username: str) -> dict[tuple[str, str], str]:
    """Every record the server holds that ``username`` may see, in the same form."""
    out: dict[tuple[str, str], str] = {}
    with Session(live.engine) as s:
        user = s.get(User, username)
        assert user is not None
        caller = Caller(username=user.username, display_name=user.display_name,
                        role=user.role, division_code=user.division_code, client_id="")
        for record in s.scalars(select(Record)):
            if record.entity == "checklist_template" or not permissions.may_see(caller, record):
                continue
            data = dict(record.data)
            out[(record.entity, record.record_id)] = _canonical(
                [record.version, record.deleted, data])
    return out


def differences(live: Any, d: Device) -> list[str]:
    """Where the laptop and the server disagree (empty: they agree)."""
    assert d.ctx is not None
    mine, theirs = laptop_rows(d), server_rows(live, d.ctx.actor.username)
    templates = {k for k in mine if k[0] == "checklist_template"}
    out = []
    for key in sorted((set(mine) | set(theirs)) - templates):
        if mine.get(key) != theirs.get(key):
            out.append(f"{key}: laptop {str(mine.get(key))[:300]} | server "
                       f"{str(theirs.get(key))[:300]}")
    return out
