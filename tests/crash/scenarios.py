"""The crash campaign's scenarios: what the killed child does, and what must hold after the kill.

Each scenario has three parts:

* ``prepare(folder, size)`` runs once per campaign in the parent: template data folders and inputs
  (sheets, photos, an operation list, backups), returned as JSON-ready parameters;
* ``work(trial)`` runs in the child process, through the product's own services, and reports progress in
  the trial's log: ``ready`` once set up (the harness kills only after it), ``intent`` before each
  operation, ``done`` after its commit *returned*, ``finished`` at the end. Each line is appended and
  fsynced before the work goes on;
* ``check(trial, log)`` runs in the parent after the kill: every operation logged ``done`` must be there,
  the one in flight may be there or not but never in part, and nothing half-written may be visible.

:func:`check_folder` holds what every scenario must satisfy: SQLite's integrity and foreign-key checks, the
data folder opening normally, audit and outbox rows matching every record's version (they are written in
the same transaction), every photo row's blob present and whole, and no blob under its final name
whose bytes do not hash to that name.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from hoteltv.backup import RESTORED_ENTITY

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures"

#: A test-only migration for the "extra" migration variant: rebuilds the hotels table (batch mode copies
#: every row), the slowest kind of step a real upgrade has.
EXTRA_MIGRATION = '''"""crash campaign only: rebuild the hotels table with one more column"""
from alembic import op
import sqlalchemy as sa

revision = "9000_crash"
down_revision = "{head}"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("hotels", recreate="always") as batch:
        batch.add_column(sa.Column("crash_only", sa.String(10), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("hotels") as batch:
        batch.drop_column("crash_only")
'''

SYNCED_TABLES = (
    "divisions",
    "hotels",
    "inspectors",
    "inspections",
    "inspection_inspectors",
    "room_checks",
    "photos",
    "rectification_notices",
)


# --- the trial and its log ------------------------------------------------------------------------------


@dataclass
class Trial:
    """One run of a scenario in its own folder: ``home`` (the data folder), ``log.jsonl``, ``params``."""

    folder: Path
    params: dict[str, Any]

    @property
    def home(self) -> Path:
        return self.folder / "home"

    @property
    def log_path(self) -> Path:
        return self.folder / "log.jsonl"

    def log(self, ev: str, **data: Any) -> None:
        """Append one event and fsync it before the work goes on (called in the child)."""
        line = json.dumps({"ev": ev, "t": time.time(), **data}, ensure_ascii=False) + "\n"
        fd = os.open(self.log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line.encode("utf-8"))
            os.fsync(fd)
        finally:
            os.close(fd)


@dataclass
class Log:
    """What the child reported before it died."""

    events: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def read(cls, path: Path) -> Log:
        events = []
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                try:
                    events.append(json.loads(line))
                except ValueError:
                    continue  # a line cut by the kill
        return cls(events)

    def _first(self, ev: str) -> dict[str, Any] | None:
        return next((e for e in self.events if e["ev"] == ev), None)

    @property
    def ready_at(self) -> float | None:
        e = self._first("ready")
        return None if e is None else float(e["t"])

    @property
    def finished(self) -> bool:
        return self._first("finished") is not None

    @property
    def done(self) -> list[dict[str, Any]]:
        return [e for e in self.events if e["ev"] == "done"]

    @property
    def done_ids(self) -> list[int]:
        return [int(e["i"]) for e in self.done]

    @property
    def inflight(self) -> dict[str, Any] | None:
        """The operation started (``intent``) whose commit was not reported as returned."""
        finished = set(self.done_ids)
        intents = [e for e in self.events if e["ev"] == "intent"]
        if intents and int(intents[-1]["i"]) not in finished:
            return intents[-1]
        return None


# --- what every scenario must satisfy -------------------------------------------------------------------


def raw_integrity(path: Path) -> list[str]:
    """SQLite's own integrity check on a file as the kill left it (opening recovers its WAL)."""
    if not path.exists():
        return []
    conn = sqlite3.connect(str(path))
    try:
        rows = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        return [f"{path.name}: {exc}"]
    finally:
        conn.close()
    return [] if rows == ["ok"] else [f"{path.name}: integrity_check: {'; '.join(rows[:5])}"]


