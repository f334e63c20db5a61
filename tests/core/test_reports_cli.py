"""``hoteltv print …`` and ``hoteltv verify`` as the office uses them: files, messages, exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hoteltv.cli import main
from hoteltv.db.engine import Database
from hoteltv.reports.verification import inspection_code
from hoteltv.services.inspections import list_inspections
from hoteltv.services.notices import list_notices
from tests.core.report_fixtures import compact, page_count, pdf_text


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def home(tmp_path: Path, demo_template: Path) -> Path:
    target = tmp_path / "home"
    shutil.copytree(demo_template, target)
    return target


def test_print_every_document(capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path) -> None:
    db = Database.open(home)
    try:
        failed = next(i for i in list_inspections(db) if i.result == "fail" and i.kind == "first")
        notice = list_notices(db)[0]
    finally:
        db.close()
    h = ["--home", str(home)]
    code, out, err = run(
        capsys, *h, "print", "sheet", failed.record_number, "-o", str(tmp_path / "sheet.pdf")
    )
    assert code == 0, err
    assert "已生成现场检查记录" in out
    assert failed.hotel_name in compact(pdf_text(tmp_path / "sheet.pdf"))
    code, _, err = run(capsys, *h, "print", "notice", notice.number, "-o", str(tmp_path / "notice.pdf"))
    assert code == 0, err
    assert "送达回证" in compact(pdf_text(tmp_path / "notice.pdf"))
    code, _, err = run(
        capsys, *h, "print", "form", failed.hotel_name, "--rooms", "3", "-o", str(tmp_path / "form.pdf")
    )
    assert code == 0, err
    code, _, err = run(
        capsys, *h, "print", "summary", "--division", "隆阳区", "-o", str(tmp_path / "summary.pdf")
    )
    assert code == 0, err
    assert "县区：隆阳区" in compact(pdf_text(tmp_path / "summary.pdf"))
    code, out, err = run(
        capsys, *h, "print", "batch", "--division", "隆阳区", "-o", str(tmp_path / "batch.pdf")
    )
    assert code == 0, err
    assert "5份现场检查记录" in out  # 4 hotel-TV records and the satellite check of a market
    # cover, a blank page, 5 sheets of 2 pages on odd pages
    assert page_count(tmp_path / "batch.pdf") == 12


def test_print_refuses_unknown_records(
    capsys: pytest.CaptureFixture[str], home: Path, tmp_path: Path
) -> None:
    code, _, err = run(
        capsys, "--home", str(home), "print", "sheet", "JC-nope", "-o", str(tmp_path / "x.pdf")
    )
    assert code == 1 and "没有这条检查记录" in err
    assert not (tmp_path / "x.pdf").exists()


def test_verify_exit_codes(capsys: pytest.CaptureFixture[str], home: Path) -> None:
    db = Database.open(home)
    try:
        insp = list_inspections(db)[0]
        code_text = inspection_code(db, insp.id).code
    finally:
        db.close()
    h = ["--home", str(home)]
    code, out, _ = run(capsys, *h, "verify", code_text)
    assert code == 0 and "一致" in out and insp.record_number in out
    code, out, _ = run(capsys, *h, "verify", code_text, "--json")
    data = json.loads(out)
    assert code == 0 and data["status"] == "valid" and data["matches"] is True
    code, out, _ = run(capsys, *h, "verify", code_text[:-4] + "0000")
    assert code == 1 and "不一致" in out
    code, out, _ = run(capsys, *h, "verify", "whatever")
    assert code == 1 and "格式" in out
