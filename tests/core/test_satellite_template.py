"""The second checklist (卫星电视地面接收设施检查) runs through the same engine as the hotel-TV one:
loader, verdict, sheet and notice are built from the template's data, with no code keyed on its id."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from hoteltv.db.engine import Database
from hoteltv.domain.checklist import TemplateError, latest_template, load_template_file, template_ids
from hoteltv.domain.rules import evaluate
from hoteltv.reports.common import ReportOptions
from hoteltv.reports.inspection_sheet import write_inspection_sheet
from hoteltv.reports.notice import write_notice
from hoteltv.resources import resource
from hoteltv.services import hotels as hotel_service
from hoteltv.services import inspections as insp_service
from hoteltv.services.notices import issue_notice
from tests.core.conftest import explain_missing_evidence
from tests.core.report_fixtures import compact, pdf_text

REPO = Path(__file__).resolve().parents[2]

#: A market where an unlicensed dish was found and removed on the spot.
MARKET = {
    "site_kind": "市场",
    "facilities_found": "是",
    "dish_count": "2",
    "lnb_count": 2,
    "receiver_count": "1台",
    "install_licence": "否",
    "market_sale_install": "是",
    "action_taken": "现场拆除",
    "facilities_removed": 2,
    "site_notes": "摊位售卖卫星“锅”",
}


def satellite_inspection(db: Database, hotel_id: str, team: list[str], answers: dict[str, Any]) -> Any:
    view = insp_service.start_inspection(db, hotel_id, team, template=latest_template("satellite"))
    for key, value in answers.items():
        view = insp_service.set_hotel_answer(db, view.id, key, value)
    return insp_service.update_header(
        db,
        view.id,
        insp_service.HeaderFields(ids_shown=True, hotel_opinion="无异议", hotel_signatory="段丽"),
    )


def test_both_templates_are_shipped_and_the_satellite_one_cites_its_rules() -> None:
    assert {"hotel_tv", "satellite"} <= set(template_ids())
    t = latest_template("satellite")
    assert t.title.zh == "卫星电视地面接收设施检查表"
    assert t.min_rooms == 0 and not t.room_items and not t.site_status
    sources = " ".join(s.zh for s in t.sources)
    assert "《卫星电视广播地面接收设施管理规定》" in sources
    assert "《〈卫星电视广播地面接收设施管理规定〉实施细则》" in sources
    assert [c.zh for c in t.item("site_kind").choices] == ["宾馆酒店", "市场", "居民小区", "其他"]
    assert [c.zh for c in t.item("action_taken").choices][1:] == ["责令限期拆除", "现场拆除", "暂扣"]
    assert all(i.photo_on_fail for i in t.items if i.rule is not None)


def test_verdict_of_a_market_with_unlicensed_facilities() -> None:
    t = latest_template("satellite")
    market = {"site_kind": "market", "facilities_found": "yes", "dish_count": 2, "lnb_count": 2}
    market |= {"receiver_count": 1, "install_licence": "no", "market_sale_install": "yes"}
    market |= {"action_taken": "removed_on_site", "facilities_removed": 2}
    v = evaluate(t, market, [])
    assert v.result == "fail"
    assert {f.item_key for f in v.failed} == {"install_licence", "market_sale_install"}
    # Hotel-only licence items do not apply at a market, and nothing required is missing.
    assert not v.outcome("foreign_licence", None).applicable
    assert v.complete and not v.missing

    clean = {"site_kind": "residential", "facilities_found": "no", "action_taken": "none"}
    v = evaluate(t, clean, [])
    assert v.complete and v.result is None  # nothing was judged: no rule applied
    licensed = {"site_kind": "hotel", "facilities_found": "yes", "dish_count": 1, "lnb_count": 1}
    licensed |= {"receiver_count": 1, "install_licence": "yes", "foreign_licence": "yes"}
    licensed |= {"foreign_licence_valid": "yes", "channels_within_approved": "no", "action_taken": "none"}
    v = evaluate(t, licensed, [])
    assert v.result == "fail" and [f.item_key for f in v.failed] == ["channels_within_approved"]
    missing = evaluate(t, {"site_kind": "hotel", "facilities_found": "yes"}, [])
    assert {m.item_key for m in missing.missing} >= {"dish_count", "install_licence", "foreign_licence"}


def test_sheet_and_notice_are_built_from_the_satellite_template(
    db: Database, hotel: hotel_service.HotelView, team: list[str], tmp_path: Path
) -> None:
    view = satellite_inspection(db, hotel.id, team, MARKET)
    # Findings need photo evidence: finalizing without it is refused.
    with pytest.raises(Exception, match="照片|photo|取证"):
        insp_service.finalize(db, view.id)
    view = explain_missing_evidence(db, view, reason="设施已当场拆除，现场光线不足")
    view = insp_service.finalize(db, view.id)
    assert view.result == "fail"
    # A satellite check says nothing about the hotel's TV remediation.
    assert hotel_service.get_hotel(db, hotel.id).remediation_status == hotel.remediation_status

    sheet = compact(pdf_text(write_inspection_sheet(db, view.id, tmp_path / "sheet.pdf", ReportOptions())))
    for expected in (
        "现场检查记录",
        "（卫星电视地面接收设施）",
        "检查表：卫星电视地面接收设施检查表（第1版）",
        "一、卫星电视地面接收设施情况",
        "场所类型",
        "市场",
        "卫星天线数量",
        "2面",
        "1台",
        "拆除（暂扣）接收设施户（套）数",
        "2户（套）",
        "现场拆除",
        "现场“持有卫星电视广播地面接收设施安装/使用许可”为否",
        "现场“市场内销售、安装卫星电视地面接收设施”为是",
        "未拍照取证，理由：设施已当场拆除，现场光线不足",
        "不合格",
    ):
        assert expected in sheet, expected
    assert "抽查客房" not in sheet and "酒店电视系统" not in sheet

    notice = issue_notice(db, view.id, today=date(2026, 11, 20), reinspection_date=date(2026, 12, 1))
    out = write_notice(db, notice.id, tmp_path / "notice.pdf", ReportOptions(home=tmp_path))
    text = compact(pdf_text(out))
    for expected in (
        "整改通知书",
        "依法对你单位卫星电视地面接收设施进行了现场检查",
        "现场：持有卫星电视广播地面接收设施安装/使用许可。检查情况：否",
        "未经许可不得生产、销售、安装卫星电视广播地面接收设施",
        "《卫星电视广播地面接收设施管理规定》",
        "依据《卫星电视广播地面接收设施管理规定》和《〈卫星电视广播地面接收设施管理规定〉实施细则》的规定",
    ):
        assert expected in text, expected
    assert "客房电视系统" not in text and "酒店电视" not in text


def _broken_copy(tmp_path: Path, change: Any) -> Path:
    data = json.loads(resource("templates", "satellite_v1.json").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "bureau" / "satellite_v2.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _item(data: dict[str, Any], key: str) -> dict[str, Any]:
    return next(i for i in data["items"] if i["key"] == key)


def test_a_file_with_an_unknown_item_type_is_refused_naming_file_and_item(tmp_path: Path) -> None:
    path = _broken_copy(tmp_path, lambda d: _item(d, "dish_count").update(type="photo"))
    with pytest.raises(TemplateError) as info:
        load_template_file(path)
    message = str(info.value)
    assert message.startswith(f"{path}: invalid checklist template")
    assert "items[2] (dish_count): unknown answer type 'photo'" in message


def test_a_rule_on_a_missing_item_is_refused_naming_file_and_item(tmp_path: Path) -> None:
    cond = {"hotel_item": "dish_seen", "in": ["yes"]}
    path = _broken_copy(tmp_path, lambda d: _item(d, "install_licence").update(applies_when=cond))
    with pytest.raises(TemplateError) as info:
        load_template_file(path)
    message = str(info.value)
    assert message.startswith(str(path))
    assert "items (install_licence) applies_when: refers to unknown item 'dish_seen'" in message


def test_wording_and_units_are_checked_too(tmp_path: Path) -> None:
    path = _broken_copy(tmp_path, lambda d: d["wording"].update(sitesection={"zh": "x", "en": "x"}))
    with pytest.raises(TemplateError, match="wording: unknown field 'sitesection'"):
        load_template_file(path)
    path = _broken_copy(tmp_path, lambda d: _item(d, "install_licence").update(unit={"zh": "个", "en": "x"}))
    with pytest.raises(TemplateError, match=r"\(install_licence\): 'unit' is only for count items"):
        load_template_file(path)


#: The demo seeds records made with the template (data, not a code path), so it names it once.
SEEDS = {Path("hoteltv/services/demo.py")}


def test_no_code_is_keyed_on_the_template_id() -> None:
    """The id appears in no Python string of the product (bar the demo's seed data): the window, verdict,
    sheet, notice and report take everything from the template file."""
    pattern = re.compile(r"""["']satellite(_v1)?["']""")
    hits = [
        (path.relative_to(REPO), n)
        for folder in ("hoteltv", "ui")
        for path in (REPO / folder).rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert [f"{p}:{n}" for p, n in hits if p not in SEEDS] == []
    assert len([p for p, _ in hits if p in SEEDS]) == 1


def test_a_satellite_notice_leaves_an_open_hotel_tv_notice_alone(
    db: Database, hotel: hotel_service.HotelView, team: list[str], fill: Any
) -> None:
    from hoteltv.services.notices import list_notices
    from tests.core.report_fixtures import failed_inspection

    tv = failed_inspection(db, hotel.id, team, fill)
    tv_notice = issue_notice(db, tv.id, today=date(2026, 11, 20))
    status = hotel_service.get_hotel(db, hotel.id).remediation_status
    answers = {"site_kind": "宾馆酒店", "facilities_found": "是", "dish_count": 1, "lnb_count": 1}
    answers |= {"receiver_count": 1, "install_licence": "是", "foreign_licence": "否"}
    answers |= {"foreign_licence_valid": "不适用", "channels_within_approved": "不适用"}
    answers |= {"action_taken": "责令限期拆除", "facilities_removed": 1}
    view = satellite_inspection(db, hotel.id, team, answers)
    view = insp_service.finalize(db, explain_missing_evidence(db, view).id)
    assert view.result == "fail"
    sat_notice = issue_notice(db, view.id, today=date(2026, 11, 21))
    states = {n.id: n.status for n in list_notices(db, hotel_id=hotel.id)}
    assert states == {tv_notice.id: "open", sat_notice.id: "open"}
    assert hotel_service.get_hotel(db, hotel.id).remediation_status == status
