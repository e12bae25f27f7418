"""Dynamic verification visits and calls (动态核查), with their evidence."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import select

from jjg_desktop.rules.verification import (
    CHECK_BY_KEY,
    CHECKS,
    FAILED,
    CheckResult,
    failed_grounds,
    signature_problems,
    verification_problems,
)
from jjg_desktop.services import drafts
from jjg_desktop.services.context import ServiceContext, change
from jjg_desktop.services.errors import InvalidInput, NotFound
from jjg_desktop.services.numbering import next_verification_number
from jjg_desktop.services.photos import PreparedPhoto, prepare_photo
from jjg_desktop.services.signatures import SignatureInput, add_signature, signature_problem
from jjg_desktop.store import attachments
from jjg_desktop.store.base import new_id
from jjg_desktop.store.models import (
    Attachment,
    Enterprise,
    JilinRegistration,
    Verification,
)

DRAFT_KIND = "verification"
"""Drafts of the verification form are kept per enterprise under this kind."""


@dataclass(frozen=True, slots=True)
class EvidencePhoto:
    path: Path
    check_key: str
    caption: str = ""


def record_verification(ctx: ServiceContext, enterprise_id: str, *, verified_on: date,
                        method: str, verifiers: list[str], checks: dict[str, CheckResult],
                        notes: str = "", photos: list[EvidencePhoto] | None = None,
                        signatures: list[SignatureInput] | None = None) -> str:
    """Save one verification with its outcomes, evidence photos and signatures, together;
    returns its id. It is final: every verifier signs, and on site the enterprise's
    representative (or a witness to their refusal); until then the form keeps it as a
    draft."""
    problems = verification_problems(method=method, verifiers=verifiers, checks=checks,
                                     verified_on=verified_on, today=ctx.today())
    for photo in photos or []:
        if photo.check_key not in CHECK_BY_KEY:
            problems.append(f"照片对应的核查项未知：{photo.check_key}")
    problems += [p for s in signatures or [] if (p := signature_problem("verification", s))]
    problems += signature_problems(method, verifiers,
                                   [(s.role, s.name) for s in signatures or []])
    if problems:
        raise InvalidInput("；".join(problems))
    prepared = [(p, prepare_photo(p.path)) for p in photos or []]
    with change(ctx) as ch:
        ent = ch.session.get(Enterprise, enterprise_id)
        if ent is None or ent.deleted_at is not None:
            raise NotFound("该企业不存在或已被删除")
        registration_id = ch.session.scalars(select(JilinRegistration.id).where(
            JilinRegistration.enterprise_id == enterprise_id,
            JilinRegistration.deleted_at.is_(None)).order_by(
            JilinRegistration.registered_on.desc())).first()
        stored_checks = {c.key: asdict(checks.get(c.key, CheckResult())) for c in CHECKS}
        v = Verification(id=new_id(), enterprise_id=enterprise_id,
                         registration_id=registration_id,
                         division_code=ctx.actor.division_code, verified_on=verified_on,
                         method=method, verifiers=[x.strip() for x in verifiers if x.strip()],
                         checks=stored_checks, notes=notes.strip(),
                         number=next_verification_number(ch.session, ctx.actor.division_code,
                                                         verified_on.year),
                         created_at=ch.now, updated_at=ch.now)
        ch.session.add(v)
        ch.session.flush()
        evidence = [_attach(ch, v.id, spec, photo) for spec, photo in prepared]
        for signed in signatures or []:
            add_signature(ch, "verification", v.id, signed)
        drafts.forget(ch.session, DRAFT_KIND, enterprise_id)
        args = {"id": v.id, "number": v.number, "enterprise_id": enterprise_id,
                "registration_id": registration_id,
                "verified_on": verified_on.isoformat(), "method": method,
                "verifiers": v.verifiers, "checks": stored_checks, "notes": v.notes,
                "evidence": evidence}
        ch.record(action="verification.record", entity="verification", entity_id=v.id,
                  data=args, args=args)
        return v.id


def _attach(ch, verification_id: str, spec: EvidencePhoto, photo: PreparedPhoto) -> dict:
    blob = attachments.put(ch.session, ch.ctx.store.paths.attachments_dir, photo.data,
                           photo.mime, ch.now)
    att = Attachment(id=new_id(), sha256=blob.sha256, owner_kind="verification",
                     owner_id=verification_id, purpose=spec.check_key,
                     caption=spec.caption or CHECK_BY_KEY[spec.check_key].label,
                     original_name=photo.original_name, taken_at=photo.taken_at,
                     gps_lat=photo.gps_lat, gps_lon=photo.gps_lon, created_at=ch.now,
                     updated_at=ch.now)
    ch.session.add(att)
    return {"attachment_id": att.id, "sha256": blob.sha256, "check": spec.check_key,
            "caption": att.caption}


@dataclass(frozen=True, slots=True)
class ProposalDraft:
    """What an abnormal-list proposal opened from a failed verification starts with."""

    enterprise_id: str
    enterprise_name: str
    credit_code: str
    grounds: list[str]
    evidence: list[dict[str, str]]
    summary: str


def proposal_draft(ctx: ServiceContext, verification_id: str) -> ProposalDraft | None:
    """None when the verification found nothing wrong."""
    with ctx.db.read() as session:
        v = session.get(Verification, verification_id)
        if v is None:
            raise NotFound("该核查记录不存在")
        checks = {k: CheckResult(outcome=r["outcome"], note=r.get("note", ""))
                  for k, r in v.checks.items()}
        grounds = failed_grounds(checks)
        if not grounds:
            return None
        ent = session.get(Enterprise, v.enterprise_id)
        assert ent is not None
        evidence = [{"kind": "verification", "id": v.id, "check": c.key}
                    for c in CHECKS if checks.get(c.key, CheckResult()).outcome == FAILED]
        evidence += [{"kind": "attachment", "id": a.id, "sha256": a.sha256, "check": a.purpose}
                     for a in session.scalars(select(Attachment).where(
                         Attachment.owner_kind == "verification",
                         Attachment.owner_id == v.id, Attachment.deleted_at.is_(None)))
                     if checks.get(a.purpose, CheckResult()).outcome == FAILED]
        lines = [f"{v.verified_on}{v.method}（{'、'.join(v.verifiers)}）："]
        lines += [f"{c.label}不通过：{checks[c.key].note}" for c in CHECKS
                  if checks.get(c.key, CheckResult()).outcome == FAILED]
        return ProposalDraft(enterprise_id=ent.id, enterprise_name=ent.name,
                             credit_code=ent.credit_code, grounds=grounds, evidence=evidence,
                             summary="\n".join(lines))
