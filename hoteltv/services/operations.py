"""Enforcement operations (执法行动): one day's outing of the satellite-TV (or any) campaign.

An operation has a date, the division it took place in, a lead department and the departments that
joined it (more than one department in all makes it 联合执法), the officers taking part (counted as 人次)
and the vehicles (车次), the sites checked (counted as 个次: a site checked twice counts twice, and a quick
check without a full record counts too, so the count is at least the sites listed) and the inspection
records made on the day. Operations sync per field like hotels, scoped by their division.

Bad input — a negative count, a date in the future, an unknown division, site or inspection — is refused
with a :class:`~hoteltv.errors.ValidationError` naming the field, and nothing is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from hoteltv.db.engine import Database
from hoteltv.db.models import Division, EnforcementOperation, Hotel, Inspection, carried, live
from hoteltv.domain import clock
from hoteltv.domain.divisions import DivisionList
from hoteltv.errors import Problem, ValidationError

#: Largest count accepted for officers, vehicles or site checks of one day: above it is a typing mistake.
MAX_COUNT = 9999


@dataclass(frozen=True)
class OperationInput:
    """What a person records for an operation."""

    op_date: date
    division_code: str
    lead_department: str
    joint_departments: tuple[str, ...] = ()
    officers: int = 0
    vehicles: int = 0
    site_checks: int | None = None  # None: the number of sites listed
    site_ids: tuple[str, ...] = ()
    inspection_ids: tuple[str, ...] = ()
    title: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class OperationView:
    """An operation as lists and reports show it."""

    id: str
    op_date: date
    division_code: str
    division_name: str
    title: str | None
    lead_department: str
    joint_departments: tuple[str, ...]
    officers: int
    vehicles: int
    site_checks: int
    site_ids: tuple[str, ...]
    inspection_ids: tuple[str, ...]
    notes: str | None
    site_names: tuple[str, ...] = ()

    @property
    def joint(self) -> bool:
        """联合执法: more than one department took part."""
        return len({self.lead_department, *self.joint_departments}) > 1


def split_names(names: Sequence[str] | None) -> list[str]:
    """Each of ``names`` split at commas and 、 (several typed in one), trimmed; blanks left out."""
    parts = (
        p.strip() for name in names or () for p in str(name).replace("，", ",").replace("、", ",").split(",")
    )
    return [p for p in parts if p]


def validate_operation(
    data: OperationInput, divisions: DivisionList, today: date | None = None
) -> tuple[OperationInput, list[Problem]]:
    """Check and normalise an operation; each problem names its field."""
    problems: list[Problem] = []
    today = today or clock.today()
    if not isinstance(data.op_date, date):
        problems.append(Problem("op_date", "日期无效 (not a date)", data.op_date))
    elif data.op_date > today:
        problems.append(
            Problem(
                "op_date", f"日期不能晚于今天 {today.isoformat()} (the date is in the future)", data.op_date
            )
        )
    division = divisions.find(data.division_code or "")
    if division is None:
        problems.append(Problem("division_code", "未知的县区 (unknown division)", data.division_code))
    lead = (data.lead_department or "").strip()
    if not lead:
        problems.append(Problem("lead_department", "牵头部门不能为空 (lead department is required)"))
    elif len(lead) > 100:
        problems.append(Problem("lead_department", "牵头部门名称过长 (longer than 100 characters)", lead))
    joint = tuple(d for d in dict.fromkeys(split_names(data.joint_departments)) if d != lead)
    site_ids = tuple(dict.fromkeys(data.site_ids))
    site_checks = len(site_ids) if data.site_checks is None else data.site_checks
    for key, value, word in (
        ("officers", data.officers, "出动执法人员(人次)"),
        ("vehicles", data.vehicles, "出动车辆(车次)"),
        ("site_checks", site_checks, "检查场所(个次)"),
    ):
        if isinstance(value, bool) or not isinstance(value, int):
            problems.append(Problem(key, f"{word}应为整数 (must be a whole number)", value))
        elif value < 0:
            problems.append(Problem(key, f"{word}不能为负数 (must not be negative)", value))
        elif value > MAX_COUNT:
            problems.append(Problem(key, f"{word}超过{MAX_COUNT},请核对 (more than {MAX_COUNT})", value))
    if isinstance(site_checks, int) and 0 <= site_checks < len(site_ids):
        problems.append(
            Problem(
                "site_checks",
                f"检查场所个次({site_checks})少于所列场所数({len(site_ids)}) (fewer checks than sites listed)",
                site_checks,
            )
        )
    cleaned = replace(
        data,
        division_code=division.code if division else data.division_code,
        lead_department=lead,
        joint_departments=joint,
        site_checks=site_checks,
        site_ids=site_ids,
        inspection_ids=tuple(dict.fromkeys(data.inspection_ids)),
        title=(data.title or "").strip() or None,
        notes=(data.notes or "").strip() or None,
    )
    return cleaned, problems


def _check_references(s: Session, data: OperationInput, problems: list[Problem]) -> Division | None:
    division = s.scalars(select(Division).where(Division.code == data.division_code)).first()
    if division is None:
        problems.append(
            Problem("division_code", "县区不在数据库中 (not in the database)", data.division_code)
        )
    for site_id in data.site_ids:
        hotel = s.get(Hotel, site_id)
        if hotel is None or hotel.deleted:
            problems.append(Problem("site_ids", "没有这个场所 (no such site)", site_id))
    for insp_id in data.inspection_ids:
        insp = s.get(Inspection, insp_id)
        if insp is None or insp.deleted:
            problems.append(Problem("inspection_ids", "没有这条检查记录 (no such inspection)", insp_id))
    return division


def _apply(op: EnforcementOperation, data: OperationInput, division: Division) -> None:
    values: dict[str, Any] = asdict(data) | {"division_id": division.id}
    del values["division_code"]
    for key in ("joint_departments", "site_ids", "inspection_ids"):  # stored as JSON lists
        values[key] = list(values[key])
    for key, value in values.items():
        if getattr(op, key) != value:
            setattr(op, key, value)
    op.division = division


def add_operation(
    db: Database, data: OperationInput, divisions: DivisionList, *, today: date | None = None, actor: str = ""
) -> OperationView:
    """Record an operation (refused whole, nothing written, when any field is wrong)."""
    data, problems = validate_operation(data, divisions, today)
    if problems:
        raise ValidationError("执法行动信息有误,未保存 (the operation was not saved)", problems)
    with db.transaction(actor) as s:
        division = _check_references(s, data, problems)
        if problems or division is None:
            raise ValidationError("执法行动信息有误,未保存 (the operation was not saved)", problems)
        op = EnforcementOperation()
        _apply(op, data, division)
        s.add(op)
        s.flush()
        return _view(s, op)


def delete_operation(db: Database, operation_id: str, actor: str = "") -> None:
    with db.transaction(actor) as s:
        op = live(s, EnforcementOperation, operation_id, f"没有这次执法行动 (no operation {operation_id})")
        op.deleted = True


def _view(s: Session, op: EnforcementOperation) -> OperationView:
    names = []
    for site_id in op.site_ids or []:
        hotel = s.get(Hotel, site_id)
        names.append(hotel.name if hotel is not None else str(site_id)[:8])
    return OperationView(
        **carried(op, "id op_date title lead_department officers vehicles site_checks notes"),
        division_code=op.division.code,
        division_name=op.division.name,
        joint_departments=tuple(op.joint_departments or ()),
        site_ids=tuple(op.site_ids or ()),
        inspection_ids=tuple(op.inspection_ids or ()),
        site_names=tuple(names),
    )


def list_operations(
    db: Database,
    *,
    since: date | None = None,
    until: date | None = None,
    division: str | None = None,
) -> list[OperationView]:
    """Live operations in the period (dates inclusive) and division (code, name or alias), by date."""
    stmt = (
        select(EnforcementOperation)
        .join(Division)
        .where(EnforcementOperation.deleted.is_(False))
        .order_by(EnforcementOperation.op_date, EnforcementOperation.created_at)
    )
    if since is not None:
        stmt = stmt.where(EnforcementOperation.op_date >= since)
    if until is not None:
        stmt = stmt.where(EnforcementOperation.op_date <= until)
    with db.reading() as s:
        ops = list(s.scalars(stmt).unique())
        if division:
            ops = [o for o in ops if division in (o.division.code, o.division.name, *o.division.aliases)]
        return [_view(s, o) for o in ops]
