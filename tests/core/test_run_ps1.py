"""``run.ps1``, checked without Windows: no PowerShell (nor PSScriptAnalyzer) installs here, so its syntax is
parsed with the tree-sitter PowerShell grammar, the Python check it hands to each candidate interpreter is
run for real (here, and in a virtual environment under a Microsoft Store-like folder), and the rules a
Windows PowerShell 5.1 imposes on the file are asserted."""

from __future__ import annotations

import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest

RUN_PS1 = Path(__file__).resolve().parents[2] / "run.ps1"


def _python_check() -> str:
    """The Python source in ``$PythonCheck`` (PowerShell string pieces joined with ``+``)."""
    text = RUN_PS1.read_text(encoding="utf-8")
    block = re.search(r'^\$PythonCheck = (.*?\))"\s*$', text, re.S | re.M)
    assert block is not None
    return "".join(re.findall(r'"([^"]*)"', block.group(0)))


def _check(python: str) -> int:
    return subprocess.run([python, "-c", _python_check()], capture_output=True, timeout=60).returncode


def test_the_script_is_ascii_so_windows_powershell_reads_it_right() -> None:
    raw = RUN_PS1.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") or raw.isascii()


def test_the_script_parses() -> None:
    ts = pytest.importorskip("tree_sitter")
    grammar = pytest.importorskip("tree_sitter_powershell")
    tree = ts.Parser(ts.Language(grammar.language())).parse(RUN_PS1.read_bytes())
    assert not tree.root_node.has_error


def test_the_python_check_passes_this_python_with_no_double_quotes() -> None:
    source = _python_check()
    assert '"' not in source  # Windows PowerShell 5.1 would drop them from a native argument
    assert _check(sys.executable) == 0


def test_the_python_check_refuses_a_microsoft_store_python(tmp_path: Path) -> None:
    store = tmp_path / "WindowsApps" / "PythonSoftwareFoundation.Python.3.12_qbz5n2kfra8p0"
    venv.create(store, with_pip=False, symlinks=True)
    python = store / "Scripts" / "python.exe" if sys.platform == "win32" else store / "bin" / "python"
    assert _check(str(python)) == 3


def test_the_stamp_is_utf8_the_venv_outside_the_project_and_the_gui_under_pythonw() -> None:
    text = RUN_PS1.read_text(encoding="utf-8")
    assert "-Encoding ASCII" not in text
    assert "[IO.File]::WriteAllText($Stamp, $want, $Utf8)" in text
    assert "[IO.File]::ReadAllText($Stamp, $Utf8)" in text
    assert "$DefaultVenv = Join-Path $env:LOCALAPPDATA 'Programs\\hoteltv\\venv'" in text
    assert "Start-Process -FilePath $VPyw" in text
    assert text.index("foreach ($v in '-3', ") < text.index("foreach ($name in 'python'")  # py -3 first
