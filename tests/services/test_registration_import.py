from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from jjg_desktop.rules.credit_code import complete
from jjg_desktop.services.registration_import import (
    SheetError,
    apply_import,
    read_registration_sheet,
)
from jjg_desktop.store.models import AuditEntry, Enterprise, JilinRegistration, OutboxCommand

HEADER = ["序号", "统一社会信用代码", "企业名称", "注册地省份", "登记日期", "在吉办公地址",
          "在吉负责人", "联系电话", "资质", "安全生产许可证有效期"]


def _code(n: int) -> str:
    return complete(f"91320100MA{n:06d}")


def _row(n: int, **over):
    row = {"序号": n, "统一社会信用代码": _code(n), "企业名称": f"江苏第{n}建设工程有限公司",
           "注册地省份": "江苏省", "登记日期": datetime(2026, 3, 1),
           "在吉办公地址": f"珲春市新安街{n}号",
           "在吉负责人": "陈刚", "联系电话": f"1390433{n:04d}",
           "资质": "建筑工程施工总承包贰级；市政公用工程施工总承包叁级",
           "安全生产许可证有效期": "2027/6/30"}
    row.update(over)
    return [row[h] for h in HEADER]


def _write(path: Path, rows, *, title_rows=1, header=HEADER, merges=()) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for _ in range(title_rows):
        ws.append(["2026年入吉企业信息登记表（珲春市）"])
    ws.append(header)
    for r in rows:
        ws.append(r)
    for m in merges:
        ws.merge_cells(m)
    wb.save(path)
    return path


def _count(store, model) -> int:
    with store.db.read() as s:
        return s.scalar(select(func.count()).select_from(model))


def test_valid_rows_import_and_broken_rows_are_reported_with_reasons(ctx, store, tmp_path):
    rows = [_row(1), _row(2),
            _row(3, 统一社会信用代码="91320100MA0000031X"),       # wrong check character
            _row(4, 联系电话=None),                              # missing phone
            _row(5, 登记日期="明年春天"),                         # unreadable date
            _row(6, 注册地省份="吉林省"),                         # not out-of-province
            _row(7, 统一社会信用代码=_code(1))]                   # duplicate of row 1
    path = _write(tmp_path / "list.xlsx", rows)

    preview = read_registration_sheet(ctx, path)
    assert _count(store, Enterprise) == 0  # a preview writes nothing
    by_row = {r.row: r for r in preview.rows}
    assert [by_row[n].status for n in (3, 4)] == ["new", "new"]
    assert "第18位校验码应为" in by_row[5].problems[0]
    assert by_row[6].problems == ["联系电话不能为空"]
    assert by_row[7].problems == ["登记日期“明年春天”不是有效日期（应如 2023-03-15）"]
    assert by_row[8].problems == ["注册地为吉林省的企业不需要办理入吉信息登记"]
    assert by_row[9].problems == ["与第 3 行的统一社会信用代码重复"]
    assert preview.describe() == "新增 2 行，更新 0 行，无变化 0 行，有误 5 行"

    summary = apply_import(ctx, preview)
    assert (summary.created, summary.invalid) == (2, 5)
    assert _count(store, Enterprise) == 2 and _count(store, JilinRegistration) == 2
    with store.db.read() as s:
        ent = s.scalars(select(Enterprise).where(Enterprise.credit_code == _code(1))).one()
        assert ent.qualifications == ["建筑工程施工总承包贰级", "市政公用工程施工总承包叁级"]
        assert ent.safety_licence_expiry == date(2027, 6, 30)


def test_importing_the_same_file_again_changes_nothing(ctx, store, tmp_path):
    path = _write(tmp_path / "list.xlsx", [_row(1), _row(2)])
    apply_import(ctx, read_registration_sheet(ctx, path))
    counts = (_count(store, AuditEntry), _count(store, OutboxCommand))

    again = read_registration_sheet(ctx, path)
    assert [r.status for r in again.rows] == ["unchanged", "unchanged"]
    summary = apply_import(ctx, again)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 2)
    assert (_count(store, AuditEntry), _count(store, OutboxCommand)) == counts


def test_a_changed_row_updates_the_registration(ctx, store, tmp_path):
    apply_import(ctx, read_registration_sheet(ctx, _write(tmp_path / "a.xlsx", [_row(1)])))
    changed = _write(tmp_path / "b.xlsx", [_row(1, 在吉负责人="赵磊", 联系电话="04337512345")])
    preview = read_registration_sheet(ctx, changed)
    assert preview.rows[0].status == "update"
    assert set(preview.rows[0].changed_fields) == {"person_in_charge", "phone"}
    apply_import(ctx, preview)
    with store.db.read() as s:
        ent = s.scalars(select(Enterprise)).one()
        reg = s.scalars(select(JilinRegistration)).one()
        cmd = s.scalars(select(OutboxCommand).order_by(OutboxCommand.id.desc())).first()
    assert (ent.contact_person, reg.phone) == ("赵磊", "04337512345")
    assert cmd.command == "enterprise.update_registration"


def test_merged_cells_count_for_every_row_they_cover(ctx, tmp_path):
    rows = [_row(1), _row(2, 注册地省份=None), _row(3, 注册地省份=None)]
    path = _write(tmp_path / "merged.xlsx", rows, merges=["D3:D5"])
    preview = read_registration_sheet(ctx, path)
    assert [r.status for r in preview.rows] == ["new", "new", "new"]
    assert {r.registration.home_province for r in preview.rows} == {"江苏省"}


def test_wrong_headers_are_refused_naming_what_is_missing(ctx, tmp_path):
    header = ["统一社会信用代码", "企业名称", "注册地省份", "备注"]
    path = _write(tmp_path / "wrong.xlsx", [[_code(1), "某公司", "江苏省", ""]], header=header)
    with pytest.raises(SheetError, match="表头缺少：登记日期、在吉办公地址、在吉负责人、联系电话"):
        read_registration_sheet(ctx, path)


def test_a_file_that_is_not_a_workbook_is_refused(ctx, store, tmp_path):
    fake = tmp_path / "list.xlsx"
    fake.write_bytes(b"PK\x03\x04 truncated download")
    with pytest.raises(SheetError, match="不是有效的 Excel"):
        read_registration_sheet(ctx, fake)
    with pytest.raises(SheetError, match="找不到文件"):
        read_registration_sheet(ctx, tmp_path / "missing.xlsx")
    assert _count(store, Enterprise) == 0
