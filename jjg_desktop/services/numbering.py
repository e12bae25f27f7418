"""The numbers inspections and notices carry, one series per issuing division, kind and year."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import InstrumentedAttribute, Session

from jjg_desktop.rules import inspection as rules
from jjg_desktop.store.models import Division, Inspection, RectificationNotice, Verification


def division_name(session: Session, code: str) -> str:
    division = session.get(Division, code)
    return division.name if division is not None else code


def _last_serial(session: Session, column: InstrumentedAttribute[str], prefix: str) -> int:
    taken = session.scalars(select(column).where(column >= prefix,
                                                 column < prefix + "\uffff")).all()
    return max((s for s in (rules.serial_of(n, prefix) for n in taken) if s is not None),
               default=0)


def next_inspection_serial(session: Session, division_code: str, year: int) -> tuple[str, int]:
    """(issuing division's name, the next free serial) of the year's inspection records."""
    name = division_name(session, division_code)
    prefix = rules.inspection_number_prefix(name, year)
    return name, _last_serial(session, Inspection.number, prefix) + 1


def next_inspection_number(session: Session, division_code: str, year: int) -> str:
    name, serial = next_inspection_serial(session, division_code, year)
    return rules.inspection_number(name, year, serial)


def next_notice_number(session: Session, division_code: str, kind: str, year: int) -> str:
    name = division_name(session, division_code)
    prefix = rules.notice_number_prefix(name, kind, year)
    serial = _last_serial(session, RectificationNotice.number, prefix) + 1
    return rules.notice_number(name, kind, year, serial)


def next_verification_number(session: Session, division_code: str, year: int) -> str:
    name = division_name(session, division_code)
    prefix = rules.verification_number_prefix(name, year)
    return rules.verification_number(name, year,
                                     _last_serial(session, Verification.number, prefix) + 1)
