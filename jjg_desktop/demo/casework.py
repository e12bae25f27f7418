"""Dynamic verifications of 入吉 enterprises and abnormal-list (异常名录) cases.

Cases older than this machine's set-up came with the first pull, whole: the county's
proposal, the prefecture's review and the province's decision are server rows. The cases
this clerk opened here are steps, audited and waiting to be pushed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from jjg_desktop.demo.market import Firm, Market
from jjg_desktop.demo.places import Place
from jjg_desktop.demo.seeded import Seeded, china_time
from jjg_desktop.demo.steps import Official, Step, row_data
from jjg_desktop.rules.decisions import NOTICE
from jjg_desktop.rules.inspection import verification_number
from jjg_desktop.rules.verification import CHECK_BY_KEY, CHECKS, FAILED, NOT_CHECKED, PASSED
from jjg_desktop.rules.workflow import due_date
from jjg_desktop.store.models import AbnormalCase, CaseTransition, Finding, Verification
from jjg_desktop.store.rulebook import abnormal_list_workflow, work_calendar

RECTIFY_DAYS = 90
SERVER_DELAY = timedelta(minutes=3)
PROVINCE_ACTIONS = ("notify_listing", "lapse_listing", "list", "remove", "notify_clearing",
                    "lapse_clearing", "clear_out")


@dataclass(frozen=True, slots=True)
class Officials:
    clerk: Official
    colleague: Official
    reviewer: Official
    admin: Official

    def acting(self, action: str) -> Official:
        if action == "agree":
            return self.reviewer
        return self.admin if action in PROVINCE_ACTIONS else self.clerk


class CaseworkMaker:
    def __init__(self, s: Seeded, county: Place, market: Market, officials: Officials,
                 moved: Firm, moved_finding: Finding, inspected: set[str]) -> None:
        self.s, self.county, self.market, self.who = s, county, market, officials
        self.moved, self.moved_finding, self.inspected = moved, moved_finding, inspected
        self.steps: list[Step] = []
        self.verified: dict[int, int] = {}
        """Verifications numbered so far, by year."""
        self.server_rows: list[object] = []

    def make(self) -> tuple[list[Step], list[object]]:
        pool = [f for f in self.market.firms
                if f.registration is not None and f.row.id not in self.inspected
                and f.registration.division_code == self.county.code]
        silent, listed, removed, expelled, routine, earlier, *others = self.s.rng.sample(pool, 9)
        self._old_case(listed, date(2023, 4, 18), ("信息登记不实", "虚假承诺"),
                       "吉建管异〔2023〕12号", "", "实地核查",
                       {"registration_true": "登记的安全生产许可证已于2022年失效",
                        "commitments_kept": "登记时承诺的项目负责人从未到岗"},
                       "登记的安全生产许可证已于2022年失效，登记时承诺的项目负责人从未到岗")
        unreachable = "连续三个工作日拨打登记电话及负责人手机均无人接听"
        self._old_case(removed, date(2023, 4, 3), ("联系不上",), "吉建管异〔2023〕5号", "remove",
                       "电话核查", {"reachable": unreachable}, unreachable)
        self._old_case(expelled, date(2023, 4, 6), ("没有固定办公场所", "联系不上"),
                       "吉建管异〔2023〕2号", "clear_out", "实地核查",
                       {"office_present": "登记办公地址无此企业", "reachable": "电话停机"},
                       "登记办公地址无此企业，电话停机")
        self._local_verification(earlier, date(2023, 7, 11), "实地核查", {},
                                 "办公场所、人员与登记一致")
        self._local_verification(routine, date(2023, 10, 18), "实地核查", {},
                                 "办公场所在用，在吉负责人在岗，承诺事项已履行")
        self._silent_case(silent)
        self._moved_case()
        for firm, status in zip(others, ("异常名录", "异常名录", "清出"), strict=True):
            self._set_status(firm, status)
        return self.steps, self.server_rows

    def _set_status(self, firm: Firm, status: str) -> None:
        firm.row.status = status
        if status == "清出" and firm.registration is not None:
            firm.registration.status = "已注销"

    def _verification(self, firm: Firm, day: date, method: str, failed: dict[str, str],
                      notes: str, server: bool, unchecked: tuple[str, ...] = ()) -> Verification:
        """`failed` maps a check's key to what was found; `unchecked` could not be judged."""
        at = china_time(day, 14, self.s.rng.randint(0, 59))
        checks = {c.key: {"outcome": FAILED if c.key in failed else
                          NOT_CHECKED if c.key in unchecked else PASSED,
                          "note": failed.get(c.key, ""), "calls": []} for c in CHECKS}
        return Verification(
            id=self.s.uuid(), enterprise_id=firm.row.id,
            registration_id=firm.registration.id if firm.registration else None,
            division_code=self.county.code, verified_on=day, method=method,
            verifiers=[self.who.clerk.display_name, self.who.colleague.display_name],
            checks=checks, notes=notes, number=self._number(day),
            server_version=1 if server else None, created_at=at, updated_at=at)

    def _number(self, day: date) -> str:
        self.verified[day.year] = serial = self.verified.get(day.year, 0) + 1
        return verification_number(self.county.name, day.year, serial)

    def _local_verification(self, firm: Firm, day: date, method: str, failed: dict[str, str],
                            notes: str, unchecked: tuple[str, ...] = ()) -> Verification:
        v = self._verification(firm, day, method, failed, notes, server=False,
                               unchecked=unchecked)
        self.steps.append(Step(v.created_at, "verification.record", "verification", v.id,
                               row_data(v, "enterprise_id", "registration_id", "verified_on",
                                        "method", "verifiers", "checks", "notes", "number"),
                               rows=[v]))
        return v

    def _case(self, firm: Firm, grounds: tuple[str, ...], evidence: list[dict[str, str]],
              at: datetime, server: bool) -> AbnormalCase:
        return AbnormalCase(id=self.s.uuid(), enterprise_id=firm.row.id,
                            division_code=self.county.code, state="", grounds=list(grounds),
                            evidence=evidence, version=0, created_at=at, updated_at=at,
                            server_version=0 if server else None)

    def _transition(self, case: AbnormalCase, action: str, at: datetime, comment: str,
                    server: bool, notices: dict[str, list[dict[str, str]]] | None = None,
                    ) -> CaseTransition:
        notices = notices or {}
        step = abnormal_list_workflow().transition(action)
        assert step is not None and (case.state or None) in step.sources, action
        before, made_on = case.state or None, case.version
        official = self.who.acting(action)
        case.state, case.version, case.updated_at = step.target, case.version + 1, at
        case.deadline = due_date(step, at.date(), work_calendar())
        if server:
            case.server_version = case.version
        return CaseTransition(
            id=self.s.uuid(), case_id=case.id, action=action, from_state=before,
            to_state=step.target, case_version=made_on, actor=official.username,
            actor_name=official.display_name, actor_role=official.role,
            actor_division=official.division_code, at=at,
            server_at=at + SERVER_DELAY if server else None, comment=comment,
            evidence=case.evidence if action == "propose" else notices.get(action, []),
            server_version=1 if server else None, created_at=at, updated_at=at)

    def _old_case(self, firm: Firm, day: date, grounds: tuple[str, ...], decision_no: str,
                  ending: str, method: str, failed: dict[str, str], notes: str) -> None:
        """A case decided before this machine was set up: every row came from the server."""
        v = self._verification(firm, day, method, failed, notes, server=True)
        case = self._case(firm, grounds, [_evidence(v)], v.created_at, server=True)
        listed = day + timedelta(days=24)
        serial = int(decision_no.split("〕")[1].removesuffix("号"))
        ending_no = f"吉建管异〔{day.year}〕{serial + 20}号"  # the 移出 or 清出 decision's own
        ended_on = listed
        notified = day + timedelta(days=10)
        notices = {"notify_listing": [_notice("入吉企业拟列入异常名录告知书",
                                              f"吉建告〔{notified.year}〕{serial}号", notified)]}
        history = [
            ("propose", china_time(day + timedelta(days=1), 9, 30),
             f"经动态核查，{notes}，建议列入异常名录"),
            ("agree", china_time(day + timedelta(days=8), 10, 20),
             "经审核，事实清楚，证据充分，同意列入"),
            ("notify_listing", china_time(notified, 10, 0),
             "已向企业送达拟列入告知书，告知陈述申辩的权利和期限"),
            ("lapse_listing", china_time(listed - timedelta(days=1), 9, 0),
             "陈述申辩期满，企业未提出陈述申辩"),
            ("list", china_time(listed, 14, 0),
             f"决定列入异常名录（{decision_no}），整改期限{RECTIFY_DAYS}日"),
        ]
        if ending == "remove":
            history += [
                ("apply_rectification", china_time(listed + timedelta(days=40), 11, 0),
                 "企业已更正联系方式，申请整改核实"),
                ("verify_rectification", china_time(listed + timedelta(days=47), 15, 0),
                 "经电话及实地核查可正常联系，整改到位"),
                ("remove", china_time(listed + timedelta(days=55), 14, 30),
                 "经核查已整改到位，决定移出异常名录"),
            ]
            ended_on = listed + timedelta(days=55)
        elif ending == "clear_out":
            warned = listed + timedelta(days=RECTIFY_DAYS + 10)
            notices["notify_clearing"] = [_notice(
                "入吉企业拟清出吉林省建筑市场告知书", f"吉建告〔{warned.year}〕{serial + 20}号",
                warned)]
            history += [
                ("notify_clearing", china_time(warned, 10, 0),
                 f"列入后{RECTIFY_DAYS}日整改期满，未申请整改核实，经再次核查仍无固定办公场所"),
                ("lapse_clearing", china_time(warned + timedelta(days=18), 9, 0),
                 "陈述申辩期满，企业未提出陈述申辩"),
                ("clear_out", china_time(warned + timedelta(days=20), 14, 30),
                 f"列入后{RECTIFY_DAYS}日整改期满未整改，经告知后未陈述申辩，清出吉林省建筑市场"),
            ]
            ended_on = warned + timedelta(days=20)
        transitions = [self._transition(case, action, at, comment, server=True,
                                        notices=notices)
                       for action, at, comment in history]
        case.decision_no, case.decision_date = (ending_no, ended_on) if ending else (
            decision_no, listed)
        if ending == "":
            case.deadline = listed + timedelta(days=RECTIFY_DAYS)
        self.server_rows += [v, case, *transitions]
        self._set_status(firm, {"": "异常名录", "clear_out": "清出", "remove": "正常"}[ending])

    def _silent_case(self, firm: Firm) -> None:
        assert firm.registration is not None
        calls = (f"11月6日至8日三次拨打登记电话{firm.row.contact_phone}及在吉负责人"
                 f"{firm.registration.person_in_charge}手机{firm.registration.phone}，均无人接听")
        v = self._local_verification(
            firm, date(2023, 11, 8), "电话核查", {"reachable": calls}, calls,
            unchecked=("registration_true", "commitments_kept", "office_present"))
        self._propose(firm, ("联系不上",), [_evidence(v)], china_time(date(2023, 11, 8), 16, 40))

    def _moved_case(self) -> None:
        v = self._local_verification(
            self.moved, date(2023, 11, 14), "实地核查",
            {"office_present": "登记的在吉办公地址现为一家商铺，未见企业人员",
             "commitments_kept": "承诺的固定办公场所已不存在"},
            "登记的在吉办公地址现为一家商铺，未见企业人员；邻近商户称该企业已于今年8月搬离")
        finding = self.moved_finding
        evidence = [_evidence(v), {"kind": "finding", "id": finding.id,
                                   "summary": finding.problem}]
        self._propose(self.moved, ("没有固定办公场所",), evidence,
                      china_time(date(2023, 11, 16), 10, 5))

    def _propose(self, firm: Firm, grounds: tuple[str, ...], evidence: list[dict[str, str]],
                 at: datetime) -> AbnormalCase:
        case = self._case(firm, grounds, evidence, at, server=False)
        t = self._transition(case, "propose", at, f"建议以“{'、'.join(grounds)}”列入异常名录",
                             server=False)
        data = row_data(case, "enterprise_id", "division_code", "grounds", "evidence")
        self.steps.append(Step(at, "case.propose", "abnormal_case", case.id,
                               data | _transition_data(t), rows=[case, t],
                               command="case.transition"))
        return case


def _evidence(v: Verification) -> dict[str, str]:
    failed = [CHECK_BY_KEY[k].label for k, r in v.checks.items() if r["outcome"] == FAILED]
    return {"kind": "verification", "id": v.id,
            "summary": f"{v.verified_on.isoformat()} {v.method}：{'、'.join(failed) or '无问题'}"}


def _transition_data(t: CaseTransition) -> dict[str, object]:
    return {"transition": row_data(t, "id", "action", "from_state", "to_state", "case_version",
                                   "at", "comment", "evidence")}


def _notice(title: str, number: str, day: date) -> dict[str, str]:
    """A prior notice served, as the step that served it records it."""
    return {"kind": NOTICE, "id": number, "date": day.isoformat(),
            "summary": f"{title} {number}（{day.isoformat()}）"}
