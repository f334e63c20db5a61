"""Hotel registry use cases: list/search, create/edit with validation, tombstone, spreadsheet import.

Every public function is one unit of work and returns plain values (:class:`HotelView`), never live ORM
objects, so callers on any thread (GUI worker, CLI, server) can hold them freely.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from hoteltv.db.engine import Database
from hoteltv.db.models import Division, Hotel, Inspection, RectificationNotice, live
from hoteltv.db.tracking import Changes
from hoteltv.domain import clock, lifecycle, sites
from hoteltv.domain.divisions import DivisionList
from hoteltv.domain.hotel import EDITABLE, HotelInput, HotelView
from hoteltv.domain.identifiers import check_credit_code, normalise_phone
from hoteltv.domain.modes import mode_catalog
from hoteltv.errors import NotFoundError, Problem, ValidationError
from hoteltv.services import registry_rows
from hoteltv.services.registry_rows import REGISTRY_TABLES

# --- validation ------------------------------------------------------------------------------------


def validate_hotel(data: HotelInput, divisions: DivisionList) -> tuple[HotelInput, list[Problem]]:
    """Check and normalise a hotel; problems name the field (``Problem.where``) for messages beside it."""
    problems: list[Problem] = []
    name = (data.name or "").strip()
    if not name:
        problems.append(Problem("name", "酒店名称不能为空 (name is required)"))
    elif len(name) > 200:
        problems.append(Problem("name", "酒店名称过长 (name longer than 200 characters)"))
    division = divisions.find(data.division_code or "")
    if division is None:
        problems.append(Problem("division_code", "未知的县区 (unknown division)", data.division_code))
    credit = (data.credit_code or "").strip().upper() or None
    if credit is not None:
        reason = check_credit_code(credit)
        if reason:
            problems.append(Problem("credit_code", reason, data.credit_code))
    for key in ("star_class", "rooms", "tvs"):
        value = getattr(data, key)
        if value is not None and (not isinstance(value, int) or value < 0):
            problems.append(Problem(key, "须为非负整数 (must be a whole number ≥ 0)", value))
    if isinstance(data.star_class, int) and data.star_class > 5:
        problems.append(Problem("star_class", "星级为0–5 (star class is 0–5)", data.star_class))
    if (
        isinstance(data.rooms, int)
        and isinstance(data.tvs, int)
        and data.rooms > 0
        and data.tvs > data.rooms * 4
    ):
        problems.append(Problem("tvs", "电视数远超客房数,请核对 (far more TVs than rooms; check)", data.tvs))
    phone = data.contact_phone
    if phone:
        normalised = normalise_phone(phone)
        if normalised is None:
            problems.append(Problem("contact_phone", "电话号码格式不对 (not a phone number)", phone))
        else:
            phone = normalised
    catalog = mode_catalog()
    for key in ("target_mode", "current_mode"):
        value = getattr(data, key)
        if value and value not in catalog.keys():
            problems.append(Problem(key, "未知的电视模式 (unknown TV mode)", value))

    kind = data.site_kind or sites.DEFAULT
    if kind not in sites.KEYS:
        try:
            kind = sites.parse_site_kind(kind) or sites.DEFAULT
        except ValueError as exc:
            problems.append(Problem("site_kind", str(exc), data.site_kind))

    def clean(text: str | None) -> str | None:
        return (text or "").strip() or None

    normalised_input = replace(
        data,
        name=name,
        division_code=division.code if division else data.division_code,
        address=clean(data.address),
        credit_code=credit,
        tv_system=clean(data.tv_system),
        contact_name=clean(data.contact_name),
        contact_phone=clean(phone),
        person_in_charge=clean(data.person_in_charge),
        notes=clean(data.notes),
        target_mode=data.target_mode or None,
        current_mode=data.current_mode or None,
        site_kind=kind,
    )
    return normalised_input, problems


# --- queries -----------------------------------------------------------------------------------------


def list_hotels(
    db: Database,
    *,
    division: str | None = None,
    mode: str | None = None,
    status: str | None = None,
    pilot: bool | None = None,
    search: str | None = None,
    today: date | None = None,
    site_kind: str | None = sites.DEFAULT,
) -> list[HotelView]:
    """Hotels (not deleted) ordered by division then name; filters combine with AND.

    ``site_kind``: the registry's default view is hotels; another kind's key shows those sites, ``None``
    every site.

    ``division`` is a code, name or alias; ``status`` may also be ``overdue``; ``search`` matches name,
    address, contact, phone and credit code. The query is :func:`registry_rows.registry_query`'s (the
    GUI's first screen runs the same one without SQLAlchemy).
    """
    sql, params = registry_rows.registry_query(
        site_kind=site_kind or None,
        division=division or None,
        mode=mode or None,
        status=status if status and status != "overdue" else None,
        pilot=pilot,
        search=search or None,
    )
    with db.reading() as s:
        views = registry_rows.views(s.execute(text(sql), params), today)
    if status == "overdue":
        views = [v for v in views if v.overdue]
    return views


def get_hotel(db: Database, hotel_id: str) -> HotelView:
    sql, params = registry_rows.registry_query(hotel_id=hotel_id)
    with db.reading() as s:
        found = registry_rows.views(s.execute(text(sql), params))
    if not found:
        raise NotFoundError(f"酒店不存在 (no hotel with id {hotel_id})")
    return found[0]


def hotels_touched(db: Database, changes: Changes, limit: int = 100) -> set[str] | None:
    """The hotels whose registry rows ``changes`` may alter; None when it is all of them or unknown
    (a bulk write, a division renamed, more than ``limit``): then read the whole list again."""
    if not changes.tables & REGISTRY_TABLES:
        return set()
    if changes.bulk & REGISTRY_TABLES or changes.rows.get("divisions"):
        return None
    hotels = set(changes.ids("hotels"))
    inspections = set(changes.ids("inspections"))
    notices = list(changes.ids("rectification_notices"))
    parts = [*changes.ids("room_checks")], [*changes.ids("inspection_inspectors")]
    if len(hotels) + len(inspections) + len(notices) + sum(map(len, parts)) > limit:
        return None
    from hoteltv.db.models import InspectionInspector, RoomCheck

    with db.reading() as s:
        for model, ids in ((RoomCheck, parts[0]), (InspectionInspector, parts[1])):
            if ids:
                inspections.update(s.scalars(select(model.inspection_id).where(model.id.in_(ids))))
        if inspections:
            hotels.update(s.scalars(select(Inspection.hotel_id).where(Inspection.id.in_(inspections))))
        if notices:
            hotels.update(
                s.scalars(select(RectificationNotice.hotel_id).where(RectificationNotice.id.in_(notices)))
            )
    return hotels


def find_hotel(session: Session, *, credit_code: str | None, name: str, division_id: str) -> Hotel | None:
    """The live hotel a row means: by credit code, else by name within the division."""
    if credit_code:
        hit = session.scalars(
            select(Hotel).where(Hotel.credit_code == credit_code, Hotel.deleted.is_(False))
        ).first()
        if hit is not None:
            return hit
    return session.scalars(
        select(Hotel).where(Hotel.name == name, Hotel.division_id == division_id, Hotel.deleted.is_(False))
    ).first()


# --- writes ------------------------------------------------------------------------------------------


def _division(session: Session, code: str) -> Division:
    div = session.scalars(select(Division).where(Division.code == code)).first()
    if div is None:
        raise ValidationError(
            "未知的县区 (unknown division)", [Problem("division_code", "not in the database", code)]
        )
    return div


def _apply(hotel: Hotel, data: HotelInput, division: Division, present: Iterable[str] | None = None) -> None:
    keys = set(present) if present is not None else set(EDITABLE)
    for key in EDITABLE:
        if key not in keys:
            continue
        if key == "division_code":
            if hotel.division_id != division.id:
                hotel.division_id = division.id
                hotel.division = division
            continue
        value = getattr(data, key)
        if key == "current_mode" and value is None:
            value = hotel.current_mode or "none"
        if key == "pilot":
            value = bool(value)
        if key == "site_kind" and not value:
            value = hotel.site_kind or sites.DEFAULT
        if getattr(hotel, key) != value:
            setattr(hotel, key, value)


def _valid_hotel(data: HotelInput, divisions: DivisionList) -> HotelInput:
    """``data`` normalised by :func:`validate_hotel`; refused, naming every problem, when it has any."""
    data, problems = validate_hotel(data, divisions)
    if problems:
        raise ValidationError("酒店信息有误 (the hotel was not saved)", problems)
    return data


def create_hotel(db: Database, data: HotelInput, divisions: DivisionList, actor: str = "") -> HotelView:
    data = _valid_hotel(data, divisions)
    with db.transaction(actor) as s:
        division = _division(s, data.division_code)
        if find_hotel(s, credit_code=data.credit_code, name=data.name, division_id=division.id) is not None:
            raise ValidationError(
                "已有同一酒店 (this hotel already exists)",
                [
                    Problem(
                        "credit_code" if data.credit_code else "name",
                        "duplicate",
                        data.credit_code or data.name,
                    )
                ],
            )
        hotel = Hotel(current_mode="none", remediation_status="not_inspected")
        _apply(hotel, data, division)
        s.add(hotel)
        s.flush()
        hotel_id = hotel.id
    return get_hotel(db, hotel_id)


def update_hotel(
    db: Database,
    hotel_id: str,
    data: HotelInput,
    divisions: DivisionList,
    *,
    base_version: int | None = None,
    actor: str = "",
) -> HotelView:
    """Save an edited hotel. ``base_version`` is the version the edit started from: if the record changed
    since (another window, a sync), the edit is refused rather than silently overwriting."""
    data = _valid_hotel(data, divisions)
    with db.transaction(actor) as s:
        hotel = live(s, Hotel, hotel_id, f"酒店不存在 (no hotel with id {hotel_id})")
        if base_version is not None and hotel.version != base_version:
            raise ValidationError(
                "酒店信息已被其他人修改,请重新打开后再改 (changed elsewhere since you opened it; reopen it)"
            )
        division = _division(s, data.division_code)
        other = find_hotel(s, credit_code=data.credit_code, name=data.name, division_id=division.id)
        if other is not None and other.id != hotel.id:
            raise ValidationError("已有同一酒店 (another hotel has this credit code or name)")
        _apply(hotel, data, division)
    return get_hotel(db, hotel_id)


def delete_hotel(db: Database, hotel_id: str, actor: str = "") -> int:
    """Tombstone a hotel (kept for history and sync; hidden from lists) with its drafts.

    Refused while the hotel has a finalized inspection record: those are the bureau's records and stay
    with their hotel. Returns how many drafts were discarded with it.
    """
    with db.transaction(actor) as s:
        hotel = live(s, Hotel, hotel_id, f"酒店不存在 (no hotel with id {hotel_id})")
        records = list(
            s.scalars(
                select(Inspection).where(Inspection.hotel_id == hotel.id, Inspection.deleted.is_(False))
            )
        )
        finalized = [r for r in records if r.status != "draft"]
        if finalized:
            raise ValidationError(
                f"{hotel.name} 已有 {len(finalized)} 份定稿的检查记录，不能删除 "
                f"(the hotel has {len(finalized)} finalized inspection record(s) and cannot be deleted)"
            )
        for draft in records:
            draft.deleted = True
        hotel.deleted = True
        return len(records)


# --- spreadsheet import ------------------------------------------------------------------------------


@dataclass
class ImportedRow:
    """What importing one spreadsheet row did (or would do, in a dry run)."""

    row_number: int
    action: str  # create | update | unchanged
    name: str
    division: str
    changes: dict[str, list[Any]] = field(default_factory=dict)
    hotel_id: str | None = None


@dataclass
class ImportReport:
    """The outcome of a hotel spreadsheet import: each row's action, and every refused row with reasons."""

    rows: list[ImportedRow]
    refused: list[Any]  # hoteltv.io.hotel_sheet.RowError
    dry_run: bool
    mapping: dict[str, str] = field(default_factory=dict)
    ignored_headers: list[str] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def refused_rows(self) -> int:
        return len({e.row_number for e in self.refused})

    def as_dict(self) -> dict[str, Any]:
        return {
            "dry_run": self.dry_run,
            "created": self.count("create"),
            "updated": self.count("update"),
            "unchanged": self.count("unchanged"),
            "refused_rows": self.refused_rows,
            "rows": [asdict(r) for r in self.rows],
            "refused": [asdict(e) for e in self.refused],
            "mapping": self.mapping,
            "ignored_headers": self.ignored_headers,
        }


