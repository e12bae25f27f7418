"""整改通知书 (and 行政处罚建议书): the notice a team issues on an inspection's findings, with
the receipt the inspected party signs."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    HRFlowable,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from jjg_desktop.reports import official
from jjg_desktop.reports.document import (
    Stamp,
    chinese_date,
    content_hash,
    escape,
    grid,
    para,
    signature,
    write_pdf,
)
from jjg_desktop.reports.inspection_record import local_time, stored_image
from jjg_desktop.reports.typefaces import faces_for
from jjg_desktop.rules import inspection as rules
from jjg_desktop.services.context import Store
from jjg_desktop.services.errors import NotFound
from jjg_desktop.store.audit import canonical_json
from jjg_desktop.store.read.inspections import NoticeDetail, notice_detail

BODY_WIDTH = 156 * mm


def render_rectification_notice(store: Store, notice_id: str, path: Path) -> Path:
    with store.db.read() as session:
        detail = notice_detail(session, notice_id)
    if detail is None:
        raise NotFound(f"找不到整改通知书 {notice_id}")
    stamp = Stamp(detail.kind, detail.number, detail.id, content_hash(asdict(detail)))
    return write_pdf(path, stamp, _story(detail, store.paths.attachments_dir))


def _story(d: NoticeDetail, root: Path) -> list[Flowable]:
    insp = d.inspection
    faces = faces_for([canonical_json(asdict(d)), d.issuer or insp.division_name, d.kind])
    body = official.body_style(faces)
    penalty = d.kind != rules.NOTICE_KINDS[0]
    story: list[Flowable] = official.head(faces, d.issuer or insp.division_name, d.number,
                                          d.kind)
    addressees = "、".join(p.name for p in d.addressees) or f"{insp.project_name}项目各参建单位"
    to = d.addressed_to if penalty and d.addressed_to else addressees
    story.append(Paragraph(escape(f"{to}："), official.line_style(faces)))
    day = chinese_date(local_time(insp.started_at).date() if insp.started_at else insp.planned_on)
    where = f"{insp.project_name}（{insp.project_address}）" if insp.project_address \
        else insp.project_name
    if penalty:
        story += _proposal(d, day, where, body)
    else:
        opening = (f"{day}，我局执法检查组依据有关法律法规，对你单位参建的{where}进行了"
                   f"{insp.method}检查（检查记录编号：{insp.number}）。经查，存在下列问题。")
        if insp.rectification_basis:
            opening += (f"依据{'、'.join(insp.rectification_basis)}的规定，"
                        "现责令你单位对下列问题限期整改：")
        story += [Paragraph(escape(opening), body), Spacer(1, 2 * mm), _problems(d),
                  Spacer(1, 3 * mm)]
        office = d.issuer or "我局"
        closing = (f"请你单位对上述问题立即组织整改，于{chinese_date(d.deadline)}前整改完毕，"
                   f"并将整改情况书面报送{office}。逾期未整改或整改不到位的，"
                   "将依法依规予以处理，并记入企业信用档案。")
        story.append(Paragraph(escape(closing), body))
        if d.contact:
            story.append(Paragraph(escape(d.contact), body))
    story.append(Spacer(1, 3 * mm))
    story.append(official.signature(faces, d.issuer or "执法检查组", d.issued_on,
                                    [para(_inspectors(d), "body")]))
    story += [Spacer(1, 8 * mm), _receipt(d, root)]
    return story


def _proposal(d: NoticeDetail, day: str, where: str, body: ParagraphStyle) -> list[Flowable]:
    """行政处罚建议书: the case passed to the authority that may punish — who the party is,
    what was found and on what evidence, what it violates and what punishes it. It orders
    nothing itself (责令改正 is the notice's, and the punishment the authority's)."""
    insp = d.inspection
    photos = _photo_counts(d)
    opening = (f"{day}，我局执法检查组对{where}进行了{insp.method}检查（检查记录编号："
               f"{insp.number}），发现下列当事人涉嫌存在违法违规行为。现将有关事实、证据"
               "移送你单位，建议依法立案调查处理。")
    out: list[Flowable] = [Paragraph(escape(opening), body), Spacer(1, 2 * mm)]
    w = BODY_WIDTH
    for party in d.addressees or ():
        rows = [["当事人", party.name], ["统一社会信用代码", party.credit_code or "—"],
                ["住所", party.address or "（未登记）"],
                ["法定代表人", party.legal_representative or "（未登记）"]]
        out += [grid(rows, [0.26 * w, 0.74 * w], label_column=True), Spacer(1, 2 * mm)]
    rows: list[list[object]] = [["序号", "违法事实", "违反的规定", "处罚依据", "证据"]]
    for n, f in enumerate(d.findings, start=1):
        item = d.item(f.item_code)
        penalty = item.penalty_basis if item and item.penalty_basis else "由你单位依法确定"
        evidence = f"检查记录第 {f.item_code} 项"
        if photos.get(f.item_code):
            evidence += f"；现场照片 {photos[f.item_code]} 张"
        rows.append([str(n), f.problem, f.legal_basis or "—", penalty, evidence])
    table = grid(rows, [0.07 * w, 0.3 * w, 0.22 * w, 0.22 * w, 0.19 * w], header=True)
    table.setStyle(TableStyle([("ALIGN", (0, 0), (0, -1), "CENTER")]))
    total = sum(photos.get(f.item_code, 0) for f in d.findings)
    closing = ("以上事实有检查记录、现场照片等证据证实。建议你单位依照上列规定立案调查，"
               "依法作出处理，并将处理结果函告我局。")
    attached = f"附件：1. 检查记录（{insp.number}）复印件" + (
        f"；2. 现场照片 {total} 张" if total else "")
    return [*out, table, Spacer(1, 3 * mm), Paragraph(escape(closing), body),
            Paragraph(escape(attached), body)]


def _photo_counts(d: NoticeDetail) -> dict[str, int]:
    return {i.code: len(i.photos) for s in d.inspection.sections for i in s.items}


def _problems(d: NoticeDetail) -> Table:
    w = BODY_WIDTH
    rows: list[list[object]] = [["序号", "存在的问题", "违反的规定", "整改要求", "责任单位"]]
    for n, f in enumerate(d.findings, start=1):
        rows.append([str(n), f.problem, f.legal_basis or "—", f.requirement or "—",
                     f.enterprise or f.responsible_role])
    table = grid(rows, [0.08 * w, 0.34 * w, 0.21 * w, 0.21 * w, 0.16 * w], header=True)
    table.setStyle(TableStyle([("ALIGN", (0, 0), (0, -1), "CENTER")]))
    return table


def _inspectors(d: NoticeDetail) -> str:
    officials = [m for m in d.inspection.team if m.kind == rules.OFFICIAL]
    experts = [m for m in d.inspection.team if m.kind != rules.OFFICIAL]
    text = "执法检查人员：" + "；".join(
        f"{m.name}（执法证号：{m.cert_no}）" if m.cert_no else m.name for m in officials)
    if experts:
        text += "。专家：" + "、".join(m.name for m in experts)
    return text + "。"


def _receipt(d: NoticeDetail, root: Path) -> Flowable:
    w = BODY_WIDTH
    signed = d.signatures[-1] if d.signatures else None
    mark: object = stored_image(root, signed.sha256, lambda data: signature(
        data, 45 * mm, 15 * mm)) if signed else Spacer(1, 15 * mm)
    at = local_time(signed.signed_at) if signed else None
    rows: list[list[object]] = [
        ["送达回执", "", "", ""],
        ["受送达单位", d.addressed_to or "、".join(p.name for p in d.addressees) or "—", "", ""],
        ["签收人", mark, "签收日期", chinese_date(at.date()) if at else ""],
        ["签收人姓名", d.received_by or "", "送达人", "、".join(
            m.name for m in d.inspection.team if m.kind == rules.OFFICIAL)],
    ]
    spans = [((0, 0), (3, 0)), ((1, 1), (3, 1))]
    if not d.addressed_to:  # served on the party; a 建议书 goes to an authority, which signs
        rows += [["送达方式", "直接送达" if signed else "□直接送达　□留置送达", "见证人", ""],
                 ["拒签情况", "受送达人拒绝签收的，由送达人在此注明拒签的事由和日期，"
                              "并由见证人签名，把文书留在受送达人的住所或办公场所，即视为送达。",
                  "", ""]]
        spans.append(((1, 5), (3, 5)))
    table = grid(rows, [0.18 * w, 0.36 * w, 0.16 * w, 0.3 * w], label_column=True,
                 spans=spans)
    table.setStyle(TableStyle([("ALIGN", (0, 0), (-1, 0), "CENTER"),
                               ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#EEEEEE")),
                               ("BACKGROUND", (2, 2), (2, -1), colors.HexColor("#F4F4F4"))]))
    return KeepTogether([HRFlowable(width="100%", thickness=0.5, dash=(3, 2),
                                    color=colors.grey, spaceAfter=3 * mm), table])
