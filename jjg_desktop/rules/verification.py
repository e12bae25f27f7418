"""Dynamic verification of an out-of-province enterprise (动态核查): checks, failures, due dates."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True, slots=True)
class Check:
    key: str
    label: str
    question: str
    ground: str


CHECKS = (
    Check("registration_true", "登记信息真实", "登记的企业信息、资质、人员与实际是否一致",
          "信息登记不实"),
    Check("commitments_kept", "承诺事项履行", "登记时作出的各项承诺是否履行", "虚假承诺"),
    Check("office_present", "固定办公场所", "在吉固定办公场所是否真实存在并正常办公",
          "没有固定办公场所"),
    Check("reachable", "能够取得联系", "按登记的负责人和电话能否联系上企业", "联系不上"),
)
CHECK_BY_KEY = {c.key: c for c in CHECKS}
PASSED, FAILED, NOT_CHECKED = "通过", "不通过", "未核查"
OUTCOMES = (PASSED, FAILED, NOT_CHECKED)
ON_SITE, BY_PHONE = "实地核查", "电话核查"
METHODS = (ON_SITE, BY_PHONE)
DEFAULT_PERIOD_DAYS = 365


@dataclass(frozen=True, slots=True)
class CallAttempt:
    """One call made to reach the enterprise."""

    at: str
    number: str
    answered: bool
    note: str = ""


@dataclass(slots=True)
class CheckResult:
    outcome: str = NOT_CHECKED
    note: str = ""
    calls: list[CallAttempt] = field(default_factory=list)


VERIFIER, REPRESENTATIVE, WITNESS = "核查人员", "企业代表", "见证人"
"""Who signs a verification record: every verifier; on site also the enterprise's
representative, or, when the representative refuses, a witness to the refusal."""


def signature_problems(method: str, verifiers: Iterable[str],
                       signed: Iterable[tuple[str, str]]) -> list[str]:
    """What signatures the record still lacks to be final; ``signed`` is (role, name)."""
    by_role: dict[str, set[str]] = {}
    for role, name in signed:
        by_role.setdefault(role, set()).add(name.strip())
    problems = []
    missing = [v for v in (x.strip() for x in verifiers) if v and v not in by_role.get(
        VERIFIER, set())]
    if missing:
        problems.append(f"核查人员尚未签名：{'、'.join(missing)}")
    if method == ON_SITE and not by_role.get(REPRESENTATIVE) and not by_role.get(WITNESS):
        problems.append("企业代表尚未签名（企业代表拒签的，请勾选“企业代表拒签”并由见证人签名）")
    return problems


def verification_problems(*, method: str, verifiers: list[str], checks: dict[str, CheckResult],
                          verified_on: date, today: date) -> list[str]:
    problems: list[str] = []
    if method not in METHODS:
        problems.append(f"核查方式应为“{ON_SITE}”或“{BY_PHONE}”")
    named = [v for v in verifiers if v.strip()]
    if not named:
        problems.append("请填写核查人员")
    elif method == ON_SITE and len(named) < 2:
        problems.append("实地核查应由至少两名人员进行")
    if verified_on > today:
        problems.append(f"核查日期 {verified_on.isoformat()} 晚于今天")
    unknown = set(checks) - set(CHECK_BY_KEY)
    if unknown:
        problems.append(f"未知的核查项：{'、'.join(sorted(unknown))}")
    for check in CHECKS:
        result = checks.get(check.key, CheckResult())
        if result.outcome not in OUTCOMES:
            problems.append(f"{check.label}的结论应为通过、不通过或未核查")
        elif result.outcome == FAILED and not result.note.strip():
            problems.append(f"{check.label}判定为不通过，请写明情况")
    reach = checks.get("reachable", CheckResult())
    if method == BY_PHONE and reach.outcome != NOT_CHECKED and not reach.calls:
        problems.append("电话核查请记录拨打时间和号码")
    if reach.outcome == FAILED and not any(not c.answered for c in reach.calls) and (
            method == BY_PHONE):
        problems.append("判定联系不上时，通话记录中应有未接通的呼叫")
    if all(checks.get(c.key, CheckResult()).outcome == NOT_CHECKED for c in CHECKS):
        problems.append("至少需要对一项内容作出核查结论")
    return problems


def failed_grounds(checks: dict[str, CheckResult]) -> list[str]:
    """The abnormal-list grounds a verification supports, in the order of the checks."""
    return [c.ground for c in CHECKS if checks.get(c.key, CheckResult()).outcome == FAILED]


def is_due(last_verified: date | None, today: date, period_days: int) -> bool:
    return last_verified is None or last_verified <= today - timedelta(days=period_days)
