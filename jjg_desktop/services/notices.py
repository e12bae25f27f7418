"""整改通知书 and 行政处罚建议书 issued on the findings of a completed inspection."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select

from jjg_desktop.rules import inspection as rules
from jjg_desktop.services import signatures
from jjg_desktop.services.context import Change, ServiceContext, change
from jjg_desktop.services.errors import InvalidInput, NotFound
from jjg_desktop.services.inspection_base import load
from jjg_desktop.services.numbering import next_notice_number
from jjg_desktop.store.base import new_id
from jjg_desktop.store.models import Finding, Inspection, LocalSetting, RectificationNotice
from jjg_desktop.store.read.local_settings import (
    DOCUMENT_SETTINGS,
    PENALTY_AUTHORITY,
    document_setting,
)


def _unit(f: Finding) -> str:
    """The responsible unit a finding is addressed to: its enterprise, else its role."""
    return f.enterprise_id or f.responsible_role or ""


def issue_notice(ctx: ServiceContext, inspection_id: str, *, kind: str = rules.NOTICE_KINDS[0],
                 finding_ids: Sequence[str] | None = None, deadline: date | None = None,
                 received_by: str = "") -> str:
    """Number and issue one notice on the selected open findings of one responsible unit
    (all of them by default, when they are all one unit's); its deadline is the one given,
    else the latest of its findings. Returns its id."""
    with change(ctx) as ch:
        insp, open_findings = _open_findings(ch, inspection_id, kind)
        chosen = list(open_findings) if finding_ids is None else list(dict.fromkeys(finding_ids))
        unknown = [i for i in chosen if i not in open_findings]
        if unknown:
            raise InvalidInput("所选问题不属于本次检查，或已整改、已撤销")
        units = {_unit(open_findings[i]) for i in chosen}
        if len(units) > 1:
            raise InvalidInput(f"所选问题分属 {len(units)} 个责任单位：一份{kind}只送达一个"
                               "责任单位，请按责任单位分别签发")
        return _issue(ch, insp, kind, [open_findings[i] for i in chosen], deadline,
                      received_by)


def issue_notices(ctx: ServiceContext, inspection_id: str, *,
                  kind: str = rules.NOTICE_KINDS[0], deadline: date | None = None,
                  received_by: str = "") -> list[str]:
    """One notice for each responsible unit of the inspection's open findings, numbered in
    turn, in one transaction. Returns their ids."""
    with change(ctx) as ch:
        insp, open_findings = _open_findings(ch, inspection_id, kind)
        by_unit: dict[str, list[Finding]] = {}
        for f in open_findings.values():
            by_unit.setdefault(_unit(f), []).append(f)
        return [_issue(ch, insp, kind, findings, deadline, received_by)
                for findings in by_unit.values()]


def _open_findings(ch: Change, inspection_id: str,
                   kind: str) -> tuple[Inspection, dict[str, Finding]]:
    if kind not in rules.NOTICE_KINDS:
        raise InvalidInput(f"文书类型应为 {'、'.join(rules.NOTICE_KINDS)} 之一")
    insp = load(ch.session, inspection_id)
    if insp.status != rules.COMPLETED:
        raise InvalidInput(f"请先完成检查记录（签名后锁定），再下达{kind}")
    found = {f.id: f for f in ch.session.scalars(select(Finding).where(
        Finding.inspection_id == insp.id, Finding.deleted_at.is_(None),
        Finding.status.in_(rules.OPEN_FINDINGS)).order_by(
        Finding.created_at, Finding.item_code))}
    if not found:
        raise InvalidInput(f"本次检查没有待整改的问题，无需下达{kind}")
    return insp, found


def _issue(ch: Change, insp: Inspection, kind: str, findings: list[Finding],
           deadline: date | None, received_by: str) -> str:
    if not findings:
        raise InvalidInput(f"本次检查没有待整改的问题，无需下达{kind}")
    if deadline is not None and deadline < ch.today:
        raise InvalidInput("整改期限不能早于今天")
    due = rules.notice_deadline((f.deadline for f in findings), deadline)
    if due is None:
        raise InvalidInput("所选问题尚未确定整改期限，请填写通知书的整改期限")
    chosen = [f.id for f in findings]
    addressed_to = ""
    if kind != rules.NOTICE_KINDS[0]:
        addressed_to = document_setting(ch.session, PENALTY_AUTHORITY)
        if not addressed_to:
            raise InvalidInput(
                f"{kind}应送有处罚权的机关：请先在 设置 中填写“行政处罚机关”"
                "（如 珲春市城市管理综合行政执法局）")
    notice = RectificationNotice(
        id=new_id(), inspection_id=insp.id,
        number=next_notice_number(ch.session, ch.ctx.actor.division_code, kind, ch.today.year),
        kind=kind, issued_on=ch.today, deadline=due, received_by=received_by.strip(),
        finding_ids=chosen, addressed_to=addressed_to, created_at=ch.now, updated_at=ch.now)
    ch.session.add(notice)
    ch.session.flush()
    data = {"id": notice.id, "inspection_id": insp.id, "number": notice.number,
            "kind": kind, "issued_on": notice.issued_on.isoformat(),
            "deadline": due.isoformat(), "received_by": notice.received_by,
            "finding_ids": chosen, "addressed_to": addressed_to}
    ch.record(action="notice.issue", entity="rectification_notice", entity_id=notice.id,
              data=data)
    return notice.id


def sign_receipt(ctx: ServiceContext, notice_id: str, *, signer_name: str, png: bytes) -> str:
    """The inspected party signs for the notice (签收); the name is kept as the receiver."""
    if not signer_name.strip():
        raise InvalidInput("请填写签收人姓名")
    with ctx.db.read() as session:
        notice = session.get(RectificationNotice, notice_id)
        if notice is None or notice.deleted_at is not None:
            raise NotFound("找不到该通知书")
    signature_id = signatures.sign(ctx, "rectification_notice", notice_id,
                                   signer_role=rules.RECEIVER_SIGNER, signer_name=signer_name,
                                   png=png)
    with change(ctx) as ch:
        notice = ch.session.get(RectificationNotice, notice_id)
        assert notice is not None
        if notice.received_by != signer_name.strip():
            notice.received_by, notice.updated_at = signer_name.strip(), ch.now
            ch.record(action="notice.receive", entity="rectification_notice",
                      entity_id=notice.id,
                      data={"id": notice.id, "received_by": notice.received_by},
                      base_version=notice.server_version)
    return signature_id



def set_document_setting(ctx: ServiceContext, key: str, value: str) -> None:
    """Set what the bureau's documents say of it (audited, kept with the data, not synced)."""
    label, longest = DOCUMENT_SETTINGS[key]
    value = value.strip()
    if len(value) > longest:
        raise InvalidInput(f"{label}不能超过 {longest} 个字")
    with change(ctx) as ch:
        setting = ch.session.get(LocalSetting, key)
        before = str(setting.value.get("name", "")) if setting else ""
        if before == value:
            return
        if setting is None:
            ch.session.add(LocalSetting(key=key, value={"name": value}))
        else:
            setting.value = {"name": value}
        ch.record(action=f"setting.{key.split('.')[-1]}", entity="local_setting", entity_id=key,
                  data={"from": before, "to": value}, sync=False)
