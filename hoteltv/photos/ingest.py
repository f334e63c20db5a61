"""Reading, validating and decoding photo files with Pillow, and the one ingest step the services use.

A file becomes evidence in four steps, each of which can refuse it with an :class:`ImageRefused` that
names the file and a stable ``reason`` code (the GUI turns codes into words; the message is bilingual):

1. :func:`read_source` reads the bytes once (missing, unreadable, a folder, empty, too big);
2. :func:`open_image` identifies the format from the header only (not an image, HEIC without
   pillow-heif, too many pixels, i.e. a decompression bomb); :func:`probe` also reads EXIF time, GPS and
   orientation, and the size as displayed;
3. :func:`decode` decodes it at the size needed (draft mode for JPEG, applied *before* EXIF orientation)
   and normalises the pixels to RGB: CMYK, 16-bit, palette, alpha, first frame of an animation.
   A corrupt or truncated file fails here;
4. :func:`ingest_file` ties them together with the store: hash, blob, thumbnail.

Only a fixed list of raster formats is opened (never EPS or PDF, which would run external programs).
HEIC/HEIF photos from iPhones are read through ``pillow-heif`` when it is installed; otherwise the message
says how to convert them.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import math
import os
import struct
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, Protocol

from PIL import ExifTags, Image, ImageFile, ImageOps, UnidentifiedImageError

from hoteltv.domain import clock
from hoteltv.errors import HoteltvError

#: Largest file read (bytes). A phone photo is 2–15 MB; a RAW-sized TIFF of 200 MB is not evidence we print.
MAX_FILE_BYTES = 200 * 1024 * 1024
#: Largest image accepted, in pixels. Pillow's own hard limit with its default settings (2 × 89.5 MP),
#: well above 108-MP phone sensors; beyond it a file is treated as a decompression bomb.
MAX_PIXELS = 2 * 89_478_485
#: Long edge of the thumbnails made while importing.
THUMB_EDGE = 256

#: Pillow format names opened (header check); anything else is "not a supported image".
FORMATS = ("JPEG", "MPO", "PNG", "GIF", "WEBP", "TIFF", "BMP", "HEIF", "AVIF")
_MIME = {"MPO": "image/jpeg", "HEIF": "image/heic", "AVIF": "image/avif"}
#: ISO-BMFF brands of HEIC/HEIF files (``ftyp`` box at offset 4).
_HEIF_BRANDS = (b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1")

HEIC_HOWTO = (
    "无法读取 HEIC 照片:请安装 pillow-heif(pip install pillow-heif),或先转换为 JPEG — "
    "iPhone:设置 › 相机 › 格式 › 兼容性最佳;Windows:用“照片”打开后另存为 JPEG "
    "(HEIC photo: install pillow-heif, or convert to JPEG first — on the iPhone set Settings › Camera › "
    "Formats › Most Compatible; on Windows open it in Photos and save as JPEG)"
)

# Stable reason codes of a refusal (the GUI maps them to translated text).
MISSING = "missing"
UNREADABLE = "unreadable"
EMPTY = "empty"
FILE_TOO_BIG = "file_too_big"
NOT_IMAGE = "not_image"
HEIC_UNSUPPORTED = "heic_unsupported"
TOO_MANY_PIXELS = "too_many_pixels"
CORRUPT = "corrupt"
TRUNCATED = "truncated"
DISK_FULL = "disk_full"
WRITE_FAILED = "write_failed"


class ImageRefused(HoteltvError):
    """A file was refused as a photo: ``name`` is the file, ``reason`` a stable code, ``detail`` the why."""

    def __init__(self, name: str, reason: str, detail: str) -> None:
        super().__init__(f"{name}: {detail}")
        self.name = name
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class ImageInfo:
    """What the header and EXIF of a photo say. ``width``/``height`` are as displayed (orientation applied)."""

    format: str
    mime: str
    width: int
    height: int
    orientation: int = 1
    taken_at: datetime | None = None
    gps: tuple[float, float] | None = None
    frames: int = 1
    mode: str = "RGB"
    notes: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class Ingested:
    """A file that is now a stored blob, with its facts and thumbnail (``None`` if the cache write failed)."""

    sha256: str
    byte_size: int
    info: ImageInfo
    thumbnail: Path | None


# --- HEIC support --------------------------------------------------------------------------------------

_heif_state: bool | None = None


def heif_available() -> bool:
    """True when pillow-heif is installed; registers its opener with Pillow the first time."""
    global _heif_state
    if _heif_state is None:
        try:
            import pillow_heif  # type: ignore[import-not-found,unused-ignore]

            pillow_heif.register_heif_opener()
            _heif_state = True
        except Exception:  # not installed, or its native library does not load on this machine
            _heif_state = False
    return _heif_state


def looks_like_heif(head: bytes) -> bool:
    return len(head) >= 12 and head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS


# --- 1. reading ----------------------------------------------------------------------------------------


def read_source(path: Path, max_bytes: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of ``path``, read once; every way this can fail becomes an :class:`ImageRefused`."""
    path = Path(path)
    name = path.name or str(path)
    if path.is_dir():  # Windows reports opening a folder as "permission denied"
        raise ImageRefused(name, UNREADABLE, "这是一个文件夹,不是照片 (this is a folder, not a photo)")
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > max_bytes:
                raise ImageRefused(
                    name,
                    FILE_TOO_BIG,
                    f"文件过大({size / 1e6:.0f} MB,上限 {max_bytes / 1e6:.0f} MB)"
                    f"(file too large: {size / 1e6:.0f} MB, limit {max_bytes / 1e6:.0f} MB)",
                )
            data = fh.read(max_bytes + 1)
    except FileNotFoundError:
        raise ImageRefused(
            name, MISSING, "文件不存在,可能已被移动或删除 (file not found: moved or deleted)"
        ) from None
    except IsADirectoryError:
        raise ImageRefused(
            name, UNREADABLE, "这是一个文件夹,不是照片 (this is a folder, not a photo)"
        ) from None
    except PermissionError:
        raise ImageRefused(
            name, UNREADABLE, "没有读取权限 (permission denied: cannot read the file)"
        ) from None
    except OSError as exc:
        raise ImageRefused(
            name, UNREADABLE, f"无法读取文件 (cannot read the file: {exc.strerror or exc})"
        ) from None
    if not data:
        raise ImageRefused(name, EMPTY, "文件为空(0 字节)(the file is empty, 0 bytes)")
    if len(data) > max_bytes:  # grew while we read it
        raise ImageRefused(name, FILE_TOO_BIG, "文件过大 (file too large)")
    return data


