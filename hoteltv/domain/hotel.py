"""A hotel's fields as a person gives them (:class:`HotelInput`) and as the registry shows them
(:class:`HotelView`): plain values, importable without the database layer (the GUI's first screen is
drawn before SQLAlchemy is loaded)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime

from hoteltv.domain import sites


@dataclass(frozen=True)
class HotelInput:
    """What a person types for a hotel (form, spreadsheet row, JSON)."""

    name: str
    division_code: str
    address: str | None = None
    credit_code: str | None = None
    star_class: int | None = None
    rooms: int | None = None
    tvs: int | None = None
    tv_system: str | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    person_in_charge: str | None = None
    pilot: bool = False
    target_mode: str | None = None
    current_mode: str | None = None
    notes: str | None = None
    site_kind: str = sites.DEFAULT


@dataclass(frozen=True)
class HotelView:
    """A hotel as the registry shows it, with facts derived from its inspection history."""

    id: str
    name: str
    division_code: str
    division_name: str
    address: str | None
    credit_code: str | None
    star_class: int | None
    rooms: int | None
    tvs: int | None
    tv_system: str | None
    contact_name: str | None
    contact_phone: str | None
    person_in_charge: str | None
    pilot: bool
    target_mode: str | None
    current_mode: str
    remediation_status: str
    notes: str | None
    version: int
    updated_at: datetime
    site_kind: str = sites.DEFAULT
    last_inspection_at: datetime | None = None
    last_result: str | None = None
    next_deadline: date | None = None
    overdue: bool = False

    def as_input(self) -> HotelInput:
        return HotelInput(**{f.name: getattr(self, f.name) for f in fields(HotelInput)})