def tracking_problems(conn: sqlite3.Connection) -> list[str]:
    """Each synced record's version has its outbox entry, and audit and outbox rows come in pairs."""
    problems: list[str] = []
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    for table in SYNCED_TABLES:
        if table not in tables:
            continue
        bad = conn.execute(
            f"SELECT t.id, t.version, (SELECT max(o.version) FROM outbox o WHERE o.entity = ? AND o.entity_id = t.id) "
            f"FROM {table} t WHERE t.version IS NOT (SELECT max(o.version) FROM outbox o "
            "WHERE o.entity = ? AND o.entity_id = t.id) LIMIT 3",
            (table, table),
        ).fetchall()
        for row_id, version, outboxed in bad:
            problems.append(f"{table} {row_id[:8]}: version {version} but outbox has {outboxed}")
    audit = dict(conn.execute("SELECT entity_id, count(*) FROM audit_events GROUP BY entity_id").fetchall())
    # a restore's numbering marker (hoteltv.backup.RESTORED_ENTITY) is an outbox row for no record
    outbox = dict(
        conn.execute(
            "SELECT entity_id, count(*) FROM outbox WHERE entity != ? GROUP BY entity_id", (RESTORED_ENTITY,)
        ).fetchall()
    )
    if audit != outbox:
        diff = [k for k in set(audit) | set(outbox) if audit.get(k) != outbox.get(k)]
        problems.append(f"audit and outbox rows differ for {len(diff)} records (e.g. {sorted(diff)[:2]})")
    return problems


def check_folder(home: Path) -> list[str]:
    """What must hold for any data folder after any kill (see the module docstring)."""
    from hoteltv.db.engine import DB_FILENAME, Database
    from hoteltv.errors import HoteltvError
    from hoteltv.photos.store import PhotoStore
    from hoteltv.services.photos import check_store

    problems = raw_integrity(home / DB_FILENAME)
    if problems:
        return problems
    try:
        db = Database.open(home)
    except HoteltvError as exc:
        return [f"the data folder does not open: {exc}"]
    try:
        problems += db.integrity_problems()
        with db.engine.connect() as conn:
            problems += tracking_problems(conn.connection.dbapi_connection)  # type: ignore[arg-type]
        store = PhotoStore.for_home(home)
        report = check_store(db, store)
        problems += [f"photo {p.sha256[:12]}: {p.problem} (used by {p.photos[0]})" for p in report.problems]
    finally:
        db.close()
    for sha in store.blobs():
        if not store.verify(sha):
            problems.append(f"blob {sha[:12]} under its final name does not hash to it (a partial write?)")
    return problems


def _hotel_names(home: Path) -> list[str]:
    conn = sqlite3.connect(str(home / "hoteltv.db"))
    try:
        return [r[0] for r in conn.execute("SELECT name FROM hotels WHERE deleted = 0")]
    finally:
        conn.close()


# --- preparing ------------------------------------------------------------------------------------------


def _new_home(home: Path) -> tuple[Any, Any]:
    from hoteltv.services.setup import open_home

    db, _settings, divisions = open_home(home)
    return db, divisions


def _draft(db: Any, divisions: Any, name: str = "崩溃测试酒店") -> str:
    from hoteltv.services import hotels as hotel_service
    from hoteltv.services import inspections as svc

    hotel = hotel_service.create_hotel(
        db, hotel_service.HotelInput(name=name, division_code="隆阳区", pilot=True), divisions
    )
    team = [svc.add_inspector(db, "张明", "53050219001").id, svc.add_inspector(db, "李华", "53050219002").id]
    view = svc.start_inspection(db, hotel.id, team)
    for number in ("301", "502"):
        view = svc.add_room(db, view.id, number)
    return view.id


def _photo_files(folder: Path, count: int, side: tuple[int, int], seed: int) -> list[str]:
    """Distinct JPEGs of random noise: they hardly compress, so at 2000 × 1500 a file is about as big as
    a phone's photo (~5 MB) and each blob write takes a while — a wide window for the kill."""
    from PIL import Image

    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for i in range(count):
        w, h = side
        im = Image.frombytes("RGB", (w, h), rng.randbytes(w * h * 3))
        path = folder / f"IMG_{seed}_{i:04d}.jpg"
        im.save(path, "JPEG", quality=92)
        out.append(str(path))
    return out


