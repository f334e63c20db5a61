"""The command line's output streams: UTF-8 when redirected, never a crash on a character the console's
code page lacks, and progress lines without terminal escape codes.

On a Chinese Windows a redirected ``hoteltv … > out.txt`` or ``| findstr`` writes in the ANSI code page
(cp936, GBK) with strict errors, so one character outside GBK (䶮, •, €) ended a command half-way with
"internal error" and ``--json`` came out as GBK. :func:`prepare_streams` makes a redirected stream UTF-8
and a console stream lenient. Old Windows consoles print ``\\033[K`` as "←[K" unless VT processing is on,
so :class:`ProgressLine` clears with spaces instead.
"""

from __future__ import annotations

import codecs
import io
import itertools
import shutil
import sys
import unicodedata
from typing import Any, TextIO


def _is_tty(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):  # no isatty, or a closed stream
        return False


def prepare_stream(stream: Any) -> None:
    """Make ``stream`` safe to print anything to (a text stream of ``sys``; others are left alone).

    Redirected to a file or pipe: UTF-8, with lone surrogates (undecodable file names) written as
    ``\\udcxx`` escapes. A console: its encoding kept, characters it cannot show written as ``?``.
    """
    if not isinstance(stream, io.TextIOWrapper):
        return  # None under pythonw, or a stream a test or a caller made: not ours to change
    try:
        if _is_tty(stream):
            if stream.errors == "strict":
                stream.reconfigure(errors="replace")
        elif codecs.lookup(stream.encoding).name != "utf-8" or stream.errors == "strict":
            stream.reconfigure(encoding="utf-8", errors="backslashreplace")
    except (ValueError, OSError, LookupError):
        pass  # a closed stream or an unknown codec name: printing will say so itself


def prepare_streams() -> None:
    """:func:`prepare_stream` on ``sys.stdout`` and ``sys.stderr`` (at the start of the command line)."""
    prepare_stream(sys.stdout)
    prepare_stream(sys.stderr)


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal (Chinese characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _fit(text: str, columns: int) -> str:
    """The longest start of ``text`` that takes at most ``columns``."""
    ends = itertools.accumulate(display_width(c) for c in text)
    return "".join(c for c, end in zip(text, ends, strict=True) if end <= columns)


class ProgressLine:
    """One line of progress on a terminal, rewritten in place with ``\\r`` and cleared with spaces.

    Nothing is written when the stream is not a terminal (a log file gets no progress noise). The text is
    cut to the terminal's width, since a wrapped line cannot be rewritten.
    """

    def __init__(self, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.active = _is_tty(self.stream)
        self._width = 0

    def show(self, text: str) -> None:
        if not self.active:
            return
        columns = max(shutil.get_terminal_size().columns - 1, 10)
        text = _fit(text, columns)
        width = display_width(text)
        pad = " " * max(self._width - width, 0)
        self.stream.write(f"\r{text}{pad}")
        self.stream.flush()
        self._width = width

    def counter(self, done: int, total: int, text: str) -> bool:
        """A core ``progress(done, total, text)`` callback showing ``done/total text``; never cancels."""
        self.show(f"{done}/{total} {text}")
        return True

    def end(self) -> None:
        """Finish the line (a newline) if anything was shown."""
        if self.active and self._width:
            self.stream.write("\n")
            self.stream.flush()
        self._width = 0
