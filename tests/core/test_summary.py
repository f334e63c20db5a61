"""The bureau's counts and the report sentence, from the demo set and from edge cases."""

from __future__ import annotations

from datetime import date

from hoteltv.db.engine import Database
from hoteltv.services.summary import report_sentence, summarize

SENTENCE = "全市35家试点酒店中，达到开机进直播模式或迎宾模式的酒店24家，采用移动OTT模式酒店4家，定制电信迎宾模式4家，自建模式酒店3家"


def test_demo_gives_the_bureau_counts(demo_db: Database) -> None:
    s = summarize(demo_db)
    assert s.total == 35
    assert s.by_mode["direct_live"] + s.by_mode["welcome"] == 24
    assert (s.by_mode["mobile_ott"], s.by_mode["telecom_welcome"], s.by_mode["self_built"]) == (4, 4, 3)
    assert s.sentence == SENTENCE
    assert set(s.divisions) == {"隆阳区", "施甸县", "龙陵县", "昌宁县", "腾冲市"}
    assert sum(sum(row.values()) for row in s.by_division.values()) == 35
    assert all(sum(row.values()) > 0 for row in s.by_division.values())
    assert s.by_status["compliant"] == 1 and s.by_status["rectifying"] == 1 and s.by_status["rectified"] == 1
    assert s.open_notices == 1 and s.overdue_notices == 1
    assert s.inspections == 4


def test_all_hotels_and_one_division(demo_db: Database) -> None:
    everything = summarize(demo_db, pilot_only=False)
    assert everything.total == 40 and everything.sentence.startswith("全市40家酒店中")
    one = summarize(demo_db, division="530581")
    assert one.divisions == ["腾冲市"] and one.total == sum(one.by_division["腾冲市"].values())


def test_period_limits_inspection_counts(demo_db: Database) -> None:
    assert summarize(demo_db, since=date(2000, 1, 1), until=date(2000, 12, 31)).inspections == 0


def test_sentence_names_unremediated_hotels_only_when_there_are_some() -> None:
    counts = dict.fromkeys(
        ["direct_live", "welcome", "mobile_ott", "telecom_welcome", "self_built", "none"], 0
    )
    assert "尚未整改" not in report_sentence(counts | {"direct_live": 2}, 2)
    assert report_sentence(counts | {"direct_live": 2, "none": 1}, 3).endswith("自建模式酒店0家，尚未整改1家")


def test_a_division_by_another_name_is_the_same_division_everywhere(demo_db: Database, tmp_path) -> None:
    """The counts took a division's other names (腾冲 for 腾冲市) while the batch print refused them as
    unknown and the summary report's sentence named the whole city."""
    from hoteltv.reports.batch import select_inspections
    from hoteltv.reports.common import ReportOptions
    from hoteltv.reports.summary_report import load_summary

    by_code = summarize(demo_db, division="530581")
    for other in ("腾冲", " 腾冲市 "):
        assert summarize(demo_db, division=other).total == by_code.total
        assert [i.id for i in select_inspections(demo_db, division=other, include_drafts=True)] == [
            i.id for i in select_inspections(demo_db, division="530581", include_drafts=True)
        ]
        data = load_summary(demo_db, ReportOptions(home=tmp_path), division=other)
        assert data.summary.sentence.startswith("全腾冲市"), data.summary.sentence