def import_hotels(db: Database, sheet: Any, *, dry_run: bool = False, actor: str = "") -> ImportReport:
    """Apply parsed spreadsheet rows (``hoteltv.io.hotel_sheet.SheetResult``) in one transaction.

    Rows update the hotel they match (credit code, else name + division) and create the rest; only columns
    present in the sheet are written. A dry run computes the same report and rolls back.
    """
    refused = list(sheet.errors)
    report = ImportReport(
        rows=[],
        refused=refused,
        dry_run=dry_run,
        mapping=dict(sheet.mapping),
        ignored_headers=list(sheet.ignored_headers),
    )
    with suppress(_DryRun), db.transaction(actor) as s:
        _import_rows(s, sheet.rows, report)
        if dry_run:
            raise _DryRun
    return report


class _DryRun(Exception):
    """Raised inside the import transaction to roll a dry run back."""


def _import_rows(s: Session, rows: Iterable[Any], report: ImportReport) -> None:
    from hoteltv.io.hotel_sheet import RowError

    div_by_code = {d.code: d for d in s.scalars(select(Division))}
    by_credit: dict[str, Hotel] = {}
    by_name: dict[tuple[str, str], Hotel] = {}
    for h in s.scalars(select(Hotel).where(Hotel.deleted.is_(False))):
        if h.credit_code:
            by_credit.setdefault(h.credit_code, h)
        by_name.setdefault((h.name, h.division_id), h)
    touched: list[tuple[ImportedRow, Hotel]] = []
    for row in rows:
        division = div_by_code.get(row.division_code)
        if division is None:
            unknown = "数据库中没有该县区 (division not in the database)"
            report.refused.append(RowError(row.row_number, "所属县区", row.division_code, unknown))
            continue
        present = set(row.present) | {"name", "division_code"}
        hotel = (by_credit.get(row.credit_code) if row.credit_code else None) or by_name.get(
            (row.name, division.id)
        )
        changes: dict[str, list[Any]] = {}
        if hotel is None:
            hotel = Hotel(current_mode="none", remediation_status="not_inspected", pilot=False)
            _apply(hotel, row, division, present)
            s.add(hotel)
            action = "create"
        else:
            before = _editable_values(hotel)
            _apply(hotel, row, division, present)
            after = _editable_values(hotel)
            changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
            action = "update" if changes else "unchanged"
        if hotel.credit_code:
            by_credit[hotel.credit_code] = hotel
        by_name[(hotel.name, division.id)] = hotel
        imported = ImportedRow(row.row_number, action, row.name, division.name, changes)
        report.rows.append(imported)
        touched.append((imported, hotel))
    s.flush()
    for imported, hotel in touched:
        imported.hotel_id = hotel.id


