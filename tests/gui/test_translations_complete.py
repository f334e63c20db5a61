"""The English translation is complete: every interface string in ``ui/`` has a finished translation in
``resources/translations/hoteltv_en.ts``, placeholders and accelerators agree, and the shipped ``.qm``
says what the ``.ts`` says.

A new ``self.tr("…")`` fails here until ``python scripts/update_translations.py`` has added it to the
``.ts`` and someone has translated it there (then the script compiles the ``.qm``).
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType

import pytest

from PySide6.QtCore import QTranslator

ROOT = Path(__file__).resolve().parents[2]


def _tool() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "update_translations", ROOT / "scripts" / "update_translations.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = _tool()


def _messages(ts: Path) -> list[tuple[str, str, ET.Element]]:
    """(context, source, translation element) of every current message."""
    found = []
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            if translation is not None and translation.get("type") not in ("vanished", "obsolete"):
                found.append((name, message.findtext("source") or "", translation))
    return found


@pytest.mark.parametrize("language", tool.LANGUAGES)
def test_no_unfinished_or_empty_translation(language: str) -> None:
    missing = tool.unfinished(language)
    assert not missing, f"{len(missing)} untranslated in {tool.ts_path(language).name}, e.g. {missing[:5]}"


@pytest.mark.parametrize("language", tool.LANGUAGES)
def test_every_string_in_the_code_is_in_the_ts(language: str, tmp_path: Path) -> None:
    """lupdate merges the code's strings into a copy of the .ts: none may come out new (unfinished)."""
    try:
        lupdate = tool.qt_tool("lupdate")
    except SystemExit as exc:
        pytest.skip(str(exc))
    copy = tmp_path / tool.ts_path(language).name
    shutil.copy(tool.ts_path(language), copy)
    command = [str(lupdate), "-extensions", "py", "-source-language", tool.SOURCE_LANGUAGE]
    command += ["-target-language", language, "-locations", "none", "ui", "-ts", str(copy)]
    subprocess.run(command, check=True, cwd=ROOT, capture_output=True)
    new = [
        (context, source)
        for context, source, translation in _messages(copy)
        if translation.get("type") == "unfinished"
    ]
    assert not new, (
        f"strings not yet in the .ts (run scripts/update_translations.py, then translate): {new[:5]}"
    )


def _marks(text: str) -> list[str]:
    """Placeholders (%1, %n, {0}) of a string."""
    return sorted(re.findall(r"%\d|%n|\{\d\}", text))


def _accelerators(text: str) -> int:
    return len(re.findall(r"&(?=[^&\s])", text.replace("&&", "")))


@pytest.mark.parametrize("language", tool.LANGUAGES)
def test_placeholders_and_accelerators_agree(language: str) -> None:
    wrong = []
    for context, source, translation in _messages(tool.ts_path(language)):
        forms = [f.text or "" for f in translation.findall("numerusform")] or [translation.text or ""]
        for text in forms:
            if _marks(text) != _marks(source):
                wrong.append((context, source, text, "placeholders"))
            if _accelerators(text) != _accelerators(source):
                wrong.append((context, source, text, "accelerator"))
            if source.endswith("…") != text.endswith("…"):
                wrong.append((context, source, text, "ellipsis"))
    assert not wrong, wrong[:10]


@pytest.mark.parametrize("language", tool.LANGUAGES)
def test_the_shipped_qm_matches_the_ts(language: str) -> None:
    translator = QTranslator()
    assert translator.load(str(tool.qm_path(language)))
    stale = []
    for context, source, translation in _messages(tool.ts_path(language)):
        if translation.findall("numerusform"):
            continue
        if translator.translate(context, source) != (translation.text or ""):
            stale.append((context, source))
    assert not stale, f"recompile with scripts/update_translations.py --release-only: {stale[:5]}"
