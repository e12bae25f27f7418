"""Exporting filtered lists to .xlsx: what is on screen, every row of it, nothing half-written."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from jjg_desktop.services.context import Store
from jjg_desktop.services.errors import ServiceError
from jjg_desktop.store.models import Division, Enterprise, JilinRegistration
from jjg_desktop.store.read import registers as queries
from jjg_desktop.store.read.worklists import (
    InspectionFilter,
    finding_export_rows,
    inspection_ids,
)

PAGE = 1000
ENTERPRISE_COLUMNS = (
    "企业名称", "统一社会信用代码", "注册地省份", "登记日期", "在吉办公地址", "在吉负责人",
    "联系电话", "登记编号", "资质", "安全生产许可证号", "安全生产许可证有效期", "承诺事项",
    "法定代表人", "登记地区", "状态")
"""The registration sheet's columns (`registration_import.HEADERS`), so an export imports
back unchanged, then the status."""
PROJECT_COLUMNS = (
    "项目编号", "项目名称", "区划", "类型", "状态", "建设单位", "施工单位", "监理单位")
Progress = Callable[[int, int], bool]


def export_enterprises(store: Store, f: queries.EnterpriseFilter, path: Path, *,
                       sort: str = "registered", order: queries.SortOrder = "desc",
                       progress: Progress | None = None) -> int:
    """Write the filtered enterprise list as the registration sheet (every column the import
    reads, so it imports back unchanged); returns the number of rows written."""
    def rows(session: Session) -> Iterator[Sequence[Any]]:
        for ids in _pages(lambda off: queries.enterprise_ids(
                session, f, sort=sort, order=order, limit=PAGE, offset=off)):
            found = {e.id: e for e in session.scalars(select(Enterprise).where(
                Enterprise.id.in_(ids)))}
            current: dict[str, JilinRegistration] = {}
            for reg in session.scalars(select(JilinRegistration).where(
                    JilinRegistration.enterprise_id.in_(ids),
                    JilinRegistration.deleted_at.is_(None)).order_by(
                    JilinRegistration.registered_on.desc())):
                current.setdefault(reg.enterprise_id, reg)
            divisions = {d.code: d.name for d in session.scalars(select(Division))}
            for r in queries.enterprise_rows(session, ids):
                ent, reg = found[r.id], current.get(r.id)
                yield (ent.name, ent.credit_code, ent.home_province,
                       reg.registered_on if reg else None,
                       reg.office_address if reg else ent.address,
                       reg.person_in_charge if reg else ent.contact_person,
                       reg.phone if reg else ent.contact_phone,
                       reg.registration_no if reg else "",
                       "、".join(ent.qualifications or []), ent.safety_licence_no,
                       ent.safety_licence_expiry, "、".join(reg.commitments or []) if reg else "",
                       ent.legal_representative,
                       divisions.get(reg.division_code if reg else ent.division_code, ""),
                       ent.status)

    with store.db.read() as session:
        total = queries.enterprise_count(session, f)
        return _write(path, "入吉企业", ENTERPRISE_COLUMNS, rows(session), total, progress)


def export_projects(store: Store, f: queries.ProjectFilter, path: Path, *,
                    sort: str = "registered", order: queries.SortOrder = "desc",
                    progress: Progress | None = None) -> int:
    def rows(session: Session) -> Iterator[Sequence[Any]]:
        for ids in _pages(lambda off: queries.project_ids(
                session, f, sort=sort, order=order, limit=PAGE, offset=off)):
            for r in queries.project_rows(session, ids):
                yield (r.code, r.name, r.division, r.kind, r.status, r.builder, r.contractor,
                       r.supervisor)

    with store.db.read() as session:
        total = queries.project_count(session, f)
        return _write(path, "项目", PROJECT_COLUMNS, rows(session), total, progress)


def export_list(store: Store, title: str, headers: Sequence[str], *,
                ids: Callable[..., list[Any]], rows: Callable[[Session, Sequence[Any]], Any],
                count: Callable[[Session, Any], int], values: Callable[[Any], Sequence[Any]],
                filter_: Any, sort: str, order: queries.SortOrder, path: Path,
                progress: Progress | None = None) -> int:
    """Any list as the clerk sees it (its read model, filter, sort and columns) to .xlsx;
    returns the number of rows written."""
    def lines(session: Session) -> Iterator[Sequence[Any]]:
        for page in _pages(lambda off: ids(session, filter_, sort=sort, order=order,
                                          limit=PAGE, offset=off)):
            for r in rows(session, page):
                yield values(r)

    with store.db.read() as session:
        return _write(path, title, headers, lines(session), count(session, filter_), progress)


FINDING_COLUMNS = ("检查编号", "项目", "检查项", "存在的问题", "依据", "整改要求", "责任单位",
                   "整改期限", "状态", "整改通知书")


def export_findings(store: Store, f: InspectionFilter, path: Path, *, sort: str = "day",
                    order: queries.SortOrder = "desc", progress: Progress | None = None) -> int:
    """The findings of the inspections the list shows (filtered and sorted as shown), each
    with its responsible unit, deadline, state and the notices that carry it."""
    def rows(session: Session) -> Iterator[Sequence[Any]]:
        for ids in _pages(lambda off: inspection_ids(session, f, sort=sort, order=order,
                                                     limit=PAGE, offset=off)):
            yield from finding_export_rows(session, ids)

    with store.db.read() as session:  # the number of findings is known only as they come
        return _write(path, "检查发现的问题", FINDING_COLUMNS, rows(session), 0, progress)


def _pages(fetch: Callable[[int], list[str]]) -> Iterator[list[str]]:
    offset = 0
    while True:
        ids = fetch(offset)
        if not ids:
            return
        yield ids
        offset += len(ids)


def _write(path: Path, title: str, columns: Sequence[str], rows: Iterator[Sequence[Any]],
           total: int, progress: Progress | None) -> int:
    path = path.expanduser()
    try:
        fd, tmp = tempfile.mkstemp(prefix=".jjg-export-", suffix=".xlsx", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise _save_error(path, exc) from exc
    try:
        written = _fill_and_save(tmp, title, columns, rows, total, progress)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise _save_error(path, exc) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return written


def _save_error(path: Path, exc: OSError) -> ServiceError:
    return ServiceError(f"无法保存 {path.name}：{exc.strerror or exc}。"
                        "请检查磁盘空间或换一个保存位置。")


def _fill_and_save(tmp: str, title: str, columns: Sequence[str],
                   rows: Iterator[Sequence[Any]], total: int, progress: Progress | None) -> int:
    import openpyxl
    from openpyxl.styles import Font

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet(title)
    try:
        ws.freeze_panes = "A2"
        for i, width in enumerate((40, 22, 14, 12, 30, 12, 16, 16, 30, 26, 14, 30, 12, 12, 10),
                                  start=1):
            ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width = width
        header = []
        for name in columns:
            cell = openpyxl.cell.WriteOnlyCell(ws, value=name)
            cell.font = Font(bold=True)
            header.append(cell)
        ws.append(header)
        written = 0
        for row in rows:
            ws.append([_as_text(ws, v) for v in row])
            written += 1
            if progress and written % PAGE == 0 and not progress(written, total):
                raise ServiceError("已取消导出，未生成文件")
        wb.save(tmp)
    except BaseException:
        _discard(ws)
        raise
    return written


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""A cell value starting with one of these is a formula to Excel and WPS: it goes out as text."""


def _as_text(ws: Any, value: Any) -> Any:
    """A value as a cell that can never run as a formula (an enterprise named "=HYPERLINK(…)")."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS):
        return value
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(ws, value=value)
    cell.data_type = "s"
    return cell


def _discard(ws: Any) -> None:
    """Finish and delete an unsaved write-only sheet's spool file (openpyxl has no abort)."""
    ws.close()
    ws._writer.cleanup()
