"""A fictional but realistic demo set for Baoshan: 35 pilot hotels whose modes give the bureau's counts
(24 direct-to-live or welcome, 4 mobile OTT, 4 Telecom welcome, 3 self-built), a few non-pilot hotels,
inspectors, and three inspection histories: one passed; one failed with an (overdue) rectification
notice; one failed, re-inspected and closed. Beside them, the satellite-TV campaign: four markets and four
residential compounds, six enforcement operations (33人次, 8车次, 5 joint, 57个次) and four satellite checks
that removed 4户（套）. Every name, code and phone number is made up.

The demo lives apart from real data: in its own data folder, :func:`demo_home` — the sibling
``<data folder>-demo`` (e.g. ``~/.local/share/hoteltv-demo``). A sibling rather than a subfolder, so a
backup, copy or move of the real folder never carries the demo along, and the demo folder can be thrown
away whole. Its database is marked (``Meta`` key ``demo`` = ``"1"``, set by :func:`load_demo`):
:func:`is_demo` tells every part that it holds demo records, and the sync client refuses to send them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from hoteltv.db.engine import Database
from hoteltv.db.meta_keys import META_DEMO, is_demo
from hoteltv.db.models import Hotel, Meta
from hoteltv.domain import clock, sites
from hoteltv.domain.checklist import ChecklistTemplate, latest_template
from hoteltv.domain.divisions import DivisionList
from hoteltv.domain.identifiers import CREDIT_CHARS, credit_check_char
from hoteltv.errors import HoteltvError
from hoteltv.services import hotels as hotel_service
from hoteltv.services import inspections as insp_service
from hoteltv.services import notices as notice_service
from hoteltv.services import operations as operation_service

ACTOR = "demo"

DEMO_SUFFIX = "-demo"


def demo_home(home: Path) -> Path:
    """The demo's own data folder beside the real one ``home`` (see module docstring)."""
    home = Path(home)
    return home if home.name.endswith(DEMO_SUFFIX) else home.with_name(home.name + DEMO_SUFFIX)


def mark_demo(db: Database) -> None:
    with db.transaction() as s:
        s.merge(Meta(key=META_DEMO, value="1"))


def prepare_demo_home(home: Path) -> Path:
    """Make sure the demo folder beside ``home`` holds the demo set; returns its path.

    An empty demo folder gets the demo set; one that already has it is used as it is. A folder of that
    name holding records that are not the demo's is refused (it is never filled with demo records).
    """
    from hoteltv.services.setup import open_home

    folder = demo_home(home)
    folder.mkdir(parents=True, exist_ok=True)
    db, _settings, divisions = open_home(folder)
    try:
        if not is_demo(db):
            load_demo(db, divisions)  # refuses a folder that holds hotels
    finally:
        db.close()
    return folder


# (division code, pilot hotels, name stems)
_DIVISIONS = [
    (
        "530502",
        12,
        ["永昌", "兰城", "青华", "易罗", "太保", "九隆", "板桥", "金鸡", "汉庄", "西邑", "辛街", "瓦房"],
    ),
    ("530581", 10, ["和顺", "热海", "叠水", "极边", "银杏", "北海", "界头", "火山", "玛御", "腾越"]),
    ("530521", 4, ["姚关", "善洲", "甸阳", "万兴"]),
    ("530523", 4, ["松山", "邦腊掌", "龙山", "勐糯"]),
    ("530524", 5, ["右甸", "漭水", "田园", "翠华", "卡斯"]),
]
_SUFFIXES = ["大酒店", "宾馆", "国际酒店", "精品酒店", "商务酒店", "温泉度假酒店", "假日酒店", "客栈"]
_SURNAMES = "张李王赵杨刘陈段杞尹"
_GIVEN = ["建华", "丽萍", "国强", "云", "海燕", "志明", "晓红", "文斌", "春梅", "永福"]
_PILOT_MODES = (
    ["direct_live"] * 18 + ["welcome"] * 6 + ["mobile_ott"] * 4 + ["telecom_welcome"] * 4 + ["self_built"] * 3
)
_SYSTEM_FOR_MODE = {
    "direct_live": ("云南广电网络有线电视", "cable", "云南广电网络"),
    "welcome": ("中国电信IPTV", "iptv", "中国电信"),
    "mobile_ott": ("中国移动魔百和", "ott", "中国移动"),
    "telecom_welcome": ("中国电信定制迎宾IPTV", "iptv", "中国电信"),
    "self_built": ("酒店自建IPTV前端(多路IPTV接入)", "iptv_multi", "酒店自建"),
    "none": ("酒店自建点播系统", "headend", "酒店自建"),
}
INSPECTORS = [
    ("张明", "53050219001"),
    ("李华", "53050219002"),
    ("王芳", "53058119003"),
    ("赵强", "53052119004"),
]


