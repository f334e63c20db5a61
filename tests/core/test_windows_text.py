"""What a Chinese Windows does to text and times, simulated here: a console and a redirected stdout in
code page 936 (GBK), JSON saved by Notepad with a BOM, a division file that went missing, and EXIF dates
before 1970, which Windows' ``localtime()`` refuses."""

from __future__ import annotations

import io
import json
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hoteltv.cli import main
from hoteltv.config import Settings
from hoteltv.console import ProgressLine, prepare_stream
from hoteltv.domain import clock
from hoteltv.domain.checklist import load_template_file
from hoteltv.domain.divisions import load_division_file
from hoteltv.photos import ingest
from hoteltv.resources import resource
from hoteltv.services import hotels as hotel_service
from hoteltv.services.setup import list_divisions, open_home

OUTSIDE_GBK = "䶮•€"


class _Bytes(io.BytesIO):
    """A byte stream that says whether it is a terminal."""

    def __init__(self, tty: bool) -> None:
        super().__init__()
        self.tty = tty

    def isatty(self) -> bool:
        return self.tty


def _cp936(tty: bool) -> tuple[io.TextIOWrapper, _Bytes]:
    raw = _Bytes(tty)
    return io.TextIOWrapper(raw, encoding="cp936", errors="strict", line_buffering=True), raw


# --- console output ---------------------------------------------------------------------------------------


def test_a_redirected_cp936_stream_becomes_utf8() -> None:
    stream, raw = _cp936(tty=False)
    prepare_stream(stream)
    print(f"酒店 {OUTSIDE_GBK} \udcff", file=stream)
    stream.flush()
    assert raw.getvalue().decode("utf-8") == f"酒店 {OUTSIDE_GBK} \\udcff\n"


def test_a_cp936_console_keeps_its_code_page_and_never_fails() -> None:
    stream, raw = _cp936(tty=True)
    with pytest.raises(UnicodeEncodeError):  # what happened before
        print(OUTSIDE_GBK, file=stream)
    stream, raw = _cp936(tty=True)
    prepare_stream(stream)
    print(f"酒店 {OUTSIDE_GBK}", file=stream)
    stream.flush()
    assert raw.getvalue().decode("cp936") == "酒店 ???\n"


@pytest.fixture
def hotel_home(home: Path) -> Path:
    db, _, divisions = open_home(home)
    try:
        hotel_service.create_hotel(
            db, hotel_service.HotelInput(name=f"{OUTSIDE_GBK}酒店", division_code="隆阳区"), divisions
        )
    finally:
        db.close()
    return home


def _run_with_gbk_stdout(monkeypatch: pytest.MonkeyPatch, argv: list[str]) -> bytes:
    """``hoteltv ARGV > file`` on a Chinese Windows: stdout in cp936 with strict errors (patched here, in the
    test itself: pytest puts its own capture back between a fixture and the test)."""
    stream, raw = _cp936(tty=False)
    monkeypatch.setattr(sys, "stdout", stream)
    assert main(argv) == 0
    sys.stdout.flush()
    return raw.getvalue()


