from __future__ import annotations

import openpyxl
import pytest

from jjg_desktop.services.errors import ServiceError
from jjg_desktop.services.exports import export_enterprises
from jjg_desktop.store.read.registers import EnterpriseFilter
from tests_support import add_enterprise


def test_export_writes_exactly_the_filtered_rows(store, clock, tmp_path):
    add_enterprise(store, clock.now, name="珲春市宏达建筑工程有限公司")
    add_enterprise(store, clock.now, name="珲春市鑫源市政工程有限公司")
    add_enterprise(store, clock.now, name="江苏华泰建设工程有限公司", home_province="江苏省",
                   home_province_code="320000")
    out = tmp_path / "企业.xlsx"

    written = export_enterprises(store, EnterpriseFilter(text="珲春"), out, sort="name",
                                 order="asc")

    rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
    assert written == 2
    assert rows[0][:3] == ("企业名称", "统一社会信用代码", "注册地省份")
    assert [r[0] for r in rows[1:]] == ["珲春市宏达建筑工程有限公司", "珲春市鑫源市政工程有限公司"]
    assert rows[1][13] == "珲春市"  # 登记地区


def test_export_to_an_impossible_place_says_so_and_leaves_no_file(store, clock, tmp_path):
    add_enterprise(store, clock.now)
    target = tmp_path / "no-such-folder" / "企业.xlsx"
    with pytest.raises(ServiceError, match=r"无法保存 企业\.xlsx"):
        export_enterprises(store, EnterpriseFilter(), target)
    assert not target.parent.exists()


def test_a_cancelled_export_leaves_no_file(store, clock, tmp_path, monkeypatch):
    from jjg_desktop.services import exports

    monkeypatch.setattr(exports, "PAGE", 2)
    for n in range(5):
        add_enterprise(store, clock.now, name=f"第{n}建筑公司")
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ServiceError, match="已取消导出"):
        export_enterprises(store, EnterpriseFilter(), out / "企业.xlsx",
                           progress=lambda done, total: done < 4)
    assert list(out.iterdir()) == []


def test_a_value_a_spreadsheet_would_run_as_a_formula_goes_out_as_text(store, clock, tmp_path):
    names = ['=HYPERLINK("http://example.invalid","点我")', "+1+2", "-3+4", "@SUM(A1)",
             "珲春市-正常公司"]
    for name in names:
        add_enterprise(store, clock.now, name=name)
    out = tmp_path / "企业.xlsx"
    assert export_enterprises(store, EnterpriseFilter(), out, sort="name", order="asc") == 5
    sheet = openpyxl.load_workbook(out).active
    cells = {row[0].value: row[0] for row in sheet.iter_rows(min_row=2)}
    assert set(cells) == set(names)
    assert {name: cell.data_type for name, cell in cells.items()} == {n: "s" for n in names}
