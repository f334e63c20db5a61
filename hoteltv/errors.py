"""Typed errors raised by the core. Each carries a message a person can act on; ``ui/`` and the CLI show it."""

from __future__ import annotations

from dataclasses import dataclass, field


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
