"""One trial of the sync fault campaign: a server, two or three laptops, a random sequence of steps, the heal,
the checks.

Set-up: a server (SQLite file and photo folder; in-process, or a real ``hoteltv serve`` child process), users
``office`` (reads and writes everything), ``ly`` and ``tc`` (inspectors of 隆阳区 and 腾冲市); laptop 1 is
the office's, the others are random users (two laptops may share one). Laptop 1 adds two inspectors and
every laptop syncs once without faults.

Steps, drawn at random (``random.Random(f"…:{seed}:{trial}")``, so ``--seed S --trial K`` replays a trial;
the moment a SIGKILL lands in a child server is the one thing that is not replayed exactly):

* local work: create a hotel (now and then an inspector's hotel outside their divisions, which the server
  must refuse; now and then the same new hotel, by its credit code, on two office laptops, which the
  server must make one hotel), edit a hotel field, start an inspection (three rooms, 0–2 small photos, finalized or left a
  draft), edit a draft (findings, a room, a photo), finalize a draft, correct a finalized inspection,
  fail a hotel and issue a notice (maybe re-inspected, maybe closed by it: two records that name each
  other), discard a draft, resolve a conflict with a new value (office laptops);
* sync one laptop through the faulty network (:mod:`tests.syncfault.network`) at a random fault rate with
  random batch sizes, photo upload chunks and batch/single photo uploads;
* restart the server (in-process: a new app over the same files; child process: SIGKILL, and it may stay
  down until a client's backoff or a later step brings it back);
* bundles: export a laptop's unsent changes; import a bundle into the server (as its laptop's user, or
  an inspector forwarding an office laptop's bundle) once or twice, any bundle at any time (so out of order); import one or two bundles of one laptop into another
  laptop newest first (reverse order), and one of them again; a *relay*: export, edit a draft, export
  again, maybe sync both laptops, then the later bundle reaches the other laptop (and maybe the server)
  before the earlier one.

Every sync that returns must report each queued change as sent (applied, unchanged, conflict or refused);
a sync that ends in a non-transient error is a problem too.

Heal: no more faults, the held pushes delivered, the server up; every laptop syncs in turn until a whole
round moves nothing (at most :data:`MAX_HEAL_ROUNDS`), then :func:`tests.syncfault.oracle.check`.
"""

from __future__ import annotations

import io
import random
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image
from sqlalchemy import select

from hoteltv.db.engine import Database
from hoteltv.db.models import Hotel, Inspection, SyncConflict
from hoteltv.domain.divisions import default_divisions, division_id
from hoteltv.domain.identifiers import credit_check_char
from hoteltv.errors import HoteltvError
from hoteltv.photos.store import PhotoStore
from hoteltv.services import inspections as insp_service
from hoteltv.services import notices as notice_service
from hoteltv.services import photos as photo_service
from hoteltv.services.demo import good_hotel, good_room
from hoteltv.services.setup import ensure_divisions
from hoteltv.sync import state as sync_state
from hoteltv.sync.bundle import BundleRefused, export_bundle, import_local
from hoteltv.sync.client import RetryPolicy, SyncClient, SyncError, SyncReport
from hoteltv.sync.outbox import collect_changes, pending_count
from hoteltv.sync.server.bundle_import import import_to_server
from tests.sync.helpers import edit_hotel, make_hotel
from tests.syncfault.network import Network
from tests.syncfault.oracle import LaptopView, Model, check, take
from tests.syncfault.server import USERS, CrashSwitch, InProcessServer, SubprocessServer

MAX_HEAL_ROUNDS = 5
#: Division code → name; the inspectors' two and one only the office works in.
DIVISIONS = {"530502": "隆阳区", "530581": "腾冲市", "530521": "施甸县"}
#: Hotel fields the steps edit (every value typed is unique within the trial).
EDIT_FIELDS = ("address", "contact_phone", "contact_name", "notes", "rooms")
WEIGHTS = {
    "create_hotel": 3.0,
    "edit_hotel": 6.0,
    "start_inspection": 3.0,
    "finalize": 1.0,
    "correct": 1.0,
    "discard": 0.4,
    "edit_draft": 2.0,
    "resolve": 0.8,
    "sync": 7.0,
    "restart": 0.8,
    "export": 1.5,
    "import_server": 1.0,
    "import_local": 1.5,
    "bundle_relay": 1.5,
    "same_hotel": 0.8,
    "rectify": 0.8,
}


