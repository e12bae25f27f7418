"""Planning read models: who is due for verification, whose qualification to check."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import text
from sqlalchemy.orm import Session

from jjg_desktop.rules.divisions import PROVINCE_CODE
from jjg_desktop.rules.qualification import EnterpriseSituation, Fact, Trigger, triggers
from jjg_desktop.rules.verification import DEFAULT_PERIOD_DAYS, FAILED
from jjg_desktop.store.models import LocalSetting
from jjg_desktop.store.sql import in_list

VERIFICATION_PERIOD_KEY = "verification.period_days"


def verification_period(session: Session) -> int:
    setting = session.get(LocalSetting, VERIFICATION_PERIOD_KEY)
    return int(setting.value["days"]) if setting else DEFAULT_PERIOD_DAYS


@dataclass(frozen=True, slots=True)
class DueRow:
    enterprise_id: str
    name: str
    credit_code: str
    home_province: str
    registered_on: date | None
    last_verified: date | None


def due_for_verification(session: Session, division_codes: Sequence[str], today: date,
                         period_days: int | None = None) -> list[DueRow]:
    """Registered out-of-province enterprises never verified, or not within the period;
    the longest waiting first."""
    days = period_days if period_days is not None else verification_period(session)
    cutoff = today - timedelta(days=days)
    placeholders, params = in_list("d", division_codes)
    rows = session.execute(text(
        "SELECT e.id, e.name, e.credit_code, e.home_province, "
        "  (SELECT max(r.registered_on) FROM jilin_registration r "
        "   WHERE r.enterprise_id = e.id AND r.deleted_at IS NULL) AS registered_on, "
        "  (SELECT max(v.verified_on) FROM verification v "
        "   WHERE v.enterprise_id = e.id AND v.deleted_at IS NULL) AS last_verified "
        "FROM enterprise e WHERE e.deleted_at IS NULL AND e.home_province_code != '220000' "
        f"AND e.status != '清出' AND e.division_code IN ({placeholders}) "
        "AND (last_verified IS NULL OR last_verified <= :cutoff) "
        "ORDER BY last_verified IS NOT NULL, last_verified, registered_on"),
        params | {"cutoff": cutoff.isoformat()}).all()
    return [DueRow(r[0], r[1], r[2], r[3], _d(r[4]), _d(r[5])) for r in rows]


@dataclass(frozen=True, slots=True)
class FlaggedEnterprise:
    enterprise_id: str
    name: str
    credit_code: str
    triggers: list[Trigger]


def qualification_flags(session: Session, division_codes: Sequence[str],
                        today: date) -> list[FlaggedEnterprise]:
    """Enterprises in the divisions that meet at least one trigger, with which and why."""
    placeholders, params = in_list("d", division_codes)
    flagged = []
    for (eid, name, code), situation in _situations(
            session, f"e.division_code IN ({placeholders})", params).items():
        found = triggers(situation, today)
        if found:
            flagged.append(FlaggedEnterprise(eid, name, code, found))
    return sorted(flagged, key=lambda f: f.name)


def enterprise_triggers(session: Session, enterprise_id: str, today: date) -> list[Trigger]:
    """The qualification-verification triggers (seed 九) one enterprise meets today."""
    situations = _situations(session, "e.id = :id", {"id": enterprise_id})
    return [t for s in situations.values() for t in triggers(s, today)]


def _situations(session: Session, condition: str, params: dict[str, object],
                ) -> dict[tuple[str, str, str], EnterpriseSituation]:
    """What is known about each enterprise matching `condition` (on alias e)."""
    ents = session.execute(text(
        "SELECT e.id, e.name, e.credit_code, e.safety_licence_no, e.safety_licence_expiry, "
        "e.qualifications FROM enterprise e "
        f"WHERE e.deleted_at IS NULL AND e.status != '清出' AND {condition}"),
        params).all()
    facts: dict[str, list[Fact]] = {}
    for eid, kind, year, occurred, value, detail in session.execute(text(
            "SELECT f.enterprise_id, f.kind, f.year, f.occurred_on, f.value, f.detail "
            "FROM enterprise_fact f JOIN enterprise e ON e.id = f.enterprise_id "
            f"WHERE f.deleted_at IS NULL AND {condition}"), params):
        facts.setdefault(eid, []).append(Fact(kind, year, _d(occurred), value, detail))
    office, unreachable = _latest_failures(session, condition, params)
    return {(eid, name, code): EnterpriseSituation(
        safety_licence_no=licence_no or "", safety_licence_expiry=_d(expiry),
        facts=facts.get(eid, []), office_failed_on=office.get(eid),
        unreachable_on=unreachable.get(eid), qualifications=_list(qualifications))
        for eid, name, code, licence_no, expiry, qualifications in ents}


def _list(value: object) -> list[str]:
    """A JSON list column as read by raw SQL."""
    loaded = json.loads(value) if isinstance(value, str) else value
    return [str(v) for v in loaded] if isinstance(loaded, list) else []


def _latest_failures(session: Session, condition: str, params: dict[str, object],
                     ) -> tuple[dict[str, date], dict[str, date]]:
    """Per enterprise, the date its latest verification failed the office / reachable check."""
    office: dict[str, date] = {}
    unreachable: dict[str, date] = {}
    rows = session.execute(text(
        "SELECT v.enterprise_id, v.verified_on, "
        "  json_extract(v.checks, '$.office_present.outcome'), "
        "  json_extract(v.checks, '$.reachable.outcome') FROM verification v "
        "JOIN enterprise e ON e.id = v.enterprise_id "
        f"WHERE v.deleted_at IS NULL AND {condition} "
        "AND v.verified_on = (SELECT max(w.verified_on) FROM verification w "
        "  WHERE w.enterprise_id = v.enterprise_id AND w.deleted_at IS NULL)"), params)
    for eid, on, office_outcome, reach_outcome in rows:
        if office_outcome == FAILED:
            office[eid] = _d(on) or date.min
        if reach_outcome == FAILED:
            unreachable[eid] = _d(on) or date.min
    return office, unreachable


@dataclass(frozen=True, slots=True)
class ProvinceChoice:
    code: str
    name: str
    enterprises: int


def home_province_choices(session: Session) -> list[ProvinceChoice]:
    """The home provinces out-of-province enterprises come from, most enterprises first."""
    rows = session.execute(text(
        "SELECT home_province_code, max(home_province), count(*) FROM enterprise "
        "WHERE deleted_at IS NULL AND home_province_code != :jilin "
        "GROUP BY home_province_code ORDER BY count(*) DESC, home_province_code"),
        {"jilin": PROVINCE_CODE}).all()
    return [ProvinceChoice(code, name, n) for code, name, n in rows]


@dataclass(frozen=True, slots=True)
class VerificationSummary:
    id: str
    verified_on: date
    method: str
    verifiers: list[str]
    outcomes: dict[str, str]
    """check key → 通过 / 不通过 / 未核查"""
    photos: int
    signatures: int
    number: str = ""


def enterprise_verifications(session: Session, enterprise_id: str) -> list[VerificationSummary]:
    """One enterprise's verifications, the latest first."""
    rows = session.execute(text(
        "SELECT v.id, v.verified_on, v.method, v.verifiers, v.checks, "
        "  (SELECT count(*) FROM attachment a WHERE a.owner_kind = 'verification' "
        "   AND a.owner_id = v.id AND a.deleted_at IS NULL), "
        "  (SELECT count(*) FROM signature s WHERE s.owner_kind = 'verification' "
        "   AND s.owner_id = v.id AND s.deleted_at IS NULL), v.number "
        "FROM verification v WHERE v.enterprise_id = :id AND v.deleted_at IS NULL "
        "ORDER BY v.verified_on DESC, v.created_at DESC"), {"id": enterprise_id}).all()
    out = []
    for vid, on, method, verifiers, checks, photos, signatures, number in rows:
        stored = json.loads(checks or "{}")
        out.append(VerificationSummary(
            id=vid, verified_on=date.fromisoformat(on), method=method,
            verifiers=json.loads(verifiers or "[]"),
            outcomes={k: str(v.get("outcome", "")) for k, v in stored.items()},
            photos=photos, signatures=signatures, number=number))
    return out


