"""Reading and decoding photo files: formats, EXIF orientation, time and GPS, and every kind of bad file."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image

from hoteltv.domain import clock
from hoteltv.photos import ingest
from hoteltv.photos.ingest import ImageRefused
from tests.core import photo_fixtures as fx


def refused(path: Path) -> ImageRefused:
    with pytest.raises(ImageRefused) as err:
        data = ingest.read_source(path)
        ingest.probe(data, path.name)
        ingest.decode(data, 256, path.name)
    assert path.name in str(err.value), "the message names the file"
    return err.value


def test_exif_orientation_is_applied_and_size_is_as_displayed(tmp_path: Path) -> None:
    path = fx.jpeg(tmp_path / "rot.jpg", (60, 40), ex=fx.exif(orientation=6))
    data = path.read_bytes()
    info = ingest.probe(data, path.name)
    assert (info.orientation, info.width, info.height) == (6, 40, 60)
    image = ingest.decode(data, 256)
    assert image.size == (40, 60)
    # Stored: red left, blue right. Rotated 90° clockwise for display: red on top, blue at the bottom.
    top, bottom = image.getpixel((20, 5)), image.getpixel((20, 55))
    assert isinstance(top, tuple) and isinstance(bottom, tuple)
    assert top[0] > 200 > top[2] and bottom[2] > 200 > bottom[0]


@pytest.mark.parametrize("orientation", range(1, 9))
def test_every_orientation_gives_the_display_size(tmp_path: Path, orientation: int) -> None:
    data = fx.jpeg(tmp_path / "o.jpg", (60, 40), ex=fx.exif(orientation=orientation)).read_bytes()
    expected = (40, 60) if orientation >= 5 else (60, 40)
    assert ingest.decode(data, 256).size == expected
    info = ingest.probe(data)
    assert (info.width, info.height) == expected


@pytest.mark.parametrize("fmt", ["TIFF", "JPEG", "PNG", "WEBP"])
def test_the_size_probed_is_the_size_displayed_in_every_format(fmt: str) -> None:
    # Pillow 13 opens a TIFF with its size already turned by the orientation tag (and turns the pixels
    # when it loads them); the other formats give the stored size. The facts must agree with the picture.
    stored = Image.new("RGB", (60, 40), "red")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to display
    out = io.BytesIO()
    stored.save(out, fmt, exif=exif)
    data = out.getvalue()
    shown = ingest.decode(data, 256)
    info = ingest.probe(data)
    assert shown.size == (40, 60)
    assert (info.width, info.height) == shown.size


def test_draft_mode_is_used_for_big_jpegs_before_rotation(tmp_path: Path) -> None:
    data = fx.jpeg(tmp_path / "big.jpg", (4000, 3000), ex=fx.exif(orientation=8)).read_bytes()
    im = ingest.open_image(data)
    w, h = im.size
    # What decode() asks for: the thumbnail box in the file's own orientation.
    im.draft(im.mode, (256, 192))
    assert im.size == (500, 375), "JPEG decoded at 1/8 scale"
    thumb = ingest.decode(data, 256)
    assert thumb.size == (192, 256), "then rotated (orientation 8) and fitted into 256"


def test_exif_time_with_offset_and_gps(tmp_path: Path) -> None:
    ex = fx.exif(taken="2025:06:01 10:30:00", offset="+08:00", gps=(25.0208, 98.4929))
    info = ingest.probe(fx.jpeg(tmp_path / "a.jpg", ex=ex).read_bytes())
    assert info.taken_at == datetime(2025, 6, 1, 2, 30, tzinfo=UTC)
    assert info.gps is not None
    assert info.gps == pytest.approx((25.0208, 98.4929), abs=1e-4)


def test_southern_western_gps_and_missing_exif(tmp_path: Path) -> None:
    info = ingest.probe(fx.jpeg(tmp_path / "s.jpg", ex=fx.exif(gps=(-33.8688, -70.6693))).read_bytes())
    assert info.gps == pytest.approx((-33.8688, -70.6693), abs=1e-4)
    plain = ingest.probe(fx.jpeg(tmp_path / "p.jpg").read_bytes())
    assert plain.taken_at is None and plain.gps is None and plain.orientation == 1


def test_exif_time_without_offset_is_the_bureaus_time() -> None:
    got = ingest.parse_exif_time("2025:06:01 10:30:00")
    assert got == datetime(2025, 6, 1, 10, 30, tzinfo=clock.zone()).astimezone(UTC)
    assert got == datetime(2025, 6, 1, 2, 30, tzinfo=UTC)  # Beijing, whatever the computer's zone
    assert ingest.parse_exif_time("0000:00:00 00:00:00") is None
    assert ingest.parse_exif_time("garbage") is None
    assert ingest.parse_exif_time(b"2025:06:01 10:30:00\x00", "-05:00") == datetime(
        2025, 6, 1, 15, 30, tzinfo=UTC
    )


def test_cmyk_jpeg_becomes_rgb(tmp_path: Path) -> None:
    data = fx.cmyk_jpeg(tmp_path / "cmyk.jpg").read_bytes()
    info = ingest.probe(data)
    assert info.mode == "CMYK" and any("CMYK" in n for n in info.notes)
    image = ingest.decode(data, 256)
    assert image.mode == "RGB"
    r, g, b = image.getpixel((10, 10))  # type: ignore[misc]
    assert r > 200 and g < 60 and b < 60


def test_16_bit_png_is_scaled_not_clipped(tmp_path: Path) -> None:
    data = fx.png16(tmp_path / "deep.png").read_bytes()
    info = ingest.probe(data)
    assert info.mode.startswith("I;16") and any("16" in n for n in info.notes)
    image = ingest.decode(data, 256)
    assert image.mode == "RGB"
    dark, bright = image.getpixel((32, 2)), image.getpixel((32, 61))
    assert isinstance(dark, tuple) and isinstance(bright, tuple)
    assert dark[0] < 30 and bright[0] > 220, "a gradient, not a white square"


def test_animated_gif_uses_the_first_frame(tmp_path: Path) -> None:
    data = fx.animated_gif(tmp_path / "anim.gif").read_bytes()
    info = ingest.probe(data)
    assert info.frames == 3 and any("first" in n for n in info.notes)
    assert ingest.decode(data, 256).getpixel((5, 5)) == (255, 0, 0)


def test_alpha_is_put_on_white(tmp_path: Path) -> None:
    Image.new("RGBA", (10, 10), (0, 0, 0, 0)).save(tmp_path / "clear.png")
    assert ingest.decode((tmp_path / "clear.png").read_bytes()).getpixel((5, 5)) == (255, 255, 255)


def test_heic_through_pillow_heif(tmp_path: Path) -> None:
    pytest.importorskip("pillow_heif")
    data = fx.heic(tmp_path / "iphone.heic").read_bytes()
    info = ingest.probe(data)
    assert info.format == "HEIF" and info.mime == "image/heic"
    assert ingest.decode(data, 256).size == (64, 48)


def test_heic_without_pillow_heif_says_how_to_convert(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "IMG_0001.HEIC"
    path.write_bytes(b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64)
    monkeypatch.setattr(ingest, "_heif_state", False)
    err = refused(path)
    assert err.reason == ingest.HEIC_UNSUPPORTED
    assert "pillow-heif" in err.detail and "JPEG" in err.detail


# --- bad input -----------------------------------------------------------------------------------------


def test_zero_byte_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")
    assert refused(path).reason == ingest.EMPTY


def test_text_renamed_jpg(tmp_path: Path) -> None:
    path = tmp_path / "notes.jpg"
    path.write_text("酒店电视检查笔记\n" * 20, encoding="utf-8")
    err = refused(path)
    assert err.reason == ingest.NOT_IMAGE and "not an image" in err.detail


def test_pdf_or_eps_is_not_opened(tmp_path: Path) -> None:
    path = tmp_path / "scan.jpg"
    path.write_bytes(b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n" + b"0" * 100)
    assert refused(path).reason == ingest.NOT_IMAGE


def test_truncated_jpeg_and_png(tmp_path: Path) -> None:
    good = fx.jpeg(tmp_path / "full.jpg", (400, 300)).read_bytes()
    assert refused(fx.truncated(tmp_path / "half.jpg", good)).reason == ingest.TRUNCATED
    good_png = fx.png(tmp_path / "full.png", (400, 300)).read_bytes()
    assert refused(fx.truncated(tmp_path / "half.png", good_png)).reason in (ingest.TRUNCATED, ingest.CORRUPT)


def test_corrupt_image_data(tmp_path: Path) -> None:
    buf = io.BytesIO()
    Image.radial_gradient("L").save(buf, "PNG")
    data = bytearray(buf.getvalue())
    start = data.index(b"IDAT") + 8
    data[start : start + 40] = bytes(b ^ 0xFF for b in data[start : start + 40])
    path = tmp_path / "damaged.png"
    path.write_bytes(bytes(data))
    err = refused(path)
    assert err.reason == ingest.CORRUPT and "damaged" in err.detail


def test_corrupt_jpeg_header(tmp_path: Path) -> None:
    data = bytearray(fx.jpeg_bytes((200, 100)))
    data[2:200] = b"\x00" * 198
    path = tmp_path / "header.jpg"
    path.write_bytes(bytes(data))
    assert refused(path).reason in (ingest.NOT_IMAGE, ingest.CORRUPT)


def test_decompression_bomb(tmp_path: Path) -> None:
    path = fx.bomb_png(tmp_path / "bomb.png")
    assert path.stat().st_size < 100_000
    err = refused(path)
    assert err.reason == ingest.TOO_MANY_PIXELS and "decompression bomb" in err.detail


def test_our_pixel_limit_applies_even_when_pillows_is_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", None)
    monkeypatch.setattr(ingest, "MAX_PIXELS", 1000)
    err = refused(fx.png(tmp_path / "wide.png", (100, 20)))
    assert err.reason == ingest.TOO_MANY_PIXELS


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
def test_100_megapixel_jpeg_is_accepted_cheaply(tmp_path: Path) -> None:
    data = fx.big_jpeg(tmp_path / "huge.jpg").read_bytes()
    info = ingest.probe(data)
    assert (info.width, info.height) == (10000, 10000)
    thumb = ingest.decode(data, 256)
    assert thumb.size == (256, 256)


def test_folder_passed_as_a_file(tmp_path: Path) -> None:
    folder = tmp_path / "DCIM.jpg"
    folder.mkdir()
    err = refused(folder)
    assert err.reason == ingest.UNREADABLE and "folder" in err.detail


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = fx.jpeg(tmp_path / "locked.jpg")

    def deny(*args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(ingest, "open", deny, raising=False)
    err = refused(path)
    assert err.reason == ingest.UNREADABLE and "permission" in err.detail


def test_missing_file(tmp_path: Path) -> None:
    assert refused(tmp_path / "gone.jpg").reason == ingest.MISSING


def test_file_too_big(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = fx.jpeg(tmp_path / "x.jpg")
    monkeypatch.setattr(ingest, "MAX_FILE_BYTES", 100)
    with pytest.raises(ImageRefused) as err:
        ingest.read_source(path, max_bytes=ingest.MAX_FILE_BYTES)
    assert err.value.reason == ingest.FILE_TOO_BIG and "x.jpg" in str(err.value)
