"""The province's decisions on an abnormal-list case: 列入决定书, 移出决定书, 清出通知书."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, HRFlowable, Paragraph, Spacer

from jjg_desktop.reports.document import Stamp, content_hash, para, register_font, write_pdf
from jjg_desktop.rules.decisions import document_title
from jjg_desktop.services.context import Store
from jjg_desktop.services.errors import InvalidInput, NotFound
from jjg_desktop.store.read.cases import CaseDetail, case_detail
from jjg_desktop.store.rulebook import abnormal_list_workflow

ISSUER = "吉林省住房和城乡建设厅"
LEGAL_BASIS = ("《吉林省住房和城乡建设厅关于印发2023年全省建筑管理工作要点的通知》"
               "（吉建管〔2023〕8号）第（七）项")
REMEDIES = ("如不服本决定，可以自收到本决定书之日起六十日内向吉林省人民政府申请行政复议，"
            "也可以自收到本决定书之日起六个月内依法向人民法院提起行政诉讼。")
def render_case_document(store: Store, case_id: str, path: Path) -> Path:
    with store.db.read() as session:
        detail = case_detail(session, case_id)
    if detail is None:
        raise NotFound(f"找不到异常名录案件 {case_id}")
    title = document_title(detail.state)
    if title is None or not detail.decision_no:
        label = abnormal_list_workflow().label(detail.state)
        raise InvalidInput(f"案件当前为“{label}”，尚无可打印的决定文书（省厅作出决定后方可打印）")
    stamp = Stamp(title, detail.decision_no, detail.id, content_hash(asdict(detail)))
    return write_pdf(path, stamp, _story(detail, title))


def _style(name: str, **kw: object) -> ParagraphStyle:
    return ParagraphStyle(name, fontName=register_font(), wordWrap="CJK", **kw)


def _story(d: CaseDetail, title: str) -> list[Flowable]:
    red = colors.HexColor("#C8102E")
    body = _style("doc-body", fontSize=14, leading=24, firstLineIndent=28)
    story: list[Flowable] = [
        Paragraph(ISSUER, _style("issuer", fontSize=26, leading=34, alignment=TA_CENTER,
                                 textColor=red)),
        Spacer(1, 3 * mm),
        HRFlowable(width="100%", thickness=1.5, color=red, spaceAfter=4 * mm),
        Paragraph(d.decision_no, _style("docno", fontSize=13, leading=20, alignment=TA_CENTER)),
        Spacer(1, 4 * mm),
        Paragraph(title, _style("doctitle", fontSize=20, leading=30, alignment=TA_CENTER)),
        Spacer(1, 6 * mm),
        Paragraph(f"{d.enterprise}（统一社会信用代码：{d.credit_code}）：",
                  _style("addressee", fontSize=14, leading=26)),
    ]
    story += [Paragraph(text, body) for text in _paragraphs(d)]
    when = d.decision_date.strftime("%Y年%m月%d日").replace("年0", "年").replace("月0", "月") \
        if d.decision_date else ""
    right = _style("sign", fontSize=14, leading=24, alignment=TA_RIGHT)
    story += [Spacer(1, 6 * mm), Paragraph(ISSUER, right), Paragraph(when, right),
              Spacer(1, 4 * mm),
              para(f"抄送：{d.prefecture}住房城乡建设部门、{d.division}住房城乡建设局。", "small")]
    return story


def _paragraphs(d: CaseDetail) -> list[str]:
    grounds = "、".join(d.grounds)
    listing = next((t for t in d.timeline if t.action == "list"), None)
    listed_on = (listing.at.date().isoformat() if listing else "")
    wf = abnormal_list_workflow()
    rectify_days = wf.periods.get("rectification_days", 90)
    objection_days = wf.periods.get("objection_days", 30)
    if d.state == "listed":
        return [
            f"经{d.division}住房城乡建设局动态核查、{d.prefecture}住房城乡建设部门审核，"
            f"你单位在我省承揽业务期间存在{grounds}的情形。",
            f"依据{LEGAL_BASIS}的规定，本厅决定将你单位列入吉林省入吉企业异常名录，并予以公示。",
            f"你单位应当自本决定公示之日起{rectify_days}日内完成整改，并向{d.division}"
            f"住房城乡建设局申请核实；对列入有异议的，可以自公示之日起{objection_days}日内"
            "提出异议并提交相关证明材料。逾期未整改或者情节严重的，将依法清出我省建筑市场。",
            REMEDIES,
        ]
    if d.state == "removed":
        reason = ("经审查，你单位提出的异议成立" if any(t.action == "accept_objection"
                                                     for t in d.timeline)
                  else "经核实，你单位已按要求完成整改")
        return [
            f"你单位因{grounds}，于{listed_on}被列入吉林省入吉企业异常名录。{reason}。",
            f"依据{LEGAL_BASIS}的规定，本厅决定将你单位移出吉林省入吉企业异常名录，并予以公示。",
            REMEDIES,
        ]
    return [
        f"你单位因{grounds}，于{listed_on}被列入吉林省入吉企业异常名录，"
        "在规定期限内未完成整改（或情节严重）。",
        f"依据{LEGAL_BASIS}的规定，本厅决定将你单位清出吉林省建筑市场，"
        "自本通知送达之日起不得在我省承揽房屋建筑和市政基础设施工程业务。",
        REMEDIES,
    ]
