"""The inspection form, generated from the record's checklist template: header, 开始检查, the
items by section (saved the moment they are made), the real-name outcome, findings (and on a
re-inspection the earlier findings with 已整改 / 未整改), the conclusion, signatures, 完成检查;
then, locked, 更正…, 复查, printing the record and issuing / printing the notice.

The form reads `inspection_detail` on the task runner after each change and shows it; every
change is one service call made at once."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from jjg_desktop.qt.kit.pdf_preview import PdfPreview

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal, Slot
from PySide6.QtGui import QHideEvent, QImage, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from jjg_desktop.qt.inspections.findings_panel import FindingDialog, FindingsPanel, ReviewsPanel
from jjg_desktop.qt.inspections.inspection_dialogs import (
    AmendDialog,
    NoticeDialog,
    StartDialog,
    print_notice,
    print_record,
)
from jjg_desktop.qt.inspections.inspection_items import TOUCH, ItemRow
from jjg_desktop.qt.inspections.inspection_signatures import InspectionSignatures
from jjg_desktop.qt.kit import labels
from jjg_desktop.qt.kit.evidence_photos import IMAGE_FILTER
from jjg_desktop.qt.kit.photo_viewer import Photo, PhotoViewer
from jjg_desktop.qt.kit.service_task import run_service
from jjg_desktop.qt.kit.style import set_tone
from jjg_desktop.qt.kit.tasks import TaskState
from jjg_desktop.qt.kit.typing_pause import TypingPause
from jjg_desktop.qt.kit.workspace import Workspace
from jjg_desktop.rules.inspection import (
    COMPLETED,
    IN_PROGRESS,
    PLANNED,
    REINSPECTION,
    answer_label,
)
from jjg_desktop.services import drafts, inspections, notices
from jjg_desktop.services import findings as finding_services
from jjg_desktop.services.errors import ServiceError
from jjg_desktop.store import attachments
from jjg_desktop.store.read.inspections import InspectionDetail, inspection_detail

log = logging.getLogger(__name__)

THUMB = 72
SIGNATURE_HEIGHT = 60

FORM_STYLE = """
QFrame#itemRow { background: #ffffff; border: 1px solid #d5dbe3; border-radius: 4px; }
QFrame#itemRow:focus { border: 2px solid #1d4e89; }
QFrame#itemRow[finding="true"] { border-left: 6px solid #b42318; background: #fff6f5; }
QFrame#findingRow { background: #fff6f5; border: 1px solid #f0c2bd; border-radius: 4px; }
QPushButton#answerButton { font-size: 12pt; padding: 4px 10px; }
QPushButton#answerButton:checked[answer="符合"] { background: #1f7a3a; color: white; }
QPushButton#answerButton:checked[answer="不符合"] { background: #b42318; color: white; }
QPushButton#answerButton:checked[answer="不适用"] { background: #6b7280; color: white; }
QPushButton#answerButton:focus { border: 2px solid #1d4e89; }
QPushButton#formAction { font-size: 11pt; padding: 4px 14px; }
QLabel#formTitle { font-size: 14pt; font-weight: bold; }
QLabel#progress { font-size: 12pt; font-weight: bold; color: #1d4e89; }
QLabel#realName[tone="warning"] { color: #9a3412; font-weight: bold; }
QGroupBox { font-weight: bold; font-size: 11pt; }
"""


@dataclass(frozen=True, slots=True)
class _Snapshot:
    detail: InspectionDetail | None
    images: dict[str, QImage]
    problem: str = ""
    """Why the record cannot be shown (its checklist template is unreadable)."""


class _DebouncedText(QPlainTextEdit):
    """The conclusion: saved after a pause in typing and on leaving the box."""

    committed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loading = False
        self._pause = TypingPause(self, self.toPlainText)
        self._pause.committed.connect(self.committed)
        self.textChanged.connect(self._edited)

    def load(self, text: str) -> None:
        if not self._pause.dirty and self.toPlainText() != text:
            self._loading = True
            self.setPlainText(text)
            self._loading = False

    @Slot()
    def _edited(self) -> None:
        if not self._loading:
            self._pause.edited()

    @Slot()
    def flush(self) -> None:
        self._pause.flush()


def _load_images(root: Path, detail: InspectionDetail, have: set[str]) -> dict[str, QImage]:
    """Thumbnails of the photos and the signature images not yet shown (on a worker)."""
    wanted = {p.sha256: THUMB for i in detail.items for p in i.photos}
    wanted |= {s.sha256: SIGNATURE_HEIGHT for s in detail.signatures}
    images = {}
    for sha, size in wanted.items():
        if sha in have:
            continue
        image = QImage(str(attachments.path_of(root, sha)))
        if not image.isNull():
            image = image.scaled(size * 4 if size == SIGNATURE_HEIGHT else size, size,
                                 Qt.AspectRatioMode.KeepAspectRatio,
                                 Qt.TransformationMode.SmoothTransformation)
        images[sha] = image
    return images


class InspectionForm(QWidget):
    back = Signal()
    open_inspection = Signal(str)
    open_project = Signal(str)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._ws = workspace
        self.inspection_id = ""
        self._drafts_checked = ""
        """The record whose sheet draft was looked for (once each time a record is opened)."""
        self.detail: InspectionDetail | None = None
        self.viewer: PhotoViewer | None = None
        self.rows: dict[str, ItemRow] = {}
        self.images: dict[str, QImage] = {}
        self.dialog: QWidget | None = None
        self.preview: PdfPreview | None = None
        self._template = ""
        self._show_problems = False
        self.setStyleSheet(FORM_STYLE)

        self.back_button = self._action(self.tr("← 返回列表"), self.back)
        self.title = QLabel(self)
        self.title.setObjectName("formTitle")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.start_button = self._action(self.tr("开始检查"), self.start)
        self.complete_button = self._action(self.tr("完成检查"), self.complete)
        self.amend_button = self._action(self.tr("更正…"), self.amend)
        self.reinspect_button = self._action(self.tr("复查"), self.reinspect)
        self.print_button = self._action(self.tr("打印检查记录"), self.print_record)
        self.notice_button = self._action(self.tr("签发整改通知书…"), self.issue_notice)
        self.print_notice_button = self._action(self.tr("打印整改通知书"), self.print_notice)
        self.reinspect_button.setToolTip(self.tr("安排复查：逐项复核本次检查未整改的问题"))
        self.progress = QLabel(self)
        self.progress.setObjectName("progress")
        for label in (self.title, self.progress):  # the action buttons keep their room
            label.setWordWrap(True)
        heading = QVBoxLayout()
        heading.setSpacing(0)
        heading.addWidget(self.title)
        heading.addWidget(self.progress)
        bar = QHBoxLayout()
        bar.addWidget(self.back_button)
        bar.addLayout(heading, 1)
        for b in (self.start_button, self.complete_button, self.amend_button,
                  self.reinspect_button, self.notice_button, self.print_notice_button,
                  self.print_button):
            bar.addWidget(b)

        self.content = QWidget()
        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(self.content)
        body = QVBoxLayout(self.content)
        body.setContentsMargins(0, 0, 12, 12)
        body.setSpacing(10)

        self.header = QGroupBox(self.tr("基本情况"), self.content)
        grid = QGridLayout(self.header)
        self.values: dict[str, QLabel] = {}
        fields = [("project", self.tr("工程项目")), ("place", self.tr("检查地点")),
                  ("parties", self.tr("参建单位")), ("team", self.tr("检查组")),
                  ("method", self.tr("检查方式")), ("dates", self.tr("检查时间"))]
        for n, (key, caption) in enumerate(fields):
            value = QLabel(self.header)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            value.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
            self.values[key] = value
            grid.addWidget(QLabel(caption, self.header), n, 0, Qt.AlignmentFlag.AlignTop)
            grid.addWidget(value, n, 1)
        self.project_button = QPushButton(self.tr("查看项目"), self.header)
        self.project_button.setAutoDefault(False)
        self.project_button.clicked.connect(
            lambda: self.open_project.emit(self.detail.project_id if self.detail else ""))
        grid.addWidget(self.project_button, 0, 2)
        grid.setColumnStretch(1, 1)
        self.real_name = QLabel(self.content)
        self.real_name.setObjectName("realName")
        self.real_name.setWordWrap(True)
        self.real_name.setTextFormat(Qt.TextFormat.PlainText)
        self.problems = QLabel(self.content)
        self.problems.setWordWrap(True)
        set_tone(self.problems, "error")
        self.problems.hide()
        self.notice_line = QLabel(self.content)
        self.notice_line.setWordWrap(True)
        self.notice_line.hide()
        body.addWidget(self.header)
        body.addWidget(self.real_name)
        body.addWidget(self.problems)
        body.addWidget(self.notice_line)

        self.sections_box = QWidget(self.content)
        self.sections_layout = QVBoxLayout(self.sections_box)
        self.sections_layout.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.sections_box)

        self.reviews_group = QGroupBox(self.tr("复查：原检查发现的问题"), self.content)
        self.reviews = ReviewsPanel(self.reviews_group)
        QVBoxLayout(self.reviews_group).addWidget(self.reviews)
        self.reviews.reviewed.connect(self._review)
        body.addWidget(self.reviews_group)

        self.findings_group = QGroupBox(self.tr("发现的问题"), self.content)
        self.findings = FindingsPanel(self.findings_group)
        QVBoxLayout(self.findings_group).addWidget(self.findings)
        self.findings.edited.connect(self._edit_finding)
        self.findings.add_requested.connect(self.add_finding)
        body.addWidget(self.findings_group)

        conclusion_group = QGroupBox(self.tr("检查结论"), self.content)
        self.conclusion = _DebouncedText(conclusion_group)
        self.conclusion.setPlaceholderText(self.tr("检查组对本次检查的结论意见"))
        self.conclusion.setMinimumHeight(90)
        self.conclusion.setMaximumHeight(140)
        self.conclusion.setTabChangesFocus(True)
        self.conclusion.setAccessibleName(self.tr("检查结论"))
        self.conclusion.committed.connect(self._save_conclusion)
        self.conclusion_message = QLabel(conclusion_group)
        set_tone(self.conclusion_message, "error")
        self.conclusion_message.hide()
        conclusion_layout = QVBoxLayout(conclusion_group)
        conclusion_layout.addWidget(self.conclusion)
        conclusion_layout.addWidget(self.conclusion_message)
        body.addWidget(conclusion_group)

        self.signatures_group = QGroupBox(self.tr("签名"), self.content)
        self.signatures = InspectionSignatures(self.signatures_group)
        QVBoxLayout(self.signatures_group).addWidget(self.signatures)
        self.signatures.sign.connect(self._sign)
        body.addWidget(self.signatures_group)

        self.amendments_group = QGroupBox(self.tr("更正记录"), self.content)
        self.amendments = QLabel(self.amendments_group)
        self.amendments.setWordWrap(True)
        QVBoxLayout(self.amendments_group).addWidget(self.amendments)
        body.addWidget(self.amendments_group)
        body.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.scroll, 1)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self._escape,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Print), self, self.print_record,
                  context=Qt.ShortcutContext.WidgetWithChildrenShortcut)

    def _action(self, text: str, slot: object) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName("formAction")
        button.setAutoDefault(False)
        button.setMinimumHeight(TOUCH)
        button.clicked.connect(slot)
        return button

    # --- loading ------------------------------------------------------------------------

    def show_inspection(self, inspection_id: str) -> None:
        if inspection_id != self.inspection_id:
            self.flush()  # a sheet not yet whole is kept as the record's draft first
            for row in self.rows.values():
                if row.sheet is not None:
                    row.sheet.reset()
            self._drafts_checked = ""
            self.inspection_id = inspection_id
            self._show_problems = False
            self.problems.hide()
            self.scroll.verticalScrollBar().setValue(0)
        self.reload()

    def reload(self) -> None:
        inspection_id = self.inspection_id
        store = self._ws.store
        have = set(self.images)

        def work(_state: TaskState) -> _Snapshot:
            try:
                with store.db.read() as session:
                    detail = inspection_detail(session, inspection_id)
            except (LookupError, ValueError) as exc:  # TemplateError is a ValueError
                return _Snapshot(None, {}, str(exc))
            images = _load_images(store.paths.attachments_dir, detail, have) if detail else {}
            return _Snapshot(detail, images)

        self._ws.tasks.run(f"inspection-form-{id(self)}", work, self._show)

    def _show(self, snap: _Snapshot) -> None:
        d = snap.detail
        if d is None or d.id != self.inspection_id:
            self.detail = None
            self.title.setText(self.tr("无法打开该检查记录：{reason}。请同步后重试。").format(
                reason=snap.problem) if snap.problem else self.tr("找不到该检查记录"))
            for w in (self.start_button, self.complete_button, self.amend_button,
                      self.reinspect_button, self.notice_button, self.print_notice_button,
                      self.print_button):
                w.hide()
            self.scroll.hide()
            return
        self.scroll.show()
        self.images.update(snap.images)
        self.detail = d
        if d.template_id != self._template or not self.rows:
            self._build_sections(d)
        self._show_header(d)
        only = set(d.review_items) if d.method == REINSPECTION else None
        for section in d.sections:
            for item in section.items:
                row = self.rows[item.code]
                if row.sheet is not None:
                    row.sheet.set_context(((p.role, p.name) for p in d.people),
                                          self._ws.today(), d.real_name.threshold)
                row.show_item(item, self.images)
                row.set_locked(d.status != IN_PROGRESS)
                row.setVisible(only is None or item.code in only)
            group = self.rows[section.items[0].code].parentWidget() if section.items else None
            if group is not None:
                group.setVisible(only is None or any(i.code in only for i in section.items))
        if d.status == IN_PROGRESS and self._drafts_checked != d.id:
            self._drafts_checked = d.id
            self._put_back_sheet_drafts(d.id)
        self.reviews_group.setVisible(bool(d.reviews))
        self.reviews.show_reviews(d.reviews, self._ws.today(), d.status != IN_PROGRESS)
        self.findings.show_findings(d.findings, self._ws.today())
        self.findings.set_locked(d.status != IN_PROGRESS)
        self.findings_group.setTitle(self.tr("发现的问题（{n}）").format(n=len(d.findings)))
        self.conclusion.load(d.conclusion)
        self.conclusion.setReadOnly(d.status != IN_PROGRESS)
        self.signatures.show_signatures(d.team, d.signatures, self.images,
                                        d.status != IN_PROGRESS)
        self.signatures_group.setVisible(d.status != PLANNED)
        self.amendments_group.setVisible(bool(d.amendments))
        self.amendments.setText("<br/>".join(self.tr(
            "{when} {who} 更正 {label}：“{old}” → “{new}”（理由：{reason}）").format(
            when=labels.local_time(a.amended_at), who=a.amended_by, label=a.label,
            old=a.old_value or "—", new=a.new_value, reason=a.reason) for a in d.amendments))
        if self._show_problems and d.completion_problems:
            self._list_problems(d.completion_problems)
        elif not d.completion_problems:
            self.problems.hide()

    def _build_sections(self, d: InspectionDetail) -> None:
        for row in self.rows.values():
            row.deleteLater()
        while self.sections_layout.count():
            w = self.sections_layout.takeAt(0).widget()
            if w is not None:
                w.deleteLater()
        self.rows = {}
        self._template = d.template_id
        previous: QWidget | None = None
        for section in d.sections:
            group = QGroupBox(f"{section.code}　{section.title}", self.sections_box)
            column = QVBoxLayout(group)
            column.setSpacing(6)
            for item in section.items:
                row = ItemRow(item, group)
                row.answered.connect(self._answer)
                if row.sheet is not None:
                    row.sheet.drafted.connect(self._draft_sheet)
                row.remarked.connect(self._remark)
                row.add_photos.connect(self.add_photos)
                row.remove_photo.connect(self._remove_photo)
                row.view_photo.connect(self.view_photo)
                row.move.connect(self._move)
                column.addWidget(row)
                self.rows[item.code] = row
                if previous is not None:
                    QWidget.setTabOrder(previous, row)
                previous = row
            self.sections_layout.addWidget(group)

    def _show_header(self, d: InspectionDetail) -> None:
        self.title.setText(self.tr("{number}　{status}").format(number=d.number,
                                                               status=d.status_label))
        v = self.values
        v["project"].setText(self.tr("{name}（{code}）施工许可证 {permit}").format(
            name=d.project_name, code=d.project_code, permit=d.permit_no or "—"))
        v["place"].setText(d.place or d.project_address or "—")
        v["parties"].setText("<br/>".join(f"{p.role}：{p.name}（{p.credit_code}）"
                                          for p in d.parties) or "—")
        v["team"].setText("<br/>".join(
            self.tr("{name}（{kind}）执法证号 {cert}").format(
                name=m.name, kind=m.kind, cert=m.cert_no) if m.cert_no
            else f"{m.name}（{m.kind}）" for m in d.team) or "—")
        method = labels.label(labels.INSPECTION_METHOD, d.method)
        if d.drawn:
            method = self.tr("{method}（双随机抽取{sealed}）").format(
                method=method, sealed=self.tr("，保密中") if d.sealed else "")
        if d.reinspection_of is not None:
            method = self.tr("{method}（复查 {number}）").format(
                method=method, number=d.reinspection_of.number)
        v["method"].setText(method)
        v["dates"].setText(self.tr("计划 {planned}；开始 {started}；完成 {completed}").format(
            planned=labels.day(d.planned_on) or "—", started=labels.local_time(d.started_at)
            or "—", completed=labels.local_time(d.completed_at) or "—"))
        p = d.progress
        self.progress.setText(self.tr("已填 {a}/{t}，不符合 {n}").format(
            a=p.answered, t=p.total, n=p.findings))
        self.real_name.setText(self.tr("实名制：{summary}").format(summary=d.real_name.summary))
        set_tone(self.real_name, "warning" if d.real_name.veto or d.real_name.deduction else "")
        status = d.status
        has_open = any(f.open for f in d.findings)
        self.start_button.setVisible(status == PLANNED)
        self.complete_button.setVisible(status == IN_PROGRESS)
        self.amend_button.setVisible(status == COMPLETED)
        self.reinspect_button.setVisible(status == COMPLETED and has_open)
        self.notice_button.setVisible(status == COMPLETED and has_open)
        self.print_button.setVisible(status != PLANNED)
        self.print_notice_button.setVisible(bool(d.notices))
        if d.notices:
            self.print_notice_button.setText(self.tr("打印{kind}").format(kind=d.notices[-1].kind))
        self.notice_line.setVisible(bool(d.notices) or bool(d.reinspections))
        lines = [self.tr("已签发{kind} {number}，整改期限 {deadline}").format(
            kind=n.kind, number=n.number, deadline=labels.day(n.deadline)) for n in d.notices]
        lines += [self.tr("复查 {number}（{status}）").format(
            number=r.number, status=labels.label(labels.INSPECTION_STATUS, r.status))
            for r in d.reinspections]
        self.notice_line.setText("；".join(lines))

    def _list_problems(self, problems: tuple[str, ...] | list[str]) -> None:
        self.problems.setText(self.tr("还不能完成检查，尚缺：") + "".join(
            f"<br/>• {p}" for p in problems))
        self.problems.show()

    # --- saving -------------------------------------------------------------------------

    def flush(self) -> None:
        """Save whatever is being typed (leaving the form, completing, closing)."""
        for row in self.rows.values():
            row.flush()
        self.findings.flush()
        self.conclusion.flush()

    def hideEvent(self, event: QHideEvent) -> None:
        self.flush()
        super().hideEvent(event)

    def _refused(self, text: str) -> None:
        self._ws.message.emit(text)

    @Slot(str, str)
    def _answer(self, code: str, value: str) -> None:
        row = self.rows[code]
        try:
            saved = inspections.answer(self._ws.service(), self.inspection_id, code, value)
        except ServiceError as exc:
            row.show_message(str(exc))
            self._refused(self.tr("{code} 未保存：{reason}").format(code=code, reason=exc))
            self.reload()
            return
        row.show_message("")
        extra = {"created": self.tr("，已列为问题"), "withdrawn": self.tr("，相应问题已撤销"),
                 "restored": self.tr("，已重新列为问题")}.get(saved.finding_change, "")
        item = self.detail.item(code) if self.detail else None
        shown = answer_label(item, value) if item is not None else value
        self._ws.saved(self.tr("{code} 已保存：{value}{extra}").format(
            code=code, value=shown or self.tr("（清空）"), extra=extra),
            "inspection_answer", saved.answer_id)
        self.reload()

    def _put_back_sheet_drafts(self, inspection_id: str) -> None:
        """A key posts' sheet typed but never whole (the laptop closed, another record was
        opened) comes back where it was left."""
        found = drafts.find_draft(self._ws.store, inspections.SHEET_DRAFT, inspection_id,
                                  now=self._ws.clock())
        if found is None:
            return
        for row in self.rows.values():
            if row.sheet is None:
                continue
            try:
                row.sheet.restore(found.data, labels.local_time(found.saved_at))
            except (TypeError, ValueError):
                log.warning("在岗情况草稿无法恢复：%s", inspection_id, exc_info=True)
                self._draft_sheet(None)

    @Slot(object)
    def _draft_sheet(self, state: dict[str, object] | None) -> None:
        try:
            if state is None:
                drafts.discard_draft(self._ws.store, inspections.SHEET_DRAFT, self.inspection_id)
            else:
                drafts.save_draft(self._ws.store, inspections.SHEET_DRAFT, self.inspection_id,
                                  state, now=self._ws.clock())
        except ServiceError as exc:
            self._refused(self.tr("{reason}。请尽快填完关键岗位在岗情况。").format(reason=exc))

    @Slot(str, str)
    def _remark(self, code: str, remark: str) -> None:
        try:
            saved = inspections.save_remark(self._ws.service(), self.inspection_id, code, remark)
        except ServiceError as exc:
            self.rows[code].show_message(str(exc))
            self._refused(self.tr("{code} 情况说明未保存：{reason}").format(code=code, reason=exc))
            return
        self.rows[code].show_message("")
        self._ws.saved(self.tr("{code} 情况说明已保存").format(code=code), "inspection_answer",
                       saved.answer_id)
        self.reload()

    @Slot(str)
    def add_photos(self, code: str) -> None:
        names, _ = QFileDialog.getOpenFileNames(
            self, self.tr("选择 {code} 的照片").format(code=code), str(Path.home()),
            self.tr("图片 ({patterns});;所有文件 (*)").format(patterns=IMAGE_FILTER))
        ctx = self._ws.service()
        inspection_id = self.inspection_id
        row = self.rows[code]
        for name in names:
            path = Path(name)

            def done(attachment_id: str, p: Path = path) -> None:
                row.show_message("")
                self._ws.saved(self.tr("{code} 照片已添加：{name}").format(code=code, name=p.name),
                               "attachment", attachment_id)
                self.reload()

            def failed(message: str, p: Path = path) -> None:
                row.show_message(self.tr("{name} 未添加：{reason}").format(name=p.name,
                                                                         reason=message))
                self._refused(self.tr("照片未添加：{reason}").format(reason=message))

            run_service(self._ws.tasks, f"photo-{inspection_id}-{code}-{path}",
                        lambda _s, p=path: inspections.attach_photo(
                            ctx, inspection_id, p, item_code=code), done, failed)

    @Slot(str, str)
    def view_photo(self, code: str, attachment_id: str) -> None:
        """The item's photos at full size, starting at ``attachment_id``."""
        detail = self.detail
        if detail is None:
            return
        root = self._ws.store.paths.attachments_dir
        shown = [p for item in detail.items if item.code == code for p in item.photos] or [
            p for p in detail.photos if p.item_code == code]
        photos = [Photo(attachments.path_of(root, p.sha256), p.caption) for p in shown]
        current = next((n for n, p in enumerate(shown) if p.id == attachment_id), 0)
        if photos:
            self.viewer = PhotoViewer(photos, current, self.tr("{code} 照片").format(code=code),
                                      self)
            self.viewer.open()

    @Slot(str)
    def _remove_photo(self, attachment_id: str) -> None:
        try:
            inspections.remove_photo(self._ws.service(), attachment_id)
        except ServiceError as exc:
            self._refused(self.tr("照片未移除：{reason}").format(reason=exc))
            return
        self._ws.saved(self.tr("照片已移除"), "attachment", attachment_id)
        self.reload()

    @Slot(str, int)
    def _move(self, code: str, step: int) -> None:
        visible = [c for c, r in self.rows.items() if not r.isHidden()]
        if code not in visible:
            return
        n = visible.index(code) + step
        if 0 <= n < len(visible):
            row = self.rows[visible[n]]
            row.setFocus(Qt.FocusReason.TabFocusReason)
            self.scroll.ensureWidgetVisible(row, 0, 80)

    @Slot(str)
    def _save_conclusion(self, text: str) -> None:
        if self.detail is None or self.detail.status != IN_PROGRESS:
            return
        try:
            inspections.set_conclusion(self._ws.service(), self.inspection_id, text)
        except ServiceError as exc:
            self.conclusion_message.setText(str(exc))
            self.conclusion_message.show()
            return
        self.conclusion_message.hide()
        self._ws.saved(self.tr("检查结论已保存"), "inspection", self.inspection_id)
        self.reload()

    @Slot(str, str, object)
    def _edit_finding(self, finding_id: str, field: str, value: object) -> None:
        row = self.findings.rows.get(finding_id)
        try:
            finding_services.edit_finding(self._ws.service(), finding_id, **{field: value})
        except ServiceError as exc:
            if row is not None:
                row.show_message(str(exc))
            self._refused(self.tr("问题未保存：{reason}").format(reason=exc))
            return
        if row is not None:
            row.show_message("")
        self._ws.saved(self.tr("问题已保存"), "finding", finding_id)
        self.reload()

    @Slot()
    def add_finding(self) -> None:
        dialog = FindingDialog(self._ws.today(), self)

        def submit() -> str:
            try:
                finding_id = finding_services.add_finding(
                    self._ws.service(), self.inspection_id, **dialog.values())
            except ServiceError as exc:
                return str(exc)
            self._ws.saved(self.tr("已添加问题"), "finding", finding_id)
            self.reload()
            return ""

        def accept() -> None:
            problem = submit()
            dialog.message.setText(problem)
            if not problem:
                dialog.done(1)

        dialog.buttons.accepted.disconnect()
        dialog.buttons.accepted.connect(accept)
        self.dialog = dialog
        dialog.open()

    @Slot(str, str, str, object)
    def _review(self, finding_id: str, outcome: str, note: str, deadline: object) -> None:
        row = self.reviews.rows.get(finding_id)
        try:
            finding_services.review_finding(self._ws.service(), self.inspection_id, finding_id,
                                            outcome=outcome, note=note,
                                            new_deadline=deadline)  # type: ignore[arg-type]
        except ServiceError as exc:
            if row is not None:
                row.show_message(str(exc))
            self._refused(self.tr("复查结果未保存：{reason}").format(reason=exc))
            return
        if row is not None:
            row.show_message("")
        self._ws.saved(self.tr("复查结果已保存"), "finding_review", finding_id)
        self.reload()

    @Slot(str, str, bytes)
    def _sign(self, role: str, name: str, png: bytes) -> None:
        try:
            signature_id = inspections.sign(self._ws.service(), self.inspection_id,
                                            signer_role=role, signer_name=name,
                                            png=bytes(png))
        except ServiceError as exc:
            self.signatures.show_message(str(exc))
            return
        self.signatures.signed_ok()
        self._ws.saved(self.tr("{name} 已签名").format(name=name), "signature", signature_id)
        self.reload()

    # --- the record's life --------------------------------------------------------------

    @Slot()
    def start(self) -> None:
        if self.detail is None:
            return
        dialog = StartDialog(self.detail, self)

        def submit() -> str:
            try:
                inspections.start(self._ws.service(), self.inspection_id,
                                  place=dialog.place.text(), method=dialog.method.currentText())
            except ServiceError as exc:
                return str(exc)
            self._ws.saved(self.tr("检查已开始"), "inspection", self.inspection_id)
            self.reload()
            QTimer.singleShot(0, self._focus_first)
            return ""

        dialog.submit = submit
        self.dialog = dialog
        dialog.open()

    def _focus_first(self) -> None:
        for row in self.rows.values():
            if not row.isHidden():
                row.setFocus(Qt.FocusReason.OtherFocusReason)
                return

    @Slot()
    def complete(self) -> None:
        self.flush()
        try:
            inspections.complete(self._ws.service(), self.inspection_id,
                                 conclusion=self.conclusion.toPlainText())
        except ServiceError as exc:
            self._show_problems = True
            with self._ws.store.db.read() as session:
                detail = inspection_detail(session, self.inspection_id)
            problems = detail.completion_problems if detail else ()
            self._list_problems(problems or (str(exc),))
            self.scroll.ensureWidgetVisible(self.problems)
            self._refused(str(exc))
            self.reload()
            return
        self._show_problems = False
        self.problems.hide()
        self._ws.saved(self.tr("检查已完成，记录已锁定"), "inspection", self.inspection_id)
        self.reload()

    @Slot()
    def amend(self) -> None:
        if self.detail is None:
            return
        dialog = AmendDialog(self.detail, self, today=self._ws.today())

        def submit() -> str:
            problem = dialog.entry_problem()
            if problem:
                return problem
            target, value, reason = dialog.values()
            try:
                amendment = inspections.amend(self._ws.service(), self.inspection_id,
                                              target=target, new_value=value, reason=reason)
            except ServiceError as exc:
                return str(exc)
            self._ws.saved(self.tr("更正已记载，原记录保留"), "inspection_amendment", amendment)
            self.reload()
            return ""

        dialog.submit = submit
        self.dialog = dialog
        dialog.open()

    @Slot()
    def reinspect(self) -> None:
        try:
            new_id = inspections.reinspect(self._ws.service(), self.inspection_id,
                                           planned_on=self._ws.today())
        except ServiceError as exc:
            self._refused(str(exc))
            self.notice_line.setText(str(exc))
            self.notice_line.show()
            return
        self._ws.saved(self.tr("已安排复查"), "inspection", new_id)
        self.open_inspection.emit(new_id)

    @Slot()
    def issue_notice(self) -> None:
        if self.detail is None:
            return
        dialog = NoticeDialog(self.detail, self)

        def submit() -> str:
            try:
                issued = notices.issue_notices(self._ws.service(), self.inspection_id,
                                               kind=dialog.kind.currentText(),
                                               received_by=dialog.received_by.text())
            except ServiceError as exc:
                return str(exc)
            self._ws.saved(self.tr("已签发{kind} {n} 份（每个责任单位一份）").format(
                kind=dialog.kind.currentText(), n=len(issued)),
                "rectification_notice", issued[0])
            self.reload()
            return ""

        dialog.submit = submit
        self.dialog = dialog
        dialog.open()

    @Slot()
    def print_record(self) -> None:
        if self.detail is None or self.detail.status == PLANNED:
            return
        self.flush()
        print_record(self._ws, self.inspection_id, self, shown=self._shown)

    @Slot()
    def print_notice(self) -> None:
        if self.detail is None or not self.detail.notices:
            return
        notice = self.detail.notices[-1]
        print_notice(self._ws, notice.id, notice.kind, self, shown=self._shown)

    def _shown(self, preview: PdfPreview) -> None:
        self.preview = preview

    @Slot()
    def _escape(self) -> None:
        self.flush()
        self.back.emit()

