"""Typed errors raised by the core. Each carries a message a person can act on; ``ui/`` and the CLI show it."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import ValidationError as PydanticValidationError


class HoteltvError(Exception):
    """Base of every error the core raises on purpose (a user's mistake or a refused action)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class NotFoundError(HoteltvError):
    """A record named by id or number does not exist (or was deleted)."""


class RecordFinalizedError(HoteltvError):
    """An edit was attempted on a finalized (immutable) inspection or its parts."""


class DatabaseError(HoteltvError):
    """The database cannot be opened or upgraded (too new, corrupt, read-only, disk full)."""


class DatabaseTooNewError(DatabaseError):
    """The database was written by a newer hoteltv; this program refuses to touch it."""


class TemplateError(HoteltvError):
    """A checklist template file is malformed or missing."""


@dataclass(frozen=True)
class Problem:
    """One precise complaint about input: where it is and what is wrong.

    ``code`` names the kind of complaint for programs (the GUI words it and decides what to show from
    the code, never from ``message``); empty for complaints nothing needs to tell apart.
    """

    where: str
    message: str
    value: object = None
    code: str = ""

    def __str__(self) -> str:
        shown = "" if self.value is None else f" (value: {self.value!r})"
        return f"{self.where}: {self.message}{shown}"


class ValidationError(HoteltvError):
    """Input was refused; ``problems`` lists every reason found, not only the first."""

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.problems: list[Problem] = list(problems or [])

    def __str__(self) -> str:
        if not self.problems:
            return self.message
        lines = [self.message] + [f"  - {p}" for p in self.problems[:50]]
        if len(self.problems) > 50:
            lines.append(f"  … and {len(self.problems) - 50} more")
        return "\n".join(lines)


@dataclass
class ImportRefused(HoteltvError):
    """A whole input file was refused (not a spreadsheet, missing required columns, too large)."""

    message: str
    missing_columns: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__(self.message)


# --- pydantic's errors as problems ------------------------------------------------------------------------


def _field(part: int | str) -> bool:
    """False for the names pydantic gives a union's members in an error's location (``str``, ``int`` …)."""
    return isinstance(part, int) or not (part in ("str", "int") or "-" in part or "[" in part)


def pydantic_problems(
    error: PydanticValidationError,
    base: str = "",
    messages: Mapping[str, str] | None = None,
    tags: Collection[str] = (),
) -> list[Problem]:
    """Each error of a pydantic model as a :class:`Problem` named by its JSON path under ``base``
    (``$.rooms[0].floor``; the first error of each path). ``messages`` words error types for the caller.
    ``tags`` are a discriminated union's tags, left out of paths (pydantic puts them after a list index);
    a tag that is missing or unknown is named by its field (``shapes[0].kind``)."""
    messages = messages or {}
    out: dict[str, Problem] = {}
    for e in error.errors():
        loc = e["loc"]
        parts = [
            p
            for i, p in enumerate(loc)
            if _field(p) and not (i and p in tags and isinstance(loc[i - 1], int))
        ]
        if e["type"] in ("union_tag_invalid", "union_tag_not_found"):
            parts.append(str(e.get("ctx", {}).get("discriminator", "")).strip("'"))
        path = (base + "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in parts)).removeprefix(".")
        value = e.get("input")
        if e["type"] in messages:
            message = messages[e["type"]]
        elif e["type"] == "literal_error":
            message = f"must be {e.get('ctx', {}).get('expected')}"
        elif e["type"] in ("model_type", "model_attributes_type") and loc and isinstance(loc[-1], int):
            message = "must be an object"
        elif e["type"].endswith("_type"):
            message = f"has the wrong type ({type(value).__name__})"
        else:
            message = e["msg"].removeprefix("Value error, ")
        if path not in out:
            short = None if e["type"] == "missing" else shorten(value)
            out[path] = Problem(path, message, short)
    return list(out.values())


def shorten(value: Any) -> Any:
    """A value as a short repr for a message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."
