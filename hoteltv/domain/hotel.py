"""The fields of a hotel as a person gives them: one definition for the form, the importer and the services.

:class:`HotelInput` is what is typed (dialog, JSON) or read from a spreadsheet row; the importer's row type
and the registry's view (:class:`HotelView`) are built on it, so a field is added or renamed in one place.
Plain values, importable without the database layer (the GUI's first screen is drawn before SQLAlchemy is
loaded).
"""

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
    #: A ``hoteltv.domain.sites`` key; None: the default kind for a new site, unchanged for an existing one.
    site_kind: str | None = None


#: Fields a person edits (everything else follows from the inspection history), in form order.
EDITABLE: tuple[str, ...] = tuple(f.name for f in fields(HotelInput))


@dataclass(frozen=True, kw_only=True)
class HotelView(HotelInput):
    """A hotel as the registry shows it, with facts derived from its inspection history."""

    id: str
    division_name: str
    current_mode: str
    remediation_status: str
    version: int
    updated_at: datetime
    site_kind: str = sites.DEFAULT
    last_inspection_at: datetime | None = None
    last_result: str | None = None
    next_deadline: date | None = None
    overdue: bool = False

    def as_input(self) -> HotelInput:
        return HotelInput(**{f.name: getattr(self, f.name) for f in fields(HotelInput)})