@dataclass
class Laptop:
    name: str
    user: str
    role: str
    division_ids: frozenset[str]
    codes: tuple[str, ...]
    home: Path
    db: Database
    store: PhotoStore

    def view(self) -> LaptopView:
        return LaptopView(self.name, self.role, self.division_ids, self.db, self.store)


@dataclass
class BundleInfo:
    path: Path
    origin: str
    number: int
    clean: bool  # holds no record the server must refuse (may go to another laptop)


@dataclass
class TrialResult:
    """One trial's outcome; ``problems`` empty means every check passed."""

    seed: int
    index: int
    mode: str
    laptops: list[str]
    steps: int
    syncs: int = 0
    syncs_failed: int = 0
    heal_rounds: int = 0
    faults: dict[str, int] = field(default_factory=dict)
    events: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    trace: list[str] = field(default_factory=list)  # the requests, kept for a failed trial
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


FAULT_KINDS = ("refused", "lost_answer", "cut", "duplicate", "held", "crash", "kill")


def fill(db: Database, inspection_id: str, rooms: int = 3) -> None:
    """Answer a draft completely (as ``tests.core.conftest.fill_inspection`` does, with each room and its
    answers in one step) so it can be finalized."""
    for key, value in (good_hotel("direct_live") | {"responsible_person": "杨建华"}).items():
        insp_service.set_hotel_answer(db, inspection_id, key, value)
    for n in range(rooms):
        number = f"{3 + n}0{n + 1}"
        insp_service.add_room(
            db, inspection_id, number, floor=number[:-2], room_type="标准间", answers=good_room("direct_live")
        )
    insp_service.update_header(
        db,
        inspection_id,
        insp_service.HeaderFields(ids_shown=True, hotel_opinion="无异议", hotel_signatory="段丽"),
    )


def _photo_bytes(seed: int) -> bytes:
    """A small noisy JPEG, different for every seed (10–30 kB: uploads are cut mid-file)."""
    rng = random.Random(seed)
    w, h = rng.randrange(120, 220), rng.randrange(90, 160)
    image = Image.effect_noise((w, h), rng.uniform(20, 80)).convert("RGB")
    image.putpixel((0, 0), (seed % 256, (seed >> 8) % 256, (seed >> 16) % 256))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=rng.randrange(70, 95))
    return buf.getvalue()


