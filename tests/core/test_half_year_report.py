"""The half-year report (``hoteltv report``): the bureau's two sentences and the tables, read back from the
Word document with python-docx and from the PDF's text; the demo gives exactly the report's figures."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn

from hoteltv.cli import main
from hoteltv.db.engine import Database
from hoteltv.domain import clock
from hoteltv.errors import HoteltvError
from hoteltv.reports.common import ReportOptions
from hoteltv.reports.half_year import REMOVED_ITEM, build_report, write_half_year_report
from tests.core.report_fixtures import compact, pdf_text

HOTEL_SENTENCE = (
    "全市35家试点酒店中，达到开机进直播模式或迎宾模式的酒店24家，采用移动OTT模式酒店4家，"
    "定制电信迎宾模式4家，自建模式酒店3家。"
)
SATELLITE_SENTENCE = (
    "持续开展境外卫星电视传播秩序集中专项整治，累计出动执法人员33人次、车辆8车次，组织开展联合执法5次，"
    "检查宾馆酒店市场居民小区57个次，查处拆除接收设施4户（套）。"
)


def _tables(document: docx.document.Document) -> list[list[list[str]]]:
    return [[[cell.text for cell in row.cells] for row in t.rows] for t in document.tables]


def test_demo_then_report_holds_the_bureau_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = ["--home", str(tmp_path / "home")]
    assert main([*home, "demo"]) == 0
    out = tmp_path / "半年报告.docx"
    assert main([*home, "report", "-o", str(out)]) == 0
    assert "已生成工作情况报告" in capsys.readouterr().out
    document = docx.Document(str(out))
    texts = [p.text for p in document.paragraphs]
    assert HOTEL_SENTENCE in texts
    assert SATELLITE_SENTENCE in texts
    assert texts[0] == "全市酒店电视操作复杂治理和境外卫星电视专项整治工作情况"

    modes, satellite, kinds = _tables(document)
    assert modes[0] == [
        "县区",
        "试点酒店",
        "开机进直播模式/迎宾模式",
        "移动OTT模式",
        "定制电信迎宾模式",
        "自建模式",
        "未整改",
    ]
    assert [r[0] for r in modes[1:]] == ["隆阳区", "施甸县", "龙陵县", "昌宁县", "腾冲市", "合计"]
    assert modes[-1] == ["合计", "35", "24", "4", "4", "3", "0"]
    assert satellite[-1] == ["合计", "6", "5", "33", "8", "57", "4"]
    by_division = {r[0]: r[1:] for r in satellite[1:]}
    assert by_division["隆阳区"] == ["2", "1", "12", "3", "21", "2"]
    assert by_division["腾冲市"] == ["1", "1", "6", "2", "12", "1"]
    assert kinds[0][0] == "场所类型"
    assert {r[0]: r[1] for r in kinds[1:]} == {
        "宾馆酒店": "40",
        "市场": "4",
        "居民小区": "4",
        "其他": "0",
        "合计": "48",
    }
    assert kinds[-1][-1] == "4"  # facilities removed, by kind, add up to the sentence's figure

    # The Chinese font is named for WPS and Word on every run (East-Asian slot), never embedded.
    body = next(p for p in document.paragraphs if p.text == SATELLITE_SENTENCE)
    fonts = body.runs[0]._element.rPr.rFonts
    assert fonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert (
        document.tables[0].rows[0].cells[0].paragraphs[0].runs[0]._element.rPr.rFonts.get(qn("w:eastAsia"))
        == "宋体"
    )
    assert not any(part.partname.endswith((".ttf", ".odttf")) for part in document.part.package.parts)

    # The PDF says the same.
    pdf = tmp_path / "report.pdf"
    assert main([*home, "report", "-o", str(pdf)]) == 0
    text = compact(pdf_text(pdf))
    for expected in (HOTEL_SENTENCE, SATELLITE_SENTENCE, "表2各县区境外卫星电视专项整治情况", "合计6533857"):
        assert expected in text, expected


def test_period_and_division_limit_the_satellite_figures(demo_db: Database, tmp_path: Path) -> None:
    since = clock.today() - timedelta(days=15)  # the last operation only (14 days ago, 隆阳区)
    report = build_report(demo_db, ReportOptions(), since=since)
    assert report.satellite_sentence == SATELLITE_SENTENCE.replace("33人次", "8人次").replace(
        "8车次", "2车次"
    ).replace("联合执法5次", "联合执法1次").replace("57个次", "14个次").replace("4户", "2户")
    assert report.hotel_sentence == HOTEL_SENTENCE  # hotel counts are the state now

    tengchong = build_report(demo_db, ReportOptions(), division="腾冲市")
    assert tengchong.title.startswith("腾冲市")
    assert tengchong.hotel_sentence.startswith("全腾冲市10家试点酒店中")
    assert "出动执法人员6人次、车辆2车次，组织开展联合执法1次" in tengchong.satellite_sentence
    assert "检查宾馆酒店市场居民小区12个次，查处拆除接收设施1户（套）" in tengchong.satellite_sentence
    out = write_half_year_report(demo_db, tmp_path / "tc.docx", division="530581")
    tables = _tables(docx.Document(str(out)))
    assert [r[0] for r in tables[1]] == ["县区", "腾冲市", "合计"]


def test_a_correction_counts_once_finalized_and_a_discarded_one_never(demo_db: Database) -> None:
    """The record a correction would replace is the one in force while the correction is a draft and after
    it was discarded — in the half-year report, the summary's count, the list and the batch print; once
    the correction is finalized, the correction counts instead (never both, never none)."""
    from sqlalchemy import select

    from hoteltv.db.models import Inspection
    from hoteltv.reports.batch import select_inspections
    from hoteltv.services import inspections as insp_service
    from hoteltv.services.summary import summarize

    with demo_db.reading() as s:
        removing = next(
            i.id
            for i in s.scalars(select(Inspection).where(Inspection.status == "finalized"))
            if (i.hotel_answers or {}).get(REMOVED_ITEM, 0) > 0
        )
    counted = summarize(demo_db, pilot_only=False).inspections

    def in_force() -> tuple[str, int, set[str], set[str]]:
        listed = {i.id for i in insp_service.list_inspections(demo_db) if not i.superseded}
        printed = {i.id for i in select_inspections(demo_db)}
        return (
            build_report(demo_db, ReportOptions()).satellite_sentence,
            summarize(demo_db, pilot_only=False).inspections,
            listed & {removing},
            printed & {removing},
        )

    draft = insp_service.correct(demo_db, removing)
    assert in_force() == (SATELLITE_SENTENCE, counted, {removing}, {removing})  # a draft replaces nothing
    insp_service.discard_draft(demo_db, draft.id)
    assert in_force() == (SATELLITE_SENTENCE, counted, {removing}, {removing})  # nor does a discarded one
    fix = insp_service.finalize(demo_db, insp_service.correct(demo_db, removing).id)
    assert in_force() == (SATELLITE_SENTENCE, counted, set(), set())  # the correction (same answers) instead
    assert fix.id in {i.id for i in select_inspections(demo_db)}


def test_bad_requests_are_refused_and_nothing_is_written(demo_db: Database, tmp_path: Path) -> None:
    with pytest.raises(HoteltvError, match=r"\.docx 或 \.pdf"):
        write_half_year_report(demo_db, tmp_path / "report.txt")
    today = clock.today()
    with pytest.raises(HoteltvError, match="开始日期晚于结束日期"):
        write_half_year_report(demo_db, tmp_path / "r.docx", since=today, until=today - timedelta(days=1))
    with pytest.raises(HoteltvError, match="未知的县区"):
        write_half_year_report(demo_db, tmp_path / "r.docx", division="大理市")
    assert list(tmp_path.iterdir()) == [tmp_path / "demo"]


def test_report_json_prints_the_figures_of_the_file_it_wrote(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``report -o FILE --json`` counts once: the JSON is the file's figures (it counted twice, so a sync
    landing between the two could make them differ), and a file name it cannot write is refused first."""
    import json

    from hoteltv.reports import half_year

    home = ["--home", str(tmp_path / "home")]
    assert main([*home, "demo"]) == 0
    counted: list[object] = []
    build = half_year.build_report
    monkeypatch.setattr(half_year, "build_report", lambda *a, **k: counted.append(a) or build(*a, **k))
    capsys.readouterr()
    pdf = tmp_path / "报告.pdf"
    assert main([*home, "report", "-o", str(pdf), "--json"]) == 0
    figures = json.loads(capsys.readouterr().out)
    assert len(counted) == 1
    assert figures["hotel_sentence"] == HOTEL_SENTENCE and figures["satellite_sentence"] == SATELLITE_SENTENCE
    text = compact(pdf_text(pdf))
    assert compact(figures["hotel_sentence"]) in text and compact(figures["satellite_sentence"]) in text

    assert main([*home, "report", "-o", str(tmp_path / "报告.txt"), "--json"]) != 0
    assert "须以 .docx 或 .pdf 结尾" in capsys.readouterr().err
    assert len(counted) == 1 and not (tmp_path / "报告.txt").exists()
