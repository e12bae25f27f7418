"""整改通知书 and 行政处罚建议书 issued on the findings of a completed inspection."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import select

from jjg_desktop.rules import inspection as rules
from jjg_desktop.services import signatures
from jjg_desktop.services.context import ServiceContext, change
from jjg_desktop.services.errors import InvalidInput, NotFound
from jjg_desktop.services.inspection_base import load
from jjg_desktop.services.numbering import next_notice_number
from jjg_desktop.store.base import new_id
from jjg_desktop.store.models import Finding, RectificationNotice


def issue_notice(ctx: ServiceContext, inspection_id: str, *, kind: str = rules.NOTICE_KINDS[0],
                 finding_ids: Sequence[str] | None = None, deadline: date | None = None,
                 received_by: str = "") -> str:
    """Number and issue a notice on the selected open findings (all of them by default);
    its deadline is the one given, else the latest of its findings. Returns its id."""
    if kind not in rules.NOTICE_KINDS:
        raise InvalidInput(f"文书类型应为 {'、'.join(rules.NOTICE_KINDS)} 之一")
    with change(ctx) as ch:
        insp = load(ch.session, inspection_id)
        if insp.status != rules.COMPLETED:
            raise InvalidInput(f"请先完成检查记录（签名后锁定），再下达{kind}")
        open_findings = {f.id: f for f in ch.session.scalars(select(Finding).where(
            Finding.inspection_id == insp.id, Finding.deleted_at.is_(None),
            Finding.status.in_(rules.OPEN_FINDINGS)).order_by(
            Finding.created_at, Finding.item_code))}
        chosen = list(open_findings) if finding_ids is None else list(dict.fromkeys(finding_ids))
        unknown = [i for i in chosen if i not in open_findings]
        if unknown:
            raise InvalidInput("所选问题不属于本次检查，或已整改、已撤销")
        if not chosen:
            raise InvalidInput(f"本次检查没有待整改的问题，无需下达{kind}")
        if deadline is not None and deadline < ch.today:
            raise InvalidInput("整改期限不能早于今天")
        due = rules.notice_deadline((open_findings[i].deadline for i in chosen), deadline)
        if due is None:
            raise InvalidInput("所选问题尚未确定整改期限，请填写通知书的整改期限")
        notice = RectificationNotice(
            id=new_id(), inspection_id=insp.id,
            number=next_notice_number(ch.session, ctx.actor.division_code, kind,
                                      ch.today.year),
            kind=kind, issued_on=ch.today, deadline=due, received_by=received_by.strip(),
            finding_ids=chosen, created_at=ch.now, updated_at=ch.now)
        ch.session.add(notice)
        data = {"id": notice.id, "inspection_id": insp.id, "number": notice.number,
                "kind": kind, "issued_on": notice.issued_on.isoformat(),
                "deadline": due.isoformat(), "received_by": notice.received_by,
                "finding_ids": chosen}
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
