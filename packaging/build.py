"""Build hoteltv for the platform this runs on: ``python packaging/build.py [--deb] [--clean]``.

1. A frozen one-folder build with PyInstaller (``packaging/hoteltv.spec``): ``dist/hoteltv/`` holds
   ``hoteltv-gui`` and ``hoteltv`` (``.exe`` on Windows) and everything they need.
2. On Linux with ``--deb``: ``dist/hoteltv_<version>_<arch>.deb`` (program in ``/opt/hoteltv``, the two
   commands in ``/usr/bin``, a Chinese desktop entry and the icon), made with ``dpkg-deb --build``.
3. On Windows: the application icon ``build/hoteltv.ico`` (from ``resources/icons``) for the executables
   and for the Inno Setup script ``packaging/windows/hoteltv.iss``, which is compiled afterwards
   (see docs/installing.md).

Needs the ``build`` extra (``pip install -e .[build,server]``). Prints the build's size and time.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DIST = ROOT / "dist"
WORK = ROOT / "build" / "pyinstaller"
APP = DIST / "hoteltv"
ICONS = ROOT / "resources" / "icons"

# Qt's platform libraries on Debian 12 / UOS (the wheel brings Qt itself, the system brings these).
DEB_DEPENDS = [
    "libc6 (>= 2.34)",
    "libglib2.0-0 | libglib2.0-0t64",
    "libgl1",
    "libegl1",
    "libfontconfig1",
    "libfreetype6",
    "libdbus-1-3",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-keysyms1",
    "libxcb-image0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-randr0",
    "libxcb-xinerama0",
    "libxcb-xkb1",
    "libx11-xcb1",
    "libwayland-cursor0",
    "libwayland-egl1",
]

DESKTOP_ENTRY = """\
[Desktop Entry]
Type=Application
Name=酒店电视检查
Name[zh_CN]=酒店电视检查
Name[en]=hoteltv
GenericName=酒店电视整改检查
GenericName[en]=Hotel TV inspections
Comment=酒店电视整改检查:台账、现场检查、照片、打印文书、同步
Comment[en]=Hotel-TV remediation inspections: registry, checklists, photos, printed forms, sync
Exec=hoteltv-gui
Icon=hoteltv
Terminal=false
Categories=Office;
StartupWMClass=hoteltv-gui
"""


def version() -> str:
    sys.path.insert(0, str(ROOT))
    from hoteltv import __version__

    return __version__


def exe(name: str) -> str:
    return name + (".exe" if sys.platform == "win32" else "")


def folder_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def find_icon(suffix: str) -> Path | None:
    """The application icon with this suffix: ``hoteltv<suffix>`` first, else any in resources/icons."""
    preferred = ICONS / f"hoteltv{suffix}"
    if preferred.is_file():
        return preferred
    found = sorted(ICONS.glob(f"*{suffix}")) if ICONS.is_dir() else []
    return found[0] if found else None


def make_ico() -> Path | None:
    """A multi-size .ico for Windows: a shipped one, else drawn from the PNG (or the SVG through Qt)."""
    out = ROOT / "build" / "hoteltv.ico"  # where hoteltv.iss looks for it
    out.parent.mkdir(parents=True, exist_ok=True)
    ico = find_icon(".ico")
    if ico:
        shutil.copyfile(ico, out)
        return out
    from PIL import Image

    png = find_icon(".png")
    if png is not None:
        image = Image.open(png).convert("RGBA")
    else:
        svg = find_icon(".svg")
        if svg is None:
            return None
        image = _render_svg(svg, 256)
    image.save(out, sizes=[(16, 16), (24, 24), (32, 32), (48, 48), (64, 64), (128, 128), (256, 256)])
    return out


def _render_svg(svg: Path, size: int) -> object:
    """Render an SVG to a Pillow image with Qt (PySide6 is there anyway; Pillow cannot read SVG)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image

    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QGuiApplication, QIcon

    app = QGuiApplication.instance() or QGuiApplication([])
    pixmap = QIcon(str(svg)).pixmap(size, size)
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    pixmap.save(buffer, "PNG")
    buffer.close()
    del app
    import io

    return Image.open(io.BytesIO(bytes(data.data()))).convert("RGBA")