# --- 2. identifying ------------------------------------------------------------------------------------


def open_image(data: bytes, name: str = "") -> ImageFile.ImageFile:
    """Open ``data`` as an image (header only) from the allowed formats, with the pixel limit applied."""
    # heif_available() also registers pillow-heif's opener before Pillow looks.
    if looks_like_heif(data[:16]) and not heif_available():
        raise ImageRefused(name, HEIC_UNSUPPORTED, HEIC_HOWTO)
    try:
        im = Image.open(io.BytesIO(data), formats=_formats())
    except Image.DecompressionBombError as exc:
        raise ImageRefused(name, TOO_MANY_PIXELS, _too_many_pixels_text(str(exc))) from None
    except UnidentifiedImageError:
        raise ImageRefused(
            name,
            NOT_IMAGE,
            "不是可识别的图片(或格式不受支持:可用 JPEG、PNG、HEIC、WebP、TIFF、GIF、BMP)"
            "(not an image, or a format hoteltv cannot read: use JPEG, PNG, HEIC, WebP, TIFF, GIF or BMP)",
        ) from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error) as exc:
        raise ImageRefused(name, CORRUPT, f"图片文件已损坏 (the image file is damaged: {exc})") from None
    width, height = im.size
    if width <= 0 or height <= 0:
        raise ImageRefused(name, CORRUPT, "图片尺寸无效 (the image has no pixels)")
    if width * height > MAX_PIXELS:
        raise ImageRefused(
            name, TOO_MANY_PIXELS, _too_many_pixels_text(f"{width}×{height} = {width * height / 1e6:.0f} MP")
        )
    return im


