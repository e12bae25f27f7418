"""Builders for inspection tests: a project on site, a team, photos and signatures, a record
filled in and completed through the services."""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from PIL import Image, ImageDraw

from jjg_desktop.rules import key_posts
from jjg_desktop.services import inspections
from jjg_desktop.services.context import ServiceContext, Store
from jjg_desktop.services.inspections import TeamEntry
from jjg_desktop.store.base import new_id
from jjg_desktop.store.models import KeyPerson, Project, ProjectParty
from jjg_desktop.store.read.inspections import InspectionDetail, inspection_detail
from tests_support import add_enterprise, add_project

TEAM = (TeamEntry("刘晓燕", "干部", "22240400001", "clerk01"), TeamEntry("金哲", "专家"))
USUAL = {"compliance": "符合", "photo": "符合", "number": "92", "text": "无",
         "key_posts": key_posts.encode("2026-04", [("项目负责人", "张立新", 22, 21),
                                                   ("总监理工程师", "李明", 22, 20)])}


@dataclass(frozen=True, slots=True)
class Site:
    project_id: str
    builder: str
    contractor: str
    supervisor: str


def site(store: Store, now: datetime, name: str = "珲春市第一中学综合教学楼新建工程") -> Site:
    builder = add_enterprise(store, now, name="珲春市城市建设投资集团有限公司")
    contractor = add_enterprise(store, now, name="吉林省鑫源建筑工程有限公司")
    supervisor = add_enterprise(store, now, name="延边正信工程监理有限公司")
    project_id = add_project(store, now, name=name, parties={
        "建设单位": builder, "施工单位": contractor, "监理单位": supervisor})
    with store.db.write() as s:
        project = s.get(Project, project_id)
        assert project is not None
        project.address, project.permit_no = "珲春市靖和街道河南路288号", "222404202604150101"
        for role, person, cert in (("施工单位", "项目负责人", "吉222151612345"),
                                   ("监理单位", "总监理工程师", "22006789")):
            party = s.query(ProjectParty).filter_by(project_id=project_id, role=role).one()
            s.add(KeyPerson(id=new_id(), project_id=project_id, party_id=party.id, role=person,
                            name="张立新" if role == "施工单位" else "李明", cert_no=cert,
                            created_at=now, updated_at=now))
    return Site(project_id, builder, contractor, supervisor)


def photo_file(path: Path, *, size: tuple[int, int] = (1600, 1200), seed: int = 1) -> Path:
    rng = random.Random(seed)
    img = Image.new("RGB", size, (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    draw = ImageDraw.Draw(img)
    for _ in range(12):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        draw.rectangle((x, y, x + size[0] // 4, y + size[1] // 5),
                       fill=(rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    img.save(path, "JPEG", quality=88)
    return path


def signature_png(seed: int = 1) -> bytes:
    rng = random.Random(seed)
    img = Image.new("RGBA", (600, 200), (255, 255, 255, 0))
    ImageDraw.Draw(img).line([(40 + 50 * i, rng.randrange(40, 160)) for i in range(11)],
                             fill="black", width=7)
    buf = io.BytesIO()
    img.save(buf, "PNG")
    return buf.getvalue()


def detail(store: Store, inspection_id: str) -> InspectionDetail:
    with store.db.read() as session:
        found = inspection_detail(session, inspection_id)
    assert found is not None
    return found


def started(ctx: ServiceContext, project_id: str, method: str = "日常",
            planned_on: date = date(2026, 5, 18)) -> str:
    inspection_id = inspections.plan(ctx, project_id, method=method, planned_on=planned_on,
                                     team=TEAM)
    inspections.start(ctx, inspection_id, place="施工现场")
    return inspection_id


def fill(ctx: ServiceContext, inspection_id: str, photo: Path,
         answers: dict[str, tuple[str, str]] | None = None) -> None:
    """Answer every item the usual way, except those given (value, remark); a photo on each
    photo item."""
    answers = answers or {}
    d = detail(ctx.store, inspection_id)
    for item in d.items:
        if d.review_items and item.code not in d.review_items:
            continue
        value, remark = answers.get(item.code, (USUAL[item.answer_type], ""))
        if item.code == "SM-02" and answers.get("SM-01", ("",))[0] == "不符合":
            continue
        inspections.answer(ctx, inspection_id, item.code, value, remark or None)
        if item.answer_type == "photo" and value in ("符合", "不符合"):
            inspections.attach_photo(ctx, inspection_id, photo, item_code=item.code,
                                     caption=item.text[:12])


def sign_all(ctx: ServiceContext, inspection_id: str, party: str = "张立新") -> None:
    for n, member in enumerate(detail(ctx.store, inspection_id).team):
        inspections.sign(ctx, inspection_id, signer_role="检查人员", signer_name=member.name,
                         png=signature_png(n))
    inspections.sign(ctx, inspection_id, signer_role="受检单位代表", signer_name=party,
                     png=signature_png(99))


def completed(ctx: ServiceContext, project_id: str, photo: Path,
              answers: dict[str, tuple[str, str]] | None = None,
              conclusion: str = "检查完毕。", planned_on: date = date(2026, 5, 18)) -> str:
    inspection_id = started(ctx, project_id, planned_on=planned_on)
    fill(ctx, inspection_id, photo, answers)
    sign_all(ctx, inspection_id)
    inspections.complete(ctx, inspection_id, conclusion)
    return inspection_id
