"""Who may send which command, and within which division: refusals name the role or scope."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from jjg_desktop.sync import catalogue
from jjg_server.store import ChangeLog
from server_support import SyncClient, add_user, row

PASSWORD = "Jl-权限-2026!"


def _user(server: str, engine: Engine, username: str, role: str, division: str) -> SyncClient:
    add_user(engine, username, PASSWORD, role=role, division=division)
    return SyncClient.signed_in(server, username, PASSWORD, client_id=f"pc-{username}")


def _enterprise(ent: str, division: str, base: int | None = None,
                phone: str = "0433-1") -> dict[str, Any]:
    return row("enterprise", ent, base=base, credit_code=f"9122MA{ent:0>12}", name="宏达建筑",
               home_province_code="220000", home_province="吉林省", division_code=division,
               contact_phone=phone, status="正常")


def _project(pid: str, division: str) -> dict[str, Any]:
    return row("project", pid, code=pid, name="珲春市第三中学教学楼", division_code=division)


def _inspection(iid: str, division: str, project: str = "p1", **fields: Any) -> dict[str, Any]:
    return row("inspection", iid, number=f"吉{iid}", project_id=project, template_id="t1",
               division_code=division, method="四不两直", status="planned", **fields)


def _changes(engine: Engine) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(ChangeLog)) or 0


def test_an_inspector_cannot_register_an_enterprise(server: str, engine: Engine):
    inspector = _user(server, engine, "insp01", "inspector", "222404")
    outcome = inspector.do("enterprise.register", _enterprise("e1", "222404"))
    assert outcome == "rejected: 您的角色（执法检查人员，县级）不能进行“入吉信息登记”操作"
    assert _changes(engine) == 0


def test_a_county_cannot_write_records_of_another_county(server: str, engine: Engine):
    here = _user(server, engine, "clerk01", "county_clerk", "222404")
    there = _user(server, engine, "clerk02", "county_clerk", "222401")
    assert there.do("inspection.plan", _inspection("i1", "222401")) == "applied"
    assert here.do("inspection.plan", _inspection("i2", "222401")) == (
        "rejected: 检查属于延吉市，不在您的管辖范围（珲春市）内")
    # an answer has no division of its own: it is where its inspection is
    answer = row("inspection_answer", "a1", inspection_id="i1", item_code="RJ-01", value="是",
                 answered_at="2026-03-02T01:30:00")
    assert here.do("inspection.answer", answer) == (
        "rejected: 检查项结论属于延吉市，不在您的管辖范围（珲春市）内")
    assert there.do("inspection.answer", answer) == "applied"
    assert here.do("enterprise.register", _enterprise("e1", "222401")) == (
        "rejected: 不能在其他行政区划（延吉市）登记企业，您的管辖范围是珲春市")


def test_a_prefecture_covers_its_counties_and_the_province_everything(
        server: str, engine: Engine):
    prefecture = _user(server, engine, "rev01", "prefecture_reviewer", "222400")
    province = _user(server, engine, "admin01", "province_admin", "220000")
    verification = row("verification", "v1", enterprise_id="e1", division_code="222404",
                       verified_on="2026-03-01", method="实地核查")
    assert prefecture.do("verification.record", verification) == "applied"
    elsewhere = row("verification", "v2", enterprise_id="e1", division_code="220102",
                    verified_on="2026-03-01", method="实地核查")
    assert prefecture.do("verification.record", elsewhere).startswith(
        "rejected: 动态核查记录属于南关区")
    assert province.do("verification.record", elsewhere) == "applied"
    assert prefecture.do("inspection.plan", _inspection("i1", "222404")) == (
        "rejected: 您的角色（市州审核，市州级）不能进行“计划检查”操作")


def test_any_county_may_update_the_contact_of_an_enterprise_registered_elsewhere(
        server: str, engine: Engine):
    there = _user(server, engine, "clerk02", "county_clerk", "220102")
    inspector = _user(server, engine, "insp01", "inspector", "222404")
    assert there.do("enterprise.register", _enterprise("e1", "220102")) == "applied"
    assert inspector.do("enterprise.update_contact",
                        _enterprise("e1", "220102", base=1, phone="0433-2")) == "applied"
    fact = row("enterprise_fact", "f1", enterprise_id="e1", kind="人员变动", detail="项目经理更换")
    assert inspector.do("enterprise_fact.record", fact) == "applied"
    # but it changes contacts only: not where the enterprise is registered
    moved = _enterprise("e1", "220103", base=2, phone="0433-2")
    assert inspector.do("enterprise.update_contact", moved) == (
        "rejected: “修改企业联系方式”操作不能修改企业的行政区划代码")
    # nor create an enterprise by updating a contact
    assert inspector.do("enterprise.update_contact", _enterprise("e9", "222404")) == (
        "rejected: 服务器上没有该企业；新企业须由县级住建局登记")


def test_some_records_are_written_only_by_their_own_commands(server: str, engine: Engine):
    clerk = _user(server, engine, "clerk01", "county_clerk", "222404")
    member = row("pool_member", "m1", division_code="222404", kind="干部", name="李明")
    assert clerk.do("inspection.plan", member) == (
        "rejected: “计划检查”操作不能修改检查人员库成员")
    assert clerk.do("pool.add_member", member) == "applied"
    template = row("checklist_template", "t1", code="X", version="1", title="检查表",
                   content={}, content_hash="0" * 64)
    assert clerk.do("inspection.plan", template) == (
        "rejected: 检查表只能由省厅在服务器上发布，不能由客户端提交")


def test_the_table_names_every_command_the_client_sends():
    sent = ["inspection.plan", "inspection.start", "inspection.answer", "inspection.complete",
            "inspection.attach_photo", "inspection.remove_photo", "inspection.amend",
            "inspection.conclusion", "finding.create", "finding.edit", "finding.withdraw",
            "finding.restore", "finding.review", "finding.close", "finding.reopen",
            "notice.issue", "notice.receive", "signature.add", "verification.record",
            "enterprise.update_contact", "enterprise_fact.record", "enterprise.register",
            "enterprise.update_registration", "pool.add_member", "pool.add_employment",
            "draw.make", "case.transition"]
    assert all(catalogue.rule(c) is not None for c in sent)
    assert catalogue.rule("profile.activate") is None


def test_after_a_restore_any_client_gives_back_what_it_holds(server: str, engine: Engine):
    """``sync.resend``: records the restored server lost or holds in an older version, each
    judged as the commands the sender may send."""
    inspector = _user(server, engine, "insp01", "inspector", "222404")
    clerk = _user(server, engine, "clerk01", "county_clerk", "222404")
    assert clerk.do("sync.resend", _enterprise("e1", "222404")) == "applied"
    assert inspector.do("sync.resend", _enterprise("e2", "222404")) == (
        "rejected: 服务器上没有该企业；新企业须由县级住建局登记")
    member = row("pool_member", "m1", division_code="222404", kind="干部", name="李明")
    assert clerk.do("sync.resend", member) == "applied"
    assert inspector.do("sync.resend", member) == (
        "rejected: “服务器恢复后重新提交”操作不能修改检查人员库成员")
    elsewhere = row("pool_member", "m2", division_code="220102", kind="干部", name="王五")
    assert clerk.do("sync.resend", elsewhere).startswith(
        "rejected: 检查人员库成员属于南关区")
    template = row("checklist_template", "t1", code="X", version="1", title="检查表",
                   content={}, content_hash="0" * 64)
    assert inspector.do("sync.resend", template).startswith("rejected: 检查表只能由省厅")