class TrialRun:
    """Runs one trial in ``folder`` (see module docstring)."""

    def __init__(
        self,
        folder: Path,
        seed: int,
        index: int,
        *,
        mode: str,
        steps: int,
        crash: CrashSwitch,
    ) -> None:
        self.folder = folder
        self.seed = seed
        self.index = index
        self.mode = mode
        self.n_steps = steps
        self.crash = crash
        self.rng = random.Random(f"hoteltv-syncfault:{seed}:{index}")
        self.stats: Counter[str] = Counter()
        self.model = Model()
        self.laptops: list[Laptop] = []
        self.hotels: list[str] = []  # in creation order (ids are random: choices go by this order)
        self.foreign: set[str] = set()
        self.inspections: list[str] = []
        self.photos: list[bytes] = []
        self.bundles: list[BundleInfo] = []
        self.counter = 0
        self.step = 0
        self.log: list[str] = []
        self.problems: list[str] = []
        self.notes: list[str] = []
        self.syncs = 0
        self.syncs_failed = 0
        self.server: Any = None
        self.net: Any = None

    # --- helpers -------------------------------------------------------------------------------------------
    def unique(self, name: str) -> Any:
        self.counter += 1
        n = self.counter
        if name == "address":
            return f"保山市故障路{self.index}-{n}号"
        if name == "contact_phone":
            return f"139{self.index % 1000:03d}{n:05d}"
        if name == "contact_name":
            return f"联系人{n}"
        if name == "notes":
            return f"备注 {self.index}-{n}"
        if name == "rooms":
            return 1000 + n
        raise AssertionError(name)

    def note(self, text: str) -> str:
        self.log.append(f"{self.step:>3} {text}")
        return text

    def local(self, lap: Laptop, what: str, fn: Any) -> str:
        """Run a local write and note in the model what it changed on ``lap``."""
        before = take(lap.db)
        try:
            fn()
        except HoteltvError as exc:
            what += f" — refused here: {exc.message[:100]}"
            self.stats["local_refusal"] += 1
        self.model.observe(lap.name, before, take(lap.db), self.step)
        return what

    def token(self, lap: Laptop) -> str:
        return str(self.server.tokens[lap.user])

    def in_scope(self, lap: Laptop, code: str) -> bool:
        return lap.role != "inspector" or code in lap.codes

    def hotels_on(self, lap: Laptop) -> list[str]:
        """Live hotels on ``lap`` that it may work on, in creation order."""
        with lap.db.reading() as s:
            rows = {h.id: h for h in s.scalars(select(Hotel).where(Hotel.deleted.is_(False)))}
        return [
            h
            for h in self.hotels
            if h in rows
            and h not in self.foreign
            and (lap.role != "inspector" or rows[h].division_id in lap.division_ids)
        ]

    def inspections_on(self, lap: Laptop) -> list[Inspection]:
        with lap.db.reading() as s:
            rows = {i.id: i for i in s.scalars(select(Inspection).where(Inspection.deleted.is_(False)))}
            hotels = {h.id: h.division_id for h in s.scalars(select(Hotel))}
        return [
            rows[i]
            for i in self.inspections
            if i in rows and (lap.role != "inspector" or hotels.get(rows[i].hotel_id) in lap.division_ids)
        ]

    # --- set-up -------------------------------------------------------------------------------------------------
    def setup(self) -> None:
        if self.mode == "subprocess":
            self.server = SubprocessServer(self.folder / "server")
        else:
            self.server = InProcessServer(self.folder / "server", self.crash)
        self.net = Network(self.server, self.rng, self.stats)
        if isinstance(self.server, SubprocessServer):
            self.net.trace = self.server.trace
        users = ["office"] + [self.rng.choice(["ly", "tc", "office"]) for _ in range(self.rng.choice([1, 2]))]
        for n, user in enumerate(users, 1):
            role, codes = USERS[user]
            home = self.folder / f"laptop{n}"
            db = Database.open(home)
            ensure_divisions(db, default_divisions())
            self.laptops.append(
                Laptop(
                    f"laptop{n}",
                    user,
                    role,
                    frozenset(division_id(c) for c in codes),
                    tuple(codes),
                    home,
                    db,
                    PhotoStore.for_home(home),
                )
            )
        first = self.laptops[0]

        def inspectors() -> None:
            insp_service.add_inspector(first.db, "张明", f"5305{self.index:04d}01")
            insp_service.add_inspector(first.db, "李华", f"5305{self.index:04d}02")

        self.note(self.local(first, "laptop1 adds two inspectors", inspectors))
        for lap in self.laptops:
            report = self.sync(lap, 0.0, {})
            if not isinstance(report, SyncReport) or not report.ok:
                raise RuntimeError(f"set-up sync of {lap.name} failed: {report}")

    # --- syncing ------------------------------------------------------------------------------------------------
    def sync(self, lap: Laptop, rate: float, knobs: dict[str, Any]) -> SyncReport | str:
        """One sync of ``lap`` at fault ``rate``; the report, or the error's text when it gave up."""
        self.net.set_rate(rate)
        retry = RetryPolicy(attempts=4, base=0.0, jitter=0.0, sleep=self.net.backoff)
        client = SyncClient(
            lap.db, lap.store, "http://testserver", self.token(lap), transport=self.net, retry=retry, **knobs
        )
        self.syncs += 1
        queued = len(collect_changes(lap.db).changes)
        try:
            report = client.sync()
            if report.pushed != queued:  # a sync that returns has sent every queued change once
                self.problems.append(
                    f"step {self.step}: sync of {lap.name} had {queued} changes queued and reports "
                    f"{report.pushed} sent"
                )
            return report
        except SyncError as exc:
            self.syncs_failed += 1
            if not exc.transient:
                self.problems.append(
                    f"step {self.step}: sync of {lap.name} ended in a non-transient error: {exc.message}"
                )
            return f"gave up: {exc.message[:120]}"
        finally:
            self.net.end_sync()
            self.net.set_rate(0.0)
            client.close()

    @staticmethod
    def _moved(r: SyncReport) -> int:
        return r.applied + r.unchanged + r.conflicts + r.pulled + r.photos_up + r.photos_down

    # --- steps ---------------------------------------------------------------------------------------------------
    def op_create_hotel(self) -> str | None:
        lap = self.rng.choice(self.laptops)
        if lap.role == "inspector":
            foreign = self.rng.random() < 0.1
            code = self.rng.choice(
                [c for c in DIVISIONS if c not in lap.codes] if foreign else list(lap.codes)
            )
        else:
            foreign, code = False, self.rng.choice(sorted(DIVISIONS))
        self.counter += 1
        name = f"故障酒店{self.index}-{self.counter}"
        values = {f: self.unique(f) for f in EDIT_FIELDS}
        made: list[str] = []

        def create() -> None:
            made.append(make_hotel(lap.db, name, division=DIVISIONS[code], **values))

        text = self.local(lap, f"{lap.name} creates hotel {name} in {DIVISIONS[code]}", create)
        if made:
            self.hotels.append(made[0])
            if foreign:
                self.foreign.add(made[0])
                self.model.foreign[lap.name].add(("hotels", made[0]))
                text += " (outside its divisions: the server must refuse it)"
        return text

    def op_same_hotel(self) -> str | None:
        """Two office laptops type in the same new hotel (one credit code, other names and values): the
        server must make it one hotel, and nothing either typed may be lost (in force or a conflict)."""
        offices = [lap for lap in self.laptops if lap.role == "office"]
        if len(offices) < 2:
            return None
        pair = self.rng.sample(offices, 2)
        self.counter += 1
        body = f"9153{self.index % 10000:04d}MA{self.counter % 10**7:07d}"
        code = body + credit_check_char(body)
        division = DIVISIONS[self.rng.choice(sorted(DIVISIONS))]
        texts = []
        for lap in pair:
            self.counter += 1
            name = f"同码酒店{self.index}-{self.counter}"
            values = {f: self.unique(f) for f in EDIT_FIELDS}
            made: list[str] = []

            def create(
                lap: Laptop = lap, name: str = name, values: dict[str, Any] = values, made: list[str] = made
            ) -> None:
                made.append(make_hotel(lap.db, name, division=division, credit_code=code, **values))

            texts.append(self.local(lap, f"{lap.name} creates hotel {name} with credit code {code}", create))
            if made:
                self.hotels.append(made[0])
        self.stats["same_hotel_twice"] += 1
        return "; ".join(texts)

    def op_edit_hotel(self) -> str | None:
        lap = self.rng.choice(self.laptops)
        hotels = self.hotels_on(lap)
        if not hotels:
            return None
        hotel = self.rng.choice(hotels)
        name = self.rng.choice(EDIT_FIELDS)
        value = self.unique(name)
        return self.local(
            lap,
            f"{lap.name} sets hotel #{self.hotels.index(hotel)}.{name} = {value!r}",
            lambda: edit_hotel(lap.db, hotel, **{name: value}),
        )

    def op_start_inspection(self) -> str | None:
        lap = self.rng.choice(self.laptops)
        hotels = self.hotels_on(lap)
        if not hotels:
            return None
        hotel = self.rng.choice(hotels)
        n_photos = self.rng.choice([0, 0, 1, 2])
        finalize = self.rng.random() < 0.6
        blobs: list[bytes] = []
        for _ in range(n_photos):
            if self.photos and self.rng.random() < 0.2:
                blobs.append(self.rng.choice(self.photos))  # the same file in two inspections
            else:
                self.counter += 1
                blobs.append(_photo_bytes(self.seed * 100_000 + self.index * 1000 + self.counter))
                self.photos.append(blobs[-1])
        source = self.folder / "source"
        source.mkdir(exist_ok=True)

        def start() -> None:
            team = [i.id for i in insp_service.list_inspectors(lap.db)][:2]
            view = insp_service.start_inspection(lap.db, hotel, team)
            self.inspections.append(view.id)
            fill(lap.db, view.id)
            files = []
            for data in blobs:
                self.counter += 1
                path = source / f"p{self.counter}.jpg"
                path.write_bytes(data)
                files.append(path)
            if files:
                outcomes = photo_service.attach_files(lap.db, lap.store, view.id, files)
                bad = [o.message for o in outcomes if o.status not in ("ok", "duplicate")]
                if bad:
                    self.notes.append(f"step {self.step}: attaching photos: {bad}")
            if finalize:
                insp_service.finalize(lap.db, view.id)

        return self.local(
            lap,
            f"{lap.name} inspects hotel #{self.hotels.index(hotel)} ({n_photos} photos, "
            f"{'finalized' if finalize else 'draft'})",
            start,
        )

    def _own_drafts(self, lap: Laptop) -> list[Inspection]:
        return [
            i
            for i in self.inspections_on(lap)
            if i.status == "draft" and i.owner_device_id == lap.db.device_id
        ]

    def op_finalize(self) -> str | None:
        lap = self.rng.choice(self.laptops)
        drafts = self._own_drafts(lap)
        if not drafts:
            return None
        insp = self.rng.choice(drafts)
        return self.local(
            lap,
            f"{lap.name} finalizes inspection #{self.inspections.index(insp.id)}",
            lambda: insp_service.finalize(lap.db, insp.id),
        )

    def op_edit_draft(self) -> str | None:
        return self.edit_draft(self.rng.choice(self.laptops))

    def edit_draft(self, lap: Laptop) -> str | None:
        drafts = self._own_drafts(lap)
        if not drafts:
            return None
        insp = self.rng.choice(drafts)
        what = self.rng.choice(["findings", "room", "photo"])
        self.counter += 1
        n = self.counter
        if what == "findings":
            text = f"检查发现 {self.index}-{n}"

            def edit() -> None:
                insp_service.update_header(lap.db, insp.id, insp_service.HeaderFields(findings=text))

        elif what == "room":

            def edit() -> None:
                insp_service.add_room(
                    lap.db,
                    insp.id,
                    f"9{n:03d}",
                    floor="9",
                    room_type="大床房",
                    answers=good_room("direct_live"),
                )

        else:
            data = _photo_bytes(self.seed * 100_000 + self.index * 1000 + n)
            self.photos.append(data)
            path = self.folder / "source" / f"p{n}.jpg"
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(data)

            def edit() -> None:
                photo_service.attach_files(lap.db, lap.store, insp.id, [path])

        return self.local(
            lap, f"{lap.name} edits its draft #{self.inspections.index(insp.id)} ({what})", edit
        )

    def op_discard(self) -> str | None:
        lap = self.rng.choice(self.laptops)
        drafts = self._own_drafts(lap)
        if not drafts:
            return None
        insp = self.rng.choice(drafts)
        return self.local(
            lap,
            f"{lap.name} discards draft #{self.inspections.index(insp.id)}",
            lambda: insp_service.discard_draft(lap.db, insp.id),
        )

    def op_correct(self) -> str | None:
        lap = self.rng.choice(self.laptops)
        rows = self.inspections_on(lap)
        corrected = {i.supersedes_id for i in rows if i.supersedes_id}
        done = [i for i in rows if i.status == "finalized" and i.id not in corrected]
        if not done:
            return None
        old = self.rng.choice(done)
        finalize = self.rng.random() < 0.5

        def correct() -> None:
            view = insp_service.correct(lap.db, old.id)
            self.inspections.append(view.id)
            if finalize:
                insp_service.finalize(lap.db, view.id)

        return self.local(
            lap,
            f"{lap.name} corrects inspection #{self.inspections.index(old.id)}"
            f"{' and finalizes the correction' if finalize else ''}",
            correct,
        )

    def op_rectify(self) -> str | None:
        """A failed inspection and its rectification notice; maybe a re-inspection (which names the
        notice), maybe finalized (which closes the notice and makes it name the re-inspection)."""
        from tests.core.conftest import fill_inspection
        from tests.core.report_fixtures import failed_inspection

        lap = self.rng.choice(self.laptops)
        hotels = self.hotels_on(lap)
        if not hotels:
            return None
        hotel = self.rng.choice(hotels)
        depth = self.rng.choice(["notice", "reinspection", "closed", "closed"])
        self.stats[
            {"notice": "notice_open", "reinspection": "notice_reinspecting"}.get(depth, "notice_closed")
        ] += 1

        def rectify() -> None:
            team = [i.id for i in insp_service.list_inspectors(lap.db)][:2]
            first = failed_inspection(lap.db, hotel, team, fill_inspection, signatures=False)
            self.inspections.append(first.id)
            notice = notice_service.issue_notice(lap.db, first.id)
            if depth == "notice":
                return
            again = notice_service.start_reinspection(lap.db, notice.id, team)
            self.inspections.append(again.id)
            if depth == "closed":
                fill_inspection(lap.db, again.id)  # the earlier rooms, passing now
                insp_service.finalize(lap.db, again.id)

        return self.local(
            lap, f"{lap.name} fails hotel #{self.hotels.index(hotel)}, issues a notice ({depth})", rectify
        )

    def op_resolve(self) -> str | None:
        offices = [lap for lap in self.laptops if lap.role != "inspector"]
        lap = self.rng.choice(offices)
        open_ = [
            c
            for c in sync_state.list_conflicts(lap.db)
            if c.status == "open" and c.entity == "hotels" and c.field in EDIT_FIELDS
        ]
        if not open_:
            return None
        with lap.db.reading() as s:
            server_ids = {c.id: c.server_id for c in s.scalars(select(SyncConflict))}
        open_.sort(key=lambda c: server_ids.get(c.id) or 0)
        conflict = self.rng.choice(open_)
        value = self.unique(conflict.field)
        return self.local(
            lap,
            f"{lap.name} resolves conflict #{server_ids.get(conflict.id)} ({conflict.field}) with {value!r}",
            lambda: sync_state.resolve_conflict(lap.db, conflict.id, "value", value),
        )

    def op_sync(self) -> str | None:
        lap = self.rng.choice(self.laptops)
        rate = self.rng.choice([0.0, 0.1, 0.2, 0.3, 0.4])
        knobs: dict[str, Any] = {"batch_size": self.rng.choice([500, 500, 7, 2])}
        if self.rng.random() < 0.4:  # photos one by one, in small pieces: cuts land mid-file
            knobs["batch_photo_max"] = 0
            knobs["upload_chunk"] = self.rng.choice([1024, 4096, 16384])
        before = sum(self.stats[k] for k in FAULT_KINDS)
        report = self.sync(lap, rate, knobs)
        faults = sum(self.stats[k] for k in FAULT_KINDS) - before
        if isinstance(report, str):
            return f"sync {lap.name} (fault rate {rate}, {faults} faults): {report}"
        return (
            f"sync {lap.name} (fault rate {rate}, {faults} faults): {'ok' if report.ok else 'NOT ok'} "
            f"pushed {report.pushed} (conflicts {report.conflicts}, failed {report.failed}) pulled {report.pulled} "
            f"photos ↑{report.photos_up} ↓{report.photos_down}"
            + ("" if report.ok else f" — {report.message[:100]}")
        )

    def op_restart(self) -> str | None:
        if self.server.kind == "inproc":
            self.server.restart()
            self.stats["restart"] += 1
            return "server restarted (a new app over the same files)"
        self.server.kill()
        self.stats["sigkill_idle"] += 1
        if self.rng.random() < 0.5:
            self.server.ensure_up()
            return "server killed (SIGKILL) and restarted"
        return "server killed (SIGKILL); stays down for now"

    def op_export(self) -> str | None:
        busy = [lap for lap in self.laptops if pending_count(lap.db)]
        if not busy:
            return None
        lap = self.rng.choice(busy)
        path = self.folder / "bundles" / f"{len(self.bundles):03d}-{lap.name}.zip"
        try:
            out = export_bundle(lap.db, lap.store, path)
        except HoteltvError as exc:
            return f"{lap.name} cannot export a bundle: {exc.message[:100]}"
        clean = not self.model.foreign.get(lap.name)
        self.bundles.append(BundleInfo(path, lap.name, len(self.bundles), clean))
        self.stats["bundle_export"] += 1
        return f"{lap.name} exports bundle {path.name} ({out.changes} changes, {out.photos} photos)"

    def op_import_server(self) -> str | None:
        if not self.bundles:
            return None
        bundle = self.rng.choice(self.bundles)
        origin = next(lap for lap in self.laptops if lap.name == bundle.origin)
        times = 2 if self.rng.random() < 0.4 else 1
        user = origin.user
        if origin.role == "office" and self.rng.random() < 0.3:
            # An inspector's account forwards the office laptop's bundle: what lies outside the inspector's
            # divisions is refused, and that answer must never reach the office laptop's own sync.
            user = self.rng.choice(["ly", "tc"])
            self.stats["bundle_forwarded_by_inspector"] += 1
        texts = []
        with self.server.database() as (db, blobs):
            for _ in range(times):
                result = import_to_server(db, blobs, bundle.path, user)
                self.stats["bundle_import_server"] += 1
                texts.append(
                    f"applied {result.count('applied')} unchanged {result.count('unchanged')} "
                    f"conflict {result.count('conflict')} refused {result.count('refused')}"
                )
        return f"bundle {bundle.path.name} imported into the server as {user}: {' / '.join(texts)}"

    def op_import_local(self) -> str | None:
        clean = [b for b in self.bundles if b.clean]
        if not clean:
            return None
        bundle = self.rng.choice(clean)
        origin = next(lap for lap in self.laptops if lap.name == bundle.origin)
        targets = self.targets_for(origin)
        if not targets:
            return None
        target = self.rng.choice(targets)
        same = [b for b in clean if b.origin == origin.name and b.number < bundle.number]
        order = [bundle] + ([self.rng.choice(same)] if same else [])  # newest first: reverse order
        order.append(self.rng.choice(order))  # and one of them again
        return self.import_into(target, order)

    def targets_for(self, origin: Laptop) -> list[Laptop]:
        """Laptops that may take ``origin``'s bundles: office ones, or one of the same inspector."""
        return [
            lap
            for lap in self.laptops
            if lap is not origin and (lap.role != "inspector" or lap.user == origin.user)
        ]

    def import_into(self, target: Laptop, order: list[BundleInfo]) -> str:
        texts = []
        for b in order:
            try:
                result = import_local(target.db, target.store, b.path)
            except BundleRefused as exc:
                if "neither here nor in the bundle" in exc.message:
                    # Refers to records this laptop has not received yet (the origin pulled them): refused
                    # whole, nothing imported; they all travel by sync anyway.
                    self.stats["bundle_refused_dangling"] += 1
                    texts.append(f"{b.path.name}: refused (refers to records not here yet)")
                else:
                    self.problems.append(f"step {self.step}: a valid bundle was refused: {exc.message}")
                continue
            self.stats["bundle_import_local"] += 1
            texts.append(
                f"{b.path.name}: "
                + (
                    "already imported"
                    if result.already
                    else f"applied {result.count('applied')} unchanged {result.count('unchanged')} "
                    f"conflict {result.count('conflict')} refused {result.count('refused')}"
                    + "".join(
                        f" [{r.entity} {r.code}: {r.reason[:80]}]"
                        for r in result.results
                        if r.status == "refused"
                    )
                )
            )
        return f"{target.name} imports {', '.join(texts)}"

    def export(self, lap: Laptop) -> BundleInfo | None:
        path = self.folder / "bundles" / f"{len(self.bundles):03d}-{lap.name}.zip"
        try:
            export_bundle(lap.db, lap.store, path)
        except HoteltvError as exc:
            self.note(f"{lap.name} cannot export a bundle: {exc.message[:100]}")
            return None
        info = BundleInfo(path, lap.name, len(self.bundles), not self.model.foreign.get(lap.name))
        self.bundles.append(info)
        self.stats["bundle_export"] += 1
        return info

    def op_bundle_relay(self) -> str | None:
        """Export, edit a draft, export again; the later bundle reaches another laptop (and maybe the
        server) first, then the earlier one, then the later one again."""
        origins = [lap for lap in self.laptops if self._own_drafts(lap)]
        if not origins:
            return None
        origin = self.rng.choice(origins)
        first = self.export(origin)
        edited = self.edit_draft(origin)
        second = self.export(origin)
        if first is None or second is None:
            return f"bundle relay from {origin.name}: no bundle"
        texts = [f"bundle relay from {origin.name}: {first.path.name}, {edited}, {second.path.name}"]
        targets = self.targets_for(origin) if first.clean else []
        target = self.rng.choice(targets) if targets else None
        if self.rng.random() < 0.5:  # the edit travels online before the sticks arrive
            for lap in [origin] + ([target] if target else []):
                report = self.sync(lap, self.rng.choice([0.0, 0.2]), {})
                texts.append(
                    f"sync {lap.name}: {report if isinstance(report, str) else 'ok' if report.ok else 'NOT ok'}"
                )
        if target is not None:
            texts.append(self.import_into(target, [second, first, second]))
        if self.rng.random() < 0.5:
            with self.server.database() as (db, blobs):
                for b in (second, first):
                    r = import_to_server(db, blobs, b.path, origin.user)
                    self.stats["bundle_import_server"] += 1
                    texts.append(
                        f"server takes {b.path.name}: applied {r.count('applied')} unchanged "
                        f"{r.count('unchanged')} refused {r.count('refused')}"
                    )
        return "; ".join(texts)

    # --- the whole trial -------------------------------------------------------------------------------------------
    def run_steps(self) -> None:
        names = sorted(WEIGHTS)
        weights = [WEIGHTS[n] for n in names]
        # A server process is killed mid-request at least once: the first push after the set-up.
        self.net.kill_next_push = isinstance(self.server, SubprocessServer)
        for step in range(1, self.n_steps + 1):
            self.step = step
            self.net.trace.append(f"--- step {step}")
            if not self.server.alive and self.rng.random() < 0.5:
                self.server.ensure_up()
                self.note("server back up")
            for _ in range(20):
                name = self.rng.choices(names, weights=weights)[0]
                text = getattr(self, f"op_{name}")()
                if text is not None:
                    self.note(text)
                    break

    def heal(self) -> int:
        self.step = self.n_steps + 1
        self.net.trace.append("--- heal")
        self.net.set_rate(0.0)
        self.net.release()
        self.server.ensure_up()
        last: dict[str, SyncReport | str] = {}
        for rnd in range(1, MAX_HEAL_ROUNDS + 1):
            quiet = True
            for lap in self.laptops:
                report = self.sync(lap, 0.0, {})
                last[lap.name] = report
                if isinstance(report, str) or not report.ok or self._moved(report):
                    quiet = False
                self.note(
                    f"heal round {rnd}: {lap.name}: "
                    + (
                        report
                        if isinstance(report, str)
                        else f"{'ok' if report.ok else 'NOT ok: ' + report.message[:150]} moved "
                        f"{self._moved(report)} failed {report.failed}"
                    )
                )
            if quiet:
                return rnd
        self.problems.append(f"the heal did not settle in {MAX_HEAL_ROUNDS} rounds of syncs")
        for name, report in last.items():
            if isinstance(report, str):
                self.problems.append(f"{name}: last heal sync failed: {report}")
            elif not report.ok:
                self.problems.append(f"{name}: last heal sync not ok: {report.message[:300]}")
        return MAX_HEAL_ROUNDS

    def run(self) -> TrialResult:
        started = time.perf_counter()
        result = TrialResult(self.seed, self.index, self.mode, [], self.n_steps)
        rounds = 0
        try:
            self.setup()
            result.laptops = [f"{lap.name}:{lap.user}" for lap in self.laptops]
            devices = {lap.name: lap.db.device_id for lap in self.laptops}
            self.run_steps()
            rounds = self.heal()
            # No data folder is copied in a trial: a lost answer or a server restart taken for a copy
            # (hoteltv.sync.lineage) would give a laptop a new device id.
            self.problems += [
                f"{lap.name} took a new device id ({devices[lap.name][:8]} -> {lap.db.device_id[:8]}) "
                "though no data folder was copied"
                for lap in self.laptops
                if lap.name in devices and lap.db.device_id != devices[lap.name]
            ]
            if isinstance(self.server, SubprocessServer):
                self.server.stop()
            with self.server.database() as (db, blobs):
                self.problems += check(
                    self.model, [lap.view() for lap in self.laptops], db, blobs, self.server.db_path
                )
                leftovers = sorted(p.name for p in blobs.incoming.glob("*.part"))
            if leftovers:
                self.notes.append(f"{len(leftovers)} partial upload file(s) left in the server's incoming/")
        except Exception as exc:  # a crash of the product or the harness is a finding too
            self.problems.append(
                f"step {self.step}: {type(exc).__name__}: {exc}\n" + "".join(traceback.format_exc()[-3000:])
            )
        finally:
            self.close()
        result.syncs, result.syncs_failed, result.heal_rounds = self.syncs, self.syncs_failed, rounds
        result.faults = {k: self.stats[k] for k in FAULT_KINDS if self.stats[k]}
        result.events = {k: v for k, v in sorted(self.stats.items()) if k not in FAULT_KINDS}
        if self.server is not None:
            result.events["server_restarts"] = self.server.restarts
        result.problems, result.notes, result.log = self.problems, self.notes, self.log
        if self.problems and self.net is not None:
            result.trace = list(self.net.trace)
        result.seconds = round(time.perf_counter() - started, 2)
        return result

    def close(self) -> None:
        for lap in self.laptops:
            lap.db.close()
        if self.server is not None:
            try:
                self.server.stop()
            except Exception as exc:  # noqa: BLE001 - noted, the trial's result stands
                self.notes.append(f"stopping the server: {exc!r}")
