"""The ``hoteltv`` command as the office uses it: exit codes, messages, outputs."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pytest

from hoteltv.cli import main

ROOT = Path(__file__).resolve().parents[2]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def home(tmp_path: Path, demo_template: Path) -> Path:
    import shutil

    target = tmp_path / "home"
    shutil.copytree(demo_template, target)
    return target


def test_demo_then_summary_prints_counts_and_sentence(tmp_path: Path) -> None:
    env_home = str(tmp_path / "fresh")
    cmd = [sys.executable, "-m", "hoteltv.cli", "--home", env_home]
    demo = subprocess.run([*cmd, "demo"], capture_output=True, text=True, cwd=ROOT, check=False)
    assert demo.returncode == 0, demo.stderr
    out = subprocess.run([*cmd, "summary"], capture_output=True, text=True, cwd=ROOT, check=False)
    assert out.returncode == 0, out.stderr
    assert (
        "全市35家试点酒店中，达到开机进直播模式或迎宾模式的酒店24家，采用移动OTT模式酒店4家，定制电信迎宾模式4家，自建模式酒店3家"
        in out.stdout
    )
    assert "合计" in out.stdout
    again = subprocess.run([*cmd, "demo"], capture_output=True, text=True, cwd=ROOT, check=False)
    assert (
        again.returncode == 1
        and "already holds 40 hotels" in again.stderr
        and "Traceback" not in again.stderr
    )


def test_summary_json(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--home", str(home), "summary", "--json")
    data = json.loads(out)
    assert code == 0 and data["total"] == 35 and data["by_mode"]["self_built"] == 3


def test_hotels_list_filters(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--home", str(home), "hotels", "list", "--division", "腾冲县", "--json")
    hotels = json.loads(out)
    assert code == 0 and len(hotels) == 11 and {h["division_name"] for h in hotels} == {"腾冲市"}
    code, out, _ = run(
        capsys, "--home", str(home), "hotels", "list", "--mode", "自建模式", "--pilot", "--json"
    )
    assert len(json.loads(out)) == 3
    code, out, _ = run(capsys, "--home", str(home), "hotels", "list", "--status", "overdue", "--json")
    assert [h["remediation_status"] for h in json.loads(out)] == ["rectifying"]
    code, _, err = run(capsys, "--home", str(home), "hotels", "list", "--division", "火星区")
    assert code == 1 and "unknown division" in err


def test_inspections_list_show_export_import(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--home", str(home), "inspections", "list", "--json")
    items = json.loads(out)
    assert code == 0 and len(items) == 8  # 4 hotel-TV records and the satellite campaign's 4
    failed = next(i for i in items if i["result"] == "fail" and i["kind"] == "first" and not i["superseded"])
    code, out, _ = run(capsys, "--home", str(home), "inspections", "show", failed["id"][:8], "--json")
    doc = json.loads(out)
    assert doc["verdict"]["result"] == "fail" and doc["verdict"]["failed"]
    code, out, _ = run(capsys, "--home", str(home), "inspections", "show", failed["record_number"])
    assert code == 0 and "不合格" in out and "结论" in out
    for suffix in ("json", "xlsx", "csv"):
        code, out, err = run(
            capsys, "--home", str(home), "inspections", "export", str(tmp_path / f"i.{suffix}")
        )
        assert code == 0, err
        assert (tmp_path / f"i.{suffix}").stat().st_size > 0
    with (tmp_path / "i.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.reader(fh))
    assert rows[0][0] == "记录编号" and len(rows) == 9
    code, out, _ = run(capsys, "--home", str(home), "inspections", "import", str(tmp_path / "i.json"))
    assert code == 0 and "already present 8" in out


def test_hotels_export_reimports_unchanged(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for suffix in ("xlsx", "csv"):
        path = tmp_path / f"hotels.{suffix}"
        code, _, err = run(capsys, "--home", str(home), "hotels", "export", str(path))
        assert code == 0, err
        code, out, err = run(capsys, "--home", str(home), "hotels", "import", str(path), "--json")
        report = json.loads(out)
        assert code == 0, err
        assert (report["created"], report["updated"], report["unchanged"], report["refused_rows"]) == (
            0,
            0,
            48,  # 40 hotels and the satellite campaign's 8 markets and compounds
            0,
        )
    code, _, _ = run(capsys, "--home", str(home), "hotels", "export", str(tmp_path / "h.json"))
    assert json.loads((tmp_path / "h.json").read_text(encoding="utf-8"))["format"] == "hoteltv-hotels/1"
    code, _, err = run(capsys, "--home", str(home), "hotels", "export", str(tmp_path / "h.docx"))
    assert code == 1 and err.startswith("hoteltv: ")


def test_import_dry_run_writes_nothing_and_lists_refused_rows(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    sheet = tmp_path / "new.csv"
    sheet.write_text(
        "酒店名称,所属县区,客房数,当前模式\n新开酒店,隆阳区,30,迎宾\n另一家,火星区,20,迎宾\n第三家,昌宁县,多,自建\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "--home", str(home), "hotels", "import", str(sheet), "--dry-run")
    assert code == 0 and "dry run" in out and "created 1" in out and "refused rows 2" in out
    assert "火星区" in out and "多" in out
    code, out, _ = run(capsys, "--home", str(home), "hotels", "list", "--search", "新开", "--json")
    assert json.loads(out) == []
    code, out, _ = run(capsys, "--home", str(home), "hotels", "import", str(sheet), "--strict")
    assert code == 1 and "created 1" in out
    code, out, _ = run(capsys, "--home", str(home), "hotels", "list", "--search", "新开", "--json")
    assert [h["current_mode"] for h in json.loads(out)] == ["welcome"]


@pytest.mark.parametrize(
    "args",
    [
        ["hotels", "import", "does-not-exist.xlsx"],
        ["inspections", "show", "nope"],
        ["inspections", "import", "missing.json"],
        ["summary", "--since", "last week"],
        ["hotels", "list", "--mode", "satellite-tv"],
    ],
)
def test_user_mistakes_give_one_line_and_exit_1(
    home: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    code, _, err = run(capsys, "--home", str(home), *args)
    assert code == 1
    assert err.startswith("hoteltv: ") and "Traceback" not in err


def test_check_and_init(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--home", str(home), "check")
    assert code == 0 and "OK" in out
    code, out, _ = run(capsys, "--home", str(home), "init")
    assert code == 0 and "腾冲市" in out


def test_home_from_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HOTELTV_HOME", str(tmp_path / "envhome"))
    code, out, _ = run(capsys, "init")
    assert code == 0 and str(tmp_path / "envhome") in out
    assert (tmp_path / "envhome" / "hoteltv.db").is_file()


def test_inspectors_add_and_list(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "--home", str(home), "inspectors", "add", "周敏", "53052319005", "--division", "龙陵县"
    )
    assert code == 0 and "周敏" in out
    code, _, err = run(capsys, "--home", str(home), "inspectors", "add", "再来", "53052319005")
    assert code == 1 and "enforcement ID exists" in err
    code, out, _ = run(capsys, "--home", str(home), "inspectors", "list", "--json")
    assert "周敏" in [p["name"] for p in json.loads(out)] and len(json.loads(out)) == 5


def test_discard_a_draft_and_delete_hotels(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from sqlalchemy import select

    from hoteltv.db.models import Hotel, Inspection, OutboxEntry
    from hoteltv.services import hotels as hotel_service
    from hoteltv.services import inspections as insp_service
    from hoteltv.services.setup import open_home

    db = open_home(home)[0]
    try:
        inspected = {i.hotel_id for i in insp_service.list_inspections(db)}
        fresh = [h for h in hotel_service.list_hotels(db) if h.id not in inspected]
        team = [i.id for i in insp_service.list_inspectors(db)][:2]
        draft = insp_service.start_inspection(db, fresh[0].id, team)
    finally:
        db.close()

    code, out, err = run(capsys, "--home", str(home), "inspections", "discard", draft.record_number)
    assert code == 0 and "已放弃草稿" in out, err
    code, _, err = run(capsys, "--home", str(home), "inspections", "discard", draft.id)
    assert code == 1 and "Traceback" not in err  # gone already

    finalized_hotel = next(iter(inspected))
    code, _, err = run(capsys, "--home", str(home), "hotels", "delete", finalized_hotel)
    assert code == 1 and "定稿" in err and "cannot be deleted" in err

    # A hotel with only a draft: both tombstoned, and the tombstones queued for the server.
    db = open_home(home)[0]
    try:
        draft = insp_service.start_inspection(db, fresh[1].id, team)
    finally:
        db.close()
    code, out, err = run(capsys, "--home", str(home), "hotels", "delete", fresh[1].id, "--actor", "王芳")
    assert code == 0 and "已删除酒店" in out and "1 份草稿" in out, err
    db = open_home(home)[0]
    try:
        assert fresh[1].id not in {h.id for h in hotel_service.list_hotels(db)}
        with db.reading() as s:
            assert s.get(Hotel, fresh[1].id).deleted and s.get(Inspection, draft.id).deleted
            queued = s.scalars(select(OutboxEntry).where(OutboxEntry.entity_id == fresh[1].id)).all()
            assert any("deleted" in (e.fields or []) for e in queued)
    finally:
        db.close()
