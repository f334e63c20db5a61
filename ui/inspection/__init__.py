"""The on-site inspection workflow: choose the team, fill the record, finalize, notice, re-inspect.

Entry points for the main window (all run on the GUI thread):

* :func:`start_inspection_flow` — pick the team, start a new inspection of a hotel, open its window;
* :func:`open_inspection_window` — open a record (a draft to continue, a finalized one to read);
* :func:`start_reinspection_flow` — pick the team, start the re-inspection a notice asks for;
* :func:`set_photo_strip_factory` — where ``ui.photos`` plugs its photo strips in (see ``photoslot``).

Each returns the inspection window (a top-level ``QMainWindow``, already shown) or None when the user
cancelled. Other windows learn what the inspection window saved from the change signal
(``ctx.changes``, :mod:`ui.changes`), not from the window itself.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialog, QWidget

from hoteltv.services import inspections as insp_service
from hoteltv.services import notices as notice_service
from ui.context import AppContext
from ui.inspection.photoslot import set_photo_strip_factory
from ui.inspection.team import TeamDialog
from ui.inspection.window import InspectionWindow, open_windows

__all__ = [
    "InspectionWindow",
    "open_inspection_window",
    "open_windows",
    "set_photo_strip_factory",
    "start_inspection_flow",
    "start_reinspection_flow",
]


def _show(window: InspectionWindow) -> InspectionWindow:
    window.show()
    window.raise_()
    window.activateWindow()
    return window


def open_inspection_window(ctx: AppContext, inspection_id: str, parent: QWidget | None = None) -> QWidget:
    """Open the window of one inspection record (the one already open is brought to the front)."""
    for window in open_windows():
        if window.inspection_id == inspection_id:
            return _show(window)
    return _show(InspectionWindow.load_record(ctx, inspection_id, parent))


def start_inspection_flow(ctx: AppContext, hotel_id: str, parent: QWidget | None = None) -> QWidget | None:
    """Choose the inspectors (the last team offered again), start a first inspection, open its window.

    When the hotel already has a draft on this device, the dialog offers to continue it instead.
    """
    dialog = TeamDialog(
        ctx,
        parent,
        title=QCoreApplication.translate("Inspection", "开始检查：选择检查人员"),
        hotel_id=hotel_id,
    )
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    if dialog.resume_id is not None:
        return open_inspection_window(ctx, dialog.resume_id, parent)
    team = dialog.selected_ids()
    template = dialog.selected_template()
    actor = ctx.actor
    return _show(
        InspectionWindow.create_record(
            ctx,
            lambda db: insp_service.start_inspection(db, hotel_id, team, template=template, actor=actor),
            parent,
        )
    )


def start_reinspection_flow(ctx: AppContext, notice_id: str, parent: QWidget | None = None) -> QWidget | None:
    """Choose the inspectors and start the re-inspection of an open rectification notice."""
    dialog = TeamDialog(ctx, parent, title=QCoreApplication.translate("Inspection", "复查：选择检查人员"))
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    team = dialog.selected_ids()
    actor = ctx.actor
    return _show(
        InspectionWindow.create_record(
            ctx, lambda db: notice_service.start_reinspection(db, notice_id, team, actor=actor), parent
        )
    )
