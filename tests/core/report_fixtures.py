"""Helpers for the report tests: inspections with failures, photos and signatures; reading PDFs back
(text, pages, fonts); rendering a page to an image (pdftoppm, or QtPdf where poppler is missing)."""

from __future__ import annotations

import io
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from PIL import Image, ImageChops, ImageDraw
from pypdf import PdfReader
from pypdf.generic import DictionaryObject, IndirectObject

from hoteltv.db.engine import Database
from hoteltv.photos.store import PhotoStore
from hoteltv.services import inspections as insp_service
from hoteltv.services.photos import attach_files

#: Measurements that fail: slow boot and a second remote in room 301, three key presses in 502.
FAILING_ROOMS: dict[str, dict[str, Any]] = {
    "301": {"boot_seconds": 58, "remotes_needed": 2},
    "502": {"keys_to_live": 3},
    "718": {},
}

SIGNATURE = {
    "strokes": [[[5, 30], [20, 5], [35, 30], [50, 8], [70, 28]], [[10, 35], [65, 35]]],
    "w": 80,
    "h": 40,
}


def photo_like(seed: int, size: tuple[int, int] = (2000, 1500)) -> Image.Image:
    """An image that compresses like a camera photo (gradients, shapes and sensor-like noise), unique per seed."""
    w, h = size
    red = Image.linear_gradient("L").rotate(90).resize((w, h))
    green = Image.radial_gradient("L").resize((w, h))
    blue = Image.linear_gradient("L").resize((w, h))
    img = Image.merge("RGB", (red, green, blue))
    draw = ImageDraw.Draw(img)
    for i in range(30):
        x, y = (seed * 997 + i * 613) % w, (seed * 31 + i * 277) % h
        draw.rectangle(
            [x, y, x + w // 12, y + h // 12], fill=((i * 37) % 255, (i * 91) % 255, (seed * 53 + i) % 255)
        )
    draw.text((w // 3, h // 2), f"CCTV-1  {seed}", fill=(255, 255, 255))
    noise = Image.effect_noise((w // 2, h // 2), 18).resize((w, h)).convert("RGB")
    return ImageChops.add(img, noise, scale=1.0, offset=-100)


def write_photo(path: Path, seed: int, size: tuple[int, int] = (2000, 1500)) -> Path:
    photo_like(seed, size).save(path, "JPEG", quality=90)
    return path


def failed_inspection(
    db: Database,
    hotel_id: str,
    team: list[str],
    fill: Any,
    *,
    photos_dir: Path | None = None,
    photos: int = 0,
    photo_size: tuple[int, int] = (2000, 1500),
    finalize: bool = True,
    signatures: bool = True,
) -> insp_service.InspectionView:
    """A complete inspection of ``hotel_id`` with three failed measurements, optionally ``photos`` photos
    attached to the failed items (stored under ``photos_dir``/photos) and drawn signatures."""
    view = insp_service.start_inspection(db, hotel_id, team)
    view = fill(db, view.id, "self_built", rooms=FAILING_ROOMS, explain_evidence=False)
    if signatures:
        sigs = {"hotel": SIGNATURE} | {i.id: SIGNATURE for i in view.inspectors}
        view = insp_service.update_header(db, view.id, insp_service.HeaderFields(signatures=sigs))
    if photos and photos_dir is not None:
        store = PhotoStore.for_home(photos_dir)
        src = photos_dir / "src"
        src.mkdir(parents=True, exist_ok=True)
        rooms = {r.room_number: r.id for r in view.rooms}
        targets = [("301", "boot_seconds"), ("301", "remotes_needed"), ("502", "keys_to_live")]
        for n in range(photos):
            room, item = targets[n % len(targets)]
            path = write_photo(src / f"IMG_{n:04d}.jpg", n, photo_size)
            outcomes = attach_files(
                db,
                store,
                view.id,
                [path],
                room_id=rooms[room],
                item_key=item,
                caption=f"{room}房间电视画面{n + 1}",
            )
            assert outcomes[0].ok, outcomes[0].message
    from tests.core.conftest import explain_missing_evidence

    explain_missing_evidence(db, insp_service.get_inspection(db, view.id))
    if finalize:
        view = insp_service.finalize(db, view.id)
    return insp_service.get_inspection(db, view.id)


# --- reading PDFs back -----------------------------------------------------------------------------------


def pdf_text(path: Path, page: int | None = None) -> str:
    """The text layer of a PDF (of one page, counted from 1, when ``page`` is given)."""
    pages = PdfReader(str(path)).pages
    chosen = pages if page is None else [pages[page - 1]]
    return "\n".join(p.extract_text() or "" for p in chosen)


def poppler_text(path: Path, page: int | None = None) -> str:
    """The text layer as poppler's ``pdftotext`` reads it (what a reader's copy and paste gives)."""
    exe = shutil.which("pdftotext")
    if exe is None:
        import pytest

        pytest.skip("pdftotext (poppler-utils) is not installed")
    command = [exe, "-raw", "-enc", "UTF-8"]  # content-stream order: a table cell stays together
    if page is not None:
        command += ["-f", str(page), "-l", str(page)]
    return subprocess.run(
        [*command, str(path), "-"], check=True, capture_output=True, text=True, encoding="utf-8"
    ).stdout


def compact(text: str) -> str:
    """Text without whitespace (pypdf puts spaces in odd places between CJK glyphs)."""
    return "".join(text.split())


def page_count(path: Path) -> int:
    return len(PdfReader(str(path)).pages)


def _fonts(resources: Any) -> Iterator[DictionaryObject]:
    if resources is None:
        return
    resources = resources.get_object()
    fonts = resources.get("/Font")
    if fonts is not None:
        for ref in fonts.get_object().values():
            yield ref.get_object()
    xobjects = resources.get("/XObject")
    if xobjects is not None:
        for ref in xobjects.get_object().values():
            xobj = ref.get_object()
            if xobj.get("/Subtype") == "/Form":
                yield from _fonts(xobj.get("/Resources"))


def font_problems(path: Path) -> list[str]:
    """Every font of the file that is not an embedded TrueType font (empty list: all embedded)."""
    problems = []
    seen = set()
    reader = PdfReader(str(path))
    for page in reader.pages:
        for font in _fonts(page.get("/Resources")):
            name = str(font.get("/BaseFont"))
            if name in seen:
                continue
            seen.add(name)
            descriptor = font.get("/FontDescriptor")
            if font.get("/Subtype") == "/Type0":
                descendant = font["/DescendantFonts"][0].get_object()
                descriptor = descendant.get("/FontDescriptor")
            if descriptor is None:
                problems.append(f"{name}: no FontDescriptor (a standard font, not embedded)")
                continue
            descriptor = descriptor.get_object()
            if "/FontFile2" not in descriptor:
                problems.append(f"{name}: not embedded as TrueType (no FontFile2)")
    # Font dictionaries anywhere in the file, used or not (reportlab once added Helvetica unasked).
    for generation, objects in reader.xref.items():
        for number in objects:
            obj = reader.get_object(IndirectObject(number, generation, reader))
            if (
                isinstance(obj, DictionaryObject)
                and obj.get("/Type") == "/Font"
                and obj.get("/Subtype") == "/Type1"
            ):
                problems.append(f"{obj.get('/BaseFont')}: a Type1 font is defined in the file")
    return problems


def render_page(pdf: Path, page: int, out_dir: Path, dpi: int = 60) -> Image.Image:
    """Page ``page`` (1-based) as an RGB image, by pdftoppm if installed, else by QtPdf."""
    if shutil.which("pdftoppm"):
        prefix = out_dir / f"{pdf.stem}-p{page}"
        subprocess.run(
            [
                "pdftoppm",
                "-r",
                str(dpi),
                "-png",
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                str(pdf),
                str(prefix),
            ],
            check=True,
            capture_output=True,
        )
        return Image.open(f"{prefix}.png").convert("RGB")
    return _render_with_qt(pdf, page, dpi)


def _render_with_qt(pdf: Path, page: int, dpi: int) -> Image.Image:  # pragma: no cover - poppler missing
    from PySide6.QtCore import QBuffer, QIODevice, QSize
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtPdf import QPdfDocument

    _app = QGuiApplication.instance() or QGuiApplication([])
    doc = QPdfDocument()
    doc.load(str(pdf))
    points = doc.pagePointSize(page - 1)
    image = doc.render(page - 1, QSize(int(points.width() * dpi / 72), int(points.height() * dpi / 72)))
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return Image.open(io.BytesIO(bytes(buffer.data()))).convert("RGB")


def ink_fraction(image: Image.Image, box: tuple[float, float, float, float] = (0, 0, 1, 1)) -> float:
    """Share of pixels that are not near-white inside ``box`` (fractions of width and height)."""
    w, h = image.size
    crop = image.crop((int(box[0] * w), int(box[1] * h), int(box[2] * w), int(box[3] * h))).convert("L")
    histogram = crop.histogram()
    dark = sum(histogram[:200])
    return dark / max(1, sum(histogram))
