"""Signatures drawn on the signature pad, kept as images beside the record they sign."""

from __future__ import annotations

import io

from PIL import Image, UnidentifiedImageError

from jjg_desktop.services.context import ServiceContext, change
from jjg_desktop.services.errors import InvalidInput
from jjg_desktop.store import attachments
from jjg_desktop.store.base import new_id
from jjg_desktop.store.models import Signature

SIGNABLE = ("inspection", "verification", "rectification_notice")


def sign(ctx: ServiceContext, owner_kind: str, owner_id: str, *, signer_role: str,
         signer_name: str, png: bytes) -> str:
    """Keep one signature (a PNG from the pad); returns its id."""
    if owner_kind not in SIGNABLE:
        raise InvalidInput(f"不能对该类记录签名：{owner_kind}")
    if not signer_name.strip():
        raise InvalidInput("请填写签名人姓名")
    try:
        with Image.open(io.BytesIO(png)) as img:
            img.verify()
            if img.format != "PNG":
                raise InvalidInput("签名图像格式不正确")
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise InvalidInput("签名图像已损坏，请重新签名") from exc
    with change(ctx) as ch:
        blob = attachments.put(ch.session, ctx.store.paths.attachments_dir, png, "image/png",
                               ch.now)
        sig = Signature(id=new_id(), owner_kind=owner_kind, owner_id=owner_id,
                        signer_role=signer_role.strip(), signer_name=signer_name.strip(),
                        sha256=blob.sha256, signed_at=ch.now, created_at=ch.now,
                        updated_at=ch.now)
        ch.session.add(sig)
        args = {"id": sig.id, "owner_kind": owner_kind, "owner_id": owner_id,
                "signer_role": sig.signer_role, "signer_name": sig.signer_name,
                "sha256": blob.sha256, "signed_at": ch.now.isoformat()}
        ch.record(action="signature.add", entity="signature", entity_id=sig.id, data=args,
                  args=args)
        return sig.id
