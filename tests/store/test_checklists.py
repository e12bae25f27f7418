from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from jjg_desktop.paths import resource
from jjg_desktop.rules.checklist import TemplateError
from jjg_desktop.services.context import Store
from jjg_desktop.store.checklists import (
    PublishedTemplateChanged,
    install_shipped_templates,
    load_template_file,
    shipped_templates,
    template_id,
)
from jjg_desktop.store.models import ChecklistTemplate

NOW = datetime(2023, 11, 20, 1, 0)
SHIPPED = resource("checklists", "jzsc-zfjcb-2023.v1.json")


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    target = tmp_path / "checklists"
    target.mkdir()
    shutil.copy(SHIPPED, target / SHIPPED.name)
    return target


def test_shipped_templates_load() -> None:
    templates = shipped_templates()
    assert [(t.code, t.version) for t in templates] == [
        ("JZSC-ZFJCB-2023", "1"), ("JZSC-ZFJCB-2023", "2"), ("JZSC-ZFJCB-2023", "3")]
    assert len(templates[0].items) >= 30


V1_HASH = "701af400c8f2b209182a0bf3144372a5d7cfe928496a8968aa275d7d82f4f077"
V2_HASH = "ca88f779b3b8586f6b15427430ec4d0367a2e7321190e32c98839c1d8b12a6a6"
"""Version 2 as published on 2026-12-01 (laptops hold it; changing it would refuse them)."""


def test_version_two_corrects_the_first_and_leaves_it_as_published() -> None:
    """吉建规〔2023〕11号's key posts, 'more than three' contracts, the missing items and each
    violation's penalty provision come in version 2; version 1 stays as it was."""
    first, second, _third = shipped_templates()
    # version 1 as published in 2023, byte for byte: records made on it still read it
    assert first.content_hash == V1_HASH
    assert first.item("SM-02").text == "施工现场人员实名制考勤打卡率"
    assert "三项以上" in first.item("JL-03").noncompliance[0]
    sm2 = second.item("SM-02")
    assert "项目负责人、专职安全员、总监理工程师、安全监理工程师" in sm2.text
    assert "两次考勤打卡且间隔不少于4小时" in sm2.text and "吉建规〔2023〕11号" in sm2.basis
    assert second.item("JL-03").noncompliance[0].startswith("总监理工程师同时担任超过三项")
    assert not any("以上" in n for n in second.item("JL-03").noncompliance)
    added = {"JS-09": "第十三条", "JS-10": "第十一条", "JS-11": "第八条", "JS-12": "第十条",
             "SG-12": "第三十六条", "SM-09": "第十二条", "JL-06": "吉建规〔2023〕11号"}
    for code, basis in added.items():
        assert basis in second.item(code).basis, code
    assert len(second.item("SG-03").noncompliance) == 9
    assert "第八条" in second.item("SG-03").basis
    assert second.item("SG-03").penalty_basis.startswith("《中华人民共和国建筑法》第六十七条")
    assert not any(i.penalty_basis for i in first.items)
    assert len(second.items) == len(first.items) + len(added)


def test_version_three_asks_each_key_post_and_leaves_version_two_as_published() -> None:
    """Version 2 was published (2026-12-01) with SM-02 as one rate; the per-person sheet came
    as version 3, and version 2 stays byte for byte what laptops hold."""
    _first, second, third = shipped_templates()
    assert second.content_hash == V2_HASH
    assert second.item("SM-02").answer_type == "number"
    assert third.item("SM-02").answer_type == "key_posts"
    assert [p.post for p in third.item("SM-02").posts] == [
        "项目负责人", "专职安全员", "总监理工程师", "安全监理工程师"]
    assert third.published_on > second.published_on
    changed = [i.code for i in third.items if i != second.item(i.code)]
    assert changed == ["SM-02"]
    assert third.real_name.charged and not second.real_name.charged


