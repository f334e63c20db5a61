"""Test photos made with Pillow on the fly (no binary fixtures in the repository), and a draft inspection."""

from __future__ import annotations

import io
import struct
import zlib
from datetime import datetime
from pathlib import Path
from typing import Any

from PIL import ExifTags, Image

from hoteltv.db.engine import Database
from hoteltv.domain.divisions import DivisionList
from hoteltv.services import hotels as hotel_service
from hoteltv.services import inspections as insp_service


def exif(
    orientation: int | None = None,
    taken: str | None = None,
    offset: str | None = None,
    gps: tuple[float, float] | None = None,
) -> Image.Exif:
    """An EXIF block: orientation, DateTimeOriginal ("YYYY:MM:DD HH:MM:SS"), its offset, GPS in degrees."""
    ex = Image.Exif()
    if orientation is not None:
        ex[ExifTags.Base.Orientation] = orientation
    if taken is not None:
        ex.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = taken
        if offset is not None:
            ex.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.OffsetTimeOriginal] = offset
    if gps is not None:
        g = ex.get_ifd(ExifTags.IFD.GPSInfo)
        lat, lon = gps
        g[ExifTags.GPS.GPSLatitudeRef] = "N" if lat >= 0 else "S"
        g[ExifTags.GPS.GPSLatitude] = _dms(abs(lat))
        g[ExifTags.GPS.GPSLongitudeRef] = "E" if lon >= 0 else "W"
        g[ExifTags.GPS.GPSLongitude] = _dms(abs(lon))
    return ex


def _dms(value: float) -> tuple[float, float, float]:
    d = int(value)
    m = int((value - d) * 60)
    s = round(((value - d) * 60 - m) * 60, 4)
    return (float(d), float(m), s)


def two_tone(size: tuple[int, int] = (60, 40), seed: int = 0) -> Image.Image:
    """Left half red, right half blue (shows which way up an image ended), a seeded dot makes it unique."""
    w, h = size
    im = Image.new("RGB", size, (230, 20, 20))
    im.paste((20, 20, 230), (w // 2, 0, w, h))
    im.putpixel((seed % w, (seed // w) % h), (seed % 256, 128, 0))
    return im


def jpeg(
    path: Path, size: tuple[int, int] = (60, 40), seed: int = 0, ex: Image.Exif | None = None, **kw: Any
) -> Path:
    im = two_tone(size, seed)
    im.save(path, "JPEG", quality=92, exif=ex if ex is not None else Image.Exif(), **kw)
    return path


def jpeg_bytes(size: tuple[int, int] = (60, 40), seed: int = 0) -> bytes:
    buf = io.BytesIO()
    two_tone(size, seed).save(buf, "JPEG", quality=90)
    return buf.getvalue()


def png(path: Path, size: tuple[int, int] = (60, 40), seed: int = 0) -> Path:
    two_tone(size, seed).save(path, "PNG")
    return path


def png16(path: Path) -> Path:
    """A 16-bit greyscale gradient (0 … 65535)."""
    g = Image.linear_gradient("L").resize((64, 64))
    g.convert("I").point(lambda v: v * 257).convert("I;16").save(path, "PNG")
    return path


def cmyk_jpeg(path: Path) -> Path:
    Image.new("CMYK", (48, 32), (0, 255, 255, 0)).save(path, "JPEG", quality=95)  # red in CMYK
    return path


def animated_gif(path: Path) -> Path:
    frames = [Image.new("P", (32, 32), i) for i in (1, 2, 3)]
    for f in frames:
        f.putpalette([0, 0, 0, 255, 0, 0, 0, 255, 0, 0, 0, 255] + [0] * 756)
    frames[0].save(path, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return path


def bomb_png(path: Path, side: int = 20000) -> Path:
    """A complete, valid ~50 kB PNG that decodes to 400 million pixels (written with zlib: fast)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    row = b"\x00" * (1 + side // 8)  # filter byte + one bit per pixel
    z = zlib.compressobj(9)
    idat = b"".join(z.compress(row * min(1000, side - y)) for y in range(0, side, 1000)) + z.flush()
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)  # 1-bit greyscale
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b""))
    return path


def big_jpeg(path: Path) -> Path:
    """A 100-megapixel (10000 × 10000) JPEG, mostly blank so it is cheap to make (≈ 1 MB)."""
    im = Image.new("L", (10000, 10000), 240)
    im.paste(30, (0, 0, 5000, 10000))
    im.save(path, "JPEG", quality=60)
    return path


def heic(path: Path) -> Path:
    import pillow_heif

    pillow_heif.register_heif_opener()
    two_tone((64, 48)).save(path, "HEIF")
    return path


def truncated(path: Path, source: bytes) -> Path:
    path.write_bytes(source[: len(source) // 2])
    return path


def draft_inspection(
    db: Database,
    divisions: DivisionList,
    started: datetime | None = None,
    rooms: tuple[str, ...] = ("301", "502"),
) -> insp_service.InspectionView:
    """A hotel, two inspectors and a draft inspection with ``rooms``."""
    hotel = hotel_service.create_hotel(
        db, hotel_service.HotelInput(name="和顺测试酒店", division_code="腾冲市", pilot=True), divisions
    )
    team = [
        insp_service.add_inspector(db, "张明", "53050219001").id,
        insp_service.add_inspector(db, "李华", "53050219002").id,
    ]
    view = insp_service.start_inspection(db, hotel.id, team, started_at=started)
    for number in rooms:
        view = insp_service.add_room(db, view.id, number)
    return view