def _sha(path: str) -> str:
    import hashlib

    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


SIZES: dict[str, dict[str, Any]] = {
    "small": {
        "edits": 80,
        "shared": 300,
        "new": 100,
        "sheets": 3,
        "photos": 10,
        "side": (800, 600),
        "hotels": 1500,
        "backups": 4,
        "restores": 4,
    },
    "large": {
        "edits": 200,
        "shared": 1500,
        "new": 500,
        "sheets": 4,
        "photos": 20,
        "side": (2000, 1500),
        "hotels": 8000,
        "backups": 5,
        "restores": 6,
    },
}


# --- scenario: saving inspection edits one by one -----------------------------------------------------------


def _edit_value(item: Any, n: int) -> Any:
    t = item.answer_type
    if t == "yes_no":
        return ("yes", "no")[n % 2]
    if t == "seconds":
        return n % 600
    if t == "count":
        return n % 10
    if t == "choice":
        return item.choices[n % len(item.choices)].key
    return f"记录{n}"


def prepare_edits(folder: Path, size: dict[str, Any], seed: int) -> dict[str, Any]:
    from hoteltv.domain.checklist import latest_template

    home = folder / "home"
    db, divisions = _new_home(home)
    inspection_id = _draft(db, divisions)
    db.close()
    template = latest_template()
    rng = random.Random(seed)
    rooms = ["301", "502"]
    ops: list[dict[str, Any]] = []
    for n in range(size["edits"]):
        r = rng.random()
        if r < 0.05:
            number = f"{len(rooms) + 6}{n:02d}"
            rooms.append(number)
            ops.append({"op": "add_room", "room": number})
        elif r < 0.15:
            ops.append({"op": "header", "text": f"酒店意见第{n}版"})
        elif r < 0.5:
            item = rng.choice(template.hotel_items)
            ops.append({"op": "hotel", "key": item.key, "raw": _edit_value(item, n)})
        else:
            item = rng.choice(template.room_items)
            ops.append(
                {"op": "room", "room": rng.choice(rooms), "key": item.key, "raw": _edit_value(item, n)}
            )
    (folder / "ops.json").write_text(json.dumps(ops, ensure_ascii=False), encoding="utf-8")
    return {"template": str(home), "inspection_id": inspection_id, "ops": str(folder / "ops.json")}


def work_edits(trial: Trial) -> None:
    from hoteltv.db.engine import Database
    from hoteltv.services import inspections as svc

    ops = json.loads(Path(trial.params["ops"]).read_text(encoding="utf-8"))
    insp_id = trial.params["inspection_id"]
    db = Database.open(trial.home)
    rooms = {r.room_number: r.id for r in svc.get_inspection(db, insp_id).rooms}
    trial.log("ready")
    for i, op in enumerate(ops):
        trial.log("intent", i=i)
        if op["op"] == "hotel":
            svc.set_hotel_answer(db, insp_id, op["key"], op["raw"])
        elif op["op"] == "room":
            svc.set_room_answer(db, rooms[op["room"]], op["key"], op["raw"])
        elif op["op"] == "add_room":
            view = svc.add_room(db, insp_id, op["room"])
            rooms = {r.room_number: r.id for r in view.rooms}
        else:
            svc.update_header(db, insp_id, svc.HeaderFields(hotel_opinion=op["text"]))
        trial.log("done", i=i)
    trial.log("finished")
    db.close()


def _edit_state(ops: list[dict[str, Any]], applied: list[int]) -> dict[str, Any]:
    from hoteltv.domain.checklist import coerce_answer, latest_template

    template = latest_template()
    state: dict[str, Any] = {"hotel": {}, "rooms": {"301": {}, "502": {}}, "opinion": None}
    for i in applied:
        op = ops[i]
        if op["op"] == "hotel":
            state["hotel"][op["key"]] = coerce_answer(template.item(op["key"]), op["raw"])
        elif op["op"] == "room":
            state["rooms"][op["room"]][op["key"]] = coerce_answer(template.item(op["key"]), op["raw"])
        elif op["op"] == "add_room":
            state["rooms"][op["room"]] = {}
        else:
            state["opinion"] = op["text"]
    return state