@dataclass(frozen=True)
class DemoResult:
    hotels: int
    pilot_hotels: int
    inspections: int
    notices: int
    other_sites: int = 0
    operations: int = 0


# The satellite campaign (境外卫星电视传播秩序集中专项整治): markets and residential compounds beside the
# hotels, six enforcement operations — (division, days ago, joint departments, officers, vehicles, site
# checks) — adding up to the figures of the bureau's report: 33人次, 8车次, 联合执法5次, 57个次.
_OTHER_SITES = [
    ("530502", "青华农贸市场", "market"),
    ("530502", "九隆花园小区", "residential"),
    ("530581", "腾越农贸市场", "market"),
    ("530581", "叠水河小区", "residential"),
    ("530521", "甸阳集贸市场", "market"),
    ("530523", "龙山镇居民小区", "residential"),
    ("530524", "右甸农贸市场", "market"),
    ("530524", "翠华小区", "residential"),
]
_LEAD = {
    "530502": "隆阳区文化和旅游局",
    "530581": "腾冲市文化和旅游局",
    "530521": "施甸县文化和旅游局",
    "530523": "龙陵县文化和旅游局",
    "530524": "昌宁县文化和旅游局",
}
_OPERATIONS = [
    ("530521", 80, ("施甸县市场监督管理局",), 5, 1, 8),
    ("530523", 66, ("龙陵县公安局",), 4, 1, 7),
    ("530502", 52, (), 4, 1, 7),
    ("530524", 25, ("昌宁县住房和城乡建设局",), 6, 1, 9),
    ("530581", 18, ("腾冲市公安局",), 6, 2, 12),
    ("530502", 14, ("隆阳区公安分局", "隆阳区市场监督管理局"), 8, 2, 14),
]
#: Satellite checks made in the operations (operation index, site name or "hotel:<division>", answers):
#: the facilities removed add up to 4户（套）. All within the last 30 days (the batch print's default period)
#: and older than the newest hotel-TV record (12 days), which stays the registry's latest.
_SATELLITE_CHECKS: list[tuple[int, str, dict[str, Any]]] = [
    (
        5,
        "青华农贸市场",
        {
            "site_kind": "market",
            "facilities_found": "yes",
            "dish_count": 2,
            "lnb_count": 2,
            "receiver_count": 2,
            "install_licence": "no",
            "market_sale_install": "yes",
            "action_taken": "removed_on_site",
            "facilities_removed": 2,
            "site_notes": "摊位销售卫星天线及接收机，已当场拆除并登记。",
        },
    ),
    (
        4,
        "叠水河小区",
        {
            "site_kind": "residential",
            "facilities_found": "yes",
            "dish_count": 1,
            "lnb_count": 1,
            "receiver_count": 1,
            "install_licence": "no",
            "action_taken": "order_removal",
            "facilities_removed": 1,
        },
    ),
    (
        4,
        "hotel:530581",
        {
            "site_kind": "hotel",
            "facilities_found": "yes",
            "dish_count": 1,
            "lnb_count": 2,
            "receiver_count": 1,
            "install_licence": "yes",
            "foreign_licence": "yes",
            "foreign_licence_valid": "yes",
            "channels_within_approved": "yes",
            "action_taken": "none",
        },
    ),
    (
        3,
        "翠华小区",
        {
            "site_kind": "residential",
            "facilities_found": "yes",
            "dish_count": 1,
            "lnb_count": 1,
            "receiver_count": 1,
            "install_licence": "no",
            "action_taken": "seized",
            "facilities_removed": 1,
        },
    ),
]


