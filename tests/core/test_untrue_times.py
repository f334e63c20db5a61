"""Times that cannot be true are refused wherever they come in, by one rule
(:func:`hoteltv.domain.clock.span_problems`): an inspection file whose record ends before it starts or lies
in the future, a draft finalized so, a notice's delivery before the notice's date or in the future."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hoteltv.db.engine import Database
from hoteltv.domain import clock
from hoteltv.domain.lifecycle import Blocker
from hoteltv.errors import ValidationError
from hoteltv.services import hotels as hotel_service
from hoteltv.services import inspections as insp_service
from hoteltv.services import notices as notice_service
from hoteltv.services import numbering
from tests.core.test_cli import run


@pytest.fixture
def home(tmp_path: Path, demo_template: Path) -> Path:
    target = tmp_path / "home"
    shutil.copytree(demo_template, target)
    return target


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def test_the_future_tolerance_is_an_hour_after_this_computers_clock() -> None:
    now = datetime(2026, 12, 7, 12, 0, tzinfo=clock.zone())
    assert clock.span_problems(now + timedelta(minutes=59), None, now_at=now) == []
    late = clock.span_problems(now + timedelta(minutes=61), None, ("$.started_at", "$.ended_at"), now)
    assert [p.where for p in late] == ["$.started_at"]
    assert "开始时间 2026-12-07 13:01 晚于本机当前时间 2026-12-07 12:00" in late[0].message


def test_import_refuses_a_record_ending_before_it_starts_or_in_the_future(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    h = ["--home", str(home)]
    assert run(capsys, *h, "inspections", "export", str(tmp_path / "all.json"))[0] == 0
    docs = json.loads((tmp_path / "all.json").read_text(encoding="utf-8"))["inspections"]
    source = next(d for d in docs if d["status"] == "finalized" and d["result"] == "pass" and d["rooms"])
    # A new record of the same visit (another id, no number, hash or seal: made from the file's facts).
    new = {k: v for k, v in source.items() if k not in ("id", "record_number", "content_hash", "seal")}
    new["hotel"] = {k: v for k, v in source["hotel"].items() if k != "id"}
    before = json.loads(run(capsys, *h, "inspections", "list", "--json")[1])

    def attempt(started: datetime, ended: datetime) -> tuple[int, str]:
        doc = new | {"started_at": _iso(started), "ended_at": _iso(ended), "finalized_at": _iso(ended)}
        path = tmp_path / "one.json"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
        code, _, err = run(capsys, *h, "inspections", "import", str(path))
        return code, err

    # The tester's file: 13:00 to 11:00 the same day (Beijing time).
    day = clock.now().replace(hour=13, minute=0, second=0, microsecond=0) - timedelta(days=1)
    code, err = attempt(day, day - timedelta(hours=2))
    assert code == 1 and "$.ended_at: 结束时间" in err and "早于开始时间" in err, err
    assert "(the end is before the start)" in err and "nothing was imported" in err
    # Dated half a year ahead: it would decide the hotel's status from then on.
    ahead = clock.now() + timedelta(days=180)
    code, err = attempt(ahead, ahead + timedelta(hours=1))
    assert code == 1 and "$.started_at: 开始时间" in err and "$.ended_at: 结束时间" in err, err
    assert "in the future" in err
    assert json.loads(run(capsys, *h, "inspections", "list", "--json")[1]) == before  # nothing written
    # The same record with true times goes in.
    code, err = attempt(day, day + timedelta(hours=1))
    assert code == 0, err


def test_finalizing_refuses_an_end_before_the_start_with_the_importers_wording(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any
) -> None:
    view = fill(db, insp_service.start_inspection(db, hotel.id, team).id)
    started = view.started_at
    assert started is not None
    early = started - timedelta(hours=2)
    view = insp_service.update_header(db, view.id, insp_service.HeaderFields(ended_at=early))
    with pytest.raises(ValidationError) as err:
        insp_service.finalize(db, view.id)
    [problem] = err.value.problems
    blockers = [p for p in insp_service.finalize_problems(view) if p.code == Blocker.UNTRUE_TIME]
    assert [p.where for p in blockers] == ["ended_at"]  # the GUI lists it and puts the cursor there
    assert problem.where == "ended_at"
    assert problem.message == clock.span_problems(started, early)[0].message  # one rule, one wording
    assert "早于开始时间" in problem.message and "(the end is before the start)" in problem.message
    assert insp_service.get_inspection(db, view.id).status == "draft"  # nothing changed
    # An end given when finalizing is checked the same way.
    with pytest.raises(ValidationError, match="不能定稿"):
        insp_service.finalize(db, view.id, ended_at=early)
    # A start typed a day ahead: finalizing would stamp an end (now) before it.
    ahead = clock.now() + timedelta(days=1)
    insp_service.update_header(db, view.id, insp_service.HeaderFields(started_at=ahead))
    with pytest.raises(ValidationError) as err:
        insp_service.finalize(db, view.id, ended_at=ahead + timedelta(hours=1))
    assert {p.where for p in err.value.problems} == {"started_at", "ended_at"}
    insp_service.update_header(db, view.id, insp_service.HeaderFields(started_at=started))
    done = insp_service.finalize(db, view.id, ended_at=started + timedelta(hours=1))
    assert done.status == "finalized"
    with pytest.raises(ValidationError, match="将来"):
        insp_service.start_inspection(db, hotel.id, team, started_at=ahead)


def test_a_delivery_before_the_notice_in_force_or_in_the_future_is_refused(
    file_db: Database, divisions: Any, fill: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    db = file_db
    team = [
        insp_service.add_inspector(db, "张明", "53050219001").id,
        insp_service.add_inspector(db, "李华", "53050219002").id,
    ]
    hotel_id = hotel_service.create_hotel(
        db, hotel_service.HotelInput(name="送达酒店", division_code="隆阳区"), divisions
    ).id
    first_day = clock.today() - timedelta(days=10)
    numbering.add_block(db, first_day.year, 7, 8)
    view = insp_service.start_inspection(db, hotel_id, team)
    view = fill(db, view.id, rooms={"301": {"ads_seen": "yes"}, "502": {}, "718": {}})
    failed = insp_service.finalize(db, view.id)
    old = notice_service.issue_notice(db, failed.id, today=first_day)
    # Extended today: the version in force is dated today, the first one ten days ago.
    new = notice_service.extend_notice(
        db, old.id, deadline=old.deadline + timedelta(days=14), reason="酒店申请延期"
    )
    between = clock.bureau_time(new.issued_at) - timedelta(days=3)
    home = str(db.path.parent)
    db.close()
    h = ["--home", home]
    # After the first version's date, before the version in force: the receipt would predate its notice.
    deliver = [*h, "notices", "deliver", new.number, "--recipient", "段丽"]
    code, _, err = run(capsys, *deliver, "--at", f"{between:%Y-%m-%d %H:%M}")
    assert code == 1 and "--at:" in err and "早于整改通知书的日期" in err, err
    assert f"{clock.bureau_date(new.issued_at):%Y-%m-%d}" in err
    ahead = clock.now() + timedelta(days=2)
    code, _, err = run(capsys, *deliver, "--at", f"{ahead:%Y-%m-%d %H:%M}")
    assert code == 1 and "--at:" in err and "送达时间不能在将来" in err, err
    reopened = Database.open(Path(home))
    try:
        assert notice_service.get_notice(reopened, new.id).delivery is None  # nothing was recorded
        with pytest.raises(ValidationError) as err:  # the service names its field
            notice_service.record_delivery(
                reopened, new.id, notice_service.Delivery(False, "段丽", "", between)
            )
        assert [p.where for p in err.value.problems] == ["at"]
    finally:
        reopened.close()
    code, out, err = run(capsys, *deliver)  # now
    assert code == 0 and "段丽 签收" in out, err
