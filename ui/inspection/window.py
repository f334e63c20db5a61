"""The inspection window: one record on site, from the first answer to the signed, finalized record.

Layout for a 1366×768 laptop screen: a compact header (hotel, record number, kind, status, team, IDs
shown, on-site contact, times), the form in tabs (hotel-level items, one tab per sampled room, findings
and signatures) and, beside it, the live verdict with the actions (finalize, issue notice, correct,
versions, print). Every edit is saved at once through :class:`ui.inspection.autosave.Autosaver`; there
is no Save button. A finalized record opens read-only; "更正…" makes a new version of it. "打印…"
(Ctrl+P) previews the sheet (a draft's carries a 草稿 watermark) and, once this record has issued a
notice, "打印整改通知书…" previews the notice (both through :mod:`ui.printing`).

All database work goes through ``ctx.runner``; the window only arranges the core's services.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, NamedTuple

from PySide6.QtCore import QDateTime, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QColor, QIcon, QKeySequence, QPainter, QPen, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from hoteltv.db.engine import Database
from hoteltv.domain import clock
from hoteltv.domain.checklist import ChecklistTemplate
from hoteltv.errors import RecordFinalizedError, ValidationError
from hoteltv.services import inspections as insp_service
from hoteltv.services import notices as notice_service
from hoteltv.services.inspections import EvidenceGap, HeaderFields, InspectionSummary, InspectionView
from hoteltv.services.notices import NoticeItem, NoticeView
from ui.context import AppContext
from ui.icons import painted_icon
from ui.inspection.autosave import Autosaver
from ui.inspection.inputs import TextWatcher
from ui.inspection.items import ItemsForm
from ui.inspection.notice import ExtendNoticeDialog, NoticeDialog
from ui.inspection.photoslot import make_photo_strip
from ui.inspection.room import AddRoomDialog, RoomPage
from ui.inspection.signature import SignatureDialog, SignaturePreview
from ui.inspection.team import TeamDialog
from ui.inspection.texts import error_text, kind_text, lang_of, local_time, problem_text, result_text
from ui.inspection.undo import AnswerChangeStep, AnswerUndo, HistoryDialog
from ui.inspection.verdict import VerdictPanel
from ui.messages import confirm_discard

log = logging.getLogger(__name__)

HEADER_FIELDS = ("ids_shown", "inspectors", "contact_on_site", "contact_phone", "started_at", "ended_at")
CONCLUSION_FIELDS = ("findings", "hotel_opinion", "hotel_signatory", "refusal_witness")
NO_END_TIME = QDateTime.fromString("2000-01-01T00:00:00", Qt.DateFormat.ISODate)

_windows: dict[str, InspectionWindow] = {}


def open_windows() -> list[InspectionWindow]:
    """The inspection windows open now (one per record)."""
    return list(_windows.values())


@dataclass(frozen=True)
class Loaded:
    """What the window shows besides the record itself, read in the same job."""

    view: InspectionView
    earlier: list[NoticeItem] = field(default_factory=list)
    history: list[InspectionSummary] = field(default_factory=list)
    answers_notice: NoticeView | None = None
    issued_notice: NoticeView | None = None


def load(db: Database, inspection_id: str) -> Loaded:
    """Read a record with its earlier failures, versions and notices (runs on a worker thread)."""
    view = insp_service.get_inspection(db, inspection_id)
    answers = notice_service.get_notice(db, view.notice_id) if view.notice_id else None
    issued = notice_service.get_notice(db, view.issued_notice_id) if view.issued_notice_id else None
    return Loaded(
        view=view,
        earlier=notice_service.earlier_failures(db, inspection_id) if view.notice_id else [],
        history=insp_service.history(db, inspection_id),
        answers_notice=answers,
        issued_notice=issued,
    )


def _dot(colour: str, hollow: bool = False) -> QIcon:
    def paint(painter: QPainter, _rect: QRectF) -> None:
        painter.setPen(QPen(QColor(colour), 1.6))
        painter.setBrush(Qt.BrushStyle.NoBrush if hollow else QColor(colour))
        painter.drawEllipse(QRectF(2, 2, 8, 8))

    return painted_icon(12, paint)


class SignatureSlot(NamedTuple):
    """The widgets of one signer's row on the conclusion page."""

    label: QLabel
    preview: SignaturePreview
    sign_button: QPushButton
    clear_button: QPushButton


class FieldSaver:
    """Saves one text field of the header or conclusion when committed, if its text changed."""

    def __init__(
        self, widget: QLineEdit | QPlainTextEdit, commit: Callable[[str], None], editable: Callable[[], bool]
    ) -> None:
        self.widget = widget
        self.watcher = TextWatcher(widget)
        self._commit = commit
        self._editable = editable
        self._last: str | None = None
        self.watcher.sig_commit.connect(self._fire)

    def text(self) -> str:
        return self.widget.text() if isinstance(self.widget, QLineEdit) else self.widget.toPlainText()

    def show(self, text: str) -> None:
        self.widget.blockSignals(True)
        if isinstance(self.widget, QLineEdit):
            self.widget.setText(text)
        else:
            self.widget.setPlainText(text)
        self.widget.blockSignals(False)
        self._last = text

    def _fire(self, _finished: bool) -> None:
        text = self.text()
        if text != self._last and self._editable():
            self._last = text
            self._commit(text)


STYLE = """
#inspectionHeader { background: #f3f5f8; border-bottom: 1px solid #d9dde3; }
#hotelTitle { font-size: 17px; font-weight: bold; }
#recordNumber { font-weight: bold; color: #374151; }
#statusBadge { border-radius: 3px; padding: 1px 8px; }
#statusBadge[status="draft"] { background: #e8eefc; color: #1f4fbf; }
#statusBadge[status="finalized"] { background: #e6f4ea; color: #1d7a3a; }
#statusBadge[status="superseded"] { background: #eceef1; color: #5f6670; }
#noticeInfo { color: #8a4b00; }
#itemRow[alternate="true"] { background: #f6f7f9; }
#itemRow[applicable="false"] #itemLabel { color: #9aa0a8; }
#itemHelp { color: #6b7280; font-size: 11px; }
#itemStatus[state="fail"] { color: #c0262d; }
#itemStatus[state="pass"] { color: #1d7a3a; }
#itemStatus[state="na"] { color: #8a9099; }
#earlierNote { color: #8a4b00; }
#photoHint { color: #8a4b00; border: 1px dashed #e0b070; padding: 2px 6px; }
#answerInput[segmented="true"] { border: 2px solid transparent; border-radius: 5px; }
#answerInput[segmented="true"]:focus { border: 2px solid #2d6cdf; }
#answerInput[segmented="true"] QToolButton {
    border: 1px solid #b8bec8; background: #ffffff; color: #1f2937; padding: 3px 12px; min-height: 20px; }
#answerInput[segmented="true"] QToolButton[position="first"] {
    border-top-left-radius: 4px; border-bottom-left-radius: 4px; }
#answerInput[segmented="true"] QToolButton[position="mid"] { border-left: none; }
#answerInput[segmented="true"] QToolButton[position="last"] {
    border-left: none; border-top-right-radius: 4px; border-bottom-right-radius: 4px; }
#answerInput[segmented="true"] QToolButton:hover { background: #eef3fd; }
#answerInput[segmented="true"] QToolButton:checked { background: #2d6cdf; border-color: #2d6cdf; color: #ffffff; }
#answerInput[state="pass"] QToolButton:checked { background: #1d7a3a; border-color: #1d7a3a; }
#answerInput[state="fail"] QToolButton:checked { background: #c0262d; border-color: #c0262d; }
#answerInput[segmented="true"] QToolButton:disabled { color: #9aa0a8; background: #f3f4f6; }
#answerInput[segmented="true"] QToolButton:checked:disabled { color: #ffffff; background: #7b8594; }
#answerInput[state="pass"] QToolButton:checked:disabled { background: #5f9c70; }
#answerInput[state="fail"] QToolButton:checked:disabled { background: #d0666b; }
#answerInput[state="fail"] QLineEdit { border: 1px solid #c0262d; background: #fff4f4; padding: 2px; }
#answerInput[state="error"] QLineEdit { border: 2px solid #c0262d; padding: 1px; }
#answerInput[state="pass"] QLineEdit { border: 1px solid #5f9c70; padding: 2px; }
#stopwatchButton { padding: 3px 10px; }
#stopwatchButton:checked { background: #c0262d; color: #ffffff; font-weight: bold; border: 1px solid #a01e24; }
#resultLabel { font-size: 30px; font-weight: bold; }
#panelCaption { color: #5f6670; }
#sectionTitle { font-weight: bold; margin-top: 10px; }
#hintText { color: #6b7280; }
#errorText { color: #c0262d; }
#errorBanner { background: #fdecea; border: 1px solid #f5c2c0; }
#errorBanner QLabel { color: #8c1c22; }
#saveState { color: #6b7280; padding-right: 8px; }
#saveState[state="saving"] { color: #8a4b00; }
#saveState[state="error"] { color: #c0262d; font-weight: bold; }
#primaryButton { background: #2d6cdf; color: #ffffff; font-weight: bold; padding: 7px 14px;
    border: 1px solid #2459bb; border-radius: 4px; }
#primaryButton:hover { background: #2459bb; }
#primaryButton:disabled { background: #9db5e8; }
"""


