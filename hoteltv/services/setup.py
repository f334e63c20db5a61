"""Preparing a data folder: open the database and load the division list (idempotent)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from hoteltv.config import Settings
from hoteltv.domain import clock
from hoteltv.domain.divisions import DivisionList, default_divisions, load_division_file
from hoteltv.domain.numerals import fold
from hoteltv.errors import HoteltvError

if TYPE_CHECKING:
    from hoteltv.db.engine import Database

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DivisionView:
    id: str
    code: str
    name: str
    aliases: tuple[str, ...] = ()

    def answers_to(self, text: str) -> bool:
        """Is ``text`` this division's code, name, id or one of its other names (隆阳 for 隆阳区), compared
        as every answer is (full-width digits, spaces; :func:`hoteltv.domain.numerals.fold`)?"""
        return fold(text) in {fold(v) for v in (self.code, self.name, self.id, *self.aliases)}


def division_list(settings: Settings, problems: list[str] | None = None) -> DivisionList:
    """The division list in force: the settings' file if one is named, else the shipped Baoshan list.

    A named file that is missing or broken does not stop the program: the shipped list is used, and the
    reason is appended to ``problems`` for the caller to show, or logged as a warning when no list is given.
    """
    path = settings.get("division_file")
    if not path:
        return default_divisions()
    try:
        return load_division_file(path, settings.get("division_city"))
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
    from sqlalchemy import select

    from hoteltv.db.models import Division

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
    from sqlalchemy import select

    from hoteltv.db.models import Division

    with db.reading() as s:
        return [
            DivisionView(d.id, d.code, d.name, tuple(str(a) for a in d.aliases or ()))
            for d in s.scalars(select(Division).where(Division.deleted.is_(False)).order_by(Division.code))
        ]


def home_settings(home: Path, problems: list[str]) -> tuple[Settings, DivisionList]:
    """A data folder's settings and division list, read without the database (the bureau's time zone set
    from them); what does not stop the opening is appended to ``problems``."""
    settings = Settings(home)
    try:
        clock.set_bureau_zone(settings.get("time_zone"))
    except HoteltvError as exc:  # only a hand-edited file holds one: the settings dialog checks the zone
        raise HoteltvError(
            f"{settings.path}: time_zone — {exc.message};请改正或删去这一项 (fix or remove this entry)"
        ) from exc
    return settings, division_list(settings, problems)


def open_database(
    home: Path,
    divisions: DivisionList,
    division_problems: bool = False,
    on_open: Callable[[Database], object] | None = None,
) -> Database:
    """The data folder's database, migrated, with ``divisions`` in it. With ``division_problems`` (the
    named division file could not be used) the fallback list is only written into a database that has no
    divisions yet: another city's records are not mixed with Baoshan's because its file went missing.
    ``on_open(db)`` is called before the divisions are written (to listen to their commit)."""
    from hoteltv.db.engine import Database

    db = Database.open(home)
    try:
        if on_open is not None:
            on_open(db)
        if not division_problems or not list_divisions(db):
            ensure_divisions(db, divisions)
    except BaseException:
        db.close()
        raise
    return db


def open_home(home: Path, problems: list[str] | None = None) -> tuple[Database, Settings, DivisionList]:
    """Open a data folder ready for use: database migrated, settings read, divisions loaded
    (:func:`home_settings`, then :func:`open_database`).

    Warnings that did not stop the opening (a division file that cannot be used) are appended to
    ``problems``, or logged when no list is given.
    """
    found: list[str] = []
    settings, divisions = home_settings(home, found)
    db = open_database(home, divisions, bool(found))
    if problems is not None:
        problems.extend(found)
    else:
        for message in found:
            log.warning("%s", message)
    return db, settings, divisions
