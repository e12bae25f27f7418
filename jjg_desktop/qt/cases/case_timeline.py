"""A case's timeline as rich text: each step with its time, who took it (name · role ·
division), what was done, the comment and the evidence cited. A verification on record is a
link (`verification:<id>`) that opens its printed record."""

from __future__ import annotations

from html import escape

from PySide6.QtCore import QCoreApplication

from jjg_desktop.qt.kit import labels
from jjg_desktop.services.startup import ROLES
from jjg_desktop.store.read.cases import VERIFICATION, CaseView, EvidenceView
from jjg_desktop.store.rulebook import abnormal_list_workflow

LINK_SCHEME = "verification"
MUTED, ACCENT, LOCAL = "#4b5563", "#1d4e89", "#9a3412"


def _tr(text: str) -> str:
    return QCoreApplication.translate("CaseTimeline", text)


def evidence_kind(kind: str) -> str:
    return {"verification": _tr("核查记录"), "finding": _tr("检查发现问题"),
            "attachment": _tr("附件"), "note": _tr("书面材料")}.get(kind, kind)


def evidence_html(e: EvidenceView) -> str:
    text = escape(e.text)
    if e.kind == VERIFICATION and e.on_record:
        text = f'<a href="{LINK_SCHEME}:{escape(e.ref_id)}">{text}</a>'
    return _tr("证据 · {kind}：{text}").format(kind=escape(evidence_kind(e.kind)), text=text)


def timeline_html(view: CaseView) -> str:
    wf = abnormal_list_workflow()
    blocks = []
    for entry, evidence in zip(view.detail.timeline, view.step_evidence, strict=True):
        step = wf.transition(entry.action)
        when = escape(labels.local_time(entry.at))
        synced = (f'<span style="color:{LOCAL}">{escape(_tr("本机办理，待上传"))}</span>'
                  if entry.server_at is None else escape(_tr("服务器已确认")))
        who = " · ".join(escape(p) for p in (
            entry.actor, ROLES.get(entry.actor_role, entry.actor_role), entry.actor_division)
            if p)
        lines = [
            f'<p style="margin-top:10px; margin-bottom:0px"><span style="color:{ACCENT}">●</span>'
            f'&nbsp;<b>{escape(step.label if step else entry.action)}</b>'
            f'&nbsp;&nbsp;<span style="color:{MUTED}">{when} · {synced}</span></p>',
            f'<p style="margin:0px 0px 0px 18px; color:{MUTED}">{who}</p>',
        ]
        if entry.comment:
            comment = escape(entry.comment).replace("\n", "<br>")
            lines.append(f'<p style="margin:2px 0px 0px 18px">{comment}</p>')
        lines += [f'<p style="margin:2px 0px 0px 18px; color:{MUTED}">{evidence_html(e)}</p>'
                  for e in evidence]
        blocks.append("".join(lines))
    return "".join(blocks)