def _formats() -> list[str]:
    """The allowed formats this Pillow can open (MPO is read by the JPEG opener; HEIF needs pillow-heif)."""
    Image.init()
    return [f for f in FORMATS if f in Image.OPEN]


def _too_many_pixels_text(detail: str) -> str:
    return (
        f"图片像素过多(上限 {MAX_PIXELS / 1e6:.0f} 百万像素),可能是“解压炸弹”文件,请用较低分辨率导出后再添加 "
        f"(too many pixels, limit {MAX_PIXELS / 1e6:.0f} megapixels; possibly a decompression bomb — "
        f"export it at a lower resolution: {detail})"
    )


def probe(data: bytes, name: str = "") -> ImageInfo:
    """The facts of ``data`` as :func:`ingest_file` records them (it is decoded at a small size)."""
    return _examine(data, name, _PROBE_EDGE)[1]


#: The long edge :func:`probe` decodes at (JPEG's draft mode makes that cheap).
_PROBE_EDGE = 64


def _examine(data: bytes, name: str, long_edge: int) -> tuple[Image.Image, ImageInfo]:
    """An upright RGB copy of ``data`` (long edge at most ``long_edge``) and its facts. Decoded before the
    facts are read: draft mode must come before anything loads, and some formats (TIFF, in Pillow 13)
    give a size already turned by their orientation and apply that orientation only when loaded — read
    from the header alone, its width and height would be swapped once too often."""
    im = open_image(data, name)
    try:
        size, mode = im.size, im.mode
        image = _decode_opened(im, long_edge, name)
        return image, _info(im, size, mode, name)
    finally:
        im.close()


def _info(im: ImageFile.ImageFile, size: tuple[int, int], mode: str, name: str) -> ImageInfo:
    """Facts of an opened image; ``size`` and ``mode`` as the header gave them (draft mode changes both)."""
    fmt = im.format or "?"
    notes: list[str] = []
    with decode_errors(name):  # PNG keeps EXIF anywhere in the file: getexif() may decode it all
        exif = im.getexif()
    orientation = _int(exif.get(ExifTags.Base.Orientation), 1)
    if orientation not in range(1, 9):
        orientation = 1
    width, height = size
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    frames = _int(getattr(im, "n_frames", 1), 1)
    if frames > 1 and fmt != "MPO":
        notes.append(f"动图共 {frames} 帧,使用第一帧 (animated, {frames} frames: the first is used)")
    if mode == "CMYK":
        notes.append("CMYK 图片,已转换为 RGB 显示 (CMYK image: shown converted to RGB)")
    if mode.startswith("I;16") or mode in ("I", "F"):
        notes.append("16 位图片,已转换为 8 位显示 (16-bit image: shown as 8-bit)")
    return ImageInfo(
        format=fmt,
        mime=_MIME.get(fmt) or Image.MIME.get(fmt, "application/octet-stream"),
        width=width,
        height=height,
        orientation=orientation,
        taken_at=_taken_at(exif),
        gps=_gps(exif),
        frames=frames,
        mode=mode,
        notes=tuple(notes),
    )


def _int(value: object, default: int) -> int:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return default


def _taken_at(exif: Image.Exif) -> datetime | None:
    """EXIF DateTimeOriginal (else DateTimeDigitized, else DateTime) as an aware UTC time.

    Cameras write local time without a zone; OffsetTimeOriginal gives the zone when present, otherwise
    the bureau's zone is assumed (:mod:`hoteltv.domain.clock`; zoneinfo converts any year, where
    Windows' ``localtime()`` refuses times before 1970).
    """
    try:
        sub: Mapping[int, Any] = exif.get_ifd(ExifTags.IFD.Exif)
    except Exception:
        sub = {}
    pairs = (
        (sub.get(ExifTags.Base.DateTimeOriginal), sub.get(ExifTags.Base.OffsetTimeOriginal)),
        (sub.get(ExifTags.Base.DateTimeDigitized), sub.get(ExifTags.Base.OffsetTimeDigitized)),
        (exif.get(ExifTags.Base.DateTime), sub.get(ExifTags.Base.OffsetTime)),
    )
    for raw, offset in pairs:
        when = parse_exif_time(raw, offset)
        if when is not None:
            return when
    return None


