"""`case.transition`: decided by the workflow rules with compare-and-set, then stored as the
rows the client wrote (the case, its new transition, the enterprise whose status it set)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from jjg_server.store import ChangeLog, Record
from server_support import SyncClient, add_user, row

PASSWORD = "Jl-流程-2026!"
EVIDENCE = [{"sha256": "a" * 64, "name": "通话记录.pdf"}]


def _user(server: str, engine: Engine, username: str, name: str, role: str,
          division: str) -> SyncClient:
    add_user(engine, username, PASSWORD, name=name, role=role, division=division)
    return SyncClient.signed_in(server, username, PASSWORD, client_id=f"pc-{username}")


def _step(client: SyncClient, case_id: str, action: str, made_on: int, to: str, *,
          enterprise: dict[str, Any] | None = None, division: str = "222404",
          **args: Any) -> dict[str, Any]:
    """A step as the client's services.cases writes it: the case row at the next version,
    a new transition row, the args the rules check."""
    step_args = {"case_id": case_id, "action": action, "case_version": made_on,
                 "enterprise_id": "e1", "comment": "", "evidence": [], "grounds": [],
                 "decision_no": "", "decision_date": None, "division_code": division, **args}
    notice = action.startswith("notify_")  # a notice's 文号 stays with its step
    case = row("abnormal_case", case_id, base=made_on or None, enterprise_id="e1",
               division_code=division, state=to, version=made_on + 1,
               grounds=step_args["grounds"] or ["联系不上"], evidence=EVIDENCE,
               decision_no="" if notice else step_args["decision_no"],
               decision_date=None if notice else step_args["decision_date"])
    step = row("case_transition", f"{case_id}-t{made_on + 1}", case_id=case_id, action=action,
               to_state=to, case_version=made_on, actor=client.token[:8],
               actor_role="x", actor_division=division, at="2026-03-02T01:30:00",
               comment=step_args["comment"])
    rows = [case, step, *([enterprise] if enterprise else [])]
    return client.command("case.transition", *rows, args=step_args)


def _record(engine: Engine, entity: str, record_id: str) -> Record:
    with Session(engine) as session:
        return session.get_one(Record, (entity, record_id))


def _enterprise(status: str = "正常", phone: str = "0433-1",
                base: int | None = None) -> dict[str, Any]:
    return row("enterprise", "e1", base=base, credit_code="91222404MA0000001X",
               name="珲春市宏达建筑", home_province_code="220000", home_province="吉林省",
               division_code="222404", contact_phone=phone, status=status)


def test_two_reviewers_on_the_same_case_version_first_wins_second_names_who_decided(
        server: str, engine: Engine):
    clerk = _user(server, engine, "clerk01", "刘晓燕", "county_clerk", "222404")
    first = _user(server, engine, "rev01", "王建国", "prefecture_reviewer", "222400")
    second = _user(server, engine, "rev02", "张丽", "prefecture_reviewer", "222400")
    [proposed] = clerk.push(_step(clerk, "c1", "propose", 0, "proposed", grounds=["联系不上"],
                                  comment="多次电话无人接听", evidence=EVIDENCE)).results
    assert (proposed.status, proposed.server_version) == ("applied", 1)

    [won] = first.push(_step(first, "c1", "agree", 1, "reviewed", comment="同意列入")).results
    [lost] = second.push(_step(second, "c1", "return", 1, "returned",
                               comment="证据不足")).results
    assert (won.status, won.server_version) == ("applied", 2)
    assert lost.status == "rejected" and lost.decided_by == "王建国"
    assert lost.decided_at is not None
    assert abs(lost.decided_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert "王建国" in lost.reason and "第 1 版" in lost.reason
    assert lost.current is not None and lost.current["data"]["state"] == "reviewed"
    case = _record(engine, "abnormal_case", "c1")
    assert (case.version, case.data["state"], case.data["version"]) == (2, "reviewed", 2)
    with Session(engine) as session:
        kept = [r.record_id for r in session.scalars(
            select(Record).where(Record.entity == "case_transition").order_by(Record.record_id))]
    assert kept == ["c1-t1", "c1-t2"]  # the losing step's transition was not stored


def test_the_transition_gets_the_servers_time(server: str, engine: Engine):
    clerk = _user(server, engine, "clerk01", "刘晓燕", "county_clerk", "222404")
    before = datetime.now(UTC).replace(tzinfo=None)
    assert clerk.do("case.transition", *_step(clerk, "c1", "propose", 0, "proposed",
                                               grounds=["联系不上"], evidence=EVIDENCE)["rows"],
                    args=clerk.sent[-1]["args"]) == "applied"
    server_at = datetime.fromisoformat(_record(engine, "case_transition", "c1-t1")
                                       .data["server_at"])
    assert server_at.tzinfo is None  # naive UTC, as rows carry times
    assert before - timedelta(seconds=1) <= server_at <= datetime.now(UTC).replace(tzinfo=None)


def test_a_step_that_lists_sets_the_status_on_the_servers_enterprise_record(
        server: str, engine: Engine):
    clerk = _user(server, engine, "clerk01", "刘晓燕", "county_clerk", "222404")
    reviewer = _user(server, engine, "rev01", "王建国", "prefecture_reviewer", "222400")
    admin = _user(server, engine, "admin01", "赵省", "province_admin", "220000")
    inspector = _user(server, engine, "insp01", "李检", "inspector", "222404")
    assert clerk.do("enterprise.register", _enterprise()) == "applied"
    clerk.push(_step(clerk, "c1", "propose", 0, "proposed", grounds=["联系不上"],
                     evidence=EVIDENCE))
    reviewer.push(_step(reviewer, "c1", "agree", 1, "reviewed", comment="同意"))
    # someone updates the contact meanwhile; the listing must not undo it
    assert inspector.do("enterprise.update_contact",
                        _enterprise(phone="0433-9", base=1)) == "applied"
    for action, made_on, to, fields in (
            ("notify_listing", 2, "notified",
             {"decision_no": "吉建告〔2026〕3号", "decision_date": "2026-03-02"}),
            ("hear_listing", 3, "heard", {"comment": "企业未提出新的事实"})):
        [told] = admin.push(_step(admin, "c1", action, made_on, to, **fields)).results
        assert told.status == "applied", told.reason
    assert _record(engine, "enterprise", "e1").data["status"] == "正常"  # told, not listed
    listed = _step(admin, "c1", "list", 4, "listed", enterprise=_enterprise("异常名录"),
                   decision_no="吉建管异〔2026〕3号", decision_date="2026-03-02")
    [result] = admin.push(listed).results
    assert result.status == "applied", result.reason
    ent = _record(engine, "enterprise", "e1")
    assert (ent.version, ent.data["status"], ent.data["contact_phone"]) == (3, "异常名录", "0433-9")


def test_the_case_row_must_be_what_the_rules_decided(server: str, engine: Engine):
    clerk = _user(server, engine, "clerk01", "刘晓燕", "county_clerk", "222404")
    wrong_state = _step(clerk, "c1", "propose", 0, "listed", grounds=["联系不上"],
                        evidence=EVIDENCE)
    no_case = clerk.command("case.transition", args=wrong_state["args"], entity="abnormal_case",
                            entity_id="c2")
    [state, missing] = clerk.push(wrong_state, no_case).results
    assert state.status == "rejected"
    assert "与流程判定（状态 proposed，第 1 版）不一致" in state.reason
    assert missing.status == "rejected"
    assert missing.reason == "流程命令缺少案件记录，请升级客户端后再同步"
    with Session(engine) as session:
        assert session.scalars(select(ChangeLog)).first() is None


def test_a_workflow_step_the_rules_refuse_is_rejected_with_their_reason(
        server: str, engine: Engine):
    clerk = _user(server, engine, "clerk01", "刘晓燕", "county_clerk", "222404")
    other = _user(server, engine, "clerk02", "王芳", "county_clerk", "220102")
    inspector = _user(server, engine, "insp01", "李检", "inspector", "222404")
    reply = clerk.push(
        _step(clerk, "c1", "propose", 0, "proposed", grounds=["联系不上"]),  # no evidence
        _step(clerk, "c2", "propose", 0, "proposed", grounds=["联系不上"],
              evidence=[{"name": "照片.jpg"}]),
        _step(clerk, "c2", "agree", 1, "reviewed", comment="自己审自己"))
    assert [r.status for r in reply.results] == ["rejected", "applied", "rejected"]
    assert reply.results[0].reason == "“拟列入”需要填写：证据"
    assert reply.results[2].reason == "“同意列入”应由市州办理"
    [outside] = other.push(_step(other, "c2", "withdraw", 1, "not_listed", comment="撤回",
                                 division="220102")).results
    assert outside.status == "rejected" and outside.reason == "该案件不在您的管辖范围内"
    [not_allowed] = inspector.push(_step(inspector, "c2", "withdraw", 1, "not_listed",
                                         comment="撤回")).results
    assert not_allowed.reason == "您的角色（执法检查人员，县级）不能进行“异常名录案件办理”操作"


def test_an_enterprise_has_one_open_case_a_second_proposal_names_it(server: str, engine: Engine):
    first = _user(server, engine, "clerk01", "刘晓燕", "county_clerk", "222404")
    second = _user(server, engine, "clerk02", "王建国", "county_clerk", "222404")
    [opened] = first.push(_step(first, "c1", "propose", 0, "proposed", grounds=["联系不上"],
                                comment="多次电话无人接听", evidence=EVIDENCE)).results
    assert opened.status == "applied"
    [again] = second.push(_step(second, "c2", "propose", 0, "proposed", grounds=["虚假承诺"],
                                comment="承诺的办公场所不存在", evidence=EVIDENCE)).results
    assert again.status == "rejected"
    assert again.reason.startswith("该企业已有办理中的异常名录案件（拟列入")
    with Session(engine) as session:
        assert session.get(Record, ("abnormal_case", "c2")) is None
    # once the first case ends, a new one may be opened
    [withdrawn] = first.push(_step(first, "c1", "withdraw", 1, "not_listed",
                                   comment="企业已恢复联系")).results
    assert withdrawn.status == "applied", withdrawn.reason
    [reopened] = second.push(_step(second, "c3", "propose", 0, "proposed",
                                   grounds=["虚假承诺"], comment="承诺的办公场所不存在",
                                   evidence=EVIDENCE)).results
    assert reopened.status == "applied", reopened.reason


def test_a_decision_number_names_one_decision_province_wide(server: str, engine: Engine):
    clerk = _user(server, engine, "clerk01", "刘晓燕", "county_clerk", "222404")
    reviewer = _user(server, engine, "rev01", "王建国", "prefecture_reviewer", "222400")
    province = _user(server, engine, "admin01", "张丽", "province_admin", "220000")
    for case, enterprise in (("c1", "e1"), ("c2", "e2")):
        for client, action, made_on, to in ((clerk, "propose", 0, "proposed"),
                                            (reviewer, "agree", 1, "reviewed")):
            cmd = _step(client, case, action, made_on, to, grounds=["联系不上"],
                        comment="多次电话无人接听", evidence=EVIDENCE)
            for r in cmd["rows"]:
                if r["entity"] == "abnormal_case":
                    r["data"]["enterprise_id"] = enterprise
            cmd["args"]["enterprise_id"] = enterprise
            [result] = client.push(cmd).results
            assert result.status == "applied", result.reason
    decided = []
    for n, case in enumerate(("c1", "c2"), start=1):
        for action, made_on, to, fields in (
                ("notify_listing", 2, "notified",
                 {"decision_no": f"吉建告〔2026〕{n}号", "decision_date": "2026-03-02"}),
                ("hear_listing", 3, "heard", {"comment": "企业未提出新的事实"})):
            told = _step(province, case, action, made_on, to, **fields)
            for r in told["rows"]:
                if r["entity"] == "abnormal_case":
                    r["data"]["enterprise_id"] = f"e{n}"
            told["args"]["enterprise_id"] = f"e{n}"
            [result] = province.push(told).results
            assert result.status == "applied", result.reason
        cmd = _step(province, case, "list", 4, "listed", comment="决定列入",
                    decision_no="吉建管〔2026〕7号", decision_date="2026-03-02")
        decided.append(province.push(cmd).results[0])
    assert decided[0].status == "applied", decided[0].reason
    assert decided[1].status == "rejected"
    assert "决定文号“吉建管〔2026〕7号”已用于另一件异常名录案件" in decided[1].reason


def test_a_notice_number_is_held_province_wide(server: str, engine: Engine):
    """Two laptops serving notices offline under one 文号: the first to reach the server keeps
    it, the second is refused (a number a person chose is never renumbered)."""
    clerk = _user(server, engine, "clerk01", "刘晓燕", "county_clerk", "222404")
    reviewer = _user(server, engine, "rev01", "王建国", "prefecture_reviewer", "222400")
    province = _user(server, engine, "admin01", "张丽", "province_admin", "220000")
    results = []
    for case, enterprise in (("c1", "e1"), ("c2", "e2")):
        steps = ((clerk, "propose", 0, "proposed", {"grounds": ["联系不上"],
                                                     "evidence": EVIDENCE}),
                 (reviewer, "agree", 1, "reviewed", {"comment": "同意"}),
                 (province, "notify_listing", 2, "notified",
                  {"decision_no": "吉建告〔2026〕8号", "decision_date": "2026-03-02"}))
        for client, action, made_on, to, fields in steps:
            cmd = _step(client, case, action, made_on, to, **fields)
            for r in cmd["rows"]:
                if r["entity"] == "abnormal_case":
                    r["data"]["enterprise_id"] = enterprise
            cmd["args"]["enterprise_id"] = enterprise
            [result] = client.push(cmd).results
        results.append(result)
    assert results[0].status == "applied", results[0].reason
    assert results[1].status == "rejected"
    assert "告知书文号“吉建告〔2026〕8号”已用于另一件异常名录案件" in results[1].reason
    assert _record(engine, "abnormal_case", "c2").data["state"] == "reviewed"
