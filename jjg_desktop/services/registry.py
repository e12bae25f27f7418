"""Registering out-of-province enterprises (入吉企业信息登记)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from sqlalchemy import func, select

from jjg_desktop.rules.credit_code import normalize
from jjg_desktop.rules.registration import (
    PROVINCES,
    RegistrationInput,
    province_code,
    registration_problems,
)
from jjg_desktop.services.context import Change, ServiceContext, change
from jjg_desktop.services.errors import InvalidInput
from jjg_desktop.store.base import natural_id, new_id
from jjg_desktop.store.models import Division, Enterprise, JilinRegistration


def normalized(reg: RegistrationInput) -> RegistrationInput:
    """The registration as it is stored: trimmed, the code in upper case, the province by code."""
    code = province_code(reg.home_province)
    return RegistrationInput(
        credit_code=normalize(reg.credit_code), name=reg.name.strip(),
        home_province=PROVINCES.get(code or "", reg.home_province.strip()),
        division_code=reg.division_code, registered_on=reg.registered_on,
        registration_no=reg.registration_no.strip(),
        qualifications=[q.strip() for q in reg.qualifications if q.strip()],
        safety_licence_no=reg.safety_licence_no.strip(),
        safety_licence_expiry=reg.safety_licence_expiry,
        office_address=reg.office_address.strip(), person_in_charge=reg.person_in_charge.strip(),
        phone=reg.phone.strip(), commitments=[c.strip() for c in reg.commitments if c.strip()],
        legal_representative=reg.legal_representative.strip())


def register(ctx: ServiceContext, reg: RegistrationInput) -> str:
    """Register an enterprise to work in Jilin; returns its id. Refuses bad input and duplicates."""
    reg = normalized(reg)
    problems = registration_problems(reg, today=ctx.today())
    if problems:
        raise InvalidInput("；".join(problems))
    with change(ctx) as ch:
        if ch.session.get(Division, reg.division_code) is None:
            raise InvalidInput(f"未知的行政区划代码：{reg.division_code}")
        existing = ch.session.scalars(
            select(Enterprise).where(Enterprise.credit_code == reg.credit_code)).first()
        if existing is not None:
            raise InvalidInput(
                f"统一社会信用代码 {reg.credit_code} 已登记为“{existing.name}”，不能重复登记")
        return insert_registration(ch, reg)


def insert_registration(ch: Change, reg: RegistrationInput) -> str:
    """Write a new enterprise with its registration, audit entry and sync command."""
    home = province_code(reg.home_province) or ""
    ent = Enterprise(
        id=natural_id("enterprise", reg.credit_code), credit_code=reg.credit_code, name=reg.name,
        home_province_code=home,
        home_province=reg.home_province, division_code=reg.division_code,
        legal_representative=reg.legal_representative, qualifications=reg.qualifications,
        safety_licence_no=reg.safety_licence_no, safety_licence_expiry=reg.safety_licence_expiry,
        address=reg.office_address, contact_person=reg.person_in_charge, contact_phone=reg.phone,
        status="正常", created_at=ch.now, updated_at=ch.now)
    registration = JilinRegistration(
        id=new_id(), enterprise_id=ent.id, registration_no=reg.registration_no or _number(ch, reg),
        registered_on=reg.registered_on or ch.today, division_code=reg.division_code,
        office_address=reg.office_address, person_in_charge=reg.person_in_charge,
        phone=reg.phone, commitments=reg.commitments, created_at=ch.now, updated_at=ch.now)
    ch.session.add(ent)
    ch.session.flush()
    ch.session.add(registration)
    args = {"enterprise_id": ent.id, "registration_id": registration.id,
            "registration_no": registration.registration_no, **_payload(reg)}
    ch.record(action="enterprise.register", entity="enterprise", entity_id=ent.id,
              data=args, args=args)
    return ent.id


def _payload(reg: RegistrationInput) -> dict[str, object]:
    data = asdict(reg)
    for key in ("registered_on", "safety_licence_expiry"):
        value = data[key]
        data[key] = value.isoformat() if isinstance(value, date) else None
    return data


def _number(ch: Change, reg: RegistrationInput) -> str:
    """'吉入登〔2026〕222404-0007': year, division and a serial within them."""
    year = (reg.registered_on or ch.today).year
    prefix = f"吉入登〔{year}〕{reg.division_code}-"
    last = ch.session.scalar(select(func.max(JilinRegistration.registration_no)).where(
        JilinRegistration.registration_no >= prefix,
        JilinRegistration.registration_no < prefix + "\uffff"))
    tail = (last or prefix).removeprefix(prefix)
    return f"{prefix}{(int(tail) if tail.isdigit() else 0) + 1:04d}"