def check_edits(trial: Trial, log: Log) -> list[str]:
    from hoteltv.db.engine import Database
    from hoteltv.services import inspections as svc

    ops = json.loads(Path(trial.params["ops"]).read_text(encoding="utf-8"))
    db = Database.open(trial.home)
    try:
        view = svc.get_inspection(db, trial.params["inspection_id"])
    finally:
        db.close()
    actual = {
        "hotel": dict(view.hotel_answers),
        "rooms": {r.room_number: dict(r.answers) for r in view.rooms},
        "opinion": view.hotel_opinion,
    }
    done = log.done_ids
    allowed = [_edit_state(ops, done)]
    if log.inflight is not None:
        allowed.append(_edit_state(ops, [*done, int(log.inflight["i"])]))
    if actual in allowed:
        return []
    expected = allowed[0]
    diff = [k for k in ("hotel", "rooms", "opinion") if actual[k] != expected[k]]
    return [
        f"after {len(done)} returned edits the inspection differs in {diff} (and is not the in-flight edit either)"
    ]


# --- scenario: importing spreadsheets -----------------------------------------------------------------------


def prepare_import(folder: Path, size: dict[str, Any], seed: int) -> dict[str, Any]:
    from hoteltv.domain.divisions import default_divisions
    from hoteltv.io.tables import write_table

    home = folder / "home"
    db, _divisions = _new_home(home)
    db.close()
    names = [d.name for d in default_divisions().divisions]
    sheets = []
    for k in range(size["sheets"]):
        path = folder / f"hotels-{k}.{'xlsx' if k % 2 == 0 else 'csv'}"
        rows: list[list[object]] = [
            [f"共用酒店{j:05d}", names[j % len(names)], 10 + k, f"地址{k}-{j}"] for j in range(size["shared"])
        ]
        rows += [[f"新酒店{k}-{j:05d}", names[j % len(names)], 20, "新"] for j in range(size["new"])]
        write_table(path, ["酒店名称", "所属县区", "客房数", "地址"], rows)
        sheets.append(str(path))
    return {"template": str(home), "sheets": sheets, "shared": size["shared"], "new": size["new"]}


def work_import(trial: Trial) -> None:
    from hoteltv.io.hotel_sheet import read_hotel_sheet
    from hoteltv.services.hotels import import_hotels
    from hoteltv.services.setup import open_home

    db, _settings, divisions = open_home(trial.home)
    trial.log("ready")
    for k, sheet in enumerate(trial.params["sheets"]):
        trial.log("intent", i=k)
        report = import_hotels(db, read_hotel_sheet(Path(sheet), divisions))
        assert not report.refused, report.refused[:2]
        trial.log("done", i=k)
    trial.log("finished")
    db.close()


def check_import(trial: Trial, log: Log) -> list[str]:
    p = trial.params
    conn = sqlite3.connect(str(trial.home / "hoteltv.db"))
    try:
        shared = conn.execute(
            "SELECT count(*), group_concat(DISTINCT rooms) FROM hotels WHERE name LIKE '共用酒店%'"
        ).fetchone()
        new = dict(
            conn.execute(
                "SELECT substr(name, 4, instr(substr(name, 4), '-') - 1), count(*) FROM hotels "
                "WHERE name LIKE '新酒店%' GROUP BY 1"
            ).fetchall()
        )
        addresses = {
            r[0]
            for r in conn.execute(
                "SELECT DISTINCT substr(address, 3, instr(address, '-') - 3) FROM hotels "
                "WHERE name LIKE '共用酒店%'"
            )
        }
    finally:
        conn.close()
    actual = (
        shared[0],
        str(shared[1]) if shared[1] is not None else None,
        {int(k): v for k, v in new.items()},
        addresses,
    )

    def state(last: int) -> tuple[Any, ...]:
        if last < 0:
            return (0, None, {}, set())
        return (p["shared"], str(10 + last), {k: p["new"] for k in range(last + 1)}, {str(last)})

    done = log.done_ids
    allowed = [state(done[-1] if done else -1)]
    if log.inflight is not None:
        allowed.append(state(int(log.inflight["i"])))
    if actual in allowed:
        return []
    return [
        f"after {len(done)} returned imports the hotels are neither all-old nor all-new: shared count/rooms "
        f"{actual[0]}/{actual[1]}, new per sheet {actual[2]}, addresses from sheets {sorted(actual[3])}"
    ]


