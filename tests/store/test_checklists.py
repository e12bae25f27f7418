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
    assert [(t.code, t.version) for t in templates] == [("JZSC-ZFJCB-2023", "1")]
    assert len(templates[0].items) >= 30


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
    assert len(rows) == 1
    row = rows[0]
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
        kept = session.scalars(select(ChecklistTemplate)).one()
    assert kept.content["sections"][0]["items"][0]["deadline_days"] == 15


def test_a_new_version_is_installed_beside_the_old(store: Store, folder: Path) -> None:
    with store.db.write() as session:
        install_shipped_templates(session, NOW, folder=folder)
    data = json.loads((folder / SHIPPED.name).read_text(encoding="utf-8"))
    data["version"] = "2"
    (folder / "jzsc-zfjcb-2023.v2.json").write_text(json.dumps(data, ensure_ascii=False),
                                                    encoding="utf-8")
    with store.db.write() as session:
        assert install_shipped_templates(session, NOW, folder=folder) == 1
    with store.db.read() as session:
        versions = session.scalars(select(ChecklistTemplate.version).order_by(
            ChecklistTemplate.version)).all()
        assert session.scalar(select(func.count()).select_from(ChecklistTemplate)) == 2
    assert versions == ["1", "2"]