class InspectionWindow(QMainWindow):
    """One inspection record. Make it with :meth:`load_record` or :meth:`create_record`."""

    sig_opened = Signal(object)
    """This window opened another one (a correction, an older version)."""
    sig_changed = Signal(str)
    """The record was finalized, corrected or got a notice (the registry may refresh): inspection id."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowFlag(Qt.WindowType.Window, True)
        # Deleted when closed: the registry refreshes the hotel when the window is destroyed.
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
        self.setObjectName("inspectionWindow")
        self.setStyleSheet(STYLE)
        self.ctx = ctx
        self.lang = lang_of(ctx.language)
        self.inspection_id: str | None = None
        self.view: InspectionView | None = None
        self.loaded: Loaded | None = None
        self.template: ChecklistTemplate | None = None
        self.room_pages: dict[str, RoomPage] = {}
        self._editable: bool | None = None
        self._switch_to_new_room = False
        self._closing = False
        self._fields: dict[QWidget, FieldSaver] = {}
        self.autosaver = Autosaver(ctx, self)
        self.autosaver.sig_saved.connect(self._apply_view)
        self.autosaver.sig_failed.connect(self._save_failed)
        self.autosaver.sig_state.connect(self._save_state)
        self.answer_undo = AnswerUndo(self._put_answer)

        self.placeholder = QLabel(self.tr("正在打开检查记录…"), self)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setCentralWidget(self.placeholder)
        self.save_label = QLabel(self)
        self.save_label.setObjectName("saveState")
        self.statusBar().addPermanentWidget(self.save_label)
        self.setMinimumSize(1000, 600)
        self._initial_size()

    # --- making ----------------------------------------------------------------------------------
    @classmethod
    def load_record(
        cls, ctx: AppContext, inspection_id: str, parent: QWidget | None = None
    ) -> InspectionWindow:
        window = cls(ctx, parent)
        window._waiting(creating=False)
        db = ctx.db
        ctx.runner.submit(
            lambda _p: load(db, inspection_id),
            on_done=window._loaded,
            on_error=window._load_failed,
            label="open inspection",
            write=False,
        )
        return window

    @classmethod
    def create_record(
        cls, ctx: AppContext, make: Callable[[Database], InspectionView], parent: QWidget | None = None
    ) -> InspectionWindow:
        """A window for a record that ``make(db)`` creates (a new inspection, a correction)."""
        window = cls(ctx, parent)
        window._waiting(creating=True)
        db = ctx.db
        ctx.runner.submit(
            lambda _p: load(db, make(db).id),
            on_done=window._loaded,
            on_error=window._load_failed,
            label="create inspection",
        )
        return window

    def _waiting(self, creating: bool) -> None:
        if creating:
            self.setWindowTitle(self.tr("新建检查记录"))
            self.placeholder.setText(self.tr("正在创建检查记录…"))
        else:
            self.setWindowTitle(self.tr("检查记录"))

    def _initial_size(self) -> None:
        screen = (
            self.parentWidget().screen() if self.parentWidget() else None
        ) or QApplication.primaryScreen()
        if screen is None:
            self.resize(1366, 768)
            return
        avail = screen.availableGeometry()
        self.resize(min(1366, avail.width()), min(768, avail.height()))

    def _load_failed(self, exc: Exception) -> None:
        self.placeholder.setText(error_text(exc))
        self.placeholder.setObjectName("errorText")
        self.placeholder.setStyleSheet("color: #c0262d;")

    def _loaded(self, loaded: Loaded) -> None:
        if self._closing:
            return
        first = self.loaded is None
        self.loaded = loaded
        if first:
            self.inspection_id = loaded.view.id
            _windows[loaded.view.id] = self
            self.template = loaded.view.template
            self._build(loaded.view)
        self._apply_loaded(loaded)
        if first:
            # Once the pages are laid out, so scrolling to an item lands where it should.
            QTimer.singleShot(0, self, lambda: self._start_where_work_is(loaded.view))

    def _start_where_work_is(self, view: InspectionView) -> None:
        """A draft opens at its first unanswered item; a finalized record at its tabs, read-only."""
        if view.editable:
            self.statusBar().showMessage(self.tr("每项修改都会自动保存，无需保存按钮。"), 10000)
        else:
            self.statusBar().showMessage(self.tr("此记录已定稿，只能查看；如需修改请用“更正…”。"))
        if not view.editable:
            self.tabs.tabBar().setFocus()
        elif self.tabs.currentIndex() == 0 and view.verdict.missing:  # unless someone already went elsewhere
            missing = view.verdict.missing[0]
            room_id = next((r.id for r in view.rooms if r.room_number == missing.room_label), "")
            self.navigate(room_id, missing.item_key)

    def reload(self) -> None:
        """Read the record and its notices and versions again (after finalize, notice, correction)."""
        if self.inspection_id is None:
            return
        db, iid = self.ctx.db, self.inspection_id
        self.ctx.runner.submit(
            lambda _p: load(db, iid),
            on_done=self._loaded,
            on_error=self._show_error,
            label="reload",
            write=False,
        )

    # --- building --------------------------------------------------------------------------------
    def _build(self, view: InspectionView) -> None:
        assert self.template is not None
        central = QWidget(self)
        outer = QVBoxLayout(central)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(self._build_banner(central))
        outer.addWidget(self._build_header(central, view))

        splitter = QSplitter(Qt.Orientation.Horizontal, central)
        splitter.setChildrenCollapsible(False)
        self.tabs = QTabWidget(splitter)
        self.tabs.setDocumentMode(True)
        self.tabs.setUsesScrollButtons(True)
        self.hotel_form = ItemsForm(
            self.template, self.template.hotel_items, self.lang, self.autosaver.track, None
        )
        self.hotel_form.set_answers(view.hotel_answers)
        self.hotel_form.sig_answer.connect(self._hotel_answer)
        self.hotel_form.sig_changed.connect(lambda key, old, new: self._answer_changed(None, key, old, new))
        self.hotel_form.sig_history.connect(lambda key: self.show_history(None, key))
        self.hotel_form.sig_evidence_reason.connect(lambda key, text: self._evidence_reason(None, key, text))
        self.tabs.addTab(self._scrolled(self.hotel_form), self.template.wording.site_section.get(self.lang))
        self.conclusion = self._build_conclusion(view)
        self.tabs.addTab(self.conclusion, self.tr("结论与签字"))
        self.add_room_button = QToolButton(self.tabs)
        self.add_room_button.setText(self.tr("+ 添加房间"))
        self.add_room_button.setToolTip(self.tr("添加抽查房间 （Ctrl+R）"))
        self.add_room_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.add_room_button.clicked.connect(self.add_room)
        self.tabs.setCornerWidget(self.add_room_button, Qt.Corner.TopRightCorner)
        splitter.addWidget(self.tabs)
        splitter.addWidget(self._build_side(splitter))
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        splitter.setSizes([self.width() - 360, 360])
        outer.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self.placeholder = QLabel()  # the old one is deleted with the previous central widget

        QShortcut(QKeySequence(Qt.Key.Key_F5), self, self.toggle_stopwatch)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Undo), self, self.undo)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Redo), self, self.redo)
        QShortcut(QKeySequence("Ctrl+R"), self, self.add_room)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Print), self, self.print_sheet)

    def _scrolled(self, form: QWidget) -> QScrollArea:
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(form)
        return scroll

    def _build_banner(self, parent: QWidget) -> QFrame:
        self.banner = QFrame(parent)
        self.banner.setObjectName("errorBanner")
        row = QHBoxLayout(self.banner)
        row.setContentsMargins(10, 4, 4, 4)
        self.banner_text = QLabel(self.banner)
        self.banner_text.setWordWrap(True)
        row.addWidget(self.banner_text, 1)
        close = QToolButton(self.banner)
        close.setText("×")
        close.setToolTip(self.tr("关闭提示"))
        close.clicked.connect(self.banner.hide)
        row.addWidget(close)
        self.banner.hide()
        return self.banner

    def _build_header(self, parent: QWidget, view: InspectionView) -> QFrame:
        header = QFrame(parent)
        header.setObjectName("inspectionHeader")
        rows = QVBoxLayout(header)
        rows.setContentsMargins(10, 6, 10, 6)
        rows.setSpacing(4)

        line = QHBoxLayout()
        self.hotel_title = QLabel(header)
        self.hotel_title.setObjectName("hotelTitle")
        line.addWidget(self.hotel_title)
        self.record_label = QLabel(header)
        self.record_label.setObjectName("recordNumber")
        self.record_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        line.addSpacing(12)
        line.addWidget(self.record_label)
        self.kind_label = QLabel(header)
        line.addSpacing(8)
        line.addWidget(self.kind_label)
        self.status_badge = QLabel(header)
        self.status_badge.setObjectName("statusBadge")
        line.addSpacing(8)
        line.addWidget(self.status_badge)
        self.notice_label = QLabel(header)
        self.notice_label.setObjectName("noticeInfo")
        line.addSpacing(12)
        line.addWidget(self.notice_label, 1)
        rows.addLayout(line)

        line = QHBoxLayout()
        line.addWidget(QLabel(self.tr("检查人员："), header))
        self.team_label = QLabel(header)
        self.team_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        line.addWidget(self.team_label)
        self.team_button = QToolButton(header)
        self.team_button.setText(self.tr("更改…"))
        self.team_button.clicked.connect(self.change_team)
        line.addWidget(self.team_button)
        line.addSpacing(12)
        self.ids_shown = QCheckBox(self.tr("已出示执法证件"), header)
        self.ids_shown.clicked.connect(self._ids_shown_clicked)
        line.addWidget(self.ids_shown)
        line.addSpacing(12)
        self.contact_edit = QLineEdit(header)
        self.contact_edit.setPlaceholderText(self.tr("未填"))
        self.contact_edit.setFixedWidth(110)
        self.phone_edit = QLineEdit(header)
        self.phone_edit.setPlaceholderText(self.tr("未填"))
        self.phone_edit.setFixedWidth(130)
        for caption, edit in ((self.tr("现场联系人"), self.contact_edit), (self.tr("电话"), self.phone_edit)):
            label = QLabel(caption, header)
            label.setBuddy(edit)
            line.addWidget(label)
            line.addWidget(edit)
            line.addSpacing(8)
        self._watch(self.contact_edit, lambda text: self._header(contact_on_site=text))
        self._watch(self.phone_edit, lambda text: self._header(contact_phone=text))
        line.addSpacing(4)
        self.start_edit = self._datetime_edit(header, self.tr("未填"))
        self.end_edit = self._datetime_edit(header, self.tr("定稿时自动填写"))
        self.start_edit.editingFinished.connect(lambda: self._time_edited(self.start_edit, "started_at"))
        self.end_edit.editingFinished.connect(lambda: self._time_edited(self.end_edit, "ended_at"))
        for caption, time_edit in ((self.tr("开始"), self.start_edit), (self.tr("结束"), self.end_edit)):
            label = QLabel(caption, header)
            label.setBuddy(time_edit)
            line.addWidget(label)
            line.addWidget(time_edit)
        line.addStretch(1)
        rows.addLayout(line)
        return header

    def _datetime_edit(self, parent: QWidget, empty_text: str) -> QDateTimeEdit:
        edit = QDateTimeEdit(parent)
        edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        edit.setMinimumDateTime(NO_END_TIME)
        edit.setSpecialValueText(empty_text)
        edit.setCalendarPopup(True)
        edit.setMinimumWidth(150)
        return edit

    def _build_conclusion(self, view: InspectionView) -> QWidget:
        page = QWidget(self)
        column = QVBoxLayout(page)
        column.setContentsMargins(12, 10, 12, 10)
        form = QFormLayout()
        column.addLayout(form)
        column.addStretch(1)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        self.findings_edit = QPlainTextEdit(page)
        self.findings_edit.setPlaceholderText(
            self.tr("检查发现的问题和情况说明。留空则定稿时按不合格项自动生成。")
        )
        self.findings_edit.setTabChangesFocus(True)
        self.findings_edit.setFixedHeight(96)
        self.opinion_edit = QPlainTextEdit(page)
        self.opinion_edit.setPlaceholderText(self.tr("被检查单位对检查结果的意见"))
        self.opinion_edit.setTabChangesFocus(True)
        self.opinion_edit.setFixedHeight(64)
        self.no_objection = QPushButton(self.tr("填入“无异议”"), page)
        self.no_objection.setToolTip(
            self.tr("填入“对检查结果无异议。”；有不合格项时为“对检查结果无异议，将按要求整改。”")
        )
        self.no_objection.clicked.connect(self._fill_no_objection)
        opinion_row = QHBoxLayout()
        opinion_row.addWidget(self.opinion_edit, 1)
        opinion_row.addWidget(self.no_objection, 0, Qt.AlignmentFlag.AlignTop)
        self.signatory_edit = QLineEdit(page)
        self.signatory_edit.setPlaceholderText(self.tr("被检查单位在场负责人姓名"))
        self.signatory_edit.setMaximumWidth(260)
        form.addRow(self.tr("检查情况"), self.findings_edit)
        form.addRow(self.tr("被检查单位意见"), opinion_row)
        form.addRow(self.tr("被检查单位签字人"), self.signatory_edit)
        self._watch(self.findings_edit, lambda text: self._header(findings=text))
        self._watch(self.opinion_edit, lambda text: self._header(hotel_opinion=text))
        self._watch(self.signatory_edit, lambda text: self._header(hotel_signatory=text))

        # The hotel's representative may refuse to sign: a witness then stands in (no name is faked).
        refusal_row = QHBoxLayout()
        self.refused_check = QCheckBox(self.tr("被检查单位拒绝签字"), page)
        self.refused_check.setToolTip(
            self.tr("被检查单位负责人拒绝签字时勾选，并记录见证人；检查记录将注明“拒绝签字”")
        )
        self.refused_check.clicked.connect(self._refusal_clicked)
        self.witness_edit = QLineEdit(page)
        self.witness_edit.setPlaceholderText(self.tr("见证人姓名及身份（必填）"))
        self.witness_edit.setMaximumWidth(260)
        self.refusal_time = QLabel(page)
        self.refusal_time.setObjectName("hintText")
        witness_label = QLabel(self.tr("见证人"), page)
        witness_label.setBuddy(self.witness_edit)
        refusal_row.addWidget(self.refused_check)
        refusal_row.addSpacing(12)
        refusal_row.addWidget(witness_label)
        refusal_row.addWidget(self.witness_edit, 1)
        refusal_row.addWidget(self.refusal_time)
        refusal_row.addStretch(1)
        form.addRow(self.tr("拒绝签字"), refusal_row)
        self._watch(self.witness_edit, lambda text: self._save_refusal(text))

        self.signature_box = QGroupBox(self.tr("签名"), page)
        box = QVBoxLayout(self.signature_box)
        note = QLabel(
            self.tr(
                "默认在打印的检查记录上纸质签字（一式两份）。有手写笔、触摸屏或触摸板时，也可在此签名，签名随记录保存。"
            ),
            self.signature_box,
        )
        note.setObjectName("hintText")
        note.setWordWrap(True)
        box.addWidget(note)
        self.signature_grid = QGridLayout()
        box.addLayout(self.signature_grid)
        form.addRow(self.signature_box)
        self.signature_slots: dict[str, SignatureSlot] = {}
        return self._scrolled(page)

    def _build_side(self, parent: QWidget) -> QWidget:
        side = QWidget(parent)
        side.setMinimumWidth(320)
        layout = QVBoxLayout(side)
        layout.setContentsMargins(10, 8, 10, 8)
        self.verdict_panel = VerdictPanel(self.ctx.language, side)
        self.verdict_panel.sig_navigate.connect(self.navigate)
        layout.addWidget(self.verdict_panel, 1)
        self.finalize_button = QPushButton(self.tr("定稿…"), side)
        self.finalize_button.setObjectName("primaryButton")
        self.finalize_button.setToolTip(self.tr("检查完成后定稿；定稿后记录不能再修改"))
        self.finalize_button.clicked.connect(self.finalize)
        layout.addWidget(self.finalize_button)
        self.notice_button = QPushButton(self.tr("下发整改通知…"), side)
        self.notice_button.setObjectName("primaryButton")
        self.notice_button.clicked.connect(self.issue_notice)
        layout.addWidget(self.notice_button)
        buttons = QHBoxLayout()
        self.correct_button = QPushButton(self.tr("更正…"), side)
        self.correct_button.setToolTip(self.tr("生成一个更正版本（草稿）；原记录保持不变，两者都留在历史中"))
        self.correct_button.clicked.connect(self.correct)
        buttons.addWidget(self.correct_button)
        self.history_button = QToolButton(side)
        self.history_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.history_button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.history_menu = QMenu(self.history_button)
        self.history_button.setMenu(self.history_menu)
        buttons.addWidget(self.history_button)
        self.discard_button = QPushButton(self.tr("放弃草稿…"), side)
        self.discard_button.setObjectName("discardDraft")
        self.discard_button.setToolTip(self.tr("不再保留这份草稿（记录作废并同步；审计记录中仍保留）"))
        self.discard_button.clicked.connect(self.discard)
        buttons.addWidget(self.discard_button)
        layout.addLayout(buttons)
        self.phone_button = QPushButton(self.tr("手机拍照…"), side)
        self.phone_button.setObjectName("phoneButton")
        self.phone_button.setToolTip(
            self.tr("显示二维码：用手机拍照，照片直接传到本检查记录（手机与电脑在同一网络）")
        )
        self.phone_button.clicked.connect(self.open_phone_photos)
        layout.addWidget(self.phone_button)
        prints = QHBoxLayout()
        self.print_button = QPushButton(self.tr("打印…"), side)
        self.print_button.setObjectName("printButton")
        self.print_button.setToolTip(self.tr("打印现场检查记录（Ctrl+P）；草稿打印时带“草稿”水印"))
        self.print_button.clicked.connect(self.print_sheet)
        prints.addWidget(self.print_button)
        self.print_notice_button = QPushButton(self.tr("打印整改通知书…"), side)
        self.print_notice_button.setObjectName("printNoticeButton")
        self.print_notice_button.setToolTip(self.tr("打印本次检查下发的整改通知书（含送达回证）"))
        self.print_notice_button.clicked.connect(self.print_notice)
        self.print_notice_button.hide()
        prints.addWidget(self.print_notice_button)
        self.extend_notice_button = QPushButton(self.tr("整改延期…"), side)
        self.extend_notice_button.setObjectName("extendNoticeButton")
        self.extend_notice_button.setToolTip(
            self.tr("延长整改期限：生成整改通知书的新版本（已下发的通知书不能修改）")
        )
        self.extend_notice_button.clicked.connect(self.extend_notice)
        self.extend_notice_button.hide()
        prints.addWidget(self.extend_notice_button)
        layout.addLayout(prints)
        return side

    def _watch(self, widget: QLineEdit | QPlainTextEdit, commit: Callable[[str], None]) -> None:
        """Save a header or conclusion field as it is typed (see :class:`FieldSaver`)."""
        saver = FieldSaver(widget, commit, self.is_editable)
        self.autosaver.track(saver.watcher)
        self._fields[widget] = saver

    def _set_text(self, widget: QLineEdit | QPlainTextEdit, text: str | None) -> None:
        """Show a stored value without saving it back."""
        self._fields[widget].show(text or "")

    # --- showing a view --------------------------------------------------------------------------
    def _apply_loaded(self, loaded: Loaded) -> None:
        view = loaded.view
        self._fill_fields(view)
        self._apply_view(view)
        self._update_history(loaded.history)
        for page in self.room_pages.values():
            page.set_earlier(self._earlier_for(page.room_number))
        self.hotel_form.set_earlier(self._earlier_for(None))

    def _fill_fields(self, view: InspectionView) -> None:
        """Put stored header and conclusion values into their fields (on load, not after each save)."""
        self._set_text(self.contact_edit, view.contact_on_site)
        self._set_text(self.phone_edit, view.contact_phone)
        self._set_text(self.findings_edit, view.findings)
        self._set_text(self.opinion_edit, view.hotel_opinion)
        self._set_text(self.signatory_edit, view.hotel_signatory)
        self._set_text(self.witness_edit, view.refusal.witness if view.refusal else "")
        self._show_refusal(view)
        for edit, value in ((self.start_edit, view.started_at), (self.end_edit, view.ended_at)):
            edit.blockSignals(True)
            edit.setDateTime(
                QDateTime(clock.bureau_time(value).replace(tzinfo=None)) if value else NO_END_TIME
            )
            edit.blockSignals(False)

    def _earlier_for(self, room_label: str | None) -> dict[str, NoticeItem]:
        if self.loaded is None:
            return {}
        return {e.item_key: e for e in self.loaded.earlier if (e.room or None) == room_label}

    def _apply_view(self, view: InspectionView) -> None:
        if self._closing or view.id != self.inspection_id:
            return
        assert self.template is not None
        self.view = view
        self.banner.hide()
        outcomes = view.verdict.outcomes
        self.hotel_form.apply_outcomes({o.item_key: o for o in outcomes if o.room_label is None})
        self._sync_rooms(view)
        for page in self.room_pages.values():
            page.apply_outcomes({o.item_key: o for o in outcomes if o.room_label == page.room_number})
        self._update_header(view)
        self._show_refusal(view)
        self._update_signatures(view)
        self._show_reasons(view)
        self.verdict_panel.update_view(view, self.template, self.loaded.earlier if self.loaded else [])
        self._set_editable(view.editable)
        self._update_actions(view)
        self._update_photo_slots()
        self._update_tab_icons(view)

    def _sync_rooms(self, view: InspectionView) -> None:
        assert self.template is not None
        live = {r.id for r in view.rooms}
        for room_id in [rid for rid in self.room_pages if rid not in live]:
            page = self.room_pages.pop(room_id)
            self.tabs.removeTab(self.tabs.indexOf(page))
            page.deleteLater()
        new_page: RoomPage | None = None
        for index, room in enumerate(sorted(view.rooms, key=lambda r: r.position)):
            page = self.room_pages.get(room.id)
            if page is None:
                page = RoomPage(room, self.template, self.lang, self.autosaver.track, self.tabs)
                page.sig_answer.connect(self._room_answer)
                page.sig_changed.connect(self._answer_changed)
                page.sig_history.connect(self.show_history)
                page.sig_room_field.connect(self._room_field)
                page.sig_remove.connect(self.remove_room)
                page.sig_evidence_reason.connect(self._evidence_reason)
                page.set_earlier(self._earlier_for(room.room_number))
                page.set_editable(view.editable)
                self.room_pages[room.id] = page
                self.tabs.insertTab(1 + index, page, "")
                new_page = page
            else:
                page.set_room(room)
            self.tabs.setTabText(self.tabs.indexOf(page), self.tr("%1 房").replace("%1", room.room_number))
        if new_page is not None and self._switch_to_new_room:
            self._switch_to_new_room = False
            self.tabs.setCurrentWidget(new_page)
            if new_page.main_row is not None:
                new_page.main_row.input.focus_input()

    def _update_header(self, view: InspectionView) -> None:
        self.setWindowTitle(
            self.tr("%1 %2 — 检查记录").replace("%1", view.record_number).replace("%2", view.hotel_name)
        )
        self.hotel_title.setText(f"{view.hotel_name}  ·  {view.division_name}")
        version = ""
        if view.supersedes_id:
            version = self.tr("（更正版）")
        self.record_label.setText(self.tr("记录编号 %1").replace("%1", view.record_number) + version)
        self.kind_label.setText(kind_text(view.kind, self.ctx.language))
        if view.superseded_by_id:
            status, text = "superseded", self.tr("已定稿，已被更正")
        elif view.editable:
            status, text = "draft", self.tr("草稿 · 自动保存")
        else:
            status, text = "finalized", self.tr("已定稿 %1").replace("%1", local_time(view.finalized_at))
        self.status_badge.setText(text)
        self.status_badge.setProperty("status", status)
        self.status_badge.style().unpolish(self.status_badge)
        self.status_badge.style().polish(self.status_badge)
        self.team_label.setText(
            self.tr("、").join(  # list separator
                self.tr("%1（%2）").replace("%1", i.name).replace("%2", i.enforcement_id)
                for i in view.inspectors
            )
            or self.tr("未选")
        )
        self.ids_shown.setChecked(view.ids_shown)
        notices = []
        loaded = self.loaded
        if loaded and loaded.answers_notice:
            notices.append(self.tr("复查整改通知 %1").replace("%1", self._notice_text(loaded.answers_notice)))
        if loaded and loaded.issued_notice:
            notices.append(
                self.tr("已下发整改通知 %1").replace("%1", self._notice_text(loaded.issued_notice))
            )
        self.notice_label.setText("    ".join(notices))

    def _notice_text(self, notice: NoticeView) -> str:
        status = {
            "open": self.tr("整改中"),
            "closed": self.tr("已关闭"),
            "superseded": self.tr("已被新通知取代"),
        }.get(notice.status, notice.status)
        return (
            self.tr("%1（期限 %2，%3）")
            .replace("%1", notice.number)
            .replace("%2", f"{notice.deadline:%Y-%m-%d}")
            .replace("%3", status)
        )

    def _update_actions(self, view: InspectionView) -> None:
        finalized = view.status == "finalized"
        current = view.superseded_by_id is None
        self.finalize_button.setVisible(view.editable)
        self.phone_button.setVisible(view.editable)
        self.correct_button.setVisible(finalized and current)
        self.discard_button.setVisible(view.editable)
        self.notice_button.setVisible(
            finalized and current and view.result in ("fail", "basic") and view.issued_notice_id is None
        )
        self.print_notice_button.setVisible(self.loaded is not None and self.loaded.issued_notice is not None)
        self.extend_notice_button.setVisible(
            self.loaded is not None
            and self.loaded.issued_notice is not None
            and self.loaded.issued_notice.status == "open"
        )

    def _update_history(self, history: list[InspectionSummary]) -> None:
        self.history_menu.clear()
        self.history_button.setText(self.tr("版本记录（%1）").replace("%1", str(len(history))))
        for n, version in enumerate(history, start=1):
            status = self.tr("草稿") if version.status == "draft" else self.tr("已定稿")
            text = self.tr("第 %1 版 · %2 · %3").replace("%1", str(n)).replace("%2", status)
            text = text.replace(
                "%3", result_text(version.result, self.ctx.language) if version.result else "—"
            )
            if version.superseded:
                text += self.tr("（已被更正）")
            action = self.history_menu.addAction(text)
            action.setCheckable(True)
            action.setChecked(version.id == self.inspection_id)
            action.setData(version.id)
            action.triggered.connect(lambda _c=False, vid=version.id: self._open_version(vid))

    def _open_version(self, inspection_id: str) -> None:
        if inspection_id == self.inspection_id:
            return
        from ui.inspection import open_inspection_window

        window = open_inspection_window(self.ctx, inspection_id, self.parentWidget())
        self.sig_opened.emit(window)

    def _update_signatures(self, view: InspectionView) -> None:
        """One row per inspector and one for the hotel's signatory: name, signature (or 纸质签字), buttons."""
        wanted = [
            (f"inspector:{i.id}", self.tr("检查人员 %1").replace("%1", i.name)) for i in view.inspectors
        ]
        if view.refusal is not None:  # the witness signs where the hotel refused to
            wanted.append(("witness", self.tr("见证人 %1").replace("%1", view.refusal.witness)))
        else:
            wanted.append(("hotel", self.tr("被检查单位 %1").replace("%1", view.hotel_signatory or "")))
        if [k for k, _ in wanted] != list(self.signature_slots):
            for slot in self.signature_slots.values():
                for widget in slot:
                    self.signature_grid.removeWidget(widget)
                    widget.deleteLater()
            self.signature_slots = {}
            for row, (key, _who) in enumerate(wanted):
                slot = SignatureSlot(
                    QLabel(self.signature_box),
                    SignaturePreview(self.signature_box),
                    QPushButton(self.tr("手写签名…"), self.signature_box),
                    QPushButton(self.tr("清除"), self.signature_box),
                )
                slot.sign_button.clicked.connect(lambda _c=False, k=key: self.sign(k))
                slot.clear_button.clicked.connect(lambda _c=False, k=key: self._set_signature(k, None))
                for column, widget in enumerate(slot):
                    self.signature_grid.addWidget(widget, row, column)
                self.signature_slots[key] = slot
            self.signature_grid.setColumnStretch(4, 1)
        for key, who in wanted:
            slot = self.signature_slots[key]
            slot.label.setText(who)
            slot.preview.set_data(view.signatures.get(key))
            slot.sign_button.setVisible(view.editable)
            slot.clear_button.setVisible(view.editable and key in view.signatures)

    def _update_photo_slots(self) -> None:
        iid = self.inspection_id
        if iid is None:
            return
        self.hotel_form.update_photo_slots(lambda key: make_photo_strip(self.ctx, iid, None, key, self))
        for room_id, page in self.room_pages.items():
            page.update_photo_slots(lambda key, rid=room_id: make_photo_strip(self.ctx, iid, rid, key, self))

    def _update_tab_icons(self, view: InspectionView) -> None:
        failed = {f.room_label for f in view.verdict.failed}
        missing = {m.room_label for m in view.verdict.missing}
        pages: list[tuple[QWidget, str | None]] = [(self.tabs.widget(0), None)]
        pages += [(p, p.room_number) for p in self.room_pages.values()]
        for page, label in pages:
            if label in failed:
                icon = _dot("#c0262d")
            elif label in missing and view.editable:
                icon = _dot("#8a9099", hollow=True)
            else:
                icon = _dot("#1d7a3a")
            self.tabs.setTabIcon(self.tabs.indexOf(page), icon)
        self.tabs.setIconSize(QSize(12, 12))

    def _set_editable(self, editable: bool) -> None:
        if editable == self._editable:
            return
        self._editable = editable
        self.hotel_form.set_editable(editable)
        for page in self.room_pages.values():
            page.set_editable(editable)
        for edit in (self.contact_edit, self.phone_edit, self.signatory_edit, self.witness_edit):
            edit.setReadOnly(not editable)
        self.refused_check.setEnabled(editable)
        for text_edit in (self.findings_edit, self.opinion_edit):
            text_edit.setReadOnly(not editable)
        for dt in (self.start_edit, self.end_edit):
            dt.setReadOnly(not editable)
            dt.setCalendarPopup(editable)
        self.ids_shown.setEnabled(editable)
        self.team_button.setVisible(editable)
        self.add_room_button.setVisible(editable and bool(self.template and self.template.room_items))
        self.no_objection.setVisible(editable)

    def is_editable(self) -> bool:
        return bool(self._editable)

    # --- saving edits ----------------------------------------------------------------------------
    def _hotel_answer(self, key: str, raw: object) -> None:
        iid, actor = self.inspection_id, self.ctx.actor
        assert iid is not None
        self.autosaver.save(
            f"hotel:{key}", lambda db: insp_service.set_hotel_answer(db, iid, key, raw, actor=actor)
        )

    def _room_answer(self, room_id: str, key: str, raw: object) -> None:
        actor = self.ctx.actor
        self.autosaver.save(
            f"room:{room_id}:{key}",
            lambda db: insp_service.set_room_answer(db, room_id, key, raw, actor=actor),
        )

    # --- undo and history ------------------------------------------------------------------------
    def _answer_changed(self, room_id: str | None, key: str, old: object, new: object) -> None:
        self.answer_undo.push(AnswerChangeStep(room_id, key, old, new))

    def _put_answer(self, room_id: str | None, key: str, value: object) -> bool:
        """Show and save an answer again (undo / redo), on screen where it changes."""
        if not self._editable:
            return False
        if room_id is None:
            form = self.hotel_form
        else:
            page = self.room_pages.get(room_id)
            if page is None:
                self.statusBar().showMessage(self.tr("该房间已删除，无法撤销。"), 5000)
                return False
            form = page.form
        self.navigate(room_id or "", key)
        form.put_answer(key, value)
        return True

    def undo(self) -> None:
        """Ctrl+Z: put the previous answer back (answers given in this window)."""
        if not self._editable or not self.answer_undo.can_undo():
            self.statusBar().showMessage(self.tr("没有可撤销的回答。"), 4000)
            return
        if self.answer_undo.undo():
            self.statusBar().showMessage(self.tr("已撤销上一次回答（Ctrl+Shift+Z 恢复）。"), 4000)

    def redo(self) -> None:
        if self._editable and self.answer_undo.can_redo():
            self.answer_undo.redo()

    def show_history(self, room_id: str | None, key: str) -> None:
        """The answer's changes from the audit trail, with times and who."""
        if self.inspection_id is None or self.template is None:
            return
        db, iid, template = self.ctx.db, self.inspection_id, self.template
        room_label = next((p.room_number for rid, p in self.room_pages.items() if rid == room_id), None)

        def shown(changes: list[insp_service.AnswerChange]) -> None:
            place = self.tr("%1 房").replace("%1", room_label) if room_label else self.tr("酒店情况")
            dialog = HistoryDialog(template.item(key), place, changes, self.lang, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
            dialog.open()

        self.ctx.runner.submit(
            lambda _p: insp_service.answer_history(db, iid, key, room_id),
            on_done=shown,
            on_error=self._show_error,
            label="answer history",
            write=False,
        )

    def _room_field(self, room_id: str, name: str, text: str) -> None:
        actor = self.ctx.actor
        changes: dict[str, Any] = {name: text}
        self.autosaver.save(
            f"room_field:{room_id}:{name}",
            lambda db: insp_service.update_room(db, room_id, actor=actor, **changes),
        )

    def _header(self, **changes: Any) -> None:
        iid, actor = self.inspection_id, self.ctx.actor
        assert iid is not None
        fields = HeaderFields(**changes)
        what = "header:" + ",".join(changes)
        self.autosaver.save(what, lambda db: insp_service.update_header(db, iid, fields, actor=actor))

    def _evidence_reason(self, room_id: str | None, key: str, text: str) -> None:
        iid, actor = self.inspection_id, self.ctx.actor
        assert iid is not None
        self.autosaver.save(
            f"evidence:{room_id or ''}:{key}",
            lambda db: insp_service.set_evidence_reason(db, iid, key, text, room_id=room_id, actor=actor),
        )

    def _refusal_clicked(self, checked: bool) -> None:
        self._save_refusal(self.witness_edit.text(), refused=checked)
        if checked:
            self.witness_edit.setFocus()

    def _save_refusal(self, witness: str, refused: bool | None = None) -> None:
        refused = self.refused_check.isChecked() if refused is None else refused
        if not refused and (self.view is None or self.view.refusal is None):
            return  # a witness typed without the tick: nothing to record yet
        iid, actor = self.inspection_id, self.ctx.actor
        assert iid is not None
        self.autosaver.save(
            "refusal",
            lambda db: insp_service.set_refusal(db, iid, refused, witness=witness, actor=actor),
        )

    def _show_refusal(self, view: InspectionView) -> None:
        refused = view.refusal is not None
        if self.refused_check.isChecked() != refused:
            self.refused_check.setChecked(refused)
        when = view.refusal.at if view.refusal is not None else None
        self.refusal_time.setText(self.tr("记录时间 %1").replace("%1", local_time(when)) if when else "")

    def _show_reasons(self, view: InspectionView) -> None:
        notes = view.evidence_notes
        self.hotel_form.set_reasons({n.item_key: n.reason for n in notes if n.room_label is None})
        for page in self.room_pages.values():
            page.set_reasons({n.item_key: n.reason for n in notes if n.room_label == page.room_number})

    def _ids_shown_clicked(self, checked: bool) -> None:
        self._header(ids_shown=checked)

    def _time_edited(self, edit: QDateTimeEdit, name: str) -> None:
        if not self._editable or edit.dateTime() == NO_END_TIME:
            return
        local: datetime = edit.dateTime().toPython()  # naive, in the bureau's time zone
        value = local.replace(tzinfo=clock.zone())
        current = getattr(self.view, name, None)
        if current is not None and abs((current - value).total_seconds()) < 60:
            return  # same minute as stored: nothing changed
        self._header(**{name: value})

    def _fill_no_objection(self) -> None:
        """The hotel's usual words; it promises to rectify only when there is something to rectify."""
        failed = self.view is not None and self.view.verdict.result in ("fail", "basic")
        self.opinion_edit.setPlainText(
            self.tr("对检查结果无异议，将按要求整改。") if failed else self.tr("对检查结果无异议。")
        )
        self._fields[self.opinion_edit].watcher.flush()
        self.signatory_edit.setFocus()

    def _save_state(self, state: str, text: str) -> None:
        self.save_label.setText(text)
        self.save_label.setProperty("state", state)
        self.save_label.style().unpolish(self.save_label)
        self.save_label.style().polish(self.save_label)

    def _save_failed(self, what: str, exc: object) -> None:
        assert isinstance(exc, Exception)
        parts = what.split(":")
        if isinstance(exc, ValidationError) and parts[0] in ("hotel", "room"):
            page = self.room_pages.get(parts[1]) if parts[0] == "room" else None
            rows = self.hotel_form.rows if parts[0] == "hotel" else (page.form.rows if page else {})
            if parts[-1] in rows:
                rows[parts[-1]].show_invalid(error_text(exc))
        if parts[0] == "room_field" and parts[2] == "room_number" and self.view is not None:
            page = self.room_pages.get(parts[1])
            stored = next((r.room_number for r in self.view.rooms if r.id == parts[1]), None)
            if page is not None and stored is not None:
                page.revert_number(stored)
        self._show_error(exc)
        if isinstance(exc, RecordFinalizedError):
            self.reload()

    def _show_error(self, exc: Exception) -> None:
        self.banner_text.setText(error_text(exc))
        self.banner.show()

    # --- user actions ----------------------------------------------------------------------------
    def toggle_stopwatch(self) -> None:
        """F5: start or stop the main stopwatch of the room on screen."""
        page = self.tabs.currentWidget()
        if isinstance(page, RoomPage):
            page.toggle_main_stopwatch()
        elif self._editable:
            self.statusBar().showMessage(self.tr("请先切换到要计时的房间。"), 4000)

    def current_room(self) -> RoomPage | None:
        page = self.tabs.currentWidget()
        return page if isinstance(page, RoomPage) else None

    def add_room(self) -> None:
        if not self._editable or self.view is None:
            return
        dialog = AddRoomDialog({r.room_number for r in self.view.rooms}, self, self.lang)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        number, floor, room_type = dialog.values()
        iid, actor = self.inspection_id, self.ctx.actor
        assert iid is not None
        self._switch_to_new_room = True
        self.autosaver.save(
            f"add_room:{number}",
            lambda db: insp_service.add_room(db, iid, number, floor=floor, room_type=room_type, actor=actor),
        )

    def remove_room(self, room_id: str) -> None:
        if not self._editable or self.view is None:
            return
        room = next((r for r in self.view.rooms if r.id == room_id), None)
        if room is None:
            return
        answered = len(room.answers)
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("删除房间"),
            self.tr("从抽查列表中删除 %1 房（已填 %2 项）吗？")
            .replace("%1", room.room_number)
            .replace("%2", str(answered)),
            parent=self,
        )
        delete = box.addButton(self.tr("删除"), QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is not delete:
            return
        actor = self.ctx.actor
        self.autosaver.save(
            f"remove_room:{room_id}", lambda db: insp_service.remove_room(db, room_id, actor=actor)
        )

    def change_team(self) -> None:
        if not self._editable or self.view is None:
            return
        dialog = TeamDialog(
            self.ctx, self, title=self.tr("更改检查人员"), selected=[i.id for i in self.view.inspectors]
        )
        dialog.ok_button.setText(self.tr("确定"))
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        ids, iid, actor = dialog.selected_ids(), self.inspection_id, self.ctx.actor
        assert iid is not None
        self.autosaver.save("team", lambda db: insp_service.set_team(db, iid, ids, actor=actor))

    def sign(self, key: str) -> None:
        if self.view is None:
            return
        who = dict(
            [(f"inspector:{i.id}", i.name) for i in self.view.inspectors]
            + [("hotel", self.view.hotel_signatory or self.tr("被检查单位"))]
            + [("witness", self.view.refusal.witness if self.view.refusal else self.tr("见证人"))]
        ).get(key, key)
        dialog = SignatureDialog(who, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and not dialog.pad.is_empty():
            self._set_signature(key, dialog.pad.to_data(who))

    def _set_signature(self, key: str, data: dict[str, Any] | None) -> None:
        if self.view is None:
            return
        signatures = dict(self.view.signatures)
        if data is None:
            signatures.pop(key, None)
        else:
            signatures[key] = data
        self._header(signatures=signatures)

    def navigate(self, room_id: str, key: str) -> None:
        """Show an item (or a header field) and put the cursor in it."""
        if key in ("rooms",):
            self.add_room()
            return
        if key in HEADER_FIELDS:
            target = {"ids_shown": self.ids_shown, "inspectors": self.team_button}.get(key, self.contact_edit)
            target.setFocus()
            return
        if key in CONCLUSION_FIELDS:
            self.tabs.setCurrentWidget(self.conclusion)
            {
                "findings": self.findings_edit,
                "hotel_opinion": self.opinion_edit,
                "refusal_witness": self.witness_edit,
            }.get(key, self.signatory_edit).setFocus()
            return
        if room_id:
            page = self.room_pages.get(room_id)
            if page is None or key not in page.form.rows:
                return
            self.tabs.setCurrentWidget(page)
            row = page.form.rows[key]
            page.scroll_area.ensureWidgetVisible(row)
        else:
            if key not in self.hotel_form.rows:
                return
            self.tabs.setCurrentIndex(0)
            row = self.hotel_form.rows[key]
            scroll = self.tabs.widget(0)
            assert isinstance(scroll, QScrollArea)
            scroll.ensureWidgetVisible(row)
        if row.input.isEnabled():
            row.input.focus_input()

    def show_evidence_gap(self, view: InspectionView, gap: EvidenceGap | None) -> None:
        """Show a failed item that lacks its photo and put the cursor in its reason field."""
        if gap is None:
            return
        room_id = next((r.id for r in view.rooms if r.room_number == gap.room_label), "")
        self.navigate(room_id, gap.item_key)
        form = self.room_pages[room_id].form if room_id else self.hotel_form
        row = form.rows.get(gap.item_key)
        if row is not None and row.reason_edit is not None:
            row.reason_edit.setFocus()

    def finalize(self) -> None:
        """Check the record is complete, ask, finalize; a failed result then offers the notice."""
        if not self._editable or self.inspection_id is None:
            return
        self.autosaver.flush(wait=False)
        db, iid = self.ctx.db, self.inspection_id

        def check(_p: object) -> tuple[InspectionView, list[Any]]:
            view = insp_service.get_inspection(db, iid)
            return view, insp_service.finalize_problems(view)

        # On the writer queue, so it sees every edit submitted before it.
        self.ctx.runner.submit(
            check, on_done=self._finalize_checked, on_error=self._show_error, label="check"
        )

    def _finalize_checked(self, checked: tuple[InspectionView, list[Any]]) -> None:
        view, problems = checked
        if problems:
            lines = []
            for p in problems:
                if ":" in p.where:
                    continue
                lines.append(
                    "• "
                    + (
                        self.tr("还需抽查 %1 间客房").replace("%1", str(view.verdict.rooms_short))
                        if p.where == "rooms"
                        else problem_text(p, self.lang)
                    )
                )
            missing = len(view.verdict.missing)
            if missing:
                lines.append("• " + self.tr("还有 %1 项未填写（见右侧列表）").replace("%1", str(missing)))
            QMessageBox.warning(
                self, self.tr("还不能定稿"), self.tr("定稿前还需完成：") + "\n" + "\n".join(lines)
            )
            first = problems[0]
            if isinstance(first.value, EvidenceGap):
                self.show_evidence_gap(view, first.value)
            elif ":" not in first.where:
                self.navigate("", first.where)
            elif view.verdict.missing:
                m = view.verdict.missing[0]
                room_id = next((r.id for r in view.rooms if r.room_number == m.room_label), "")
                self.navigate(room_id, m.item_key)
            return
        verdict = view.verdict
        text = self.tr("检查结果：%1").replace("%1", result_text(verdict.result, self.ctx.language))
        if verdict.failed:
            text += self.tr("（%1 项不合格）").replace("%1", str(len(verdict.failed)))
        text += "\n\n" + self.tr("定稿后本记录不能再修改；如需修改，只能“更正”生成新版本。确定定稿吗？")
        box = QMessageBox(QMessageBox.Icon.Question, self.tr("定稿"), text, parent=self)
        ok = box.addButton(self.tr("定稿"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(ok)
        box.exec()
        if box.clickedButton() is not ok:
            return
        iid, actor = view.id, self.ctx.actor
        self.autosaver.save(
            "finalize", lambda db: insp_service.finalize(db, iid, actor=actor), on_done=self._finalized
        )

    def _finalized(self, view: InspectionView) -> None:
        self.sig_changed.emit(view.id)
        self.reload()
        self._fill_fields(view)  # finalizing fills the end time and, if empty, the findings
        if view.result == "fail" and view.issued_notice_id is None:
            box = QMessageBox(
                QMessageBox.Icon.Question,
                self.tr("下发整改通知"),
                self.tr("检查结果为不合格。现在下发整改通知书吗？"),
                parent=self,
            )
            yes = box.addButton(self.tr("下发整改通知…"), QMessageBox.ButtonRole.AcceptRole)
            box.addButton(self.tr("以后再说"), QMessageBox.ButtonRole.RejectRole)
            box.exec()
            if box.clickedButton() is yes:
                self.issue_notice()

    def issue_notice(self) -> NoticeView | None:
        if self.view is None or self.view.status != "finalized":
            return None
        dialog = NoticeDialog(self.ctx, self.view, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.notice is None:
            return None
        self.statusBar().showMessage(self.tr("已下发整改通知 %1").replace("%1", dialog.notice.number), 8000)
        self.sig_changed.emit(self.view.id)
        self.reload()
        return dialog.notice

    def extend_notice(self) -> NoticeView | None:
        """延期: a new version of the notice this record issued, with a later deadline."""
        notice = self.loaded.issued_notice if self.loaded is not None else None
        if notice is None or self.view is None:
            return None
        dialog = ExtendNoticeDialog(self.ctx, notice, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.notice is None:
            return None
        self.statusBar().showMessage(
            self.tr("已生成整改通知 %1 的延期版本，新期限 %2")
            .replace("%1", dialog.notice.number)
            .replace("%2", f"{dialog.notice.deadline:%Y-%m-%d}"),
            8000,
        )
        self.sig_changed.emit(self.view.id)
        self.reload()
        return dialog.notice

    def correct(self) -> None:
        if self.view is None or self.view.status != "finalized":
            return
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("更正"),
            self.tr("将生成本记录的更正版本（草稿），原记录保持不变，两者都保留在版本记录中。继续吗？"),
            parent=self,
        )
        ok = box.addButton(self.tr("更正"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("取消"), QMessageBox.ButtonRole.RejectRole)
        box.exec()
        if box.clickedButton() is not ok:
            return
        iid, actor = self.view.id, self.ctx.actor
        window = InspectionWindow.create_record(
            self.ctx, lambda db: insp_service.correct(db, iid, actor=actor), self.parentWidget()
        )
        window.show()
        self.sig_opened.emit(window)
        self.sig_changed.emit(iid)
        self.close()

    def print_sheet(self) -> None:
        """Ctrl+P: preview this record's 现场检查记录 (a draft prints with a 草稿 watermark)."""
        if self.view is None or self.inspection_id is None:
            return
        iid, number, draft = self.inspection_id, self.view.record_number, self.view.editable
        self.autosaver.flush(wait=False)

        def open_preview(_result: object) -> None:
            from ui.printing import preview_inspection_sheet  # reportlab and QtPdf load when first needed

            if self._closing:
                return
            if draft:
                self.statusBar().showMessage(self.tr("草稿打印件带“草稿”水印，不是正式记录。"), 8000)
            preview_inspection_sheet(self.ctx, iid, number, self)

        # Through the writer queue, after every edit made before it, so the sheet shows all of them.
        self.ctx.runner.submit(lambda _p: None, on_done=open_preview, label=self.tr("打印"), write=True)

    def open_phone_photos(self) -> QDialog | None:
        """手机拍照: a QR code for a page where the phone uploads photos into this draft (non-modal)."""
        if self.inspection_id is None or not self._editable:
            return None
        from ui.photos.phone_dialog import PhoneUploadDialog

        return PhoneUploadDialog.open_for(self.ctx, self.inspection_id, self)

    def print_notice(self) -> None:
        """Preview the rectification notice this inspection issued (with its receipt)."""
        notice = self.loaded.issued_notice if self.loaded is not None else None
        if notice is None:
            return
        from ui.printing import preview_notice

        preview_notice(self.ctx, notice.id, notice.number, self)

    # --- closing ---------------------------------------------------------------------------------
    def discard(self) -> None:
        """放弃草稿 (confirmed): tombstone the draft (the tombstone syncs) and close the window."""
        if not self._editable or self.view is None or self.inspection_id is None:
            return
        view = self.view
        what = f"{view.record_number} · {view.hotel_name}"
        if not confirm_discard(self, what):
            return
        for page in self.room_pages.values():
            page.cancel_stopwatches()
        self.autosaver.flush(wait=True)  # nothing typed is left to land on a discarded record
        db, iid, actor = self.ctx.db, self.inspection_id, self.ctx.actor

        def discarded(_result: object) -> None:
            self.sig_changed.emit(iid)
            self.close()

        self.ctx.runner.submit(
            lambda _p: insp_service.discard_draft(db, iid, actor=actor),
            on_done=discarded,
            on_error=self._show_error,
            label="discard draft",
        )

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        for page in self.room_pages.values():
            page.cancel_stopwatches()
        # Whatever was typed and not yet committed is saved before the window goes.
        self.autosaver.close()
        self._closing = True
        if self.inspection_id is not None and _windows.get(self.inspection_id) is self:
            del _windows[self.inspection_id]
        super().closeEvent(event)
