"""Preparing a data folder: open the database and load the division list (idempotent)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from hoteltv.config import Settings
from hoteltv.db.engine import Database
from hoteltv.db.models import Division
from hoteltv.domain import clock
from hoteltv.domain.divisions import DivisionList, default_divisions, load_division_file
from hoteltv.errors import HoteltvError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DivisionView:
    id: str
    code: str
    name: str


def division_list(settings: Settings, problems: list[str] | None = None) -> DivisionList:
    """The division list in force: the settings' file if one is named, else the shipped Baoshan list.

    A named file that is missing or broken does not stop the program: the shipped list is used, and the
    reason is appended to ``problems`` for the caller to show, or logged as a warning when no list is given.
    """
    path = settings.get("division_file")
    if not path:
        return default_divisions()
    try:
        return load_division_file(Path(path))
    except HoteltvError as exc:
        message = (
            f"设置中的区划文件无法使用,暂用内置的保山市区划;请在设置中改正 division_file。原因:{exc} "
            f"(the division file named in the settings cannot be used; the shipped Baoshan list is used "
            f"until the division_file setting is fixed)"
        )
        if problems is None:
            log.warning("%s", message)
        else:
            problems.append(message)
        return default_divisions()


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


def open_home(home: Path, problems: list[str] | None = None) -> tuple[Database, Settings, DivisionList]:
    """Open a data folder ready for use: database migrated, settings read, divisions loaded.

    Warnings that did not stop the opening (a division file that cannot be used) are appended to
    ``problems``, or logged when no list is given. The fallback list is only written into a database that has no divisions yet: another
    city's records are not mixed with Baoshan's because its file went missing.
    """
    db = Database.open(home)
    try:
        settings = Settings(home)
        clock.set_bureau_zone(settings.get("time_zone"))
        found: list[str] = []
        divisions = division_list(settings, found)
        if not found or not list_divisions(db):
            ensure_divisions(db, divisions)
    except BaseException:
        db.close()
        raise
    if problems is not None:
        problems.extend(found)
    else:
        for message in found:
            log.warning("%s", message)
    return db, settings, divisions
