"""Importing the province's registration list (.xlsx): preview, row-by-row report, apply.

Reading never writes. The preview says for every row whether it is new, an update, unchanged,
or invalid (and why); applying writes the new and changed rows in one transaction, each with
its audit entry and sync command, and nothing of the invalid ones. Importing the same file
again finds every row unchanged.
"""

from __future__ import annotations

import gc
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import select

from jjg_desktop.rules.registration import RegistrationInput, registration_problems, split_list
from jjg_desktop.services.context import ServiceContext, change
from jjg_desktop.services.errors import InvalidInput
from jjg_desktop.services.registry import insert_registration, normalized
from jjg_desktop.store.models import Division, Enterprise, JilinRegistration

RowStatus = Literal["new", "update", "unchanged", "invalid"]
STATUS_LABELS = {"new": "新增", "update": "更新", "unchanged": "无变化", "invalid": "有误"}

HEADERS: dict[str, tuple[str, ...]] = {
    "credit_code": ("统一社会信用代码", "社会信用代码", "信用代码"),
    "name": ("企业名称", "单位名称", "名称"),
    "home_province": ("注册地省份", "注册地", "企业注册地", "所属省份", "省份"),
    "registered_on": ("登记日期", "登记时间", "入吉登记日期"),
    "office_address": ("在吉办公地址", "在吉固定办公场所", "办公地址", "固定办公场所地址"),
    "person_in_charge": ("在吉负责人", "驻吉负责人", "负责人"),
    "phone": ("联系电话", "负责人电话", "电话"),
    "registration_no": ("登记编号", "登记号"),
    "qualifications": ("资质", "资质等级", "企业资质"),
    "safety_licence_no": ("安全生产许可证号", "安全生产许可证编号", "安许证号"),
    "safety_licence_expiry": ("安全生产许可证有效期", "安许证有效期至", "许可证有效期"),
    "commitments": ("承诺事项", "承诺"),
    "legal_representative": ("法定代表人", "法人"),
    "division": ("登记地区", "所在县（市、区）", "所在县(市、区)", "登记县区"),
}
REQUIRED = ("credit_code", "name", "home_province", "registered_on", "office_address",
            "person_in_charge", "phone")
_HEADER_SEARCH_ROWS = 10
_DATE_TEXT = re.compile(r"^(\d{4})\D{1,2}(\d{1,2})\D{1,2}(\d{1,2})\D?$")


class SheetError(InvalidInput):
    """The file cannot be read as a registration list at all; nothing was written."""


BATCH = 500  # values in one IN (…)


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One stored value a row would change: ``clears`` when the sheet's cell is empty."""

    key: str
    before: Any
    after: Any
    clears: bool


@dataclass(slots=True)
class RowResult:
    row: int
    status: RowStatus
    credit_code: str
    name: str
    problems: list[str] = field(default_factory=list)
    registration: RegistrationInput | None = None
    existing_id: str | None = None
    changes: list[FieldChange] = field(default_factory=list)
    given: frozenset[str] = frozenset()
    """The fields the sheet has a column for; a field it lacks is not given, and the stored
    value stays."""

    @property
    def changed_fields(self) -> list[str]:
        return [c.key for c in self.changes]

    @property
    def clears(self) -> list[FieldChange]:
        return [c for c in self.changes if c.clears]


@dataclass(slots=True)
class ImportPreview:
    path: Path
    sheet: str
    header_row: int
    rows: list[RowResult]

    def count(self, status: RowStatus) -> int:
        return sum(1 for r in self.rows if r.status == status)

    def clears(self) -> int:
        """Stored values that empty cells of the sheet would clear."""
        return sum(len(r.clears) for r in self.rows if r.status == "update")

    def to_write(self, *, clear: bool = False) -> int:
        """Rows importing would write: new ones, and updates with something to apply."""
        return self.count("new") + sum(
            1 for r in self.rows if r.status == "update"
            and (clear or any(not c.clears for c in r.changes)))

    def describe(self) -> str:
        return "，".join(f"{STATUS_LABELS[s]} {self.count(s)} 行"
                        for s in ("new", "update", "unchanged", "invalid"))


