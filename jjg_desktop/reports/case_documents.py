"""The province's decisions on an abnormal-list case: 列入决定书, 移出决定书, 清出通知书."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from pathlib import Path

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from jjg_desktop.reports import official
from jjg_desktop.reports.document import Stamp, chinese_date, content_hash, escape, write_pdf
from jjg_desktop.reports.typefaces import faces_for
from jjg_desktop.rules.china_time import local_date
from jjg_desktop.rules.decisions import document_for
from jjg_desktop.rules.workflow import DocumentDef, Workflow
from jjg_desktop.services.context import Store
from jjg_desktop.services.errors import InvalidInput, NotFound
from jjg_desktop.store.audit import canonical_json
from jjg_desktop.store.read.cases import CaseDetail, case_detail, document_reference
from jjg_desktop.store.rulebook import abnormal_list_workflow

ISSUER = "吉林省住房和城乡建设厅"
FACT_STEPS = {"listed": ("propose", "resubmit"), "notified": ("propose", "resubmit"),
              "cleared": ("notify_clearing", "clear_out"),
              "clearing_notified": ("notify_clearing",),
              "removed": ("accept_objection", "verify_rectification")}
"""Whose words are the facts a document states: the county's proposal for a listing, the
province's reasons for a clearing, the finding that let the enterprise off the list."""


def render_case_document(store: Store, case_id: str, path: Path) -> Path:
    with store.db.read() as session:
        detail = case_detail(session, case_id)
    if detail is None:
        raise NotFound(f"找不到异常名录案件 {case_id}")
    workflow = abnormal_list_workflow()
    document = document_for(workflow, detail.state)
    number, day = document_reference(detail, workflow)
    if document is None or not number:
        label = workflow.label(detail.state)
        raise InvalidInput(f"案件当前为“{label}”，尚无可打印的决定文书（省厅作出决定后方可打印）")
    stamp = Stamp(document.title, number, detail.id, content_hash(asdict(detail)))
    return write_pdf(path, stamp, _story(detail, document, workflow, number, day))


def _story(d: CaseDetail, doc: DocumentDef, wf: Workflow, number: str,
           day: date | None) -> list[Flowable]:
    texts = [escape(text) for text in _paragraphs(d, doc, wf) if text]
    faces = faces_for([*texts, canonical_json(asdict(d)), number, doc.title, ISSUER])
    body, line = official.body_style(faces), official.line_style(faces)
    story: list[Flowable] = [
        *official.head(faces, ISSUER, number, doc.title),
        Paragraph(escape(f"当事人：{d.enterprise}"), line),
        Paragraph(f"统一社会信用代码：{d.credit_code}", line),
        Paragraph(escape(f"住所：{d.address or '（未登记）'}"), line),
        Paragraph(escape(f"法定代表人：{d.legal_representative or '（未登记）'}"), line),
        Spacer(1, 2 * mm),
    ]
    story += [Paragraph(text, body) for text in texts[:-1]]
    story.append(official.signature(faces, ISSUER, day, [Paragraph(texts[-1], body)]))
    story.append(official.colophon(
        faces, [f"{d.prefecture}住房城乡建设部门", f"{d.division}住房城乡建设局"],
        f"{ISSUER}办公室", day))
    return story


def _facts(d: CaseDetail) -> str:
    """What was found, in the words of whoever established it (the latest such step)."""
    steps = FACT_STEPS.get(d.state, ())
    said = [t.comment.strip().rstrip("。") for t in d.timeline
            if t.action in steps and t.comment.strip()]
    return f"经查，{said[-1]}。" if said else ""


def _listed_on(d: CaseDetail) -> str:
    listing = next((t for t in reversed(d.timeline) if t.action == "list"), None)
    return chinese_date(local_date(listing.at)) if listing else ""


def _paragraphs(d: CaseDetail, doc: DocumentDef, wf: Workflow) -> list[str]:
    grounds = "、".join(d.grounds)
    basis = "、".join(doc.basis)
    notice = next((t for t in wf.transitions if t.notice and t.target == d.state), None)
    conditions = doc.conditions.format(
        rectification_days=wf.periods.get("rectification_days", ""),
        objection_days=wf.periods.get("objection_days", ""), division=d.division,
        statement_days=notice.deadline.days if notice and notice.deadline else "")
    if doc.announces:
        announced = wf.documents[doc.announces]
        decided = (f"依据{'、'.join(announced.basis)}的规定，本厅{doc.decision}。"
                   f"依据{basis}的规定，现将本厅拟作出决定的事实、理由和依据告知你单位。")
    else:
        decided = f"依据{basis}的规定，本厅决定{doc.decision}。"
    if d.state in ("listed", "notified"):
        found = (f"经{d.division}住房城乡建设局动态核查、{d.prefecture}住房城乡建设部门审核，"
                 f"你单位在我省承揽业务期间存在{grounds}的情形。{_facts(d)}")
    elif d.state == "removed":
        reason = ("经审查，你单位提出的异议成立" if any(t.action == "accept_objection"
                                                     for t in d.timeline)
                  else "经核实，你单位已按要求完成整改")
        found = (f"你单位因{grounds}，于{_listed_on(d)}被列入吉林省入吉企业异常名录。"
                 f"{reason}。{_facts(d)}")
    else:
        found = (f"你单位因{grounds}，于{_listed_on(d)}被列入吉林省入吉企业异常名录。"
                 f"{_facts(d)}")
    return [found, decided, conditions, doc.consequences, doc.remedies]
