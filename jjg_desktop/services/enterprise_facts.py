"""Recording facts about an enterprise that the qualification triggers read (seed 九)."""

from __future__ import annotations

from datetime import date

from jjg_desktop.rules.qualification import CREDIT, FACT_KINDS, OUTPUT
from jjg_desktop.services.context import ServiceContext, change
from jjg_desktop.services.errors import InvalidInput, NotFound
from jjg_desktop.store.base import new_id
from jjg_desktop.store.models import Enterprise, EnterpriseFact

GRADES = ("AAA", "AA", "A", "B", "C", "合格", "不合格")


def record_fact(ctx: ServiceContext, enterprise_id: str, *, kind: str, year: int | None = None,
                occurred_on: date | None = None, value: str = "", detail: str = "") -> str:
    if kind not in FACT_KINDS:
        raise InvalidInput(f"未知的记录类型：{kind}")
    if kind in (CREDIT, OUTPUT) and not year:
        raise InvalidInput(f"{kind}需要填写年度")
    if kind == CREDIT and value not in GRADES:
        raise InvalidInput(f"信用评价等级应为：{'、'.join(GRADES)}")
    if kind == OUTPUT:
        try:
            float(value)
        except ValueError:
            raise InvalidInput(f"年度产值应为数字（万元），当前为“{value}”") from None
    if kind not in (CREDIT, OUTPUT) and occurred_on is None:
        raise InvalidInput(f"{kind}需要填写发生日期")
    with change(ctx) as ch:
        if ch.session.get(Enterprise, enterprise_id) is None:
            raise NotFound("该企业不存在或已被删除")
        fact = EnterpriseFact(id=new_id(), enterprise_id=enterprise_id, kind=kind, year=year,
                              occurred_on=occurred_on, value=value.strip(),
                              detail=detail.strip(), created_at=ch.now, updated_at=ch.now)
        ch.session.add(fact)
        args = {"id": fact.id, "enterprise_id": enterprise_id, "kind": kind, "year": year,
                "occurred_on": occurred_on.isoformat() if occurred_on else None,
                "value": fact.value, "detail": fact.detail}
        ch.record(action="enterprise_fact.record", entity="enterprise_fact", entity_id=fact.id,
                  data=args, args=args)
        return fact.id