def test_cli_json_piped_from_a_chinese_windows_is_utf8(
    hotel_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = _run_with_gbk_stdout(monkeypatch, ["--home", str(hotel_home), "hotels", "list", "--json"])
    assert [h["name"] for h in json.loads(out.decode("utf-8"))] == [f"{OUTSIDE_GBK}酒店"]


def test_cli_table_piped_from_a_chinese_windows_is_utf8(
    hotel_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = _run_with_gbk_stdout(monkeypatch, ["--home", str(hotel_home), "hotels", "list"])
    assert f"{OUTSIDE_GBK}酒店" in out.decode("utf-8")


def test_progress_uses_no_escape_codes_and_clears_with_spaces() -> None:
    stream, raw = _cp936(tty=True)
    prepare_stream(stream)
    line = ProgressLine(stream)
    line.counter(1, 2, "保山市隆阳区酒店")
    line.counter(2, 2, "短")
    line.end()
    text = raw.getvalue().decode("cp936")
    assert "\x1b" not in text
    assert text == "\r1/2 保山市隆阳区酒店\r2/2 短" + " " * 14 + "\n"  # 20 columns, then 6


def test_progress_is_silent_when_redirected() -> None:
    stream, raw = _cp936(tty=False)
    line = ProgressLine(stream)
    line.counter(1, 2, "x")
    line.end()
    stream.flush()
    assert raw.getvalue() == b""


# --- JSON a person edits ------------------------------------------------------------------------------------


def test_notepad_bom_is_accepted_in_settings_divisions_and_templates(tmp_path: Path) -> None:
    (tmp_path / "settings.json").write_text('{"authority": "腾冲市文旅局"}', encoding="utf-8-sig")
    assert Settings(tmp_path).get("authority") == "腾冲市文旅局"
    divisions = tmp_path / "divisions.json"
    divisions.write_text(
        resource("divisions", "baoshan.json").read_text(encoding="utf-8"), encoding="utf-8-sig"
    )
    assert load_division_file(divisions).city_code == "530500"
    template = tmp_path / "template.json"
    shipped = resource("templates", "hotel_tv_v1.json").read_text(encoding="utf-8")
    template.write_text(shipped, encoding="utf-8-sig")
    assert load_template_file(template).id == json.loads(shipped)["id"]


def _other_city(path: Path) -> Path:
    data = {
        "format": "hoteltv-divisions/1",
        "city": {"code": "530700", "name": "丽江市", "short": "市"},
        "divisions": [
            {"code": "530702", "name": "古城区", "aliases": []},
            {"code": "530721", "name": "玉龙纳西族自治县", "aliases": ["玉龙"]},
        ],
    }
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_missing_division_file_falls_back_with_a_warning(
    home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    Settings(home).set("division_file", str(home / "没有这个文件.json"))
    problems: list[str] = []
    db, _, divisions = open_home(home, problems)
    try:
        assert divisions.city_code == "530500"
        assert len(list_divisions(db)) == 5  # a new folder gets the shipped list
    finally:
        db.close()
    assert len(problems) == 1 and "区划文件无法使用" in problems[0] and "没有这个文件.json" in problems[0]
    assert "区划文件" not in caplog.text  # the caller shows it
    open_home(home)[0].close()  # a caller that does not ask: logged
    assert problems[0] in caplog.text


def test_a_broken_division_file_leaves_the_other_citys_divisions_alone(home: Path, tmp_path: Path) -> None:
    own = _other_city(tmp_path / "丽江.json")
    Settings(home).set("division_file", str(own))
    db, _, divisions = open_home(home)
    db.close()
    assert divisions.city_code == "530700"
    own.write_text("{ broken", encoding="utf-8")
    problems: list[str] = []
    db, _, divisions = open_home(home, problems)
    try:
        assert divisions.city_code == "530500" and problems
        assert [d.name for d in list_divisions(db)] == ["古城区", "玉龙纳西族自治县"]
    finally:
        db.close()


def test_cli_starts_with_a_missing_division_file(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    Settings(home).set("division_file", str(home / "gone.json"))
    assert main(["--home", str(home), "hotels", "list", "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out) == []
    assert err.startswith("hoteltv: 警告 (warning): 设置中的区划文件无法使用") and "gone.json" in err


# --- EXIF times -----------------------------------------------------------------------------------------------


@pytest.fixture
def utc_machine(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The computer's own zone is UTC: what it says must not matter (the bureau's zone does)."""
    if not hasattr(time, "tzset"):
        pytest.skip("needs time.tzset")
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_exif_dates_before_1970_are_read_in_the_bureaus_zone(utc_machine: None) -> None:
    """Windows' C ``localtime()`` refuses times before 1970: EXIF times never go through the computer's
    zone (a plain ``astimezone()``), only through the bureau's, which zoneinfo computes itself."""
    assert ingest.parse_exif_time("1965:03:01 10:00:00") == datetime(1965, 3, 1, 2, 0, tzinfo=UTC)
    assert ingest.parse_exif_time("1969:12:31 23:59:59") == datetime(1969, 12, 31, 15, 59, 59, tzinfo=UTC)
    assert ingest.parse_exif_time("2025:06:01 10:30:00") == datetime(2025, 6, 1, 2, 30, tzinfo=UTC)
    assert ingest.parse_exif_time("3500:01:01 08:00:00") == datetime(3500, 1, 1, 0, 0, tzinfo=UTC)


def test_a_pre_1970_photo_is_ingested(tmp_path: Path) -> None:
    from tests.core import photo_fixtures as fx

    path = fx.jpeg(tmp_path / "老照片.jpg", ex=fx.exif(taken="1968:08:08 08:08:08"))
    info = ingest.probe(path.read_bytes())
    assert info.taken_at == datetime(1968, 8, 8, 0, 8, 8, tzinfo=UTC)


def test_a_pre_1970_time_is_shown_and_printed_in_the_bureaus_time(utc_machine: None) -> None:
    from hoteltv.reports.common import cn_datetime

    taken = datetime(1965, 3, 1, 2, 0, tzinfo=UTC)
    assert cn_datetime(taken) == "1965年3月1日 10:00"
    assert clock.fmt(taken) == "1965-03-01 10:00"


def test_no_code_asks_the_computer_for_its_zone() -> None:
    """A bare ``astimezone()`` asks the operating system (it fails before 1970 on Windows, and prints the
    computer's zone, not the bureau's): displayed and printed times go through hoteltv.domain.clock."""
    root = Path(__file__).resolve().parents[2]
    offenders = [
        f"{path.relative_to(root)}:{n}"
        for folder in ("hoteltv", "ui")
        for path in sorted((root / folder).rglob("*.py"))
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if ".astimezone()" in line and not line.lstrip().startswith("#")
    ]
    assert offenders == []
