"""User actions on enterprises."""

from __future__ import annotations

from jjg_desktop.rules.contact import LABELS, contact_problem
from jjg_desktop.services.context import ServiceContext, change
from jjg_desktop.services.errors import InvalidInput, NotFound
from jjg_desktop.store.models import Enterprise

CONTACT_FIELDS = tuple(LABELS)


def update_contact(ctx: ServiceContext, enterprise_id: str, **values: str) -> bool:
    """Save edited contact details (办公地址, 联系人, 联系电话). False when nothing changed."""
    unknown = set(values) - set(CONTACT_FIELDS)
    if unknown:
        raise InvalidInput(f"不能在此修改：{', '.join(sorted(unknown))}")
    cleaned = {k: v.strip() for k, v in values.items()}
    for field, value in cleaned.items():
        problem = contact_problem(field, value)
        if problem:
            raise InvalidInput(problem)
    with change(ctx) as ch:
        ent = ch.session.get(Enterprise, enterprise_id)
        if ent is None or ent.deleted_at is not None:
            raise NotFound("该企业不存在或已被删除")
        before = {k: getattr(ent, k) for k in cleaned}
        changed = {k: v for k, v in cleaned.items() if before[k] != v}
        if not changed:
            return False
        for k, v in changed.items():
            setattr(ent, k, v)
        ent.updated_at = ch.now
        ch.record(action="enterprise.update_contact", entity="enterprise", entity_id=ent.id,
                  data={"before": {k: before[k] for k in changed}, "after": changed},
                  args={"id": ent.id, "fields": changed}, base_version=ent.server_version)
    return True