# --- scenario: importing photos -----------------------------------------------------------------------------


def prepare_photos(folder: Path, size: dict[str, Any], seed: int) -> dict[str, Any]:
    home = folder / "home"
    db, divisions = _new_home(home)
    inspection_id = _draft(db, divisions)
    db.close()
    files = _photo_files(folder / "photos", size["photos"], tuple(size["side"]), seed)
    return {
        "template": str(home),
        "inspection_id": inspection_id,
        "photos": files,
        "shas": [_sha(f) for f in files],
    }


def work_photos(trial: Trial) -> None:
    from hoteltv.db.engine import Database
    from hoteltv.photos.store import PhotoStore
    from hoteltv.services.photos import attach_files

    db = Database.open(trial.home)
    store = PhotoStore.for_home(trial.home)
    trial.log("ready")
    for i, path in enumerate(trial.params["photos"]):
        trial.log("intent", i=i)
        outcome = attach_files(db, store, trial.params["inspection_id"], [path])[0]
        assert outcome.ok, outcome.message
        trial.log("done", i=i)
    trial.log("finished")
    db.close()


def check_photos(trial: Trial, log: Log) -> list[str]:
    shas = trial.params["shas"]
    conn = sqlite3.connect(str(trial.home / "hoteltv.db"))
    try:
        rows = [r[0] for r in conn.execute("SELECT sha256 FROM photos WHERE deleted = 0")]
    finally:
        conn.close()
    problems = []
    if len(rows) != len(set(rows)):
        problems.append("a photo was attached twice")
    done = {shas[i] for i in log.done_ids}
    allowed = [done]
    if log.inflight is not None:
        allowed.append(done | {shas[int(log.inflight["i"])]})
    if set(rows) not in allowed:
        problems.append(f"{len(done)} photos returned as attached, the database holds {len(rows)} other ones")
    from hoteltv.photos.store import PhotoStore

    foreign = set(PhotoStore.for_home(trial.home).blobs()) - set(shas)
    if foreign:
        problems.append(f"{len(foreign)} blobs in the store are none of the imported photos")
    return problems


# --- scenario: migrating a database ---------------------------------------------------------------------------

MIGRATE_VARIANTS = ("extra", "fixture", "empty")


def prepare_migrate(folder: Path, size: dict[str, Any], seed: int) -> dict[str, Any]:
    from hoteltv.db import engine as engine_module
    from hoteltv.domain.divisions import default_divisions
    from hoteltv.io.hotel_sheet import read_hotel_sheet
    from hoteltv.io.tables import write_table
    from hoteltv.services.hotels import import_hotels

    # "fixture": the oldest released schema's fixture database (40 hotels, 35 pilot).
    fixture_home = folder / "fixture" / "home"
    fixture_home.mkdir(parents=True)
    oldest = sorted(FIXTURES.glob("schema_*.db"))[0]
    shutil.copy(oldest, fixture_home / "hoteltv.db")
    with sqlite3.connect(oldest) as conn:
        fixture_rev = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    conn.close()
    # "extra": a database at today's head with many hotels, then one more (test-only) migration.
    extra_home = folder / "extra" / "home"
    db, divisions = _new_home(extra_home)
    names = [d.name for d in default_divisions().divisions]
    sheet = folder / "extra-hotels.csv"
    write_table(
        sheet,
        ["酒店名称", "所属县区", "客房数"],
        [[f"迁移酒店{j:05d}", names[j % len(names)], j % 90 + 5] for j in range(size["hotels"])],
    )
    import_hotels(db, read_hotel_sheet(sheet, divisions))
    db.close()
    head = engine_module.head_revision()
    scripts = folder / "migrations"
    shutil.copytree(engine_module.MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "9000_crash.py").write_text(EXTRA_MIGRATION.format(head=head), encoding="utf-8")
    return {
        "templates": {"fixture": str(fixture_home), "extra": str(extra_home)},
        "hotels": {"empty": 0, "fixture": 40, "extra": size["hotels"]},
        "from": {"fixture": fixture_rev, "extra": head},
        "migrations": str(scripts),
    }


