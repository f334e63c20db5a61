"""Benchmark: photo ingest against a naive Pillow open-and-resize, and GUI responsiveness during a batch.

1. One 12-megapixel JPEG (4000 × 3000, camera-like content, EXIF orientation 6), timed interleaved
   ``--repeat`` times:

   * naive: ``Image.open`` → ``exif_transpose`` (full decode) → ``resize`` to a 256-px thumbnail → save;
   * hoteltv: :func:`hoteltv.photos.ingest.ingest_file` — read once, validate, SHA-256, write the blob
     atomically (temporary file, fsync, rename, folder fsync), thumbnail via JPEG draft mode → save.

   Prints both medians, their ratio (aim: hoteltv ≥ 3× faster) and where hoteltv's time goes.

2. ``--batch`` photos (default 50, 12 MP each, distinct files) imported through a real
   :class:`~ui.photos.PhotoStrip` and ``JobRunner`` in a ``QApplication``; a ``QTimer`` ticking every 5 ms
   records the gaps between ticks on the GUI thread. Prints the longest gap (aim: < 50 ms), the 99th
   percentile, the time to the first thumbnail and the total.

    .venv/bin/python benchmarks/bench_photo_ingest.py [--repeat 7] [--batch 50] [--skip-gui]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from PIL import Image, ImageFilter, ImageOps  # noqa: E402

from benchmarks.record import record  # noqa: E402
from hoteltv.photos import ingest  # noqa: E402
from hoteltv.photos.store import PhotoStore  # noqa: E402
from tests.core.photo_fixtures import exif  # noqa: E402


def camera_like_jpeg(path: Path, size: tuple[int, int] = (4000, 3000)) -> Path:
    """A JPEG with the texture of a photo (gradients, edges, sensor noise): ~4-6 MB at quality 92."""
    w, h = size
    base = Image.merge(
        "RGB",
        (
            Image.linear_gradient("L").resize((w, h)),
            Image.radial_gradient("L").resize((w, h)),
            Image.linear_gradient("L").rotate(90).resize((w, h)),
        ),
    )
    noise = Image.effect_noise((w // 2, h // 2), 40).resize((w, h)).filter(ImageFilter.GaussianBlur(0.6))
    photo = Image.blend(base, Image.merge("RGB", (noise, noise, noise)), 0.35)
    photo.save(
        path, "JPEG", quality=92, exif=exif(orientation=6, taken="2025:06:10 10:30:00", gps=(25.02, 98.49))
    )
    return path


def naive(path: Path, out: Path) -> None:
    im = Image.open(path)
    im = ImageOps.exif_transpose(im)
    assert im is not None
    w, h = im.size
    scale = ingest.THUMB_EDGE / max(w, h)
    im.convert("RGB").resize((round(w * scale), round(h * scale)), Image.Resampling.LANCZOS).save(
        out, "JPEG", quality=80
    )


def ours(path: Path, root: Path) -> ingest.Ingested:
    return ingest.ingest_file(PhotoStore(root), path)


def breakdown(path: Path, root: Path) -> dict[str, float]:
    """Where hoteltv's time goes, for one run."""
    import hashlib

    t0 = time.perf_counter()
    data = ingest.read_source(path)
    t1 = time.perf_counter()
    im = ingest.open_image(data, path.name)
    thumb = ingest._decode_opened(im, ingest.THUMB_EDGE, path.name)
    t2 = time.perf_counter()
    sha = hashlib.sha256(data).hexdigest()
    t3 = time.perf_counter()
    store = PhotoStore(root)
    store.put_bytes(data, sha)
    t4 = time.perf_counter()
    store.save_thumbnail(sha, thumb)
    t5 = time.perf_counter()
    return {
        "read": t1 - t0,
        "decode (draft)": t2 - t1,
        "sha256": t3 - t2,
        "blob write+fsync": t4 - t3,
        "thumbnail save": t5 - t4,
    }