def freeze(clean: bool) -> Path:
    """Run PyInstaller on the spec (through its Python API); returns dist/hoteltv."""
    import PyInstaller.__main__

    env_icon = make_ico() if sys.platform == "win32" else None
    os.environ["HOTELTV_ROOT"] = str(ROOT)
    os.environ["HOTELTV_ICON"] = str(env_icon) if env_icon else ""
    os.environ["HOTELTV_WORK"] = str(WORK)
    WORK.mkdir(parents=True, exist_ok=True)
    args = [
        str(ROOT / "packaging" / "hoteltv.spec"),
        "--noconfirm",
        "--distpath",
        str(DIST),
        "--workpath",
        str(WORK),
        "--log-level",
        "WARN",
    ]
    if clean:
        args.append("--clean")
    PyInstaller.__main__.run(args)
    for name in ("hoteltv", "hoteltv-gui"):
        if not (APP / exe(name)).is_file():
            raise SystemExit(f"build.py: PyInstaller did not produce {APP / exe(name)}")
    return APP


def elf_needed(path: Path) -> list[str]:
    """The DT_NEEDED names of a 64-bit little-endian ELF file ([] for anything else)."""
    import struct

    data = path.read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return []
    (shoff,) = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", data, 0x3A)
    sections = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    needed = []
    for _name, kind, _flags, _addr, offset, size, link, _info, _align, entsize in sections:
        if kind != 6:  # SHT_DYNAMIC
            continue
        strtab = sections[link][4]
        for pos in range(offset, offset + size, entsize or 16):
            tag, value = struct.unpack_from("<qQ", data, pos)
            if tag == 0:
                break
            if tag == 1:  # DT_NEEDED
                end = data.index(b"\0", strtab + value)
                needed.append(data[strtab + value : end].decode())
    return needed


LIB_DIRS = [
    Path(p)
    for p in (
        "/lib/x86_64-linux-gnu",
        "/usr/lib/x86_64-linux-gnu",
        "/lib/aarch64-linux-gnu",
        "/usr/lib/aarch64-linux-gnu",
        "/lib64",
        "/usr/lib64",
        "/lib",
        "/usr/lib",
    )
]


def dpkg_owners() -> dict[str, str]:
    """Installed file → Debian package, from dpkg's own lists (/var/lib/dpkg/info/*.list)."""
    owners: dict[str, str] = {}
    for listing in Path("/var/lib/dpkg/info").glob("*.list"):
        package = listing.stem.split(":")[0]
        for line in listing.read_text(encoding="utf-8", errors="replace").splitlines():
            owners[line] = package
    return owners


def system_depends(app: Path) -> list[str]:
    """The Debian packages holding the system libraries the bundle's own files link against (the bundle
    leaves those out, see hoteltv.spec). Fails when one cannot be found at all."""
    bundled = {p.name for p in app.rglob("*.so*")}
    wanted: set[str] = set()
    for path in app.rglob("*"):
        if path.is_file() and not path.is_symlink() and (".so" in path.name or os.access(path, os.X_OK)):
            wanted.update(n for n in elf_needed(path) if n not in bundled)
    owners = dpkg_owners()
    packages: set[str] = set()
    missing = []
    for soname in sorted(wanted):
        found = [d / soname for d in LIB_DIRS if (d / soname).exists()]
        package = next(
            (
                owners.get(str(f)) or owners.get(str(f.resolve()))
                for f in found
                if owners.get(str(f)) or owners.get(str(f.resolve()))
            ),
            None,
        )
        if package is None:
            # Not installed on this machine: fine when the hand-written list names its package
            # (libxcb-icccm.so.4 → libxcb-icccm4).
            stem, _, major = soname.partition(".so.")
            guess = stem + ("-" if stem[-1].isdigit() else "") + major
            if guess not in {d.split()[0] for d in DEB_DEPENDS}:
                missing.append(soname)
        else:
            packages.add(package)
    if missing:
        raise SystemExit(f"build.py: no installed package provides {', '.join(missing)}")
    return sorted(packages)


