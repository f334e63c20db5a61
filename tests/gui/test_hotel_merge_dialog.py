"""The 疑似重复 merge dialog (issue 13), opened from the File menu: the same hotel typed in twice is listed
as a pair, the clerk chooses which one stays, and the other hotel's inspections follow it."""

from __future__ import annotations

from PySide6.QtCore import Qt

from hoteltv.db.models import Hotel
from hoteltv.services import hotels as hotel_service
from hoteltv.services.hotel_merge import find_duplicates
from tests.sync.helpers import make_hotel
from ui.context import AppContext
from ui.hotel_merge_dialog import HotelMergeDialog
from ui.main_window import MainWindow


def _typed_on_another_laptop(ctx: AppContext, like: str, **values: str) -> str:
    """The same hotel typed in offline on another laptop, as a sync brings it here (the register's own
    form refuses a second hotel of the same name and division)."""
    with ctx.db.transaction() as s:
        twin = s.get(Hotel, like)
        assert twin is not None
        row = Hotel(name=twin.name, division_id=twin.division_id, pilot=True, **values)
        s.add(row)
        s.flush()
        return str(row.id)


def test_a_duplicate_pair_is_merged_keeping_the_chosen_hotel(qtbot, ctx: AppContext) -> None:
    first = make_hotel(ctx.db, "腾越宾馆", division="腾冲市", contact_phone="0875-5111111")
    second = _typed_on_another_laptop(ctx, first, address="腾越镇1号")
    make_hotel(ctx.db, "别的宾馆", division="腾冲市")
    window = MainWindow(ctx)
    qtbot.addWidget(window)
    assert window.act_merge_hotels in window.file_menu.actions()
    dialog = window.merge_hotels()
    assert isinstance(dialog, HotelMergeDialog)
    model = dialog.model
    assert model.rowCount() == 1
    assert [model.data(model.index(0, c)) for c in range(3)] == ["腾越宾馆", "腾越宾馆", "腾冲市"]
    assert not dialog.keep_first.isEnabled()  # nothing chosen yet

    dialog.view.selectRow(0)
    pair = dialog.selected()
    assert pair is not None and {pair.first_id, pair.second_id} == {first, second}
    dialog.confirm = lambda keep, other: False  # the clerk thinks again
    qtbot.mouseClick(dialog.keep_second, Qt.MouseButton.LeftButton)
    assert len(find_duplicates(ctx.db)) == 1

    asked: list[tuple[str, str]] = []
    dialog.confirm = lambda keep, other: asked.append((keep, other)) is None
    with qtbot.waitSignal(dialog.sig_merged) as merged:
        qtbot.mouseClick(dialog.keep_second, Qt.MouseButton.LeftButton)
    assert asked == [("腾越宾馆", "腾越宾馆")]
    result = merged.args[0]
    assert (result.keep_id, result.other_id) == (pair.second_id, pair.first_id)
    assert model.rowCount() == 0 and find_duplicates(ctx.db) == []
    assert "腾越宾馆" in dialog.message.text()
    kept = hotel_service.get_hotel(ctx.db, pair.second_id)
    # The hotel that stays took what only the other one had.
    assert kept.contact_phone == "0875-5111111" and kept.address == "腾越镇1号"
    names = [h.name for h in hotel_service.list_hotels(ctx.db)]
    assert sorted(names) == ["别的宾馆", "腾越宾馆"]


def test_no_pairs_and_no_selection_say_so(qtbot, ctx: AppContext) -> None:
    make_hotel(ctx.db, "独一家宾馆", division="隆阳区")
    dialog = HotelMergeDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.model.rowCount() == 0 and dialog.message.text() != ""
    dialog.merge_selected(keep_first=True)
    assert dialog.message.text() != ""
