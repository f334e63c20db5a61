"""The inspection window: one record on site, from the first answer to the signed, finalized record.

Layout for a 1366×768 laptop screen: a compact header (hotel, record number, kind, status, team, IDs
shown, on-site contact, times), the form in tabs (hotel-level items, one tab per sampled room, findings
and signatures) and, beside it, the live verdict with the actions (finalize, issue notice, correct,
versions, print). Every edit is saved at once through :class:`ui.inspection.autosave.Autosaver`; there
is no Save button. A finalized record opens read-only; "更正…" makes a new version of it. "打印…"
(Ctrl+P) previews the sheet (a draft's carries a 草稿 watermark) and, once this record has issued a
notice, "打印整改通知书…" previews the notice (both through :mod:`ui.printing`).

The parts live beside it: the header (:mod:`ui.inspection.header`), the 结论与签字 page
(:mod:`ui.inspection.conclusion`), the verdict and action buttons (:mod:`ui.inspection.side`), what the
actions do (:mod:`ui.inspection.controller`) and the watched text fields (:mod:`ui.inspection.fields`); the
look is ``resources/styles/inspection.qss``. The window remembers its size and place (QSettings).

All database work goes through ``ctx.runner``; the window only arranges the core's services.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, partial
from typing import Any

from PySide6.QtCore import QRectF, QSettings, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QColor, QIcon, QKeySequence, QPainter, QPen, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from hoteltv.db.engine import Database
from hoteltv.domain.checklist import ChecklistTemplate
from hoteltv.errors import RecordFinalizedError, ValidationError
from hoteltv.resources import resource
from hoteltv.services import inspections as insp_service
from hoteltv.services import notices as notice_service
from hoteltv.services.inspections import EvidenceGap, HeaderFields, InspectionSummary, InspectionView
from hoteltv.services.notices import NoticeItem, NoticeView
from ui.context import AppContext
from ui.icons import painted_icon
from ui.inspection.autosave import Autosaver
from ui.inspection.conclusion import ConclusionPage, SignatureSlot
from ui.inspection.controller import InspectionActions
from ui.inspection.fields import Fields
from ui.inspection.header import InspectionHeader
from ui.inspection.items import ItemsForm
from ui.inspection.photoslot import make_photo_strip
from ui.inspection.room import AddRoomDialog, RoomPage
from ui.inspection.side import SidePanel
from ui.inspection.team import TeamDialog
from ui.inspection.texts import error_text, lang_of
from ui.inspection.undo import AnswerChangeStep, AnswerUndo, HistoryDialog
from ui.messages import ask, fill
from ui.screen import available, is_small, resize_to_fit, restore_geometry

log = logging.getLogger(__name__)

HEADER_FIELDS = ("ids_shown", "inspectors", "contact_on_site", "contact_phone", "started_at", "ended_at")
CONCLUSION_FIELDS = ("findings", "hotel_opinion", "hotel_signatory", "refusal_witness")

#: Where the inspection windows' size and place are kept (QSettings: window state, not data).
SETTINGS_GEOMETRY = "inspectionWindow/geometry"

_windows: dict[str, InspectionWindow] = {}


@cache
def stylesheet() -> str:
    """The window's look, from ``resources/styles/inspection.qss``."""
    return resource("styles", "inspection.qss").read_text(encoding="utf-8")


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