def test_items_without_a_penalty_provision_are_the_ones_the_readme_lists() -> None:
    """The 建议书 leaves the provision to the punishing authority for these; the sources file
    says which they are, so a reader verifying the provisions knows what is missing."""
    _first, second, third = shipped_templates()
    without = [i.code for i in third.items if not i.penalty_basis]
    assert without == [i.code for i in second.items if not i.penalty_basis]
    assert without == ["JS-05", "SG-06", "SG-07", "SG-08", "SG-10", "SG-11", "SM-01", "SM-02",
                       "SM-03", "SM-06", "SM-07", "SM-08", "SM-09", "JL-02", "JL-03", "JL-04",
                       "JL-06", "XM-01", "XM-02", "XM-03", "XM-04", "RJ-01", "RJ-02", "RJ-03",
                       "RJ-04"]
    readme = " ".join(resource("checklists", "README.md").read_text("utf-8").split())
    assert ("items left without one (JS-05, SG-06/07 注册建造师, SG-08/10/11, SM-01 to SM-03, "
            "SM-06 to SM-09, JL-02/03/04/06, XM, RJ — listed by a test)") in readme


def test_invalid_json_names_the_file_and_position(tmp_path: Path) -> None:
    path = tmp_path / "broken.v1.json"
    path.write_text('{"code": "X",\n  "version": }', encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        load_template_file(path)
    assert str(info.value).startswith("检查表模板 broken.v1.json 无效：不是有效的 JSON（第 2 行")


def test_invalid_template_names_the_file_and_field(tmp_path: Path) -> None:
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    del data["sections"][0]["items"][0]["requirement"]
    path = tmp_path / "bad.v1.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(TemplateError) as info:
        load_template_file(path)
    assert str(info.value) == (
        "检查表模板 bad.v1.json 无效：sections[0].items[0].requirement：缺少必填字段")


def test_two_files_with_the_same_version_are_refused(folder: Path) -> None:
    shutil.copy(SHIPPED, folder / "copy.json")
    expected = r"jzsc-zfjcb-2023\.v1\.json 无效：.*已由 copy\.json 提供"
    with pytest.raises(TemplateError, match=expected):
        shipped_templates(folder)


def test_opening_a_store_installs_each_shipped_version_once(store: Store) -> None:
    with store.db.write() as session:
        assert install_shipped_templates(session, NOW) == 0
    with store.db.read() as session:
        rows = session.scalars(select(ChecklistTemplate)).all()
    assert sorted((r.code, r.version) for r in rows) == [
        ("JZSC-ZFJCB-2023", "1"), ("JZSC-ZFJCB-2023", "2"), ("JZSC-ZFJCB-2023", "3")]
    row = next(r for r in rows if r.version == "1")
    assert row.id == template_id("JZSC-ZFJCB-2023", "1")
    assert row.content_hash == shipped_templates()[0].content_hash
    assert row.content["sections"][0]["items"][0]["code"] == "JS-01"
    assert row.published_on is not None and row.published_on.isoformat() == "2023-03-15"


def test_a_changed_published_version_is_refused(store: Store, folder: Path) -> None:
    with store.db.write() as session:
        install_shipped_templates(session, NOW, folder=folder)
    path = folder / SHIPPED.name
    data = json.loads(path.read_text(encoding="utf-8"))
    data["sections"][0]["items"][0]["deadline_days"] = 30
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(PublishedTemplateChanged, match="第 1 版已发布使用，内容不得更改"), \
            store.db.write() as session:
        install_shipped_templates(session, NOW, folder=folder)
    with store.db.read() as session:
        kept = session.scalars(select(ChecklistTemplate).where(
            ChecklistTemplate.version == "1")).one()
    assert kept.content["sections"][0]["items"][0]["deadline_days"] == 15


def test_a_new_version_is_installed_beside_the_old(store: Store, folder: Path) -> None:
    with store.db.write() as session:
        install_shipped_templates(session, NOW, folder=folder)
    data = json.loads((folder / SHIPPED.name).read_text(encoding="utf-8"))
    data["version"] = "4"
    (folder / "jzsc-zfjcb-2023.v4.json").write_text(json.dumps(data, ensure_ascii=False),
                                                    encoding="utf-8")
    with store.db.write() as session:
        assert install_shipped_templates(session, NOW, folder=folder) == 1
    with store.db.read() as session:
        versions = session.scalars(select(ChecklistTemplate.version).order_by(
            ChecklistTemplate.version)).all()
        assert session.scalar(select(func.count()).select_from(ChecklistTemplate)) == 4
    assert versions == ["1", "2", "3", "4"]