@dataclass(frozen=True, slots=True)
class FactRow:
    id: str
    kind: str
    year: int | None
    occurred_on: date | None
    value: str
    detail: str


def enterprise_facts(session: Session, enterprise_id: str) -> list[FactRow]:
    """What has been recorded about the enterprise (credit grades, accidents…), latest first."""
    rows = session.execute(text(
        "SELECT id, kind, year, occurred_on, value, detail FROM enterprise_fact "
        "WHERE enterprise_id = :id AND deleted_at IS NULL "
        "ORDER BY coalesce(occurred_on, year || '-12-31') DESC, created_at DESC"),
        {"id": enterprise_id}).all()
    return [FactRow(r[0], r[1], r[2], date.fromisoformat(r[3]) if r[3] else None, r[4], r[5])
            for r in rows]


def registered_phone(session: Session, enterprise_id: str) -> str:
    """The phone of the enterprise's current 入吉 registration (else its contact phone)."""
    row = session.execute(text(
        "SELECT coalesce((SELECT r.phone FROM jilin_registration r "
        "  WHERE r.enterprise_id = e.id AND r.deleted_at IS NULL AND r.phone != '' "
        "  ORDER BY r.registered_on DESC LIMIT 1), e.contact_phone) "
        "FROM enterprise e WHERE e.id = :id"), {"id": enterprise_id}).first()
    return (row[0] or "") if row else ""


