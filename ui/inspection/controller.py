"""What the inspection window's actions do: finalize (check, ask, finalize, offer the notice), issue and
extend the notice, correct, print the sheet and the notice, 手机拍照 and 放弃草稿.

The controller asks and reports through the window it belongs to (its dialogs, status bar, navigation);
all database work goes through ``ctx.runner`` or the window's autosaver.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QDialog, QMessageBox

from hoteltv.domain.lifecycle import Blocker
from hoteltv.domain.rules import MissingItem
from hoteltv.services import inspections as insp_service
from hoteltv.services.inspections import EvidenceGap, InspectionView
from hoteltv.services.notices import NoticeView
from ui.inspection.notice import ExtendNoticeDialog, NoticeDialog
from ui.inspection.texts import problem_text, result_text
from ui.messages import ask, confirm_discard, fill

if TYPE_CHECKING:
    from ui.inspection.window import InspectionWindow


class InspectionActions(QObject):
    """The record-level actions of one inspection window."""

    def __init__(self, window: InspectionWindow) -> None:
        super().__init__(window)
        self.window = window
        self.ctx = window.ctx

    # --- finalize --------------------------------------------------------------------------------
    def finalize(self) -> None:
        """Check the record is complete, ask, finalize; a failed result then offers the notice."""
        w = self.window
        if not w.is_editable() or w.inspection_id is None:
            return
        w.autosaver.flush(wait=False)
        db, iid = self.ctx.db, w.inspection_id

        def check(_p: object) -> tuple[InspectionView, list[Any]]:
            view = insp_service.get_inspection(db, iid)
            return view, insp_service.finalize_problems(view)

        # On the writer queue, so it sees every edit submitted before it.
        self.ctx.runner.submit(check, on_done=self._finalize_checked, on_error=w.show_error, label="check")

    def _finalize_checked(self, checked: tuple[InspectionView, list[Any]]) -> None:
        w = self.window
        view, problems = checked
        if problems:
            # Unanswered items are counted, not listed (the side panel lists them by place).
            lines = ["• " + problem_text(p, w.lang) for p in problems if p.code != Blocker.UNANSWERED]
            missing = len(view.verdict.missing)
            if missing:
                lines.append("• " + self.tr("还有 %1 项未填写（见右侧列表）").replace("%1", str(missing)))
            QMessageBox.warning(
                w, self.tr("还不能定稿"), self.tr("定稿前还需完成：") + "\n" + "\n".join(lines)
            )
            first = problems[0]
            if first.code == Blocker.EVIDENCE_MISSING and isinstance(first.value, EvidenceGap):
                w.show_evidence_gap(view, first.value)
            elif first.code == Blocker.UNANSWERED and isinstance(first.value, MissingItem):
                m = first.value
                room_id = next((r.id for r in view.rooms if r.room_number == m.room_label), "")
                w.navigate(room_id, m.item_key)
            else:
                w.navigate("", first.where)  # a header or conclusion field, or "rooms"
            return
        verdict = view.verdict
        text = self.tr("检查结果：%1").replace("%1", result_text(verdict.result, self.ctx.language))
        if verdict.failed:
            text += self.tr("（%1 项不合格）").replace("%1", str(len(verdict.failed)))
        text += "\n\n" + self.tr("定稿后本记录不能再修改；如需修改，只能“更正”生成新版本。确定定稿吗？")
        if not ask(w, self.tr("定稿"), text, self.tr("定稿"), self.tr("取消"), default=True):
            return
        iid, actor = view.id, self.ctx.actor
        w.autosaver.save(
            "finalize", lambda db: insp_service.finalize(db, iid, actor=actor), on_done=self._finalized
        )

    def _finalized(self, view: InspectionView) -> None:
        w = self.window
        w.sig_changed.emit(view.id)
        w.reload()
        w.fill_fields(view)  # finalizing fills the end time and, if empty, the findings
        if (
            view.result == "fail"
            and view.issued_notice_id is None
            and ask(
                w,
                self.tr("下发整改通知"),
                self.tr("检查结果为不合格。现在下发整改通知书吗？"),
                self.tr("下发整改通知…"),
                self.tr("以后再说"),
            )
        ):
            self.issue_notice()

    # --- notices ---------------------------------------------------------------------------------
    def issue_notice(self) -> NoticeView | None:
        w = self.window
        if w.view is None or w.view.status != "finalized":
            return None
        dialog = NoticeDialog(self.ctx, w.view, w)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.notice is None:
            return None
        w.statusBar().showMessage(self.tr("已下发整改通知 %1").replace("%1", dialog.notice.number), 8000)
        w.sig_changed.emit(w.view.id)
        w.reload()
        return dialog.notice

    def extend_notice(self) -> NoticeView | None:
        """延期: a new version of the notice this record issued, with a later deadline."""
        w = self.window
        notice = w.loaded.issued_notice if w.loaded is not None else None
        if notice is None or w.view is None:
            return None
        dialog = ExtendNoticeDialog(self.ctx, notice, w)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.notice is None:
            return None
        w.statusBar().showMessage(
            fill(
                self.tr("已生成整改通知 %1 的延期版本，新期限 %2"),
                dialog.notice.number,
                f"{dialog.notice.deadline:%Y-%m-%d}",
            ),
            8000,
        )
        w.sig_changed.emit(w.view.id)
        w.reload()
        return dialog.notice

    # --- versions --------------------------------------------------------------------------------
    def correct(self) -> None:
        w = self.window
        if w.view is None or w.view.status != "finalized":
            return
        if not ask(
            w,
            self.tr("更正"),
            self.tr("将生成本记录的更正版本（草稿），原记录保持不变，两者都保留在版本记录中。继续吗？"),
            self.tr("更正"),
            self.tr("取消"),
        ):
            return
        iid, actor = w.view.id, self.ctx.actor
        window = type(w).create_record(
            self.ctx, lambda db: insp_service.correct(db, iid, actor=actor), w.parentWidget()
        )
        window.show()
        w.sig_opened.emit(window)
        w.sig_changed.emit(iid)
        w.close()

    # --- printing and photos ---------------------------------------------------------------------
    def print_sheet(self) -> None:
        """Ctrl+P: preview this record's 现场检查记录 (a draft prints with a 草稿 watermark)."""
        w = self.window
        if w.view is None or w.inspection_id is None:
            return
        iid, number, draft = w.inspection_id, w.view.record_number, w.view.editable
        w.autosaver.flush(wait=False)

        def open_preview(_result: object) -> None:
            from ui.printing import preview_inspection_sheet  # reportlab and QtPdf load when first needed

            if w.is_closing():
                return
            if draft:
                w.statusBar().showMessage(self.tr("草稿打印件带“草稿”水印，不是正式记录。"), 8000)
            preview_inspection_sheet(self.ctx, iid, number, w)

        # Through the writer queue, after every edit made before it, so the sheet shows all of them.
        self.ctx.runner.submit(lambda _p: None, on_done=open_preview, label=self.tr("打印"), write=True)

    def print_notice(self) -> None:
        """Preview the rectification notice this inspection issued (with its receipt)."""
        w = self.window
        notice = w.loaded.issued_notice if w.loaded is not None else None
        if notice is None:
            return
        from ui.printing import preview_notice

        preview_notice(self.ctx, notice.id, notice.number, w)

    def open_phone_photos(self) -> QDialog | None:
        """手机拍照: a QR code for a page where the phone uploads photos into this draft (non-modal)."""
        w = self.window
        if w.inspection_id is None or not w.is_editable():
            return None
        from ui.photos.phone_dialog import PhoneUploadDialog

        dialog: QDialog = PhoneUploadDialog.open_for(self.ctx, w.inspection_id, w)
        return dialog

    # --- discarding ------------------------------------------------------------------------------
    def discard(self) -> None:
        """放弃草稿 (confirmed): tombstone the draft (the tombstone syncs) and close the window."""
        w = self.window
        if not w.is_editable() or w.view is None or w.inspection_id is None:
            return
        view = w.view
        what = f"{view.record_number} · {view.hotel_name}"
        if not confirm_discard(w, what):
            return
        w.cancel_stopwatches()
        w.autosaver.flush(wait=True)  # nothing typed is left to land on a discarded record
        db, iid, actor = self.ctx.db, w.inspection_id, self.ctx.actor

        def discarded(_result: object) -> None:
            w.sig_changed.emit(iid)
            w.close()

        self.ctx.runner.submit(
            lambda _p: insp_service.discard_draft(db, iid, actor=actor),
            on_done=discarded,
            on_error=w.show_error,
            label="discard draft",
        )
