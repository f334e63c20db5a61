"""Photo files with flipped bytes or cut short, as a damaged memory card or an interrupted copy leaves them:
each is either taken (its bytes stored under their hash, a thumbnail made) or refused with an
:class:`ImageRefused` naming the file, and a refused file leaves nothing in the store. Never another
exception. JPEG, PNG, WebP, TIFF, GIF and BMP, with EXIF (time, GPS, orientation) where the format has it.
"""

from __future__ import annotations

import hashlib
import io
from pathlib import Path
from tempfile import TemporaryDirectory

import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from hoteltv.photos.ingest import ImageRefused, ingest_file
from hoteltv.photos.store import PhotoStore
from tests.fuzz.profile import fuzz

#: Pillow warns about the damage it reads past (a tag larger than the file, a truncated strip).
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")


def _exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotated
    exif[0x0132] = "2026:12:05 10:30:00"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: (25.0, 7.0, 12.5), 3: "E", 4: (99.0, 10.0, 3.25)})
    return exif


def _photo(fmt: str) -> bytes:
    image = Image.new("RGB", (64, 48))
    image.putdata([(x * 4 % 256, y * 5 % 256, (x + y) % 256) for y in range(48) for x in range(64)])
    out = io.BytesIO()
    if fmt == "GIF":
        frames = [image.convert("P"), image.rotate(90).convert("P")]
        frames[0].save(out, "GIF", save_all=True, append_images=frames[1:])
    elif fmt in ("JPEG", "PNG", "WEBP", "TIFF"):
        image.save(out, fmt, exif=_exif())
    else:
        image.save(out, fmt)
    return out.getvalue()


FORMATS = ("JPEG", "PNG", "WEBP", "TIFF", "GIF", "BMP")
PHOTOS = {fmt: _photo(fmt) for fmt in FORMATS}


def _ingest_or_refuse(data: bytes) -> None:
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "现场照片 1.jpg"
        path.write_bytes(data)
        store = PhotoStore(Path(tmp) / "photos")
        try:
            taken = ingest_file(store, path)
        except ImageRefused as exc:
            assert exc.reason and exc.name == "现场照片 1.jpg" and exc.detail
            assert list(store.blobs()) == []  # a refused file leaves nothing behind
            return
        assert taken.sha256 == hashlib.sha256(data).hexdigest()
        assert store.read(taken.sha256) == data
        assert taken.info.width > 0 and taken.info.height > 0


@given(
    fmt=st.sampled_from(FORMATS),
    flips=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), min_size=1, max_size=8),
)
@fuzz(60)
def test_flipped_bytes_in_a_photo_are_taken_or_refused(fmt: str, flips: list[tuple[int, int]]) -> None:
    data = bytearray(PHOTOS[fmt])
    for position, value in flips:
        data[position % len(data)] = value
    _ingest_or_refuse(bytes(data))


@given(fmt=st.sampled_from(FORMATS), keep=st.floats(0.0, 1.0))
@fuzz(30)
def test_a_photo_cut_short_is_taken_or_refused(fmt: str, keep: float) -> None:
    data = PHOTOS[fmt]
    _ingest_or_refuse(data[: int(len(data) * keep)])


def test_the_photos_the_fuzzers_damage_are_taken_whole() -> None:
    """The starting files are good photos (else the fuzzers above would test nothing but refusals)."""
    for fmt, data in PHOTOS.items():
        with TemporaryDirectory() as tmp:
            path = Path(tmp) / f"whole.{fmt.lower()}"
            path.write_bytes(data)
            taken = ingest_file(PhotoStore(Path(tmp) / "photos"), path)
            assert taken.info.format == fmt, fmt
            if fmt in ("JPEG", "PNG", "WEBP", "TIFF"):  # stored 64×48, turned upright by its orientation
                assert (taken.info.width, taken.info.height) == (48, 64), fmt
                assert taken.info.taken_at is not None, fmt
            if fmt in ("JPEG", "PNG", "WEBP"):  # (Pillow writes no GPS directory into a TIFF)
                assert taken.info.gps is not None, fmt