def _credit_code(rng: random.Random, division_code: str) -> str:
    body = (
        "92" + division_code + "MA" + "".join(rng.choice(CREDIT_CHARS[:10] + "ABCDEFGHJK") for _ in range(7))
    )
    return body + credit_check_char(body)


def good_room(mode: str) -> dict[str, Any]:
    """Answers of a room where everything meets the rules, for a hotel in ``mode``."""
    welcome = mode in ("welcome", "telecom_welcome", "self_built", "mobile_ott")
    answers: dict[str, Any] = {
        "boot_seconds": 18 if not welcome else 24,
        "first_channel_cctv1": "yes",
        "ads_seen": "no",
        "remotes_needed": 1,
        "keys_to_live": 0 if not welcome else 1,
        "one_key_live_works": "na" if not welcome else "yes",
        "popups_or_paid_prompts": "no",
        "channel_cctv1": "yes",
        "channel_yunnan": "yes",
        "channel_local": "yes",
        "duplicate_channel_numbers": "no",
        "catchup_7_days": "yes",
        "operation_guide": "yes",
        "picture_quality": "good",
    }
    if welcome:
        answers["welcome_default_focus_live"] = "yes"
        answers["idle_seconds_to_live"] = 15
    return answers


def good_hotel(mode: str) -> dict[str, Any]:
    _, system, provider = _SYSTEM_FOR_MODE[mode]
    return {
        "tv_mode": mode,
        "system_type": system,
        "provider": provider,
        "licensed_source": "yes",
        "illegal_headend_or_app": "no",
        "ott_live_channels": "na" if system != "ott" else "no",
        "machine_room_safe": "yes",
        "responsible_person": "",
    }


