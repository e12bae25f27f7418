"""建筑市场执法检查记录表: the printed record of one inspection — project and parties, the
team with their certificate numbers, every item with its answer, the real-name outcome,
findings with their legal basis, amendments, photos and signatures."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

from PIL import Image as PILImage
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    CondPageBreak,
    Flowable,
    Image,
    KeepTogether,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from jjg_desktop.reports.document import (
    Stamp,
    chinese_date,
    content_hash,
    escape,
    grid,
    para,
    signature,
    styles,
    write_pdf,
)
from jjg_desktop.rules import inspection as rules
from jjg_desktop.rules import key_posts
from jjg_desktop.services.context import CHINA, Store
from jjg_desktop.services.errors import NotFound
from jjg_desktop.store import attachments
from jjg_desktop.store.read.inspections import (
    InspectionDetail,
    ItemView,
    PhotoRef,
    inspection_detail,
)

TITLE = "建筑市场执法检查记录表"
BODY_WIDTH = 156 * mm
PRINT_DPI = 300
PHOTO_QUALITY = 80
_CHINESE_NUMBERS = "一二三四五六七八九十"


def heading(text: str, following: Flowable | None = None) -> list[Flowable]:
    """A heading and what follows it, the heading never left alone at the foot of a page: a
    new page starts unless the heading and the first rows of ``following`` (a table's header
    and first entry) fit, without holding a long table back (it splits, header repeated)."""
    style = ParagraphStyle("heading-split", parent=styles()["heading"], keepWithNext=0)
    title = Paragraph(text, style)
    _width, height = title.wrap(BODY_WIDTH, A4[1])
    need = height + style.spaceBefore + style.spaceAfter
    need += _opening_height(following) if following is not None else 20 * mm
    return [CondPageBreak(need), title, *([following] if following is not None else [])]


def _opening_height(following: Flowable) -> float:
    """How much of ``following`` must share the heading's page: a table's repeated header
    rows and its first entry; anything else whole (up to a third of a page)."""
    _width, height = following.wrap(BODY_WIDTH, A4[1])
    if isinstance(following, Table):
        heights = getattr(following, "_rowHeights", None) or []
        opening = (following.repeatRows or 0) + 1
        if heights:
            return float(sum(h or 0 for h in heights[:opening])) + 6
    return min(height, A4[1] / 3)


def _answer_cell(text: str, finding: bool) -> Paragraph:
    style = ParagraphStyle("answer-finding" if finding else "answer", parent=styles()["cell"],
                           alignment=TA_CENTER,
                           textColor=colors.HexColor("#B00000") if finding else colors.black)
    return Paragraph(escape(text).replace("\n", "<br/>"), style)


def render_inspection_record(store: Store, inspection_id: str, path: Path) -> Path:
    with store.db.read() as session:
        detail = inspection_detail(session, inspection_id)
    if detail is None:
        raise NotFound(f"找不到检查记录 {inspection_id}")
    stamp = Stamp(TITLE, detail.number, detail.id, content_hash(asdict(detail)))
    return write_pdf(path, stamp, _story(detail, store.paths.attachments_dir))


def local_time(value: datetime | None) -> datetime | None:
    """A stored (UTC) moment as the clock on the wall in China shows it."""
    return value.replace(tzinfo=UTC).astimezone(CHINA) if value else None


def _when(d: InspectionDetail) -> tuple[str, str]:
    start, end = local_time(d.started_at), local_time(d.completed_at)
    day = chinese_date(start.date() if start else d.planned_on)
    if start is None:
        return day, "（尚未开始）"
    return day, f"{start:%H:%M} 至 {end:%H:%M}" if end else f"{start:%H:%M} 起（进行中）"


def _story(d: InspectionDetail, root: Path) -> list[Flowable]:
    story: list[Flowable] = [para(TITLE, "title"), para(f"编号：{d.number}", "number")]
    story += _particulars(d)
    story += _team(d)
    photo_numbers = {p.id: n for n, p in enumerate(_all_photos(d), start=1)}
    if d.method == rules.REINSPECTION:
        story += _reviews(d, photo_numbers)
    else:
        story += _checklist(d, photo_numbers)
        story += _real_name(d)
    story += _findings(d, "复查中新发现的问题" if d.method == rules.REINSPECTION else "发现的问题")
    story += heading("检查结论", grid([[para(d.conclusion or "（尚未填写）")]], [BODY_WIDTH]))
    if d.amendments:
        story += _amendments(d)
    if d.notices:
        story.append(para("已下达文书：" + "；".join(
            f"{n.kind} {n.number}（整改期限 {chinese_date(n.deadline)}）" for n in d.notices),
            "cell"))
    story += _photos(d, root)
    status = "" if d.locked else f"（本记录状态：{d.status_label}，尚未锁定）"
    story += _signatures(d, root, para("本记录由吉建管桌面端生成，完成后锁定，其后的更正另行"
                                       f"记载；可扫描页脚二维码与系统记录核对。{status}", "small"))
    return story


def _person(d: InspectionDetail, role: str) -> str:
    people = [p for p in d.people if p.role == role]
    return "、".join(f"{p.name}（{p.cert_no}）" if p.cert_no else p.name for p in people)


def _particulars(d: InspectionDetail) -> list[Flowable]:
    w = BODY_WIDTH
    day, hours = _when(d)
    rows: list[list[object]] = [
        ["工程名称", d.project_name, "", ""],
        ["工程地址", d.project_address, "", ""],
        ["项目编号", d.project_code, "施工许可证号", d.permit_no or "—"],
    ]
    for role in rules.RESPONSIBLE_ROLES:
        names = [p.name for p in d.parties if p.role == role]
        if names:
            rows.append([role, "、".join(names), "", ""])
    rows += [
        ["项目负责人", _person(d, "项目负责人") or "—", "总监理工程师",
         _person(d, "总监理工程师") or "—"],
        ["检查方式", d.method, "检查日期", day],
        ["检查时间", hours, "检查地点", d.place],
        ["检查依据", f"{d.template_title}（第 {d.template_version} 版）", "", ""],
    ]
    if d.reinspection_of is not None:
        rows.append(["原检查记录", d.reinspection_of.number, "", ""])
    spans = [((1, n), (3, n)) for n, row in enumerate(rows) if row[2] == "" and row[3] == ""]
    return [grid(rows, [0.16 * w, 0.38 * w, 0.18 * w, 0.28 * w], label_column=True,
                 spans=spans)]


def _team(d: InspectionDetail) -> list[Flowable]:
    w = BODY_WIDTH
    rows: list[list[object]] = [["序号", "姓名", "类别", "行政执法证号"]]
    rows += [[str(n), m.name, m.kind, m.cert_no or "—"] for n, m in enumerate(d.team, 1)]
    return heading("检查人员", grid(rows, [0.1 * w, 0.3 * w, 0.2 * w, 0.4 * w], header=True))


def _answer_text(item: ItemView) -> str:
    if not item.value:
        return "—"
    text = f"{item.value}{item.unit}" if item.answer_type == "number" and \
        item.value != rules.NOT_APPLICABLE else item.value
    sheet = key_posts.sheet_of(item, item.value)
    if sheet is not None:
        text = f"最低\n{sheet.lowest.percent}"
    if item.value != item.original_value:
        text += ("\n（已更正，见更正记录）" if item.answer_type == "key_posts" else
                 f"\n（更正，原为{item.original_value or '空'}）")
    return text


def _real_name(d: InspectionDetail) -> list[Flowable]:
    """The real-name outcome; with a key posts' sheet, each person's days and rate, the
    short ones in red, and what the deduction table charges them."""
    outcome = d.real_name
    summary = grid([[para(outcome.summary)]], [BODY_WIDTH])
    if outcome.sheet is None:
        return heading("实名制管理情况", summary)
    w = BODY_WIDTH
    personal = {(c.post, c.name): c for c in outcome.charges if c.subject != key_posts.ENTERPRISE}
    rows: list[list[object]] = [["序号", "岗位", "姓名", "应在岗天数", "在岗天数", "月度在岗率",
                                 "个人扣分"]]
    short = set(outcome.short)
    for n, p in enumerate(outcome.sheet.people, start=1):
        charge = personal.get((p.post, p.name))
        rows.append([str(n), p.post, p.name, str(p.due), str(p.on_duty),
                     _answer_cell(p.percent, p in short),
                     f"{charge.points:g}分" if charge else "—"])
    table = grid(rows, [0.08 * w, 0.19 * w, 0.14 * w, 0.15 * w, 0.13 * w, 0.16 * w, 0.15 * w],
                 header=True)
    note = para(f"统计月份：{outcome.sheet.month_label}。一日内至少两次考勤打卡且间隔不少于4小时"
                f"方计为在岗；月度在岗率 = 在岗天数 ÷ 应在岗天数，低于"
                f"{outcome.threshold * 100:g}%的以红色标出。", "small")
    return [*heading("实名制管理情况", summary), Spacer(1, 2 * mm), table, note]


def _remark_text(item: ItemView, photo_numbers: dict[str, int]) -> str:
    text = item.remark
    if item.answer_type == "text" and item.value:
        text = f"{item.value}\n{text}".strip()
    if item.remark != item.original_remark:
        text += "（已更正）"
    refs = [str(photo_numbers[p.id]) for p in item.photos if p.id in photo_numbers]
    if refs:
        text = f"{text}\n见照片 {'、'.join(refs)}".strip()
    return text


def _checklist(d: InspectionDetail, photo_numbers: dict[str, int]) -> list[Flowable]:
    w = BODY_WIDTH
    widths = [0.125 * w, 0.485 * w, 0.12 * w, 0.27 * w]
    story: list[Flowable] = []
    for n, section in enumerate(d.sections):
        rows: list[list[object]] = [[f"{_CHINESE_NUMBERS[n]}、{section.title}", "", "", ""],
                                    ["编号", "检查内容", "结论", "情况说明"]]
        for item in section.items:
            answer = "见说明" if item.answer_type == "text" and item.value else _answer_text(item)
            rows.append([item.code + ("★" if item.basic else ""), item.text,
                         _answer_cell(answer, item.finding), _remark_text(item, photo_numbers)])
        table = grid(rows, widths, header=True, spans=[((0, 0), (3, 0))])
        table.setStyle(TableStyle([
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#DDDDDD")),
            ("BACKGROUND", (0, 1), (-1, 1), colors.HexColor("#F4F4F4"))]))
        table.repeatRows = 2
        story += [*(heading("检查情况", table) if n == 0 else [table]), Spacer(1, 2 * mm)]
    story.append(para("注：★为基本项；“不适用”表示该项不适用于本项目；红色结论为发现的问题。",
                      "small"))
    return story


def _reviews(d: InspectionDetail, photo_numbers: dict[str, int]) -> list[Flowable]:
    w = BODY_WIDTH
    items = {i.code: i for i in d.items}
    rows: list[list[object]] = [["序号", "原检查发现的问题", "原整改期限", "复查结果", "复查情况"]]
    for n, r in enumerate(d.reviews, start=1):
        f = r.finding
        item = items.get(f.item_code)
        note = r.note
        if r.new_deadline:
            note = f"{note}\n新整改期限：{chinese_date(r.new_deadline)}".strip()
        if item is not None and item.photos:
            note = f"{note}\n见照片 " + "、".join(
                str(photo_numbers[p.id]) for p in item.photos if p.id in photo_numbers)
        rows.append([str(n), f"{f.problem}\n（{f.inspection_number} {f.item_code}）".strip(),
                     chinese_date(r.previous_deadline), r.outcome_label, note.strip()])
    table = grid(rows, [0.07 * w, 0.4 * w, 0.15 * w, 0.15 * w, 0.23 * w], header=True)
    return heading("复查情况", table)


def _findings(d: InspectionDetail, title: str) -> list[Flowable]:
    w = BODY_WIDTH
    if not d.findings:
        return heading(title, grid([[para("未发现问题。")]], [w]))
    rows: list[list[object]] = [["序号", "存在的问题及依据", "整改要求", "责任单位及期限"]]
    for n, f in enumerate(d.findings, start=1):
        problem = f"{f.problem}\n依据：{f.legal_basis}" if f.legal_basis else f.problem
        party = f"{f.responsible_role}\n{f.enterprise}".strip()
        party += f"\n{chinese_date(f.deadline)}前" if f.deadline else "\n期限未定"
        if f.status != rules.FINDING_OPEN:
            party += f"\n（{f.status_label}）"
        rows.append([str(n), problem, f.requirement, party])
    return heading(title, grid(rows, [0.08 * w, 0.46 * w, 0.24 * w, 0.22 * w], header=True))


def _amendments(d: InspectionDetail) -> list[Flowable]:
    w = BODY_WIDTH
    rows: list[list[object]] = [["更正内容", "原记录", "更正为", "理由", "更正人及时间"]]
    for a in d.amendments:
        at = local_time(a.amended_at)
        rows.append([a.label, a.old_value or "（空）", a.new_value, a.reason,
                     f"{a.amended_by}\n{at:%Y-%m-%d %H:%M}" if at else a.amended_by])
    return heading("更正记录（检查记录完成后的更正，原记录保持不变）",
                   grid(rows, [0.16 * w, 0.2 * w, 0.2 * w, 0.24 * w, 0.2 * w], header=True))


def _all_photos(d: InspectionDetail) -> list[PhotoRef]:
    return [p for item in d.items for p in item.photos] + list(d.photos)


def print_photo(data: bytes, width: float, height: float) -> Image:
    """A photo at print resolution for its box (300 dpi), decoded at reduced size where
    JPEG allows, re-encoded once."""
    with PILImage.open(io.BytesIO(data)) as img:
        box = (round(width / 72 * PRINT_DPI), round(height / 72 * PRINT_DPI))
        scale = min(box[0] / img.width, box[1] / img.height, 1.0)
        target = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
        img.draft("RGB", target)
        img = img.convert("RGB") if img.mode not in ("RGB", "L") else img
        img = img.resize(target, PILImage.Resampling.LANCZOS) if img.size != target else img
        out = io.BytesIO()
        img.save(out, "JPEG", quality=PHOTO_QUALITY)
    out.seek(0)
    fit = min(width / target[0], height / target[1])
    return Image(out, width=target[0] * fit, height=target[1] * fit)


def stored_image(root: Path, sha256: str, make: Callable[[bytes], Flowable]) -> Flowable:
    """The stored file drawn by `make`, or a note where it is missing or damaged: one bad
    file must not keep the rest of the record from printing."""
    try:
        return make(attachments.read_verified(root, sha256))
    except (OSError, ValueError, SyntaxError):
        return para(f"（文件缺失或已损坏，无法打印：{sha256[:12]}…）", "small")


def _photo_cell(root: Path, n: int, photo: PhotoRef, items: dict[str, ItemView]) -> list[object]:
    label = f"照片{n}"
    if photo.item_code:
        label += f"　{photo.item_code}"
    caption = photo.caption or (items[photo.item_code].text if photo.item_code in items else "")
    if caption:
        label += f"：{caption}"
    if photo.taken_at is not None:  # the camera's own clock, as EXIF keeps it
        label += f"（拍摄于 {photo.taken_at:%Y-%m-%d %H:%M}）"
    if photo.gps:
        label += f"　北纬{photo.gps[0]:.5f}° 东经{photo.gps[1]:.5f}°"
    image = stored_image(root, photo.sha256, lambda data: print_photo(data, 74 * mm, 56 * mm))
    return [image, para(label, "small")]


def _photos(d: InspectionDetail, root: Path) -> list[Flowable]:
    photos = _all_photos(d)
    if not photos:
        return []
    items = {i.code: i for i in d.items}
    cells = [_photo_cell(root, n, p, items) for n, p in enumerate(photos, start=1)]
    rows = [cells[i:i + 2] + [""] * (2 - len(cells[i:i + 2])) for i in range(0, len(cells), 2)]
    table = Table(rows, colWidths=[BODY_WIDTH / 2] * 2)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                               ("BOX", (0, 0), (-1, -1), 0.5, colors.black),
                               ("INNERGRID", (0, 0), (-1, -1), 0.25, colors.grey),
                               ("TOPPADDING", (0, 0), (-1, -1), 4),
                               ("BOTTOMPADDING", (0, 0), (-1, -1), 4)]))
    return heading("现场照片", table)


def _signatures(d: InspectionDetail, root: Path, note: Flowable) -> list[Flowable]:
    w = BODY_WIDTH
    rows: list[list[object]] = [["身份", "姓名", "签名", "签名时间"]]
    order = {m.name: n for n, m in enumerate(d.team)}
    for s in sorted(d.signatures, key=lambda s: (s.role != rules.INSPECTOR_SIGNER,
                                                 order.get(s.name, 99), s.signed_at)):
        at = local_time(s.signed_at)
        rows.append([s.role, s.name, stored_image(root, s.sha256, signature),
                     f"{at:%Y-%m-%d %H:%M}" if at else ""])
    if len(rows) == 1:
        rows.append(["（尚未签名）", "", "", ""])
    table = grid(rows, [0.22 * w, 0.2 * w, 0.34 * w, 0.24 * w], header=True)
    party = [s.name for s in d.signatures if s.role == rules.PARTY_SIGNER]
    acknowledged = para(
        f"受检单位确认：本记录所载检查情况及发现的问题已向受检单位代表出示，"
        f"{'、'.join(party)}已阅读并签名确认。" if party else
        "受检单位确认：受检单位代表尚未签名确认本记录。", "body")
    return [KeepTogether([para("签名", "heading"), acknowledged, Spacer(1, 2 * mm), table,
                          Spacer(1, 4 * mm), note])]
