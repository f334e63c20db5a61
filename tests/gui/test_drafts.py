"""Drafts under control, through the widgets: 继续草稿 is the default when a hotel has a draft; 放弃草稿
(confirmed; a tombstone that syncs) from the team dialog, the inspection window, the registry and the drafts
list with its ages; deleting a hotel (refused while it has finalized records)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import select

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from hoteltv.db.models import Hotel, Inspection, OutboxEntry
from hoteltv.domain import clock
from hoteltv.services import hotels as hotel_service
from hoteltv.services import inspections as insp_service
from tests.gui.test_inspection_workflow import Modals, click_text
from ui.context import AppContext
from ui.inspection import open_inspection_window, open_windows, start_inspection_flow
from ui.inspection.team import TeamDialog
from ui.inspection.window import InspectionWindow
from ui.main_window import DraftsDialog, MainWindow, age_text
from ui.registry import RegistryPage


def fresh_hotel(ctx: AppContext) -> hotel_service.HotelView:
    """A demo hotel without any inspection record."""
    inspected = {i.hotel_id for i in insp_service.list_inspections(ctx.db)}
    return next(h for h in hotel_service.list_hotels(ctx.db) if h.id not in inspected)


def team(ctx: AppContext) -> list[str]:
    return [i.id for i in insp_service.list_inspectors(ctx.db)][:2]


def tombstoned(ctx: AppContext, inspection_id: str) -> bool:
    """Deleted, and the deletion queued for the server (the tombstone syncs)."""
    with ctx.db.reading() as s:
        insp = s.get(Inspection, inspection_id)
        queued = s.scalars(select(OutboxEntry).where(OutboxEntry.entity_id == inspection_id)).all()
        return bool(insp.deleted) and any("deleted" in (e.fields or []) for e in queued)


def answer(qtbot: Any, text: str, seen: list[str] | None = None) -> Any:
    """A Modals action: note the box's text, click its button ``text``."""

    def act(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        if seen is not None:
            seen.append(box.text() + " " + box.informativeText())
        click_text(qtbot, box, text)

    return act


def test_team_dialog_continues_by_default_and_discards_when_confirmed(
    qtbot: Any, demo_ctx: AppContext
) -> None:
    hotel = fresh_hotel(demo_ctx)
    draft = insp_service.start_inspection(demo_ctx.db, hotel.id, team(demo_ctx))

    # "保留" (the default of the question) keeps it; "放弃草稿" tombstones it and the dialog starts afresh.
    def keep_then_discard(dialog: QWidget) -> None:
        assert isinstance(dialog, TeamDialog)
        assert dialog.resume_button.isDefault() and dialog.ok_button.text() == "另起新检查"
        inner = Modals(answer(qtbot, "保留"))
        qtbot.mouseClick(dialog.discard_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not inner.actions, timeout=3000)
        inner.check()
        assert not dialog.draft_box.isHidden()
        assert not tombstoned(demo_ctx, draft.id)
        inner = Modals(answer(qtbot, "放弃草稿"))
        qtbot.mouseClick(dialog.discard_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: not inner.actions, timeout=3000)
        inner.check()
        assert dialog.draft_box.isHidden() and dialog.ok_button.isDefault()
        assert dialog.ok_button.text() == "开始检查"
        dialog.reject()

    modals = Modals(keep_then_discard)
    assert start_inspection_flow(demo_ctx, hotel.id) is None
    modals.check()
    assert tombstoned(demo_ctx, draft.id)
    assert insp_service.list_inspections(demo_ctx.db, hotel_id=hotel.id) == []


def test_discard_from_the_inspection_window_closes_it(qtbot: Any, demo_ctx: AppContext) -> None:
    hotel = fresh_hotel(demo_ctx)
    draft = insp_service.start_inspection(demo_ctx.db, hotel.id, team(demo_ctx))
    window = open_inspection_window(demo_ctx, draft.id)
    assert isinstance(window, InspectionWindow)
    assert window.discard_button.isVisibleTo(window)
    seen: list[str] = []
    modals = Modals(answer(qtbot, "放弃草稿", seen))
    qtbot.mouseClick(window.discard_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not modals.actions, timeout=3000)
    modals.check()
    assert draft.record_number in seen[0]
    qtbot.waitUntil(lambda: window not in open_windows(), timeout=3000)
    assert tombstoned(demo_ctx, draft.id)


def test_drafts_list_shows_ages_and_discards(qtbot: Any, demo_ctx: AppContext) -> None:
    main = MainWindow(demo_ctx)
    qtbot.addWidget(main)
    hotel = fresh_hotel(demo_ctx)
    old = clock.now() - timedelta(days=9)
    draft = insp_service.start_inspection(demo_ctx.db, hotel.id, team(demo_ctx), started_at=old)
    dialog = main.open_draft()
    assert isinstance(dialog, DraftsDialog)
    rows = [dialog.list.topLevelItem(i) for i in range(dialog.list.topLevelItemCount())]
    row = next(r for r in rows if r.text(0) == draft.record_number)
    assert row.text(5) == "9 天前"
    assert dialog.open_button.isDefault()
    dialog.list.setCurrentItem(row)
    modals = Modals(answer(qtbot, "放弃草稿"))
    qtbot.mouseClick(dialog.discard_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not modals.actions, timeout=3000)
    modals.check()
    assert tombstoned(demo_ctx, draft.id)
    left = [dialog.list.topLevelItem(i).text(0) for i in range(dialog.list.topLevelItemCount())]
    assert draft.record_number not in left
    dialog.close()


def test_age_text() -> None:
    today = clock.today()
    now = clock.now()
    assert age_text(now, today) == "今天"
    assert age_text(now - timedelta(days=1), today) == "昨天"
    assert age_text(now - timedelta(days=30), today) == "30 天前"


def test_registry_discards_a_draft_and_deletes_hotels(qtbot: Any, demo_ctx: AppContext) -> None:
    page = RegistryPage(demo_ctx)
    qtbot.addWidget(page)
    page.resize(1300, 700)
    page.show()
    page.reload()
    hotel = fresh_hotel(demo_ctx)
    draft = insp_service.start_inspection(demo_ctx.db, hotel.id, team(demo_ctx))
    page.refresh_hotel(hotel.id)
    assert page.select_hotel(hotel.id)
    page.history.tree.setCurrentItem(page.history.tree.topLevelItem(0))
    assert page.history.discard_button.isEnabled()
    modals = Modals(answer(qtbot, "放弃草稿"))
    qtbot.mouseClick(page.history.discard_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not modals.actions, timeout=3000)
    modals.check()
    assert tombstoned(demo_ctx, draft.id)
    assert page.history.tree.topLevelItemCount() == 0

    # A hotel with finalized records: refused, with the reason, and nothing changes.
    inspected = insp_service.list_inspections(demo_ctx.db, status="finalized")[0].hotel_id
    assert page.select_hotel(inspected)
    seen: list[str] = []
    modals = Modals(answer(qtbot, "删除"), _read_and_close(seen))
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not modals.actions, timeout=3000)
    modals.check()
    assert "定稿" in seen[0] and "不能删除" in seen[0]
    assert inspected in {h.id for h in hotel_service.list_hotels(demo_ctx.db)}

    # A hotel without records: gone from the list and tombstoned.
    assert page.select_hotel(hotel.id)
    count = page.model.rowCount()
    modals = Modals(answer(qtbot, "删除"))
    qtbot.mouseClick(page.delete_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not modals.actions, timeout=3000)
    modals.check()
    assert page.model.rowCount() == count - 1
    with demo_ctx.db.reading() as s:
        assert s.get(Hotel, hotel.id).deleted


def _read_and_close(seen: list[str]) -> Any:
    def act(box: QWidget) -> None:
        assert isinstance(box, QMessageBox)
        seen.append(box.text() + " " + box.informativeText())
        box.close()

    return act