def bench_single(tmp: Path, repeat: int) -> None:
    src = camera_like_jpeg(tmp / "IMG_12MP.jpg")
    print(f"12-MP JPEG: {src.stat().st_size / 1e6:.1f} MB, 4000×3000, EXIF orientation 6")
    naive_t: list[float] = []
    ours_t: list[float] = []
    parts: dict[str, list[float]] = {}
    naive(src, tmp / "warm.jpg")  # both read the file from the page cache
    for i in range(repeat):
        t = time.perf_counter()
        naive(src, tmp / f"naive-{i}.jpg")
        naive_t.append(time.perf_counter() - t)
        t = time.perf_counter()
        got = ours(src, tmp / f"store-{i}")  # a fresh store each time: the blob is really written
        ours_t.append(time.perf_counter() - t)
        assert got.thumbnail is not None
        for k, v in breakdown(src, tmp / f"store-b{i}").items():
            parts.setdefault(k, []).append(v)
    n, o = statistics.median(naive_t), statistics.median(ours_t)
    print(f"  naive Pillow open + exif_transpose + resize + save: median {n * 1000:7.1f} ms  (n={repeat})")
    print(f"  hoteltv ingest (read, validate, hash, store, thumb): median {o * 1000:7.1f} ms  (n={repeat})")
    record(
        "photo_ingest",
        "ingest one 12-MP JPEG (validate, hash, store, thumbnail)",
        o,
        baseline="naive Pillow open + exif_transpose + resize",
        baseline_s=n,
        runs=repeat,
    )
    print(f"  ratio naive / hoteltv: {n / o:.1f}×  (aim ≥ 3×)")
    print(
        "  hoteltv breakdown (medians): "
        + ", ".join(f"{k} {statistics.median(v) * 1000:.1f} ms" for k, v in parts.items())
    )


def bench_gui(tmp: Path, batch: int) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from tests.core.photo_fixtures import draft_inspection
    from ui.context import AppContext
    from ui.photos import PhotoStrip

    app = QApplication.instance() or QApplication([])
    ctx = AppContext.open(tmp / "home")
    view = draft_inspection(ctx.db, ctx.divisions)
    base = camera_like_jpeg(tmp / "base.jpg").read_bytes()
    files = []
    for i in range(batch):  # distinct files (different hash), same picture: bytes after the JPEG's end
        path = tmp / "batch" / f"IMG_{i:04d}.jpg"
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(base + f"hoteltv-bench-{i}".encode())
        files.append(path)
    strip = PhotoStrip(ctx, view.id)
    strip.resize(900, 260)
    strip.show()
    deadline = time.perf_counter() + 10
    while strip.model.rowCount() == 0 and ctx.runner.busy() and time.perf_counter() < deadline:
        app.processEvents()

    gaps: list[float] = []
    last = [time.perf_counter()]

    def tick() -> None:
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(tick)
    first_row: list[float] = []
    finished: list[object] = []
    strip.model.rowsInserted.connect(
        lambda *a: first_row.append(time.perf_counter()) if not first_row else None
    )
    strip.sig_import_finished.connect(finished.append)
    timer.start()
    start = time.perf_counter()
    last[0] = start
    strip.add_files(files)
    while not finished:
        app.processEvents()
        time.sleep(0.0005)
    total = time.perf_counter() - start
    timer.stop()
    ctx.runner.wait()
    outcomes = finished[0]
    assert isinstance(outcomes, list)
    ok = sum(1 for o in outcomes if o.ok)
    gaps_ms = sorted(g * 1000 for g in gaps)
    p99 = gaps_ms[int(len(gaps_ms) * 0.99) - 1] if gaps_ms else 0.0
    record(
        "photo_ingest",
        f"GUI thread: longest gap while importing {batch} photos",
        gaps_ms[-1] / 1000,
        aim_s=0.05,
    )
    record("photo_ingest", f"import {batch} × 12-MP photos through the GUI strip", total)
    print(f"{batch} × 12-MP photos through PhotoStrip + JobRunner ({ok} imported):")
    print(
        f"  total {total:.1f} s ({total / batch * 1000:.0f} ms per photo), first thumbnail after "
        f"{(first_row[0] - start) * 1000:.0f} ms"
    )
    print(
        f"  GUI thread: longest gap between 5-ms ticks {gaps_ms[-1]:.1f} ms (aim < 50 ms), "
        f"p99 {p99:.1f} ms, median {statistics.median(gaps_ms):.1f} ms, {len(gaps_ms)} ticks"
    )
    strip.close()
    ctx.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--skip-gui", action="store_true")
    args = parser.parse_args(argv)
    print(
        f"Python {platform.python_version()}, Pillow {Image.__version__}, {platform.machine()}, "
        f"{os.cpu_count()} CPUs, {platform.system()}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        bench_single(Path(tmp), args.repeat)
        if not args.skip_gui:
            bench_gui(Path(tmp), args.batch)
    return 0


if __name__ == "__main__":
    sys.exit(main())