def _patch_migrations(trial: Trial) -> None:
    if trial.params.get("variant") == "extra":
        from hoteltv.db import engine as engine_module

        engine_module.MIGRATIONS = Path(trial.params["migrations"])


def work_migrate(trial: Trial) -> None:
    from hoteltv.db.engine import Database

    _patch_migrations(trial)
    trial.log("ready")
    trial.log("intent", i=0)
    db = Database.open(trial.home)
    db.close()
    trial.log("done", i=0)
    trial.log("finished")


def check_migrate(trial: Trial, log: Log) -> list[str]:
    from hoteltv.db.engine import head_revision

    variant = trial.params["variant"]
    head = head_revision()  # patched by the harness for "extra"
    problems = []
    path = trial.home / "hoteltv.db"
    if log.done and path.exists():
        conn = sqlite3.connect(str(path))
        try:
            rev = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        finally:
            conn.close()
        if rev != head:
            problems.append(f"Database.open returned but the schema is {rev}, not {head}")
    names = _hotel_names(trial.home)
    if len(names) != trial.params["hotels"][variant]:
        problems.append(f"{len(names)} hotels after the upgrade, expected {trial.params['hotels'][variant]}")
    if variant == "fixture":
        conn = sqlite3.connect(str(path))
        try:
            pilots = conn.execute("SELECT count(*) FROM hotels WHERE pilot = 1").fetchone()[0]
        finally:
            conn.close()
        if pilots != 35:
            problems.append(f"{pilots} pilot hotels after the upgrade, expected 35")
    # A backup made before the upgrade must be whole under its final name, or absent.
    for backup in sorted((trial.home / "backups").glob("hoteltv-before-*")):
        if backup.name.endswith((".part", "-journal")):
            continue
        try:
            conn = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
            try:
                ok = [r[0] for r in conn.execute("PRAGMA integrity_check")] == ["ok"]
                rev = conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
                count = conn.execute("SELECT count(*) FROM hotels").fetchone()[0]
            finally:
                conn.close()
        except sqlite3.Error as exc:
            problems.append(f"{backup.name}: a pre-upgrade backup that is not a whole database ({exc})")
            continue
        if not ok or rev != trial.params["from"][variant] or count != trial.params["hotels"][variant]:
            problems.append(f"{backup.name}: pre-upgrade backup incomplete (rev {rev}, {count} hotels)")
    return problems


# --- scenario: writing backups (explicit and daily) -------------------------------------------------------------