@dataclass(frozen=True, slots=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int
    invalid: int


def read_registration_sheet(ctx: ServiceContext, path: Path) -> ImportPreview:
    sheet_name, header_row, columns, rows = _read_rows(path)
    today = ctx.today()
    with ctx.db.read() as session:
        division_by_name = {d.name: d.code for d in session.scalars(select(Division))}
        results: list[RowResult] = []
        seen: dict[str, int] = {}
        for row_no, cells in rows:
            result = _row_result(row_no, cells, columns, ctx.actor.division_code,
                                 division_by_name, today)
            if result.status != "invalid":
                first = seen.setdefault(result.credit_code, row_no)
                if first != row_no:
                    result.status = "invalid"
                    result.problems.append(f"与第 {first} 行的统一社会信用代码重复")
            results.append(result)
        _compare_with_store(session, [r for r in results if r.status != "invalid"])
    return ImportPreview(path=path, sheet=sheet_name, header_row=header_row, rows=results)


def apply_import(ctx: ServiceContext, preview: ImportPreview, *,
                 clear: bool = False) -> ImportSummary:
    """Write the new and changed rows of a preview in one transaction. A column the sheet
    lacks changes nothing; an empty cell under a column it has clears the stored value only
    with ``clear`` (the clerk confirmed it)."""
    created = updated = 0
    with change(ctx) as ch:
        for result in preview.rows:
            reg = result.registration
            if reg is None or result.status in ("invalid", "unchanged"):
                continue
            existing = ch.session.scalars(
                select(Enterprise).where(Enterprise.credit_code == reg.credit_code)).first()
            if existing is None:
                insert_registration(ch, reg)
                created += 1
            elif _apply_update(ch, existing, reg, result.given, clear=clear):
                updated += 1
    invalid = preview.count("invalid")
    return ImportSummary(created=created, updated=updated,
                         unchanged=len(preview.rows) - invalid - created - updated,
                         invalid=invalid)


def _read_rows(path: Path) -> tuple[str, int, dict[str, int], list[tuple[int, list[Any]]]]:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    if not path.is_file():
        raise SheetError(f"找不到文件：{path}")
    # openpyxl's cells and sheets point at each other: a big sheet makes the cycle collector
    # walk ~250k objects again and again, holding the GIL (the window freezes). It is paused
    # while the sheet is read, and the cycles are broken before the workbook is let go.
    paused = gc.isenabled()
    gc.disable()
    try:
        try:
            wb = openpyxl.load_workbook(path, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError,
                ValueError) as exc:
            raise SheetError(f"无法读取 {path.name}：不是有效的 Excel（.xlsx）文件，或文件已损坏"
                             f"（{type(exc).__name__}）") from exc
        try:
            title, values = _active_sheet_values(wb, path)
        finally:
            for sheet in wb.worksheets:
                sheet._cells.clear()
            wb.close()
            del wb
    finally:
        if paused:
            gc.enable()
    header_idx, columns = _find_header(values)
    if header_idx is None:
        raise SheetError(f"{path.name} 的前 {_HEADER_SEARCH_ROWS} 行中找不到表头。"
                         f"表头应包含：{'、'.join(HEADERS[k][0] for k in REQUIRED)}")
    missing = [HEADERS[k][0] for k in REQUIRED if k not in columns]
    if missing:
        raise SheetError(f"{path.name} 第 {header_idx + 1} 行的表头缺少：{'、'.join(missing)}。"
                         "请使用省厅下发的入吉企业登记表。")
    rows = [(i + 1, r) for i, r in enumerate(values) if i > header_idx
            and any(v not in (None, "") for v in r)]
    return title, header_idx + 1, columns, rows


def _active_sheet_values(wb: Any, path: Path) -> tuple[str, list[list[Any]]]:
    """The active sheet's values, a merged range's value in each of its cells."""
    ws = wb.active
    if ws is None:
        raise SheetError(f"{path.name} 中没有工作表")
    values = [list(r) for r in ws.iter_rows(values_only=True)]
    for merged in ws.merged_cells.ranges:
        top_left = values[merged.min_row - 1][merged.min_col - 1] if merged.min_row <= len(
            values) else None
        for r in range(merged.min_row, min(merged.max_row, len(values)) + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                if c - 1 < len(values[r - 1]):
                    values[r - 1][c - 1] = top_left
    return ws.title, values


def _find_header(values: list[list[Any]]) -> tuple[int | None, dict[str, int]]:
    best: tuple[int | None, dict[str, int]] = (None, {})
    for i, row in enumerate(values[:_HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        for col, cell in enumerate(row):
            label = re.sub(r"\s+", "", str(cell or "")).replace("*", "")
            for key, names in HEADERS.items():
                if label in names and key not in columns:
                    columns[key] = col
        if len(columns) > len(best[1]):
            best = (i, columns)
    return best if len(best[1]) >= 3 else (None, {})


def _cell(cells: list[Any], columns: dict[str, int], key: str) -> Any:
    col = columns.get(key)
    return cells[col] if col is not None and col < len(cells) else None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value: Any) -> tuple[date | None, str | None]:
    if value in (None, ""):
        return None, None
    if isinstance(value, datetime):
        return value.date(), None
    if isinstance(value, date):
        return value, None
    if isinstance(value, int | float):
        return date(1899, 12, 30) + timedelta(days=int(value)), None
    text = str(value).strip()
    m = _DATE_TEXT.match(text)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3])), None
        except ValueError:
            pass
    return None, f"“{text}”不是有效日期（应如 2023-03-15）"


