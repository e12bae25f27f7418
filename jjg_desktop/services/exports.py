"""Exporting filtered lists to .xlsx: what is on screen, every row of it, nothing half-written."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from jjg_desktop.services.context import Store
from jjg_desktop.services.errors import ServiceError
from jjg_desktop.store import queries

PAGE = 1000
ENTERPRISE_COLUMNS = (
    "企业名称", "统一社会信用代码", "注册地", "所在区划", "联系人", "联系电话", "状态")
PROJECT_COLUMNS = (
    "项目编号", "项目名称", "区划", "类型", "状态", "建设单位", "施工单位", "监理单位")
Progress = Callable[[int, int], bool]


def export_enterprises(store: Store, f: queries.EnterpriseFilter, path: Path, *,
                       sort: str = "registered", order: queries.SortOrder = "desc",
                       progress: Progress | None = None) -> int:
    """Write the filtered enterprise list; returns the number of rows written."""
    def rows(session: Session) -> Iterator[Sequence[Any]]:
        for ids in _pages(lambda off: queries.enterprise_ids(
                session, f, sort=sort, order=order, limit=PAGE, offset=off)):
            for r in queries.enterprise_rows(session, ids):
                yield (r.name, r.credit_code, r.home_province, r.division, r.contact_person,
                       r.contact_phone, r.status)

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
        for i, width in enumerate((40, 22, 14, 16, 12, 16, 10, 30), start=1):
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
