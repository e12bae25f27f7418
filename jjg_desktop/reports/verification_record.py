"""核查记录: the printed record of one dynamic verification of an out-of-province enterprise."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from jjg_desktop.reports.document import (
    Stamp,
    content_hash,
    grid,
    para,
    photo,
    signature,
    write_pdf,
)
from jjg_desktop.rules.verification import CHECKS, WITNESS
from jjg_desktop.services.context import Store
from jjg_desktop.services.errors import NotFound
from jjg_desktop.store import attachments
from jjg_desktop.store.read.planning import (
    EvidenceRef,
    VerificationDetail,
    verification_detail,
)

TITLE = "入吉企业动态核查记录"
BODY_WIDTH = 156 * mm


def document_number(detail: VerificationDetail) -> str:
    """The record's number; a record made before verifications were numbered shows its day
    and the start of its id."""
    if detail.number:
        return detail.number
    return f"核查〔{detail.verified_on.year}〕{detail.verified_on:%m%d}-{detail.id[:8].upper()}"


def render_verification_record(store: Store, verification_id: str, path: Path) -> Path:
    with store.db.read() as session:
        detail = verification_detail(session, verification_id)
    if detail is None:
        raise NotFound(f"找不到核查记录 {verification_id}")
    root = store.paths.attachments_dir
    stamp = Stamp(TITLE, document_number(detail), detail.id, content_hash(asdict(detail)))
    return write_pdf(path, stamp, _story(detail, stamp, root))


def _story(d: VerificationDetail, stamp: Stamp, root: Path) -> list[Flowable]:
    story: list[Flowable] = [para(TITLE, "title"), para(stamp.number, "number")]
    w = BODY_WIDTH
    story.append(grid([
        ["企业名称", d.enterprise_name, "统一社会信用代码", d.credit_code],
        ["注册地", d.home_province, "登记编号", d.registration_no],
        ["在吉办公地址", d.office_address, "核查地区", d.division],
        ["在吉负责人", d.person_in_charge, "联系电话", d.phone],
        ["核查日期", d.verified_on.isoformat(), "核查方式", d.method],
        ["核查人员", "、".join(d.verifiers), "", ""],
    ], [0.18 * w, 0.32 * w, 0.22 * w, 0.28 * w], label_column=True,
        spans=[((1, 5), (3, 5))]))
    story.append(para("核查内容及结论", "heading"))
    rows: list[list[object]] = [["核查项目", "核查内容", "结论", "情况说明"]]
    for check in CHECKS:
        result = d.checks.get(check.key, {})
        note = str(result.get("note", ""))
        calls = result.get("calls") or []
        if calls:
            note += "\n通话记录：" + "；".join(
                f"{c['at']} 拨打 {c['number']} {'已接通' if c['answered'] else '未接通'}"
                + (f"（{c['note']}）" if c.get("note") else "") for c in calls)
        rows.append([check.label, check.question, str(result.get("outcome", "未核查")), note])
    story.append(grid(rows, [0.16 * w, 0.32 * w, 0.1 * w, 0.42 * w], header=True))
    if d.notes:
        story += [para("其他情况", "heading"), para(d.notes)]
    if d.photos:
        story.append(para("证据照片", "heading"))
        labels = {c.key: c.label for c in CHECKS}
        cells = [_photo_cell(root, p, labels.get(p.check, p.check)) for p in d.photos]
        pairs = [cells[i:i + 2] + [""] * (2 - len(cells[i:i + 2])) for i in range(0, len(cells), 2)]
        story.append(grid(pairs, [w / 2, w / 2]))
    story.append(para("签名", "heading"))
    signed = [[f"{'见证人（企业代表拒签）' if s.role == WITNESS else s.role} {s.name}",
               signature(attachments.read_verified(root, s.sha256)), s.signed_at[:16]]
              for s in d.signatures] or [["（未签名）", "", ""]]
    story.append(KeepTogether(grid([["签名人", "签名", "时间"], *signed],
                                   [0.3 * w, 0.4 * w, 0.3 * w], header=True)))
    story.append(Spacer(1, 6 * mm))
    story.append(para("本记录由吉建管桌面端生成，可扫描页脚二维码与系统记录核对。", "small"))
    return story


def _photo_cell(root: Path, ref: EvidenceRef, label: str) -> list[Flowable]:
    data = attachments.read_verified(root, ref.sha256)
    caption = f"{label}：{ref.caption}"
    if ref.taken_at:
        caption += f"（拍摄于 {ref.taken_at[:16]}）"
    return [photo(data, 74 * mm, 60 * mm), para(caption, "small")]