def _row_result(row_no: int, cells: list[Any], columns: dict[str, int], default_division: str,
                division_by_name: dict[str, str], today: date) -> RowResult:
    problems: list[str] = []
    registered_on, problem = _date(_cell(cells, columns, "registered_on"))
    if problem:
        problems.append(f"登记日期{problem}")
    expiry, problem = _date(_cell(cells, columns, "safety_licence_expiry"))
    if problem:
        problems.append(f"安全生产许可证有效期{problem}")
    division = default_division
    division_text = _text(_cell(cells, columns, "division"))
    if division_text:
        found = division_by_name.get(division_text) or (
            division_text if division_text in division_by_name.values() else None)
        if found is None:
            problems.append(f"登记地区“{division_text}”不是吉林省的县（市、区）")
        else:
            division = found
    reg = normalized(RegistrationInput(
        credit_code=_text(_cell(cells, columns, "credit_code")),
        name=_text(_cell(cells, columns, "name")),
        home_province=_text(_cell(cells, columns, "home_province")),
        division_code=division, registered_on=registered_on,
        registration_no=_text(_cell(cells, columns, "registration_no")),
        qualifications=split_list(_text(_cell(cells, columns, "qualifications"))),
        safety_licence_no=_text(_cell(cells, columns, "safety_licence_no")),
        safety_licence_expiry=expiry,
        office_address=_text(_cell(cells, columns, "office_address")),
        person_in_charge=_text(_cell(cells, columns, "person_in_charge")),
        phone=_text(_cell(cells, columns, "phone")),
        commitments=split_list(_text(_cell(cells, columns, "commitments"))),
        legal_representative=_text(_cell(cells, columns, "legal_representative"))))
    unreadable_date = any(p.startswith("登记日期") for p in problems)
    problems.extend(p for p in registration_problems(reg, today=today)
                    if not (unreadable_date and p == "登记日期不能为空"))
    status: RowStatus = "invalid" if problems else "new"
    given = frozenset(_FIELD_OF_COLUMN.get(key, key) for key in columns)
    return RowResult(row=row_no, status=status, credit_code=reg.credit_code, name=reg.name,
                     problems=problems, registration=None if problems else reg, given=given)


_COMPARED = {
    "name": ("enterprise", "name"), "home_province": ("enterprise", "home_province"),
    "qualifications": ("enterprise", "qualifications"),
    "safety_licence_no": ("enterprise", "safety_licence_no"),
    "safety_licence_expiry": ("enterprise", "safety_licence_expiry"),
    "legal_representative": ("enterprise", "legal_representative"),
    "office_address": ("registration", "office_address"),
    "person_in_charge": ("registration", "person_in_charge"),
    "phone": ("registration", "phone"), "commitments": ("registration", "commitments"),
    "registered_on": ("registration", "registered_on"),
    "division_code": ("registration", "division_code"),
}


_FIELD_OF_COLUMN = {"division": "division_code"}


def _empty(value: Any) -> bool:
    return value in (None, "", [])


def _current_registration(session: Any, enterprise_id: str) -> JilinRegistration | None:
    return session.scalars(select(JilinRegistration).where(
        JilinRegistration.enterprise_id == enterprise_id,
        JilinRegistration.deleted_at.is_(None)).order_by(
        JilinRegistration.registered_on.desc())).first()


