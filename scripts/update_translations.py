"""Refresh the GUI's translation files with the Qt tools that the PySide6 wheel ships.

Usage (from the repository root)::

    python scripts/update_translations.py            # lupdate, then lrelease
    python scripts/update_translations.py --check    # also fail if a translation is missing
    python scripts/update_translations.py --release-only   # only compile .ts -> .qm

The interface's source strings are Chinese (zh_CN is the default language and so always complete);
``resources/translations/hoteltv_<lang>.ts`` holds each other language (today: English).

1. ``lupdate`` (the wheel's binary, ``PySide6/lupdate``; it parses Python natively) scans every ``.py``
   under ``ui/`` for ``self.tr("…")``, ``QCoreApplication.translate("Context", "…")`` and
   ``QT_TRANSLATE_NOOP("Context", "…")`` and merges what it finds into the ``.ts``: existing
   translations are kept, new strings are added as unfinished, strings no longer in the code are kept
   as "vanished" (lrelease skips them; ``--drop-obsolete`` removes them).
2. ``lrelease`` (the wheel's ``PySide6/lrelease``) compiles each ``.ts`` to the ``.qm`` the program loads.

Translate new strings with Qt Linguist (``pyside6-linguist resources/translations/hoteltv_en.ts``) or
by editing the XML, then run this script again.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [ROOT / "ui"]
TRANSLATIONS = ROOT / "resources" / "translations"
LANGUAGES = ["en"]
SOURCE_LANGUAGE = "zh_CN"


def qt_tool(name: str) -> Path:
    """Path of a Qt tool inside the installed PySide6 wheel (lupdate, lrelease)."""
    import PySide6

    folder = Path(PySide6.__file__).resolve().parent
    suffix = ".exe" if sys.platform == "win32" else ""
    for candidate in (folder / f"{name}{suffix}", folder / "Qt" / "bin" / f"{name}{suffix}"):
        if candidate.is_file():
            return candidate
    raise SystemExit(f"{name} not found in the PySide6 wheel at {folder}; install PySide6-Essentials")


def ts_path(language: str) -> Path:
    return TRANSLATIONS / f"hoteltv_{language}.ts"


def qm_path(language: str) -> Path:
    return TRANSLATIONS / f"hoteltv_{language}.qm"


def run(command: list[str | Path]) -> None:
    print("+", " ".join(str(c) for c in command))
    subprocess.run([str(c) for c in command], check=True, cwd=ROOT)


def update(language: str, drop_obsolete: bool) -> None:
    command: list[str | Path] = [
        qt_tool("lupdate"),
        "-extensions",
        "py",
        "-source-language",
        SOURCE_LANGUAGE,
        "-target-language",
        language,
        "-locations",
        "relative",
    ]
    if drop_obsolete:
        command.append("-no-obsolete")
    command += [*(s.relative_to(ROOT) for s in SOURCES), "-ts", ts_path(language).relative_to(ROOT)]
    run(command)


def release(language: str) -> None:
    run(
        [qt_tool("lrelease"), ts_path(language).relative_to(ROOT), "-qm", qm_path(language).relative_to(ROOT)]
    )


def unfinished(language: str) -> list[tuple[str, str]]:
    """(context, source) of every current message without a finished translation."""
    tree = ET.parse(ts_path(language))
    missing = []
    for context in tree.getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is None:
                continue
            kind = translation.get("type")
            if kind in ("vanished", "obsolete"):
                continue
            empty = not (translation.text or "").strip() and not list(translation)
            if kind == "unfinished" or empty:
                missing.append((name, message.findtext("source") or ""))
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if any string is untranslated")
    parser.add_argument("--release-only", action="store_true", help="only compile .ts to .qm")
    parser.add_argument("--drop-obsolete", action="store_true", help="remove strings no longer in the code")
    args = parser.parse_args(argv)
    TRANSLATIONS.mkdir(parents=True, exist_ok=True)
    status = 0
    for language in LANGUAGES:
        if not args.release_only:
            update(language, args.drop_obsolete)
        release(language)
        missing = unfinished(language)
        if missing:
            print(f"{ts_path(language).name}: {len(missing)} untranslated:")
            for context, source in missing[:50]:
                print(f"  [{context}] {source!r}")
            if args.check:
                status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