def load_demo(db: Database, divisions: DivisionList, *, today: date | None = None) -> DemoResult:
    """Load the demo set into an empty database (refuses when hotels already exist)."""
    with db.reading() as s:
        counts = dict(
            s.execute(
                select(Hotel.site_kind, func.count())
                .where(Hotel.deleted.is_(False))
                .group_by(Hotel.site_kind)
            ).all()
        )
    if counts:
        hotels = counts.pop(sites.DEFAULT, 0)
        others = sum(counts.values())
        zh_others = f"和{others}个其他场所" if others else ""
        en_others = f" and {others} other sites" if others else ""
        raise HoteltvError(
            f"数据库中已有{hotels}家酒店{zh_others},演示数据只能载入空数据库 (the database already holds "
            f"{hotels} hotels{en_others}; use an empty data folder, e.g. hoteltv --home DIR demo)"
        )
    mark_demo(db)  # first: even a half-loaded demo never syncs
    rng = random.Random(530500)
    today = today or clock.today()  # the bureau's date, as every period and deadline counts it
    modes = list(_PILOT_MODES)
    rng.shuffle(modes)
    created: list[hotel_service.HotelView] = []
    used_names: set[str] = set()
    for code, count, stems in _DIVISIONS:
        for i in range(count + 1):  # one extra non-pilot hotel per division
            pilot = i < count
            mode = modes.pop() if pilot else rng.choice(["none", "none", "direct_live"])
            name = stems[i % len(stems)] + _SUFFIXES[(i * 3 + len(stems)) % len(_SUFFIXES)]
            while name in used_names:
                name = stems[i % len(stems)] + rng.choice(_SUFFIXES)
            used_names.add(name)
            division = divisions.find(code)
            assert division is not None
            tv_system = _SYSTEM_FOR_MODE[mode][0]
            rooms = rng.choice([24, 36, 48, 60, 80, 120, 156])
            created.append(
                hotel_service.create_hotel(
                    db,
                    hotel_service.HotelInput(
                        name=name,
                        division_code=code,
                        address=f"云南省保山市{division.name}{stems[i % len(stems)]}路{rng.randint(1, 300)}号",
                        credit_code=_credit_code(rng, code),
                        star_class=rng.choice([0, 2, 3, 3, 4]),
                        rooms=rooms,
                        tvs=rooms + rng.randint(0, 4),
                        tv_system=tv_system,
                        contact_name=rng.choice(_SURNAMES) + rng.choice(_GIVEN),
                        contact_phone=f"0875-{rng.randint(2100000, 8999999)}",
                        person_in_charge=rng.choice(_SURNAMES) + rng.choice(_GIVEN),
                        pilot=pilot,
                        target_mode=mode if mode != "none" else "direct_live",
                        current_mode=mode,
                    ),
                    divisions,
                    actor=ACTOR,
                )
            )
    team = [insp_service.add_inspector(db, n, e, actor=ACTOR).id for n, e in INSPECTORS]
    pilots = [h for h in created if h.pilot]
    by_mode = {
        m: [h for h in pilots if h.current_mode == m] for m in ("direct_live", "self_built", "welcome")
    }
    now = datetime.now(UTC)

    def inspect(
        hotel: hotel_service.HotelView,
        days_ago: int,
        rooms: list[tuple[str, str, dict[str, Any]]],
        notice_id: str | None = None,
    ) -> insp_service.InspectionView:
        """A finalized record of ``hotel`` whose answers are all good but each room's own (number, type,
        answers that differ)."""
        answers = good_hotel(hotel.current_mode) | {"responsible_person": hotel.person_in_charge}
        good = good_room(hotel.current_mode)
        sampled = [(number, room_type, good | bad) for number, room_type, bad in rooms]
        started = now - timedelta(days=days_ago, hours=2)
        return _record(db, hotel.id, team, started, answers, minutes=80, rooms=sampled, notice_id=notice_id)

    # 1. Passed at the first visit.
    inspect(
        by_mode["direct_live"][0], 20, [("302", "标准间", {}), ("508", "大床房", {}), ("716", "套房", {})]
    )
    # 2. Failed (slow boot, several key presses through the hotel portal): notice, now overdue.
    slow = {"boot_seconds": 58, "keys_to_live": 3}
    slow_rooms = [("201", "标准间", slow), ("405", "大床房", {"boot_seconds": 41}), ("603", "标准间", {})]
    failed = inspect(by_mode["self_built"][0], 12, slow_rooms)
    notice_service.issue_notice(db, failed.id, today=today - timedelta(days=12), actor=ACTOR)
    # 3. Failed (an ad before live TV), notice issued, re-inspected and closed.
    h3 = by_mode["welcome"][0]
    ads = {"ads_seen": "yes"}
    ad_rooms = [
        ("301", "标准间", ads),
        ("512", "大床房", {}),
        ("806", "套房", ads | {"popups_or_paid_prompts": "yes"}),
    ]
    # 29 days ago, not 30: at any hour it stays within the batch print's default period (the last 30 days
    # by the bureau's calendar; 30 days and two hours ago is the 31st day around the bureau's midnight).
    first = inspect(h3, 29, ad_rooms)
    notice = notice_service.issue_notice(db, first.id, today=today - timedelta(days=29), actor=ACTOR)
    inspect(h3, 21, [("301", "标准间", {}), ("512", "大床房", {}), ("806", "套房", {})], notice_id=notice.id)
    others, operations, checks = _satellite_campaign(db, divisions, created, team, now, rng)
    return DemoResult(
        hotels=len(created),
        pilot_hotels=len(pilots),
        inspections=4 + checks,
        notices=2,
        other_sites=others,
        operations=operations,
    )