def _d(value: object) -> date | None:
    if value is None or isinstance(value, date):
        return value  # type: ignore[return-value]
    return date.fromisoformat(str(value))


@dataclass(frozen=True, slots=True)
class EvidenceRef:
    sha256: str
    check: str
    caption: str
    taken_at: str


@dataclass(frozen=True, slots=True)
class SignatureRef:
    sha256: str
    role: str
    name: str
    signed_at: str


@dataclass(frozen=True, slots=True)
class VerificationDetail:
    id: str
    enterprise_name: str
    credit_code: str
    home_province: str
    registration_no: str
    office_address: str
    person_in_charge: str
    phone: str
    division: str
    verified_on: date
    method: str
    verifiers: list[str]
    checks: dict[str, dict[str, object]]
    notes: str
    photos: list[EvidenceRef]
    signatures: list[SignatureRef]
    number: str = ""


def verification_detail(session: Session, verification_id: str) -> VerificationDetail | None:
    row = session.execute(text(
        "SELECT v.id, e.name, e.credit_code, e.home_province, coalesce(r.registration_no, ''), "
        "coalesce(r.office_address, e.address), coalesce(r.person_in_charge, e.contact_person), "
        "coalesce(r.phone, e.contact_phone), coalesce(d.name, ''), v.verified_on, v.method, "
        "v.verifiers, v.checks, v.notes, v.number FROM verification v "
        "JOIN enterprise e ON e.id = v.enterprise_id "
        "LEFT JOIN jilin_registration r ON r.id = v.registration_id "
        "LEFT JOIN division d ON d.code = v.division_code "
        "WHERE v.id = :id AND v.deleted_at IS NULL"), {"id": verification_id}).first()
    if row is None:
        return None
    photos = [EvidenceRef(sha, purpose, caption, taken or "") for sha, purpose, caption, taken
              in session.execute(text(
                  "SELECT sha256, purpose, caption, taken_at FROM attachment "
                  "WHERE owner_kind = 'verification' AND owner_id = :id AND deleted_at IS NULL "
                  "ORDER BY created_at, rowid"), {"id": verification_id})]
    signatures = [SignatureRef(*r) for r in session.execute(text(
        "SELECT sha256, signer_role, signer_name, signed_at FROM signature "
        "WHERE owner_kind = 'verification' AND owner_id = :id AND deleted_at IS NULL "
        "ORDER BY signed_at, rowid"), {"id": verification_id})]
    return VerificationDetail(
        id=row[0], enterprise_name=row[1], credit_code=row[2], home_province=row[3],
        registration_no=row[4], office_address=row[5], person_in_charge=row[6], phone=row[7],
        division=row[8], verified_on=date.fromisoformat(row[9]), method=row[10],
        verifiers=json.loads(row[11]), checks=json.loads(row[12]), notes=row[13],
        photos=photos, signatures=signatures, number=row[14])
