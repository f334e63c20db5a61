"""Preparing a data folder: open the database and load the division list (idempotent)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from hoteltv.config import Settings
from hoteltv.db.engine import Database
from hoteltv.db.models import Division
from hoteltv.domain import clock
from hoteltv.domain.divisions import DivisionList, default_divisions, load_division_file


@dataclass(frozen=True)
class DivisionView:
    id: str
    code: str
    name: str


def division_list(settings: Settings) -> DivisionList:
    """The division list in force: the settings' file if one is named, else the shipped Baoshan list."""
    path = settings.get("division_file")
    return load_division_file(Path(path)) if path else default_divisions()


def ensure_divisions(db: Database, divisions: DivisionList, actor: str = "") -> int:
    """Make sure every division of the list is in the database (ids derive from codes); returns how many
    were added or updated."""
    changed = 0
    with db.transaction(actor) as s:
        existing = {d.code: d for d in s.scalars(select(Division))}
        for info in divisions.divisions:
            row = existing.get(info.code)
            if row is None:
                s.add(
                    Division(
                        id=info.id,
                        code=info.code,
                        name=info.name,
                        aliases=list(info.aliases),
                        city_code=divisions.city_code,
                    )
                )
                changed += 1
            elif row.name != info.name or list(row.aliases) != list(info.aliases) or row.deleted:
                row.name, row.aliases, row.deleted = info.name, list(info.aliases), False
                changed += 1
    return changed


def list_divisions(db: Database) -> list[DivisionView]:
    with db.reading() as s:
        return [
            DivisionView(d.id, d.code, d.name)
            for d in s.scalars(select(Division).where(Division.deleted.is_(False)).order_by(Division.code))
        ]


def open_home(home: Path) -> tuple[Database, Settings, DivisionList]:
    """Open a data folder ready for use: database migrated, settings read, divisions loaded."""
    db = Database.open(home)
    settings = Settings(home)
    clock.set_bureau_zone(settings.get("time_zone"))
    divisions = division_list(settings)
    ensure_divisions(db, divisions)
    return db, settings, divisions