@cache  # three kinds, redrawn after every autosave otherwise
def _dot(colour: str, hollow: bool = False) -> QIcon:
    def paint(painter: QPainter, _rect: QRectF) -> None:
        painter.setPen(QPen(QColor(colour), 1.6))
        painter.setBrush(Qt.BrushStyle.NoBrush if hollow else QColor(colour))
        painter.drawEllipse(QRectF(2, 2, 8, 8))

    return painted_icon(12, paint)


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
        self.setStyleSheet(stylesheet())
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
        self.autosaver = Autosaver(ctx, self)
        self.fields = Fields(self.autosaver.track, self.is_editable)
        self.controller = InspectionActions(self)
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
        """Where this window was last closed (within today's screen); the first time, maximized on a
        laptop-size screen, else 1366×768."""
        if restore_geometry(self, QSettings().value(SETTINGS_GEOMETRY)):
            return
        resize_to_fit(self, 1366, 768)
        area = available(self)
        if area is not None and is_small(area):
            self.setWindowState(Qt.WindowState.WindowMaximized)

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
        elif view.correction_id:  # corrected, or a correction under way: 更正… is not offered again
            self.statusBar().showMessage(self.tr("此记录已定稿，只能查看；它的更正版本在“版本记录”中。"))
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
            on_error=self.show_error,
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
        self.header = InspectionHeader(central, self.fields, self._header, self.is_editable)
        self.header.sig_change_team.connect(self.change_team)
        outer.addWidget(self.header)

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
        self.conclusion = ConclusionPage(self, self.fields, self._header, self._save_refusal)
        self.tabs.addTab(self.conclusion, self.tr("结论与签字"))
        self.add_room_button = QToolButton(self.tabs)
        self.add_room_button.setText(self.tr("+ 添加房间"))
        self.add_room_button.setToolTip(self.tr("添加抽查房间 （Ctrl+R）"))
        self.add_room_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.add_room_button.clicked.connect(self.add_room)
        self.tabs.setCornerWidget(self.add_room_button, Qt.Corner.TopRightCorner)
        splitter.addWidget(self.tabs)
        self.side = SidePanel(self.ctx.language, splitter)
        self._connect_side(self.side)
        splitter.addWidget(self.side)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 0)
        splitter.setSizes([self.width() - 360, 360])
        outer.addWidget(splitter, 1)
        self.setCentralWidget(central)
        self.placeholder = QLabel()  # the old one is deleted with the previous central widget
        self._name_parts()

        QShortcut(QKeySequence(Qt.Key.Key_F5), self, self.toggle_stopwatch)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Undo), self, self.undo)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Redo), self, self.redo)
        QShortcut(QKeySequence("Ctrl+R"), self, self.add_room)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Print), self, self.print_sheet)

    def _name_parts(self) -> None:
        """The parts' widgets under the window's own names (tests, screenshots and callers use these)."""
        header, conclusion, side = self.header, self.conclusion, self.side
        self.team_label, self.team_button, self.ids_shown = (
            header.team_label,
            header.team_button,
            header.ids_shown,
        )
        self.contact_edit, self.phone_edit = header.contact_edit, header.phone_edit
        self.start_edit, self.end_edit = header.start_edit, header.end_edit
        self.status_badge, self.notice_label = header.status_badge, header.notice_label
        self.hotel_title, self.record_label, self.kind_label = (
            header.hotel_title,
            header.record_label,
            header.kind_label,
        )
        self.findings_edit, self.opinion_edit = conclusion.findings_edit, conclusion.opinion_edit
        self.no_objection, self.signatory_edit = conclusion.no_objection, conclusion.signatory_edit
        self.refused_check, self.witness_edit = conclusion.refused_check, conclusion.witness_edit
        self.refusal_time = conclusion.refusal_time
        self.verdict_panel, self.history_button, self.history_menu = (
            side.verdict_panel,
            side.history_button,
            side.history_menu,
        )
        self.finalize_button, self.notice_button = side.finalize_button, side.notice_button
        self.correct_button, self.discard_button = side.correct_button, side.discard_button
        self.phone_button, self.print_button = side.phone_button, side.print_button
        self.print_notice_button, self.extend_notice_button = (
            side.print_notice_button,
            side.extend_notice_button,
        )

    @property
    def signature_slots(self) -> dict[str, SignatureSlot]:
        """The signers' rows on the conclusion page, by signer key."""
        return self.conclusion.signature_slots

    def _connect_side(self, side: SidePanel) -> None:
        side.verdict_panel.sig_navigate.connect(self.navigate)
        side.finalize_button.clicked.connect(self.finalize)
        side.notice_button.clicked.connect(self.issue_notice)
        side.correct_button.clicked.connect(self.correct)
        side.discard_button.clicked.connect(self.discard)
        side.phone_button.clicked.connect(self.open_phone_photos)
        side.print_button.clicked.connect(self.print_sheet)
        side.print_notice_button.clicked.connect(self.print_notice)
        side.extend_notice_button.clicked.connect(self.extend_notice)
        side.sig_open_version.connect(self._open_version)

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

    # --- showing a view --------------------------------------------------------------------------
    def _apply_loaded(self, loaded: Loaded) -> None:
        view = loaded.view
        self.autosaver.describe(view)
        self.fill_fields(view)
        self._apply_view(view)
        self.side.update_history(loaded.history, self.inspection_id)
        for page in self.room_pages.values():
            page.set_earlier(self._earlier_for(page.room_number))
        self.hotel_form.set_earlier(self._earlier_for(None))

    def fill_fields(self, view: InspectionView) -> None:
        """Put stored header and conclusion values into their fields (on load, not after each save)."""
        self.header.fill(view)
        self.conclusion.fill(view)

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
        self.conclusion.show_view(view)
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
            existing = self.room_pages.get(room.id)
            if existing is not None:
                page = existing
                page.set_room(room)
            else:
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
            self.tabs.setTabText(self.tabs.indexOf(page), self.tr("%1 房").replace("%1", room.room_number))
        if new_page is not None and self._switch_to_new_room:
            self._switch_to_new_room = False
            self.tabs.setCurrentWidget(new_page)
            if new_page.main_row is not None:
                new_page.main_row.input.focus_input()

    def _update_header(self, view: InspectionView) -> None:
        self.setWindowTitle(fill(self.tr("%1 %2 — 检查记录"), view.record_number, view.hotel_name))
        loaded = self.loaded
        notices = (loaded.answers_notice, loaded.issued_notice) if loaded else (None, None)
        self.header.show_view(view, self.ctx.language, notices)

    def _update_actions(self, view: InspectionView) -> None:
        self.side.update_actions(view, self.loaded.issued_notice if self.loaded is not None else None)

    def _open_version(self, inspection_id: str) -> None:
        if inspection_id == self.inspection_id:
            return
        from ui.inspection import open_inspection_window

        window = open_inspection_window(self.ctx, inspection_id, self.parentWidget())
        self.sig_opened.emit(window)

    def _update_photo_slots(self) -> None:
        iid = self.inspection_id
        if iid is None:
            return
        self.hotel_form.update_photo_slots(lambda key: make_photo_strip(self.ctx, iid, None, key, self))
        for room_id, page in self.room_pages.items():
            page.update_photo_slots(partial(make_photo_strip, self.ctx, iid, room_id, parent=self))

    def _update_tab_icons(self, view: InspectionView) -> None:
        failed = {f.room_label for f in view.verdict.failed}
        missing = {m.room_label for m in view.verdict.missing}
        hotel_page = self.tabs.widget(0)
        assert hotel_page is not None  # the 酒店情况 tab is always first
        pages: list[tuple[QWidget, str | None]] = [(hotel_page, None)]
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
        self.header.set_editable(editable)
        self.conclusion.set_editable(editable)
        self.add_room_button.setVisible(editable and bool(self.template and self.template.room_items))

    def is_editable(self) -> bool:
        return bool(self._editable)

    # --- saving edits ----------------------------------------------------------------------------
    def _hotel_answer(self, key: str, raw: object) -> None:
        iid, actor = self.inspection_id, self.ctx.actor
        assert iid is not None
        self.autosaver.save(
            f"hotel:{key}",
            lambda db: insp_service.set_hotel_answer(db, iid, key, raw, actor=actor),
            typed=raw,
        )

    def _room_answer(self, room_id: str, key: str, raw: object) -> None:
        actor = self.ctx.actor
        self.autosaver.save(
            f"room:{room_id}:{key}",
            lambda db: insp_service.set_room_answer(db, room_id, key, raw, actor=actor),
            typed=raw,
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
            site = template.wording.site_section.get(self.lang)
            place = self.tr("%1 房").replace("%1", room_label) if room_label else site
            dialog = HistoryDialog(template.item(key), place, changes, self.lang, self)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose, True)
            dialog.open()

        self.ctx.runner.submit(
            lambda _p: insp_service.answer_history(db, iid, key, room_id),
            on_done=shown,
            on_error=self.show_error,
            label="answer history",
            write=False,
        )

    def _room_field(self, room_id: str, name: str, text: str) -> None:
        actor = self.ctx.actor
        changes: dict[str, Any] = {name: text}
        self.autosaver.save(
            f"room_field:{room_id}:{name}",
            lambda db: insp_service.update_room(db, room_id, actor=actor, **changes),
            typed=text,
        )

    def _header(self, **changes: Any) -> None:
        iid, actor = self.inspection_id, self.ctx.actor
        assert iid is not None
        fields = HeaderFields(**changes)
        what = "header:" + ",".join(changes)
        self.autosaver.save(
            what, lambda db: insp_service.update_header(db, iid, fields, actor=actor), typed=changes
        )

    def _save_refusal(self, refused: bool, witness: str) -> None:
        iid, actor = self.inspection_id, self.ctx.actor
        assert iid is not None
        self.autosaver.save(
            "refusal",
            lambda db: insp_service.set_refusal(db, iid, refused, witness=witness, actor=actor),
        )

    def _evidence_reason(self, room_id: str | None, key: str, text: str) -> None:
        iid, actor = self.inspection_id, self.ctx.actor
        assert iid is not None
        self.autosaver.save(
            f"evidence:{room_id or ''}:{key}",
            lambda db: insp_service.set_evidence_reason(db, iid, key, text, room_id=room_id, actor=actor),
            typed=text,
        )

    def _show_reasons(self, view: InspectionView) -> None:
        notes = view.evidence_notes
        self.hotel_form.set_reasons({n.item_key: n.reason for n in notes if n.room_label is None})
        for page in self.room_pages.values():
            page.set_reasons({n.item_key: n.reason for n in notes if n.room_label == page.room_number})

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
        self.show_error(exc)
        if isinstance(exc, RecordFinalizedError):
            self.reload()

    def show_error(self, exc: Exception) -> None:
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
        if not ask(
            self,
            self.tr("删除房间"),
            fill(self.tr("从抽查列表中删除 %1 房（已填 %2 项）吗？"), room.room_number, str(answered)),
            self.tr("删除"),
            self.tr("取消"),
            yes_role=QMessageBox.ButtonRole.DestructiveRole,
        ):
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

    def navigate(self, room_id: str, key: str) -> None:
        """Show an item (or a header field) and put the cursor in it."""
        if key in ("rooms",):
            self.add_room()
            return
        if key in HEADER_FIELDS:
            self.header.focus_field(key)
            return
        if key in CONCLUSION_FIELDS:
            self.tabs.setCurrentWidget(self.conclusion)
            self.conclusion.focus_field(key)
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
        """定稿… (see :meth:`InspectionActions.finalize`)."""
        self.controller.finalize()

    def issue_notice(self) -> NoticeView | None:
        return self.controller.issue_notice()

    def extend_notice(self) -> NoticeView | None:
        return self.controller.extend_notice()

    def correct(self) -> None:
        self.controller.correct()

    def print_sheet(self) -> None:
        self.controller.print_sheet()

    def print_notice(self) -> None:
        self.controller.print_notice()

    def open_phone_photos(self) -> QDialog | None:
        return self.controller.open_phone_photos()

    # --- closing ---------------------------------------------------------------------------------
    def discard(self) -> None:
        """放弃草稿… (see :meth:`InspectionActions.discard`)."""
        self.controller.discard()

    def cancel_stopwatches(self) -> None:
        for page in self.room_pages.values():
            page.cancel_stopwatches()

    def is_closing(self) -> bool:
        return self._closing

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        QSettings().setValue(SETTINGS_GEOMETRY, self.saveGeometry())
        self.cancel_stopwatches()
        # Whatever was typed and not yet committed is saved before the window goes.
        self.autosaver.close()
        self._closing = True
        if self.inspection_id is not None and _windows.get(self.inspection_id) is self:
            del _windows[self.inspection_id]
        super().closeEvent(event)