def parse_exif_time(raw: object, offset: object = None) -> datetime | None:
    """``"2025:06:01 14:03:22"`` (+ optional ``"+08:00"``) → aware UTC datetime; None if unusable."""
    if isinstance(raw, bytes):
        raw = raw.decode("ascii", "replace")
    if not isinstance(raw, str):
        return None
    text = raw.strip().rstrip("\x00").strip()
    if not text or text.startswith("0000"):
        return None
    try:  # some writers put dashes in the date: 2025-06-01
        naive = datetime.strptime(text[:19].replace("-", ":"), "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    tz = _parse_offset(offset)
    # No offset: the camera's clock shows the bureau's time.
    aware = naive.replace(tzinfo=tz if tz is not None else clock.zone())
    return aware.astimezone(UTC)


def _parse_offset(offset: object) -> timezone | None:
    if isinstance(offset, bytes):
        offset = offset.decode("ascii", "replace")
    if not isinstance(offset, str):
        return None
    text = offset.strip().rstrip("\x00")
    if len(text) < 6 or text[0] not in "+-" or text[3] != ":":
        return None
    try:
        hours, minutes = int(text[1:3]), int(text[4:6])
    except ValueError:
        return None
    if hours > 14 or minutes >= 60:
        return None
    sign = -1 if text[0] == "-" else 1
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def _gps(exif: Image.Exif) -> tuple[float, float] | None:
    """(latitude, longitude) in decimal degrees from the GPS IFD, or None when absent or nonsense."""
    try:
        gps: Mapping[int, Any] = exif.get_ifd(ExifTags.IFD.GPSInfo)
    except Exception:
        return None
    if not gps:
        return None
    lat = _dms(gps.get(ExifTags.GPS.GPSLatitude), gps.get(ExifTags.GPS.GPSLatitudeRef), "S")
    lon = _dms(gps.get(ExifTags.GPS.GPSLongitude), gps.get(ExifTags.GPS.GPSLongitudeRef), "W")
    if lat is None or lon is None or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None
    if lat == 0 and lon == 0:  # "no fix" written as zeros by some phones
        return None
    return (round(lat, 7), round(lon, 7))


def _dms(value: object, ref: object, negative: str) -> float | None:
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    try:
        parts = [float(v) for v in value]  # type: ignore[attr-defined]
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if not parts or len(parts) > 3 or any(math.isnan(p) or math.isinf(p) for p in parts):
        return None
    parts += [0.0] * (3 - len(parts))
    degrees = parts[0] + parts[1] / 60 + parts[2] / 3600
    if isinstance(ref, str) and ref.strip().upper().startswith(negative):
        degrees = -degrees
    return degrees


# --- 3. decoding ---------------------------------------------------------------------------------------


def decode(data: bytes, long_edge: int | None = None, name: str = "") -> Image.Image:
    """Decode ``data`` into an upright RGB image whose long edge is at most ``long_edge`` (None: full size).

    For JPEG the decoder is put in draft mode first (it decodes at 1/2, 1/4 or 1/8 scale directly, many
    times faster), and only then is the EXIF orientation applied, so the draft size is asked for in the
    file's own orientation. Decoding reads the whole file, so this is also where a truncated or damaged
    file is found (as long as nobody in the process sets ``ImageFile.LOAD_TRUNCATED_IMAGES``).
    """
    im = open_image(data, name)
    try:
        return _decode_opened(im, long_edge, name)
    finally:
        im.close()


def _decode_opened(im: ImageFile.ImageFile, long_edge: int | None, name: str) -> Image.Image:
    with decode_errors(name):
        if getattr(im, "n_frames", 1) > 1:
            im.seek(0)
        w, h = im.size
        if long_edge and im.format in ("JPEG", "MPO") and max(w, h) > long_edge:
            ratio = long_edge / max(w, h)
            im.draft(im.mode, (max(1, math.ceil(w * ratio)), max(1, math.ceil(h * ratio))))
        im.load()
        upright = ImageOps.exif_transpose(im)
        assert upright is not None
        rgb = to_rgb(upright)
        if long_edge and max(rgb.size) > long_edge:
            rgb.thumbnail((long_edge, long_edge), Image.Resampling.LANCZOS)
        return rgb


@contextlib.contextmanager
def decode_errors(name: str) -> Iterator[None]:
    """Turn what Pillow raises while decoding into an :class:`ImageRefused` with a reason."""
    try:
        yield
    except ImageRefused:
        raise
    except Image.DecompressionBombError as exc:
        raise ImageRefused(name, TOO_MANY_PIXELS, _too_many_pixels_text(str(exc))) from None
    except MemoryError:
        raise ImageRefused(name, TOO_MANY_PIXELS, _too_many_pixels_text("out of memory")) from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError, KeyError, struct.error) as exc:
        if isinstance(exc, OSError) and "truncated" in str(exc).lower():
            raise ImageRefused(
                name,
                TRUNCATED,
                "图片文件不完整(被截断),可能复制未完成 (the file is truncated: copy it again)",
            ) from None
        raise ImageRefused(name, CORRUPT, f"图片文件已损坏 (the image data is damaged: {exc})") from None