def _differences(ent: Enterprise, registration: JilinRegistration | None,
                 reg: RegistrationInput, given: frozenset[str]) -> list[FieldChange]:
    """What the row would change of the stored enterprise, for the fields the sheet gives."""
    changes = []
    for key, (where, attr) in _COMPARED.items():
        if key not in given:
            continue
        target = ent if where == "enterprise" else registration
        before = getattr(target, attr) if target is not None else None
        after = getattr(reg, key)
        if target is None or before != after:
            changes.append(FieldChange(key, before, after,
                                       clears=_empty(after) and not _empty(before)))
    if reg.registration_no and registration is not None and (
            registration.registration_no != reg.registration_no):
        changes.append(FieldChange("registration_no", registration.registration_no,
                                   reg.registration_no, clears=False))
    return changes


def _compare_with_store(session: Any, results: list[RowResult]) -> None:
    """Mark each row new, changed or unchanged against the store, a few queries for all rows
    (one query a row starves the GUI thread of a 10k-row sheet's preview)."""
    codes = [r.registration.credit_code for r in results if r.registration is not None]
    known: dict[str, Enterprise] = {}
    for start in range(0, len(codes), BATCH):
        known.update((e.credit_code, e) for e in session.scalars(
            select(Enterprise).where(Enterprise.credit_code.in_(codes[start:start + BATCH]))))
    ids = [e.id for e in known.values()]
    current: dict[str, JilinRegistration] = {}
    for start in range(0, len(ids), BATCH):
        for registration in session.scalars(select(JilinRegistration).where(
                JilinRegistration.enterprise_id.in_(ids[start:start + BATCH]),
                JilinRegistration.deleted_at.is_(None)).order_by(
                JilinRegistration.registered_on.desc())):
            current.setdefault(registration.enterprise_id, registration)
    for result in results:
        reg = result.registration
        assert reg is not None
        ent = known.get(reg.credit_code)
        if ent is None:
            continue
        result.existing_id = ent.id
        if ent.home_province_code == "220000":
            result.status = "invalid"
            result.problems.append(f"该代码已登记为省内企业“{ent.name}”，不能作为入吉企业导入")
            result.registration = None
            continue
        result.changes = _differences(ent, current.get(ent.id), reg, result.given)
        result.status = "update" if result.changes else "unchanged"


_MIRRORED = {"office_address": "address", "person_in_charge": "contact_person",
             "phone": "contact_phone", "division_code": "division_code"}
"""Registration fields the enterprise record repeats."""


def _apply_update(ch: Any, ent: Enterprise, reg: RegistrationInput, given: frozenset[str],
                  *, clear: bool) -> bool:
    """Write what the row changes of the fields the sheet gives; an empty cell clears a
    stored value only when ``clear``."""
    registration = _current_registration(ch.session, ent.id)
    changes = [c for c in _differences(ent, registration, reg, given) if clear or not c.clears]
    if not changes:
        return False
    before: dict[str, Any] = {}
    for change_ in changes:
        where, attr = _COMPARED.get(change_.key, ("registration", change_.key))
        target = ent if where == "enterprise" else registration
        if target is None:
            continue
        before[change_.key] = change_.before
        setattr(target, attr, change_.after)
        if change_.key in _MIRRORED:
            setattr(ent, _MIRRORED[change_.key], change_.after)
    ent.updated_at = ch.now
    if registration is None:
        registration = JilinRegistration(
            enterprise_id=ent.id, registration_no=reg.registration_no or "",
            registered_on=reg.registered_on,
            division_code=reg.division_code if "division_code" in given else ent.division_code,
            office_address=reg.office_address or ent.address or "",
            person_in_charge=reg.person_in_charge or ent.contact_person or "",
            phone=reg.phone or ent.contact_phone or "", commitments=reg.commitments,
            created_at=ch.now, updated_at=ch.now)
        ch.session.add(registration)
    else:
        registration.updated_at = ch.now
    after = {c.key: c.after for c in changes}
    ch.record(action="enterprise.update_registration", entity="enterprise", entity_id=ent.id,
              data={"before": before, "after": after, "source": "excel"},
              args={"id": ent.id, "fields": after}, base_version=ent.server_version)
    return True
