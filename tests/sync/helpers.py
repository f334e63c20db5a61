"""Building records on a test laptop: hotels, inspectors, complete inspections with photos; and a real
server on loopback."""

from __future__ import annotations

import io
import random
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import uvicorn
from PIL import Image
from sqlalchemy import func, select

from hoteltv.db.engine import Database
from hoteltv.db.models import SYNCED_MODELS, OutboxEntry
from hoteltv.domain.divisions import default_divisions
from hoteltv.services import hotels as hotel_service
from hoteltv.services import inspections as insp_service
from hoteltv.services import photos as photo_service
from tests.core.conftest import fill_inspection


def jpeg_file(folder: Path, seed: int, size: tuple[int, int] = (48, 32)) -> Path:
    rng = random.Random(seed)
    image = Image.new("RGB", size, (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    for _ in range(20):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        image.putpixel((x, y), (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=90)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"photo-{seed}.jpg"
    path.write_bytes(buf.getvalue())
    return path


def make_hotel(db: Database, name: str, division: str = "隆阳区", **kw: Any) -> str:
    view = hotel_service.create_hotel(
        db, hotel_service.HotelInput(name=name, division_code=division, pilot=True, **kw), default_divisions()
    )
    return view.id


def edit_hotel(db: Database, hotel_id: str, **changes: Any) -> None:
    view = hotel_service.get_hotel(db, hotel_id)
    data = view.as_input()
    from dataclasses import replace

    hotel_service.update_hotel(db, hotel_id, replace(data, **changes), default_divisions())


def team(db: Database, prefix: str = "5305") -> list[str]:
    have = insp_service.list_inspectors(db)
    if len(have) >= 2:
        return [have[0].id, have[1].id]
    return [
        insp_service.add_inspector(db, "张明", f"{prefix}19001").id,
        insp_service.add_inspector(db, "李华", f"{prefix}19002").id,
    ]


def make_inspection(
    db: Database,
    hotel_id: str,
    *,
    photos: int = 0,
    finalize: bool = True,
    folder: Path | None = None,
    seed: int = 0,
) -> str:
    view = insp_service.start_inspection(db, hotel_id, team(db))
    fill_inspection(db, view.id)
    if photos:
        assert folder is not None
        store = photo_service.PhotoStore.for_home(Path(str(db.path)).parent)
        files = [jpeg_file(folder, seed * 1000 + i) for i in range(photos)]
        outcomes = photo_service.attach_files(db, store, view.id, files)
        assert all(o.status == "ok" for o in outcomes), [o.message for o in outcomes]
    if finalize:
        insp_service.finalize(db, view.id)
    return view.id


def snapshot(db: Database) -> dict[str, dict[str, dict[str, Any]]]:
    """Every synced record's content (no bookkeeping), by table and id: what two copies must agree on."""
    from hoteltv.db.tracking import column_values
    from hoteltv.sync.values import BOOKKEEPING

    out: dict[str, dict[str, dict[str, Any]]] = {}
    with db.reading() as s:
        for model in SYNCED_MODELS:
            rows = {}
            for row in s.scalars(select(model)):
                values = column_values(row)
                rows[row.id] = {k: v for k, v in values.items() if k not in BOOKKEEPING}
            out[model.__tablename__] = rows  # type: ignore[attr-defined]
    return out


def unsent(db: Database) -> int:
    with db.reading() as s:
        return int(
            s.scalar(select(func.count()).select_from(OutboxEntry).where(OutboxEntry.sent_at.is_(None))) or 0
        )


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """Run ``app`` in a real uvicorn server on a free loopback port; yields its base URL, stops at the end
    and closes the app's database."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        app.state.db.close()