def to_rgb(im: Image.Image) -> Image.Image:
    """The image as 8-bit RGB: CMYK converted, 16/32-bit scaled (not clipped), alpha put on white."""
    mode = im.mode
    if mode == "RGB":
        return im
    if mode in ("I", "F"):
        extrema = im.getextrema()
        high = float(extrema[1]) if isinstance(extrema[1], int | float) else 255.0
        scale = 255.0 / high if high > 255 else 1.0
        return im.point(lambda v: v * scale).convert("L").convert("RGB")
    if mode.startswith("I;16"):
        # Pillow's own I;16 → L conversion clips at 255 (a white square): scale the 16-bit range instead.
        return im.convert("I").point(lambda v: v * (1 / 257)).convert("L").convert("RGB")
    if mode in ("RGBA", "LA", "PA", "RGBa", "La") or (mode == "P" and "transparency" in im.info):
        rgba = im.convert("RGBA")
        white = Image.new("RGB", rgba.size, (255, 255, 255))
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    if mode == "1":
        return im.convert("L").convert("RGB")
    return im.convert("RGB")


# --- 4. the whole step ---------------------------------------------------------------------------------


class BlobSink(Protocol):
    """Where an ingested photo goes (:class:`hoteltv.photos.store.PhotoStore`; this module does not import
    the store, which uses this one for decoding)."""

    def put_bytes(self, data: bytes, sha256: str | None = None, *, name: str = "") -> Any: ...

    def save_thumbnail(self, sha: str, image: Image.Image, size: int = ...) -> Path | None: ...


def ingest_file(store: BlobSink, path: Path, thumb_edge: int = THUMB_EDGE) -> Ingested:
    """Read, validate, hash and store one file, and cache its thumbnail.

    The blob is written (atomically) only after the file decoded cleanly, so a refused file leaves
    nothing behind. Raises :class:`ImageRefused`.
    """
    path = Path(path)
    name = path.name or str(path)
    data = read_source(path)
    thumb, info = _examine(data, name, thumb_edge)
    sha = hashlib.sha256(data).hexdigest()
    store.put_bytes(data, sha, name=name)
    thumb_path = store.save_thumbnail(sha, thumb, thumb_edge)
    return Ingested(sha, len(data), info, thumb_path)