def _record(
    db: Database,
    site_id: str,
    team: list[str],
    started: datetime,
    answers: dict[str, Any],
    *,
    minutes: int,
    rooms: list[tuple[str, str, dict[str, Any]]] | None = None,
    template: ChecklistTemplate | None = None,
    notice_id: str | None = None,
) -> insp_service.InspectionView:
    """One finalized demo record, made through the services as an inspector would: the answers, the sampled
    rooms, the header, and a written reason for each missing photo (demo records carry no photos)."""
    if notice_id:
        view = notice_service.start_reinspection(db, notice_id, team[:2], started_at=started, actor=ACTOR)
    else:
        view = insp_service.start_inspection(
            db, site_id, team[:2], template=template, started_at=started, actor=ACTOR
        )
    for key, value in answers.items():
        view = insp_service.set_hotel_answer(db, view.id, key, value, actor=ACTOR)
    existing = {r.room_number: r for r in view.rooms}
    for number, room_type, room_answers in rooms or []:
        if number not in existing:
            view = insp_service.add_room(
                db, view.id, number, floor=number[:-2], room_type=room_type, actor=ACTOR
            )
        room = next(r for r in view.rooms if r.room_number == number)
        for key, value in room_answers.items():
            view = insp_service.set_room_answer(db, room.id, key, value, actor=ACTOR)
    view = insp_service.update_header(
        db,
        view.id,
        insp_service.HeaderFields(
            ids_shown=True,
            hotel_opinion="对检查结果无异议。",
            hotel_signatory=view.contact_on_site or "现场负责人",
        ),
        actor=ACTOR,
    )
    rooms_by_label = {r.room_number: r.id for r in view.rooms}
    for gap in insp_service.evidence_gaps(view):
        room_id = rooms_by_label[gap.room_label] if gap.room_label else None
        view = insp_service.set_evidence_reason(
            db, view.id, gap.item_key, "演示数据，未附现场照片", room_id=room_id, actor=ACTOR
        )
    return insp_service.finalize(db, view.id, ended_at=started + timedelta(minutes=minutes), actor=ACTOR)


def _satellite_campaign(
    db: Database,
    divisions: DivisionList,
    hotels: list[hotel_service.HotelView],
    team: list[str],
    now: datetime,
    rng: random.Random,
) -> tuple[int, int, int]:
    """The markets and compounds, the satellite checks and the operations they were made in."""
    site_ids: dict[str, str] = {}
    for code, name, kind in _OTHER_SITES:
        division = divisions.find(code)
        assert division is not None
        site_ids[name] = hotel_service.create_hotel(
            db,
            hotel_service.HotelInput(
                name=name,
                division_code=code,
                address=f"云南省保山市{division.name}{name}",
                contact_name=rng.choice(_SURNAMES) + rng.choice(_GIVEN),
                contact_phone=f"0875-{rng.randint(2100000, 8999999)}",
                site_kind=kind,
            ),
            divisions,
            actor=ACTOR,
        ).id
    for h in hotels:  # the non-pilot hotel of each division
        if not h.pilot:
            site_ids.setdefault(f"hotel:{h.division_code}", h.id)
    template = latest_template("satellite")
    made: dict[int, list[tuple[str, str]]] = {}
    for op_index, site, answers in _SATELLITE_CHECKS:
        days_ago = _OPERATIONS[op_index][1]
        started = now - timedelta(days=days_ago, hours=3)
        view = _record(db, site_ids[site], team, started, answers, minutes=40, template=template)
        made.setdefault(op_index, []).append((site_ids[site], view.id))
    today = clock.bureau_date(now)
    for index, (code, days_ago, joint, officers, vehicles, checks) in enumerate(_OPERATIONS):
        linked = made.get(index, [])
        operation_service.add_operation(
            db,
            operation_service.OperationInput(
                op_date=today - timedelta(days=days_ago),
                division_code=code,
                lead_department=_LEAD[code],
                joint_departments=joint,
                officers=officers,
                vehicles=vehicles,
                site_checks=checks,
                site_ids=tuple(dict.fromkeys(site for site, _ in linked)),
                inspection_ids=tuple(insp for _, insp in linked),
                title="境外卫星电视传播秩序集中专项整治",
            ),
            divisions,
            today=today,
            actor=ACTOR,
        )
    return len(_OTHER_SITES), len(_OPERATIONS), len(_SATELLITE_CHECKS)
