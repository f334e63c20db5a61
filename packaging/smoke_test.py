"""Smoke test of an INSTALLED hoteltv (the .deb's /usr/bin, or the Windows install folder).

    python packaging/smoke_test.py [--bin DIR]      (DIR: where hoteltv and hoteltv-gui are;
                                                     default $HOTELTV_INSTALLED, else /usr/bin)

The programs run with a clean environment (no PYTHONPATH, no virtual environment, HOME/APPDATA pointed
into a scratch folder) and from a scratch working folder, so nothing of the development checkout can
stand in for what was installed. Checked, in order:

1. ``hoteltv-gui`` offscreen on an empty data folder: it creates the database and stays up 5 s.
2. ``hoteltv demo`` loads the demo set.
3. ``hoteltv print sheet`` writes a PDF whose every font is embedded (``pdffonts``, else pypdf).
4. ``hoteltv hotels import`` of an .xlsx made here with openpyxl.
5. ``hoteltv hotels import`` of an old Excel .xls (python-calamine inside the build).
6. ``hoteltv report`` writes the half-year report as .docx (python-docx's templates inside the build) and
   .pdf, holding the demo's figures.
7. ``hoteltv backup`` writes a zip holding the database.
8. ``hoteltv serve`` answers ``GET /healthz`` on 127.0.0.1.

Exits 0 when all pass, 1 with the failing step's output otherwise. The driver itself needs Python with
openpyxl (and pypdf where poppler's ``pdffonts`` is missing, e.g. on Windows).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from pathlib import Path

WINDOWS = sys.platform == "win32"
GUI_SECONDS = 5.0


class SmokeFailure(Exception):
    pass


def exe(folder: Path, name: str) -> Path:
    path = folder / (name + (".exe" if WINDOWS else ""))
    if not path.exists():
        raise SmokeFailure(f"{path} not found: is hoteltv installed there?")
    return path


def clean_env(scratch: Path, **extra: str) -> dict[str, str]:
    """A minimal environment: the system PATH only, a scratch HOME, nothing Python-related."""
    env = {
        "PATH": os.pathsep.join(p for p in os.environ.get("PATH", "").split(os.pathsep) if "venv" not in p)
    }
    home = scratch / "home"
    home.mkdir(exist_ok=True)
    if WINDOWS:
        for key in ("SYSTEMROOT", "SYSTEMDRIVE", "WINDIR", "COMSPEC", "PATHEXT", "TEMP", "TMP"):
            if key in os.environ:
                env[key] = os.environ[key]
        env["USERPROFILE"] = str(home)
        env["APPDATA"] = str(home / "AppData" / "Roaming")
        env["LOCALAPPDATA"] = str(home / "AppData" / "Local")
    else:
        env["HOME"] = str(home)
        env["LANG"] = "C.UTF-8"
        env["XDG_RUNTIME_DIR"] = str(scratch / "run")
        (scratch / "run").mkdir(mode=0o700, exist_ok=True)
    env.update(extra)
    return env


def run(cmd: list[str | Path], env: dict[str, str], cwd: Path, timeout: float = 120) -> str:
    proc = subprocess.run(
        [str(c) for c in cmd], env=env, cwd=cwd, capture_output=True, timeout=timeout, check=False
    )
    out = proc.stdout.decode("utf-8", "replace") + proc.stderr.decode("utf-8", "replace")
    if proc.returncode != 0:
        raise SmokeFailure(f"{' '.join(map(str, cmd))} exited {proc.returncode}:\n{out}")
    return out


def check_gui(bindir: Path, scratch: Path) -> str:
    home = scratch / "空的 数据"  # empty, with Chinese and a space
    home.mkdir()
    log = scratch / "gui.log"
    env = clean_env(scratch, QT_QPA_PLATFORM="offscreen")
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(exe(bindir, "hoteltv-gui")), "--home", str(home)],
            env=env,
            cwd=scratch,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + GUI_SECONDS
            while time.monotonic() < deadline:
                if proc.poll() is not None:
                    break
                time.sleep(0.2)
            alive = proc.poll() is None
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
    text = log.read_text(encoding="utf-8", errors="replace")
    if not alive:
        raise SmokeFailure(f"hoteltv-gui exited with {proc.returncode} within {GUI_SECONDS:.0f} s:\n{text}")
    if "Traceback" in text or "cannot open data folder" in text:
        raise SmokeFailure(f"hoteltv-gui stayed up but reported an error:\n{text}")
    if not (home / "hoteltv.db").is_file():
        raise SmokeFailure(f"hoteltv-gui did not create {home / 'hoteltv.db'}:\n{text}")
    return f"stayed up {GUI_SECONDS:.0f} s, database created"


def pdf_fonts(pdf: Path) -> list[tuple[str, bool]]:
    """(font name, embedded?) for every font of the PDF."""
    pdffonts = shutil.which("pdffonts")
    if pdffonts:
        out = subprocess.run([pdffonts, str(pdf)], capture_output=True, text=True, check=True).stdout
        fonts = []
        for line in out.splitlines()[2:]:  # a header line and a rule of dashes
            tokens = line.split()
            if len(tokens) >= 6:  # ... emb sub uni object-number generation
                fonts.append((tokens[0], tokens[-5] == "yes"))
        return fonts
    from pypdf import PdfReader  # pdffonts is missing (Windows): read the font dictionaries

    fonts = {}
    for page in PdfReader(pdf).pages:
        resources = page.get("/Resources")
        font_dict = resources.get_object().get("/Font") if resources else None
        for font in (font_dict.get_object() if font_dict else {}).values():
            font = font.get_object()
            described = font
            if "/DescendantFonts" in font:
                described = font["/DescendantFonts"][0].get_object()
            descriptor = described.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            embedded = any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[str(font.get("/BaseFont"))] = embedded
    return list(fonts.items())


def check_demo_print(bindir: Path, scratch: Path) -> str:
    home = scratch / "demo 数据"
    env = clean_env(scratch)
    hoteltv = exe(bindir, "hoteltv")
    run([hoteltv, "--home", home, "demo"], env, scratch)
    listing = json.loads(run([hoteltv, "--home", home, "inspections", "list", "--json"], env, scratch))
    if not listing:
        raise SmokeFailure("hoteltv demo loaded no inspections")
    first = listing[0]
    ident = str(first.get("id") or first.get("inspection_id"))
    pdf = scratch / "检查记录.pdf"
    run([hoteltv, "--home", home, "print", "sheet", ident, "-o", pdf], env, scratch)
    if not pdf.is_file() or pdf.read_bytes()[:5] != b"%PDF-":
        raise SmokeFailure(f"hoteltv print sheet wrote no PDF at {pdf}")
    fonts = pdf_fonts(pdf)
    if not fonts:
        raise SmokeFailure("the printed sheet has no fonts at all")
    loose = [name for name, embedded in fonts if not embedded]
    if loose:
        raise SmokeFailure(f"fonts not embedded in the printed sheet: {', '.join(loose)}")
    return (
        f"{len(listing)} inspections; sheet {pdf.stat().st_size // 1024} KB, {len(fonts)} fonts all embedded"
    )


def check_import(bindir: Path, scratch: Path) -> str:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["保山市酒店电视整治试点名单"])
    sheet.append(["序号", "酒店名称", "所属县区", "地址", "联系人", "联系电话"])
    sheet.append([1, "烟测宾馆", "隆阳区", "保山市隆阳区正阳北路1号", "张三", "13800000001"])
    sheet.append([2, "烟测大酒店", "腾冲市", "腾冲市和顺镇2号", "李四", "13800000002"])
    xlsx = scratch / "酒店名单.xlsx"
    book.save(xlsx)
    home = scratch / "import 数据"
    env = clean_env(scratch)
    hoteltv = exe(bindir, "hoteltv")
    report = json.loads(
        run([hoteltv, "--home", home, "hotels", "import", xlsx, "--json", "--strict"], env, scratch)
    )
    hotels = json.loads(run([hoteltv, "--home", home, "hotels", "list", "--json"], env, scratch))
    names = sorted(h["name"] for h in hotels)
    if names != ["烟测大酒店", "烟测宾馆"]:
        raise SmokeFailure(f"after importing {xlsx.name} the registry holds {names}; report: {report}")
    return f"{len(names)} hotels imported from .xlsx"


def check_import_xls(bindir: Path, scratch: Path) -> str:
    source = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "sheets" / "pilot_hotels.xls"
    xls = scratch / "试点酒店.xls"
    xls.write_bytes(source.read_bytes())
    home = scratch / "xls 数据"
    env = clean_env(scratch)
    hoteltv = exe(bindir, "hoteltv")
    run([hoteltv, "--home", home, "hotels", "import", xls, "--json"], env, scratch)
    hotels = json.loads(run([hoteltv, "--home", home, "hotels", "list", "--json"], env, scratch))
    if len(hotels) != 3:  # the sheet's fourth row has two bad cells and is refused
        raise SmokeFailure(f"after importing {xls.name} the registry holds {[h['name'] for h in hotels]}")
    return f"{len(hotels)} hotels imported from .xls"


def check_report(bindir: Path, scratch: Path) -> str:
    home = scratch / "demo 数据"  # the demo folder of check_demo_print
    env = clean_env(scratch)
    hoteltv = exe(bindir, "hoteltv")
    docx, pdf = scratch / "半年报告.docx", scratch / "半年报告.pdf"
    run([hoteltv, "--home", home, "report", "-o", docx], env, scratch)
    run([hoteltv, "--home", home, "report", "-o", pdf], env, scratch)
    with zipfile.ZipFile(docx) as archive:
        text = archive.read("word/document.xml").decode("utf-8")
    for figure in ("35家", "24家", "33人次", "4户"):
        if figure not in text:
            raise SmokeFailure(f"{docx.name} does not hold {figure}")
    if not pdf.read_bytes().startswith(b"%PDF"):
        raise SmokeFailure(f"{pdf.name} is not a PDF")
    return f"{docx.stat().st_size // 1024} KB .docx, {pdf.stat().st_size // 1024} KB .pdf"


def check_backup(bindir: Path, scratch: Path) -> str:
    home = scratch / "demo 数据"  # the demo folder of check_demo_print
    target = scratch / "备份.zip"
    run([exe(bindir, "hoteltv"), "--home", home, "backup", target], clean_env(scratch), scratch)
    with zipfile.ZipFile(target) as archive:
        names = archive.namelist()
        bad = archive.testzip()
    if bad is not None or not any(n.endswith("hoteltv.db") for n in names):
        raise SmokeFailure(f"backup {target} is damaged ({bad}) or holds no database: {names[:10]}")
    return f"{len(names)} files, {target.stat().st_size // 1024} KB"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def check_serve(bindir: Path, scratch: Path) -> str:
    port = free_port()
    log = scratch / "serve.log"
    url = f"http://127.0.0.1:{port}/healthz"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [
                str(exe(bindir, "hoteltv")),
                "--home",
                str(scratch / "server 数据"),
                "serve",
                "--port",
                str(port),
            ],
            env=clean_env(scratch),
            cwd=scratch,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 60
            body = None
            while time.monotonic() < deadline and proc.poll() is None:
                try:
                    with urllib.request.urlopen(url, timeout=2) as response:
                        body = json.loads(response.read())
                    break
                except (urllib.error.URLError, ConnectionError, TimeoutError):
                    time.sleep(0.3)
        finally:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    if body != {"status": "ok"}:
        text = log.read_text(encoding="utf-8", errors="replace")
        raise SmokeFailure(f"hoteltv serve did not answer {url} (got {body!r}):\n{text}")
    return f"{url} answered {body}"


CHECKS: list[tuple[str, Callable[[Path, Path], str]]] = [
    ("GUI offscreen on an empty data folder", check_gui),
    ("demo + print sheet with embedded fonts", check_demo_print),
    ("import an .xlsx", check_import),
    ("import an old Excel .xls", check_import_xls),
    ("half-year report .docx and .pdf", check_report),
    ("backup", check_backup),
    ("serve /healthz", check_serve),
]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="smoke test of the installed hoteltv")
    parser.add_argument(
        "--bin", help="folder with hoteltv and hoteltv-gui (default: $HOTELTV_INSTALLED or /usr/bin)"
    )
    args = parser.parse_args(argv)
    default = os.environ.get("HOTELTV_INSTALLED") or (r"C:\Program Files\hoteltv" if WINDOWS else "/usr/bin")
    bindir = Path(args.bin or default)
    start = time.monotonic()
    failed = 0
    with tempfile.TemporaryDirectory(prefix="hoteltv-smoke-") as tmp:
        scratch = Path(tmp)
        for title, check in CHECKS:
            t0 = time.monotonic()
            try:
                detail = check(bindir, scratch)
            except (SmokeFailure, subprocess.TimeoutExpired, OSError) as exc:
                failed += 1
                print(f"FAIL {title} ({time.monotonic() - t0:.1f} s): {exc}", flush=True)
            else:
                print(f"ok   {title} ({time.monotonic() - t0:.1f} s): {detail}", flush=True)
    print(
        f"smoke test of {bindir}: {len(CHECKS) - failed}/{len(CHECKS)} passed in {time.monotonic() - start:.1f} s"
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