def prepare_backup(folder: Path, size: dict[str, Any], seed: int) -> dict[str, Any]:
    from hoteltv.photos.store import PhotoStore
    from hoteltv.services.photos import attach_files

    home = folder / "home"
    db, divisions = _new_home(home)
    inspection_id = _draft(db, divisions)
    files = _photo_files(folder / "photos", max(3, size["photos"] // 2), tuple(size["side"]), seed + 1)
    attach_files(db, PhotoStore.for_home(home), inspection_id, files)
    db.close()
    return {"template": str(home), "count": size["backups"], "keep": 3}


def work_backup(trial: Trial) -> None:
    from hoteltv.backup import create_backup, ensure_daily_backup

    out = trial.folder / "out"
    out.mkdir(exist_ok=True)
    trial.log("ready")
    for k in range(trial.params["count"]):
        trial.log("intent", i=k)
        create_backup(trial.home, out / f"backup-{k}.zip")
        ensure_daily_backup(trial.home, keep=trial.params["keep"], today=date(2026, 1, 1 + k))
        trial.log("done", i=k)
    trial.log("finished")


def check_backup(trial: Trial, log: Log) -> list[str]:
    from hoteltv.backup import BackupError, daily_backups, verify_backup

    problems = []
    out = trial.folder / "out"
    present = sorted(out.glob("backup-*.zip")) if out.exists() else []
    for k in log.done_ids:
        if not (out / f"backup-{k}.zip").exists():
            problems.append(f"backup-{k}.zip returned but is not there")
    for path in [*present, *daily_backups(trial.home)]:
        try:
            verify_backup(path)
        except BackupError as exc:
            problems.append(f"{path.name} is under its final name but does not verify: {exc}")
    if len(daily_backups(trial.home)) > trial.params["keep"] + 1:
        problems.append(
            f"{len(daily_backups(trial.home))} daily backups kept, keep is {trial.params['keep']}"
        )
    return problems


# --- scenario: restoring backups ---------------------------------------------------------------------------------


def prepare_restore(folder: Path, size: dict[str, Any], seed: int) -> dict[str, Any]:
    from hoteltv.backup import create_backup
    from hoteltv.photos.store import PhotoStore
    from hoteltv.services import hotels as hotel_service
    from hoteltv.services.photos import attach_files

    files = _photo_files(folder / "photos", max(3, size["photos"] // 2), tuple(size["side"]), seed + 2)
    half = len(files) // 2
    home_a = folder / "a" / "home"
    db, divisions = _new_home(home_a)
    inspection_id = _draft(db, divisions, "状态A")
    attach_files(db, PhotoStore.for_home(home_a), inspection_id, files[:half])
    db.close()
    create_backup(home_a, folder / "state-a.zip")
    home_b = folder / "b" / "home"
    shutil.copytree(home_a, home_b)
    db, divisions = _new_home(home_b)
    hotel_service.create_hotel(db, hotel_service.HotelInput(name="状态B", division_code="施甸县"), divisions)
    attach_files(db, PhotoStore.for_home(home_b), inspection_id, files[half:])
    db.close()
    create_backup(home_b, folder / "state-b.zip")
    return {
        "template": str(home_a),
        "zips": {"A": str(folder / "state-a.zip"), "B": str(folder / "state-b.zip")},
        "count": size["restores"],
    }


def work_restore(trial: Trial) -> None:
    from hoteltv.backup import restore_backup

    trial.log("ready")
    for k in range(trial.params["count"]):
        which = "B" if k % 2 == 0 else "A"
        trial.log("intent", i=k, which=which)
        restore_backup(trial.home, Path(trial.params["zips"][which]), force=True)
        trial.log("done", i=k, which=which)
    trial.log("finished")


def check_restore(trial: Trial, log: Log) -> list[str]:
    names = set(_hotel_names(trial.home))
    actual = "B" if "状态B" in names else "A"
    allowed = {log.done[-1]["which"] if log.done else "A"}
    if log.inflight is not None:
        allowed.add(log.inflight["which"])
    problems = []
    if actual not in allowed:
        problems.append(f"the data folder holds state {actual}, expected one of {sorted(allowed)}")
    if "状态A" not in names:
        problems.append("the restored database lost its records")
    for aside in sorted(trial.home.glob("before-restore-*")):
        problems += [f"{aside.name}/{p}" for p in raw_integrity(aside / "hoteltv.db")]
    return problems


# --- the registry -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    name: str
    prepare: Callable[[Path, dict[str, Any], int], dict[str, Any]]
    work: Callable[[Trial], None]
    check: Callable[[Trial, Log], list[str]]
    #: First guess of the seconds from "ready" to "finished" (the harness then learns the real figure).
    window: float
    variants: tuple[str, ...] = ("",)


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario("edits", prepare_edits, work_edits, check_edits, 4.0),
        Scenario("import", prepare_import, work_import, check_import, 3.0),
        Scenario("photos", prepare_photos, work_photos, check_photos, 3.0),
        Scenario("migrate", prepare_migrate, work_migrate, check_migrate, 1.0, MIGRATE_VARIANTS),
        Scenario("backup", prepare_backup, work_backup, check_backup, 2.0),
        Scenario("restore", prepare_restore, work_restore, check_restore, 2.0),
    )
}
