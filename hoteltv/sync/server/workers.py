"""Running the sync server: one uvicorn process, or ``--workers N`` processes sharing one PostgreSQL database.

Several worker processes are safe on PostgreSQL because everything they must agree on lives in the
database or on disk, never in one process's memory:

* sequence numbers are handed out under a row lock on the ``seq`` counter (the ``UPDATE`` that moves it) held
  until the writing transaction commits, so numbers are unique, gap-free and given in commit order
  whichever process writes (:mod:`hoteltv.sync.server.store`);
* a push's idempotency key is looked up and its answer stored under that same lock, so the same batch sent
  twice at once, to two processes, is applied once and the second gets the stored answer;
* a resumable photo upload holds an operating-system lock on ``incoming/<sha256>.lock`` while it appends
  and verifies (:mod:`hoteltv.sync.server.photos`): two uploads of one file, in one process or two, take
  turns and the file ends whole;
* the per-process caches are safe to be stale for a bounded time only: the check cache is keyed by the
  database's head sequence number, and the token cache is dropped whenever the database's ``auth``
  generation moves (every user or token change bumps it; each process looks at most once a second), so a
  token revoked through one process, or by ``hoteltv tokens revoke``, is refused by every process within
  about a second (at most :data:`~hoteltv.sync.server.auth.TokenCache.TTL` seconds).

The database is migrated and seeded once, in the parent, before the workers start. SQLite allows one
writing process at a time, so it is served by one process only and more workers are refused with a clear
message. With more than one worker, Prometheus metrics are kept per process in a folder
(``PROMETHEUS_MULTIPROC_DIR``, made fresh at each start) and ``/metrics`` adds them up.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hoteltv.errors import HoteltvError

if TYPE_CHECKING:
    from hoteltv.domain.divisions import DivisionList

ENV_DATABASE = "HOTELTV_SERVER_DATABASE_URL"
ENV_PHOTOS = "HOTELTV_SERVER_PHOTO_DIR"
ENV_MULTIPROC = "PROMETHEUS_MULTIPROC_DIR"
MAX_WORKERS = 64


#: Seconds an idle kept-alive connection stays open. Longer than the laptops' own limit (httpx closes a
#: pooled connection idle for 5 s): with uvicorn's default of 5 s too, a laptop could send its next
#: request on a connection the server was closing that instant and see it cut (``ReadError``). Like
#: nginx's default ``keepalive_timeout`` of 75 s in front.
KEEP_ALIVE_S = 75


def check_workers(database_url: str, workers: int) -> None:
    """Refuse a worker count the database cannot serve (SQLite: one process)."""
    if not 1 <= workers <= MAX_WORKERS:
        raise HoteltvError(f"--workers 须在 1 到 {MAX_WORKERS} 之间 (--workers must be 1..{MAX_WORKERS})")
    if workers > 1 and database_url.startswith("sqlite"):
        raise HoteltvError(
            f"SQLite 数据库只能由一个服务器进程使用,不能用 --workers {workers};"
            "多进程请改用 PostgreSQL (--database-url postgresql://…) "
            f"(SQLite is served by one process only: drop --workers {workers}, or use PostgreSQL "
            "with --database-url for several workers)"
        )


def app_from_env() -> Any:
    """The application of one worker process (uvicorn's factory): database and photo folder from the
    environment the parent set."""
    from hoteltv.sync.server.app import create_app
    from hoteltv.sync.server.heap import set_aside_startup_objects

    try:
        url, photos = os.environ[ENV_DATABASE], os.environ[ENV_PHOTOS]
    except KeyError as exc:
        raise HoteltvError(f"{exc.args[0]} is not set (start the server with `hoteltv serve`)") from None
    app = create_app(url, Path(photos))
    set_aside_startup_objects()  # this worker process lives as long as its application
    return app


def prepare_metrics_dir(data_dir: Path) -> Path:
    """A fresh folder for the workers' metric files (old files of a previous run would count twice)."""
    configured = os.environ.get(ENV_MULTIPROC)
    folder = Path(configured) if configured else data_dir / "metrics"
    if folder.exists():
        for child in folder.iterdir():
            if child.is_file() and child.suffix == ".db":
                child.unlink()
    else:
        folder.mkdir(parents=True)
    return folder


def run(
    database_url: str,
    data_dir: Path,
    *,
    host: str,
    port: int,
    workers: int = 1,
    certfile: str | None = None,
    keyfile: str | None = None,
    forwarded_allow_ips: str = "127.0.0.1",
    log_level: str = "info",
    divisions: Sequence[DivisionList] = (),
) -> None:
    """Serve until stopped: migrate and seed the database once (with ``divisions``' counties, if given),
    then start uvicorn with ``workers``."""
    import uvicorn

    from hoteltv.sync.server.store import ServerDB, normalise_url

    check_workers(normalise_url(database_url), workers)
    photo_dir = data_dir / "photos"
    ServerDB(database_url, divisions).close()  # migrations and seed data, once, before any worker starts
    options: dict[str, Any] = {
        "host": host,
        "port": port,
        "ssl_certfile": certfile,
        "ssl_keyfile": keyfile,
        "proxy_headers": True,
        "forwarded_allow_ips": forwarded_allow_ips,
        "log_level": log_level,
        "timeout_keep_alive": KEEP_ALIVE_S,
    }
    if workers == 1:
        os.environ.pop(ENV_MULTIPROC, None)  # one process: the metrics live in memory
        from hoteltv.sync.server.app import create_app
        from hoteltv.sync.server.heap import set_aside_startup_objects

        app = create_app(database_url, photo_dir)
        set_aside_startup_objects()
        uvicorn.run(app, **options)
        return
    metrics_dir = prepare_metrics_dir(data_dir)
    os.environ[ENV_MULTIPROC] = str(metrics_dir)
    os.environ[ENV_DATABASE] = database_url
    os.environ[ENV_PHOTOS] = str(photo_dir)
    try:
        uvicorn.run(f"{__name__}:app_from_env", factory=True, workers=workers, **options)
    finally:
        for name in (ENV_DATABASE, ENV_PHOTOS):
            os.environ.pop(name, None)
