"""What every ``hoteltv`` sub-command module shares: the context, exit codes, text tables and the parsers
of the arguments people type (a date, a division, a hotel or an inspection by id, id prefix or name).

The sub-command modules (``hoteltv/cli.py`` and ``<package>/cli.py`` beside each feature) import this
module; it imports none of them.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, is_dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from hoteltv.console import display_width
from hoteltv.errors import HoteltvError

EXIT_USAGE = 2
EXIT_REFUSED = 1
EXIT_INTERNAL = 70


class Context:
    """What a command needs: the data folder, opened lazily (``--help`` never touches the disk)."""

    def __init__(self, home: Path, out: Any = None) -> None:
        self.home = home
        self.out = out or sys.stdout
        self._opened: Any = None

    def open(self) -> Any:
        if self._opened is None:
            from hoteltv.services.setup import open_home

            warnings: list[str] = []
            self._opened = open_home(self.home, warnings)
            warn(*(f"警告 (warning): {warning}" for warning in warnings))
        return self._opened

    @property
    def db(self) -> Any:
        return self.open()[0]

    @property
    def settings(self) -> Any:
        return self.open()[1]

    @property
    def divisions(self) -> Any:
        return self.open()[2]

    def print(self, *args: Any) -> None:
        print(*args, file=self.out)

    def json(self, data: Any) -> None:
        print(json.dumps(data, ensure_ascii=False, indent=2, default=json_default), file=self.out)

    def records(
        self,
        as_json: bool,
        records: Sequence[Any],
        headers: Sequence[str],
        row: Callable[[Any], Sequence[Any]],
        *,
        data: Callable[[Any], Any] = asdict,
        total: str = "",
    ) -> int:
        """A list command's output: ``records`` as JSON (``data`` of each), or as a table of ``row`` of each
        under ``headers`` followed by the line ``total`` when given. Returns the exit code, 0."""
        if as_json:
            self.json([data(r) for r in records])
            return 0
        self.print(format_table(headers, [row(r) for r in records]))
        if total:
            self.print(total)
        return 0

    def close(self) -> None:
        if self._opened is not None:
            self._opened[0].close()


def command_group(sub: Any, name: str, help_: str, **options: Any) -> Any:
    """The sub-parsers of a command made of actions (``hoteltv NAME ACTION …``)."""
    parser = sub.add_parser(name, help=help_, **options)
    return parser.add_subparsers(dest="sub", metavar="ACTION", required=True)


def warn(*lines: object) -> None:
    """Print each of ``lines`` to stderr as a message of the ``hoteltv`` command."""
    for line in lines:
        print(f"hoteltv: {line}", file=sys.stderr)


def json_default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


# --- text tables ------------------------------------------------------------------------------------------


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def format_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain text table that lines up Chinese (double-width) and Latin text."""
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [max([display_width(h)] + [display_width(r[i]) for r in cells]) for i, h in enumerate(headers)]
    lines = ["  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)).rstrip() for r in cells]
    return "\n".join(lines)


def division_code(ctx: Context, text: str | None) -> str | None:
    """The code of the division a user named (by name or code), or None for no filter."""
    if not text:
        return None
    found = ctx.divisions.find(text)
    if found is None:
        names = ", ".join(d.name for d in ctx.divisions.divisions)
        raise HoteltvError(f"未知的县区 {text!r} (unknown division; one of: {names})")
    return str(found.code)


def hotel_id_arg(ctx: Context, text: str, *, site: bool = False) -> str:
    """The id of the one hotel matching an id, an id prefix or an exact name (markets and compounds too;
    ``site``: the refusal speaks of sites, not hotels)."""
    from hoteltv.services.hotels import list_hotels

    every = list_hotels(ctx.db, site_kind=None)
    matches = [h for h in every if h.id == text or h.id.startswith(text) or h.name == text]
    if len(matches) != 1:
        several, zh, en, listing = (
            ("有多个", "场所", "sites", " --kind all") if site else ("有多家", "酒店", "hotels", "")
        )
        raise HoteltvError(
            f"{'没有' if not matches else several}{zh}匹配 {text!r} "
            f"({'no' if not matches else 'several'} {en} match; give the id shown by 'hotels list{listing}')"
        )
    return matches[0].id


def find_inspection_arg(ctx: Context, text: str) -> Any:
    """The inspection with this id, record number (the newest version of it) or unique id prefix."""
    from hoteltv.services.inspections import find_inspection, list_inspections

    try:
        return find_inspection(ctx.db, text)
    except HoteltvError:
        prefix = [i for i in list_inspections(ctx.db) if i.id.startswith(text)]
        if len(prefix) == 1:
            return find_inspection(ctx.db, prefix[0].id)
        if prefix:
            raise HoteltvError(
                f"有多条检查记录匹配 {text!r} (several inspections match; give more characters of the id)"
            ) from None
        raise


def notice_id_arg(ctx: Context, text: str) -> str:
    """The id of the notice with this id, 文号 or unique id prefix."""
    from hoteltv.services.notices import get_notice, list_notices

    try:
        return get_notice(ctx.db, text).id
    except HoteltvError:
        matches = [n for n in list_notices(ctx.db) if n.id.startswith(text)]
        if len(matches) == 1:
            return matches[0].id
        raise


def parse_date(text: str | None, flag: str) -> date | None:
    """A YYYY-MM-DD argument of option ``flag`` as a date (None when not given)."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise HoteltvError(
            f"{flag}: 日期格式应为 YYYY-MM-DD (date must be YYYY-MM-DD, got {text!r})"
        ) from exc