def deb_arch() -> str:
    machine = platform.machine().lower()
    return {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(machine, machine)


def build_deb(app: Path, ver: str) -> Path:
    """Stage /opt/hoteltv, /usr/bin links, the desktop entry and icon, then ``dpkg-deb --build``."""
    dpkg_deb = shutil.which("dpkg-deb")
    if dpkg_deb is None:
        raise SystemExit("build.py: dpkg-deb not found (apt-get install dpkg)")
    stage = ROOT / "build" / "deb"
    if stage.exists():
        shutil.rmtree(stage)
    opt = stage / "opt" / "hoteltv"
    shutil.copytree(app, opt, symlinks=True)
    bindir = stage / "usr" / "bin"
    bindir.mkdir(parents=True)
    for name in ("hoteltv", "hoteltv-gui"):
        (bindir / name).symlink_to(f"/opt/hoteltv/{name}")
    apps = stage / "usr" / "share" / "applications"
    apps.mkdir(parents=True)
    (apps / "hoteltv.desktop").write_text(DESKTOP_ENTRY, encoding="utf-8")
    svg = find_icon(".svg")
    png = find_icon(".png")
    if svg is not None:
        dest = stage / "usr" / "share" / "icons" / "hicolor" / "scalable" / "apps" / "hoteltv.svg"
        dest.parent.mkdir(parents=True)
        shutil.copyfile(svg, dest)
    if png is not None:
        dest = stage / "usr" / "share" / "icons" / "hicolor" / "256x256" / "apps" / "hoteltv.png"
        dest.parent.mkdir(parents=True)
        shutil.copyfile(png, dest)
    doc = stage / "usr" / "share" / "doc" / "hoteltv"
    doc.mkdir(parents=True)
    shutil.copyfile(
        ROOT / "resources" / "fonts" / "LICENSE-wqy-microhei.txt", doc / "LICENSE-wqy-microhei.txt"
    )
    (doc / "copyright").write_text(
        "hoteltv — Apache-2.0. Bundles Qt (LGPL-3.0, via PySide6), Python (PSF) and the WenQuanYi "
        "Micro Hei font (Apache-2.0, see LICENSE-wqy-microhei.txt).\n",
        encoding="utf-8",
    )
    for path in stage.rglob("*"):  # dpkg wants sane modes whatever the umask was
        if path.is_symlink():
            continue
        path.chmod(0o755 if path.is_dir() or os.access(path, os.X_OK) else 0o644)
    control = stage / "DEBIAN"
    control.mkdir()
    installed_kb = folder_size(stage) // 1024
    depends = list(DEB_DEPENDS)
    have = {d.split()[0] for d in depends}
    depends += [p for p in system_depends(app) if p not in have and p.removesuffix("t64") not in have]
    (control / "control").write_text(
        f"Package: hoteltv\n"
        f"Version: {ver}\n"
        f"Section: utils\n"
        f"Priority: optional\n"
        f"Architecture: {deb_arch()}\n"
        f"Maintainer: hoteltv <hoteltv@localhost>\n"
        f"Installed-Size: {installed_kb}\n"
        f"Depends: {', '.join(depends)}\n"
        f"Description: 酒店电视整改检查 (hotel-TV remediation inspections)\n"
        f" Registry of hotels, on-site checklists with photos, printed forms (PDF) and\n"
        f" sync with the bureau's server. Commands: hoteltv-gui (the window) and hoteltv.\n",
        encoding="utf-8",
    )
    out = DIST / f"hoteltv_{ver}_{deb_arch()}.deb"
    # gzip: every dpkg reads it, and it packs in seconds (xz took minutes here); --root-owner-group: files owned by root without fakeroot.
    subprocess.run([dpkg_deb, "--root-owner-group", "-Zgzip", "--build", str(stage), str(out)], check=True)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deb", action="store_true", help="Linux: also build the .deb package")
    parser.add_argument("--clean", action="store_true", help="rebuild PyInstaller's cache from scratch")
    parser.add_argument("--skip-freeze", action="store_true", help="package an existing dist/hoteltv")
    args = parser.parse_args(argv)
    ver = version()
    start = time.monotonic()
    app = APP if args.skip_freeze else freeze(args.clean)
    frozen_s = time.monotonic() - start
    size = folder_size(app)
    print(f"build.py: {app} — {size / 1e6:.1f} MB, frozen in {frozen_s:.0f} s")
    if args.deb:
        if not sys.platform.startswith("linux"):
            raise SystemExit("build.py: --deb works on Linux only")
        deb = build_deb(app, ver)
        print(f"build.py: {deb} — {deb.stat().st_size / 1e6:.1f} MB")
    if sys.platform == "win32":
        ico = make_ico()
        print(f"build.py: icon for the installer: {ico}")
    print(f"build.py: done in {time.monotonic() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