def _editable_values(hotel: Hotel) -> dict[str, Any]:
    values = {k: getattr(hotel, k) for k in EDITABLE if k != "division_code"}
    values["division_code"] = hotel.division.code if hotel.division is not None else None
    return values


def hotels_as_table(views: Iterable[HotelView], lang: str = "zh") -> tuple[list[str], list[list[Any]]]:
    """Rows for a hotel export whose headers the importer reads back (round-trip)."""
    from hoteltv.io.sheet_cells import HOTEL_FIELDS, export_value

    headers = [f.header for f in HOTEL_FIELDS] + ["整改状态", "最近检查", "最近结果", "整改期限", "记录ID"]
    rows: list[list[Any]] = []
    for v in views:
        values = {f.name: export_value(f.name, getattr(v, f.name), lang=lang) for f in HOTEL_FIELDS}
        values["division_code"] = v.division_name
        rows.append(
            [values.get(f.name) for f in HOTEL_FIELDS]
            + [
                lifecycle.status_label(v.remediation_status, lang),
                clock.fmt(v.last_inspection_at, "%Y-%m-%d") or None,
                lifecycle.result_label(v.last_result, lang) if v.last_result else None,
                v.next_deadline.isoformat() if v.next_deadline else None,
                v.id,
            ]
        )
    return headers, rows
