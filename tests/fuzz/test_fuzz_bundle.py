"""Fuzzing bundle files (the USB-stick sync path) with damaged, tampered and hostile bundles.

Every example starts from real bundles a field laptop exported (a hotel, its inspectors, a finalized
inspection with rooms and photos; then also a failed inspection with its rectification notice and a draft
with a photo) and mutates them: bytes of the
zip flipped, cut or inserted; the manifest rewritten with wrong hashes, sizes, counts, types, unknown or
missing keys; entries added with hostile names (``../x``, absolute, drive letters, backslashes, duplicates,
directories, symlinks, non-UTF-8 names), compression bombs; the change records inside given wrong types,
bad ids, unknown entities and fields, huge numbers and strings (with the manifest's hashes fixed up so the
damage reaches the importer); photos whose bytes no longer match their hash.

The properties, for :func:`read_bundle`, :func:`import_local` (a laptop) and :func:`import_to_server`:

* each either succeeds or raises :class:`BundleRefused` (a ``HoteltvError`` with a message) — nothing else;
* a refused bundle changes nothing: every table of the database, row for row, and every file of the
  photo store (the server's blob folder) are as they were;
* an accepted bundle leaves a sound database, the same file again is recognised, and the same changes in
  another file change nothing more (on the server: the same answers, nothing applied twice).

Each example imports into either a fresh empty laptop and server or a shared pair holding what earlier
examples imported, so changes meet both missing and existing records.

    pytest tests/fuzz/test_fuzz_bundle.py                          # CI: 290 bundles, derandomized (~40 s)
    HYPOTHESIS_PROFILE=long pytest tests/fuzz/test_fuzz_bundle.py  # by hand: 5,800 bundles (~18 min)

Each bug the fuzzing found is a plain regression test at the end of this file.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import io
import json
import shutil
import warnings
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any

import pytest
from hypothesis import event, given
from hypothesis import strategies as st
from hypothesis.control import currently_in_test_context
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import text

from hoteltv.db.engine import Database, sqlite_url
from hoteltv.domain.divisions import default_divisions
from hoteltv.errors import HoteltvError
from hoteltv.photos.store import PhotoStore
from hoteltv.services.hotels import get_hotel, update_hotel
from hoteltv.services.notices import issue_notice
from hoteltv.services.setup import ensure_divisions
from hoteltv.sync.bundle import (
    CHANGES,
    MANIFEST,
    BundleImport,
    BundleRefused,
    export_bundle,
    import_local,
    read_bundle,
)
from hoteltv.sync.protocol import MAX_PHOTO_BYTES, UserIn
from hoteltv.sync.server import admin
from hoteltv.sync.server.bundle_import import import_to_server
from hoteltv.sync.server.photos import BlobStore
from hoteltv.sync.server.store import ServerDB
from hoteltv.sync.state import list_conflicts
from tests.core.conftest import fill_inspection
from tests.core.report_fixtures import failed_inspection
from tests.fuzz.profile import fuzz
from tests.sync.helpers import make_hotel, make_inspection, team

# --- the bundles every example starts from ---------------------------------------------------------------------


class Sources:
    """Real bundles (bytes) exported by a field laptop, and their contents unpacked. (Not a dataclass:
    hypothesis would print every byte of them in its reports.)"""

    def __init__(self, bundles: list[bytes]) -> None:
        self.bundles = bundles

    def __repr__(self) -> str:
        return f"Sources({len(self.bundles)} bundles)"

    def entries(self, i: int) -> dict[str, bytes]:
        with zipfile.ZipFile(io.BytesIO(self.bundles[i])) as zf:
            return {info.filename: zf.read(info) for info in zf.infolist()}


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> Sources:
    home = tmp_path_factory.mktemp("field")
    db = Database.open(home / "laptop")
    try:
        ensure_divisions(db, default_divisions())
        store = PhotoStore.for_home(home / "laptop")
        hotel = make_hotel(db, "边境测试酒店")
        make_inspection(db, hotel, photos=2, folder=home / "pics", seed=11)
        first = home / "first.zip"
        export_bundle(db, store, first)
        # A second bundle on top of the first: a failed inspection with its rectification notice (the
        # inspection refers to the notice, the notice to the inspection), and a draft with a photo.
        failed = failed_inspection(db, hotel, team(db), fill_inspection)
        issue_notice(db, failed.id)
        make_inspection(db, hotel, photos=1, folder=home / "pics", seed=12, finalize=False)
        second = home / "second.zip"
        export_bundle(db, store, second)
        return Sources([first.read_bytes(), second.read_bytes()])
    finally:
        db.close()


# --- places to import into --------------------------------------------------------------------------------------


class Laptop:
    """A laptop's data folder (made by :class:`Places`)."""

    def __init__(self, home: Path) -> None:
        self.db = Database.open(home)
        self.store = PhotoStore.for_home(home)

    def state(self) -> tuple[Any, Any]:
        return _tables(self.db.engine), _files(self.store.root)


class Server:
    """A server's database and blob folder (made by :class:`Places`)."""

    def __init__(self, home: Path) -> None:
        self.db = ServerDB(sqlite_url(home / "server.db").render_as_string(hide_password=False))
        self.blobs = BlobStore(home / "photos")

    def state(self) -> tuple[Any, Any]:
        return _tables(self.db.engine), _files(self.blobs.root)


class Places:
    """Where bundles go: a laptop and a server shared by every example (holding what earlier examples
    imported, so changes meet records that exist), or fresh copies of an empty laptop and server."""

    def __init__(self, root: Path) -> None:
        self.root = root
        db = Database.open(root / "template" / "laptop")
        ensure_divisions(db, default_divisions())
        db.close()
        (root / "template" / "server").mkdir()
        srv = ServerDB(
            sqlite_url(root / "template" / "server" / "server.db").render_as_string(hide_password=False)
        )
        for name, role, divisions in (("office", "office", []), ("ly", "inspector", ["530502"])):
            admin.add_user(srv, UserIn(name=name, role=role, divisions=divisions))  # type: ignore[arg-type]
        srv.close()
        self.shared = self._copy(root / "shared")

    def _copy(self, dest: Path) -> tuple[Laptop, Server]:
        shutil.copytree(self.root / "template", dest)
        return Laptop(dest / "laptop"), Server(dest / "server")

    @contextlib.contextmanager
    def pick(self, fresh: bool) -> Iterator[tuple[Laptop, Server]]:
        if not fresh:
            yield self.shared
            return
        with TemporaryDirectory() as tmp:
            laptop, server = self._copy(Path(tmp) / "fresh")
            try:
                yield laptop, server
            finally:
                laptop.db.close()
                server.db.close()

    def close(self) -> None:
        self.shared[0].db.close()
        self.shared[1].db.close()


def _tables(engine: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, in a stable order: what "unchanged" means, row for row."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    with engine.connect() as conn:
        for table in sa_inspect(conn).get_table_names():
            rows = conn.execute(text(f'SELECT * FROM "{table}"')).fetchall()  # noqa: S608 - our own names
            out[table] = sorted((tuple(r) for r in rows), key=repr)
    return out


def _files(root: Path) -> dict[str, str]:
    """Every file under a photo folder with a hash of its bytes."""
    if not root.exists():
        return {}
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def places(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Places]:
    out = Places(tmp_path_factory.mktemp("places"))
    yield out
    out.close()


# --- building and mutating zips ---------------------------------------------------------------------------------


class Zip(bytes):
    """A bundle's bytes, shown short in hypothesis's reports (the example database keeps the whole)."""

    def __repr__(self) -> str:
        return f"<bundle of {len(self)} bytes, sha256 {hashlib.sha256(self).hexdigest()[:16]}…>"


def _zip(entries: list[tuple[str | zipfile.ZipInfo, bytes]], comment: bytes = b"") -> Zip:
    buf = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(buf, "w") as zf:
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name": on purpose here
        zf.comment = comment
        for name, data in entries:
            if isinstance(name, zipfile.ZipInfo):
                zf.writestr(name, data)
            else:
                zf.writestr(name, data, zipfile.ZIP_DEFLATED)
    return Zip(buf.getvalue())


def _manifest_for(entries: dict[str, bytes], manifest: dict[str, Any]) -> dict[str, Any]:
    """The manifest with every listed entry's hash and size made right again (the damage is inside)."""
    fixed = copy.deepcopy(manifest)
    for name, meta in fixed.get("entries", {}).items():
        if name in entries and isinstance(meta, dict):
            meta["sha256"] = hashlib.sha256(entries[name]).hexdigest()
            meta["size"] = len(entries[name])
    return fixed


def _pack(entries: dict[str, bytes], manifest: dict[str, Any]) -> Zip:
    body = json.dumps(manifest, ensure_ascii=False).encode("utf-8")
    return _zip([(MANIFEST, body), *((n, d) for n, d in entries.items() if n != MANIFEST)])


HOSTILE_NAMES = [
    "../x",
    "../../evil.txt",
    "photos/../manifest.json",
    "photos/../../etc/passwd",
    "/etc/passwd",
    "/photos/x",
    "C:/Windows/x",
    "c:evil",
    "photos\\..\\x",
    "\\\\server\\share\\x",
    "photos//x",
    "./changes.json",
    "photos/",
    "photos/.",
    "dir/",
    "a\x00b",
    "photos/" + "A" * 64,
    "photos/" + "0" * 63,
    "photos/" + "0" * 65,
    "photos/" + "0" * 64 + "/x",
    "changes.json/",
    "CHANGES.JSON",
    "manifest.json ",
    "x" * 300,
    "照片/文件",
]

JSON_JUNK: list[Any] = [
    None,
    True,
    0,
    -1,
    2**31,
    2**63,
    10**40,
    -(10**40),
    1.5,
    1e308,
    "",
    "x" * 5000,
    "../../etc/passwd",
    "not-a-uuid",
    "00000000-0000-0000-0000-000000000000",
    "2026-02-30T09:30:00",
    "2026-11-27T09:30:00+08:00",
    "2026-13-45",
    [],
    [1, "a", None],
    {},
    {"a": {"b": [1, 2, {"c": None}]}},
]
json_values = st.one_of(
    # A copy each time: the damage steps edit what they drew, and a shared [] or {} edited in one step
    # could end up inside itself in the next ("Circular reference detected" in the long profile).
    st.sampled_from(JSON_JUNK).map(copy.deepcopy),
    st.integers(-(2**70), 2**70),
    st.text(max_size=40),
    st.floats(allow_nan=False, allow_infinity=False),
    st.lists(st.integers(), max_size=3),
)


@st.composite
def byte_damage(draw: st.DrawFn, sources: Sources) -> Zip:
    """Flip, cut or insert bytes anywhere in a real bundle."""
    data = bytearray(draw(st.sampled_from(sources.bundles)))
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["flip", "cut", "insert", "zero"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if action == "flip":
            data[at] ^= draw(st.integers(1, 255))
        elif action == "cut":
            del data[at : at + draw(st.integers(1, 4096))]
        elif action == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=64))
        else:
            data[at : at + 16] = bytes(len(data[at : at + 16]))
    return Zip(data)


@st.composite
def manifest_damage(draw: st.DrawFn, sources: Sources) -> bytes:
    """Rewrite manifest.json: wrong hashes, sizes, counts and types; keys removed, added or unknown."""
    entries = sources.entries(draw(st.integers(0, len(sources.bundles) - 1)))
    manifest = json.loads(entries.pop(MANIFEST))
    for _ in range(draw(st.integers(1, 3))):
        if not isinstance(manifest, dict):
            break
        names = sorted(manifest["entries"]) if isinstance(manifest.get("entries"), dict) else []
        action = draw(
            st.sampled_from(
                [
                    "top",
                    "drop-top",
                    "entry-field",
                    "drop-entry-field",
                    "extra-entry",
                    "drop-entry",
                    "whole-entries",
                    "replace-manifest",
                ]
            )
        )
        if action == "top":
            key = draw(st.sampled_from(["format", "device_id", "created_at", "changes", "photos", "extra"]))
            manifest[key] = draw(json_values)
        elif action == "drop-top":
            manifest.pop(draw(st.sampled_from(["format", "device_id", "entries", "created_at"])), None)
        elif action == "entry-field" and names and isinstance(manifest["entries"][names[0]], dict):
            meta = manifest["entries"][names[0] if len(names) == 1 else draw(st.sampled_from(names))]
            field = draw(st.sampled_from(["sha256", "size", "other"]))
            meta[field] = draw(
                st.one_of(json_values, st.sampled_from(["0" * 64, "F" * 64, hashlib.sha256(b"").hexdigest()]))
            )
        elif action == "drop-entry-field" and names:
            manifest["entries"][draw(st.sampled_from(names))].pop(
                draw(st.sampled_from(["sha256", "size"])), None
            )
        elif action == "extra-entry" and isinstance(manifest.get("entries"), dict):
            manifest["entries"][draw(st.sampled_from(HOSTILE_NAMES))] = {"sha256": "0" * 64, "size": 1}
        elif action == "drop-entry" and names:
            del manifest["entries"][draw(st.sampled_from(names))]
        elif action == "whole-entries":
            manifest["entries"] = draw(json_values)
        elif action == "replace-manifest":
            manifest = draw(json_values)  # type: ignore[assignment]
    body = json.dumps(manifest, ensure_ascii=False).encode("utf-8")
    if draw(st.booleans()):
        body = draw(
            st.sampled_from([b"", b"\xff\xfe{}", b"{", b"[]", body[: len(body) // 2], b"\xef\xbb\xbf" + body])
        )
    return _zip([(MANIFEST, body), *entries.items()])


def _symlink(name: str, target: bytes) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name)
    info.create_system = 3  # unix
    info.external_attr = (0o120777 & 0xFFFF) << 16
    return info, target


@st.composite
def entry_damage(draw: st.DrawFn, sources: Sources) -> bytes:
    """Entries added, duplicated, renamed or removed; symlinks, directories, bombs, non-UTF-8 names."""
    entries = sources.entries(draw(st.integers(0, len(sources.bundles) - 1)))
    manifest_body = entries.pop(MANIFEST)
    manifest = json.loads(manifest_body)
    listed: list[tuple[str | zipfile.ZipInfo, bytes]] = [(MANIFEST, manifest_body), *entries.items()]
    action = draw(
        st.sampled_from(
            ["hostile", "hostile-listed", "duplicate", "symlink", "directory", "bomb", "rename", "remove"]
        )
    )
    photos = sorted(n for n in entries if n.startswith("photos/"))
    if action in ("hostile", "hostile-listed"):
        # zipfile cuts a name at its first NUL and cannot write one that is then empty (not a bundle at all).
        any_name = st.text(min_size=1, max_size=30).filter(lambda n: not n.startswith("\x00"))
        name = draw(st.one_of(st.sampled_from(HOSTILE_NAMES), any_name))
        data = draw(st.binary(max_size=64))
        if action == "hostile-listed":
            manifest["entries"][name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
            listed[0] = (MANIFEST, json.dumps(manifest, ensure_ascii=False).encode())
        listed.append((name, data))
    elif action == "duplicate":
        name = draw(st.sampled_from([MANIFEST, CHANGES, *photos]))
        listed.append((name, draw(st.sampled_from([dict(listed).get(name, b""), b"other bytes"]))))
    elif action == "symlink":
        name = draw(st.sampled_from([CHANGES, *photos, "photos/" + "0" * 64]))
        listed = [item for item in listed if item[0] != name]
        listed.append(_symlink(name, b"../../../../etc/passwd"))
    elif action == "directory":
        listed.append((zipfile.ZipInfo(draw(st.sampled_from(["photos/", "x/", "photos/sub/"]))), b""))
    elif action == "bomb":
        size = draw(st.sampled_from([1 << 20, 8 << 20]))
        name = draw(st.sampled_from([CHANGES, "photos/" + "0" * 64, "extra.bin"]))
        bomb = bytes(size)
        if name in manifest["entries"] or draw(st.booleans()):
            manifest["entries"][name] = {"sha256": hashlib.sha256(bomb).hexdigest(), "size": size}
            listed[0] = (MANIFEST, json.dumps(manifest, ensure_ascii=False).encode())
        listed = [item for item in listed if item[0] != name]
        listed.append((name, bomb))
    elif action == "rename" and photos:
        old = draw(st.sampled_from(photos))
        new = "photos/" + draw(st.sampled_from(["0" * 64, old[7:].upper(), old[7:][::-1]]))
        listed = [(new if n == old else n, d) for n, d in listed]
    elif action == "remove":
        victim = draw(st.sampled_from([CHANGES, *photos]))
        listed = [item for item in listed if item[0] != victim]
    return _zip(listed)


def non_utf8_name(source: bytes) -> bytes:
    """A bundle whose extra entry's name is flagged UTF-8 but is not (bytes patched after writing)."""
    with zipfile.ZipFile(io.BytesIO(source)) as zf:
        items = [(info.filename, zf.read(info)) for info in zf.infolist()]
    info = zipfile.ZipInfo("photos/PLACEHOLDER")
    info.flag_bits |= 0x800
    data = bytearray(_zip([*items, (info, b"x")]))
    return bytes(data).replace(b"photos/PLACEHOLDER", b"photos/\xff\xfe\x80\x81\xc0\xc1\xf5\xf6\xf7\xf8\xf9")


@st.composite
def record_damage(draw: st.DrawFn, sources: Sources) -> bytes:
    """Change records given wrong types, bad ids, unknown entities and fields, huge values; the manifest
    is fixed up (hashes, sizes) so the damage reaches the importer."""
    entries = sources.entries(draw(st.integers(0, len(sources.bundles) - 1)))
    manifest = json.loads(entries.pop(MANIFEST))
    body = json.loads(entries[CHANGES])
    changes = body["changes"]
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(changes) - 1))
        change = changes[i]
        action = draw(
            st.sampled_from(
                [
                    "value",
                    "value",
                    "value",
                    "drop-value",
                    "unknown-field",
                    "meta",
                    "drop-meta",
                    "entity",
                    "id",
                    "duplicate",
                    "base",
                    "device",
                ]
            )
        )
        values = change.get("values")
        if not isinstance(values, dict) or not values:
            change["values"] = values = {"name": draw(json_values)}
        if action == "value":
            values[draw(st.sampled_from(sorted(values)))] = draw(json_values)
        elif action == "drop-value":
            values.pop(draw(st.sampled_from(sorted(values))))
        elif action == "unknown-field":
            values[draw(st.sampled_from(["zz_unknown", "Bad-Name", "", "x" * 80, "__class__"]))] = draw(
                json_values
            )
        elif action == "meta":
            change[draw(st.sampled_from(["seq", "version", "created", "fields", "base", "values"]))] = draw(
                json_values
            )
        elif action == "drop-meta":
            change.pop(draw(st.sampled_from(["seq", "version", "fields", "values", "entity", "id"])), None)
        elif action == "entity":
            change["entity"] = draw(
                st.sampled_from(["users", "blobs", "audit_events", "outbox", "", "Hotels"])
            )
        elif action == "id":
            change["id"] = draw(
                st.sampled_from(
                    ["", "../x", "x" * 37, "not a uuid", "a/b", "00000000-0000-0000-0000-000000000000"]
                )
            )
        elif action == "duplicate":
            twin = copy.deepcopy(change)
            twin["values"] = dict(values)
            twin["values"][draw(st.sampled_from(sorted(values)))] = draw(json_values)
            changes.append(twin)
        elif action == "base":
            change["base"] = {draw(st.sampled_from(sorted(values))): draw(json_values)}
            change["fields"] = sorted(change["base"])
        elif action == "device":
            body["device_id"] = draw(st.sampled_from(["", "other-device", manifest["device_id"] + "x"]))
    entries[CHANGES] = json.dumps(body, ensure_ascii=False).encode("utf-8")
    return _pack(entries, _manifest_for(entries, manifest))


@st.composite
def photo_damage(draw: st.DrawFn, sources: Sources) -> bytes:
    """Photo bytes that no longer hash to their name, with or without the manifest agreeing."""
    entries = sources.entries(draw(st.integers(0, len(sources.bundles) - 1)))
    manifest = json.loads(entries.pop(MANIFEST))
    photos = sorted(n for n in entries if n.startswith("photos/"))
    name = draw(st.sampled_from(photos))
    data = bytearray(entries[name])
    action = draw(st.sampled_from(["flip", "truncate", "replace", "empty"]))
    if action == "flip":
        at = draw(st.integers(0, len(data) - 1))
        data[at] ^= draw(st.integers(1, 255))
    elif action == "truncate":
        del data[draw(st.integers(0, len(data) - 1)) :]
    elif action == "replace":
        data = bytearray(draw(st.binary(min_size=1, max_size=200)))
    else:
        data = bytearray()
    entries[name] = bytes(data)
    if draw(st.booleans()):
        manifest = _manifest_for(entries, manifest)  # the manifest lies too; the name still does not
    return _pack(entries, manifest)


# --- the properties -------------------------------------------------------------------------------------------


def _with_comment(data: bytes, comment: bytes) -> bytes:
    """The same bundle as another file (a different SHA-256): the zip's comment changed."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        items = [(info, zf.read(info)) for info in zf.infolist()]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        out.comment = comment
        for info, payload in items:
            out.writestr(info, payload)
    return buf.getvalue()


def _refused(call: Callable[[], BundleImport], place: Laptop | Server) -> BundleImport | None:
    """Run an import: on refusal, check that nothing changed and return None."""
    before = place.state()
    try:
        return call()
    except BundleRefused as exc:
        assert isinstance(exc, HoteltvError) and str(exc).strip()
        after = place.state()
        assert after[1] == before[1], "a refused bundle changed the photo files"
        assert after[0] == before[0], "a refused bundle changed the database"
        return None


def _without_log(tables: dict[str, list[tuple[Any, ...]]]) -> dict[str, list[tuple[Any, ...]]]:
    return {name: rows for name, rows in tables.items() if name != "sync_log"}


def _note(what: str) -> None:
    if currently_in_test_context():
        event(what)


def check_bundle(data: bytes, places: Places, fresh: bool) -> None:
    with places.pick(fresh) as (laptop, server), TemporaryDirectory() as tmp:
        path = Path(tmp) / "stick.hoteltv.zip"
        path.write_bytes(data)
        try:
            bundle = read_bundle(path)
        except BundleRefused as exc:
            assert str(exc).strip()
            bundle = None
        _note("refused on reading" if bundle is None else "read")

        local = _refused(lambda: import_local(laptop.db, laptop.store, path), laptop)
        assert bundle is not None or local is None, "import_local took a bundle read_bundle refused"
        if local is not None:
            _note(f"laptop: {sorted({r.status for r in local.results})}")
            assert laptop.db.integrity_problems() == []
            assert import_local(laptop.db, laptop.store, path).already  # the same file: recognised
            tables, files = laptop.state()
            again = Path(tmp) / "copy.hoteltv.zip"
            again.write_bytes(_with_comment(data, b"copy"))
            import_local(laptop.db, laptop.store, again)  # the same changes in another file
            after_tables, after_files = laptop.state()
            assert _without_log(after_tables) == _without_log(tables), "the same changes applied twice"
            assert after_files == files

        remote = _refused(lambda: import_to_server(server.db, server.blobs, path, "office"), server)
        assert (remote is None) == (bundle is None), "read_bundle and import_to_server disagree"
        if bundle is not None and local is None:
            _note("laptop refused a readable bundle")
        if remote is not None:
            _note(f"server: {sorted({r.status for r in remote.results})}")
            tables, files = server.state()
            again = import_to_server(server.db, server.blobs, path, "office")
            # The stored answers of the same batches; a batch with a refusal that can pass later (a part
            # whose inspection is not there) is not stored but worked out again: what it applied the first
            # time is now "unchanged" (a change seen before), nothing else differs, and nothing is written
            # but the device's last-push time.
            assert len(again.results) == len(remote.results)
            for one, two in zip(remote.results, again.results, strict=True):
                assert two == one or (
                    (one.entity, one.id) == (two.entity, two.id)
                    and one.status in ("applied", "conflict")
                    and two.status == "unchanged"
                ), (one, two)
            after_tables, after_files = server.state()
            assert after_files == files
            assert {k: v for k, v in after_tables.items() if k != "devices"} == {
                k: v for k, v in tables.items() if k != "devices"
            }, "the same bundle applied twice on the server"
            with server.db.engine.connect() as conn:
                assert conn.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"


def test_real_bundles_import_cleanly(sources: Sources, places: Places) -> None:
    """The property holds for the undamaged bundles too (and they really apply, without refusals)."""
    for fresh in (True, False):
        for data in sources.bundles:
            check_bundle(data, places, fresh)


fresh_or_shared = st.booleans()


@given(data=st.data(), fresh=fresh_or_shared)
@fuzz(60)
def test_damaged_zip_bytes(data: st.DataObject, fresh: bool, sources: Sources, places: Places) -> None:
    check_bundle(data.draw(byte_damage(sources)), places, fresh)


@given(data=st.data(), fresh=fresh_or_shared)
@fuzz(60)
def test_rewritten_manifest(data: st.DataObject, fresh: bool, sources: Sources, places: Places) -> None:
    check_bundle(data.draw(manifest_damage(sources)), places, fresh)


@given(data=st.data(), fresh=fresh_or_shared)
@fuzz(40)
def test_hostile_entries(data: st.DataObject, fresh: bool, sources: Sources, places: Places) -> None:
    check_bundle(data.draw(entry_damage(sources)), places, fresh)


@given(data=st.data(), fresh=fresh_or_shared)
@fuzz(100)
def test_damaged_records(data: st.DataObject, fresh: bool, sources: Sources, places: Places) -> None:
    check_bundle(data.draw(record_damage(sources)), places, fresh)


@given(data=st.data(), fresh=fresh_or_shared)
@fuzz(30)
def test_photos_not_matching_their_hash(
    data: st.DataObject, fresh: bool, sources: Sources, places: Places
) -> None:
    check_bundle(data.draw(photo_damage(sources)), places, fresh)


def test_non_utf8_entry_name_is_refused(sources: Sources, places: Places) -> None:
    data = non_utf8_name(sources.bundles[0])
    check_bundle(data, places, fresh=True)
    with TemporaryDirectory() as tmp:
        path = Path(tmp) / "b.zip"
        path.write_bytes(data)
        with pytest.raises(BundleRefused):
            read_bundle(path)


# --- regressions: each of these ended in an exception other than BundleRefused, or wrote something --------------


def _variant(sources: Sources, i: int, edit: Callable[[dict[str, Any], dict[str, Any]], None]) -> Zip:
    """Bundle ``i`` with its changes and manifest edited, hashes and sizes fixed up to match."""
    entries = sources.entries(i)
    manifest = json.loads(entries.pop(MANIFEST))
    body = json.loads(entries[CHANGES])
    edit(body, manifest)
    entries[CHANGES] = json.dumps(body, ensure_ascii=False).encode("utf-8")
    return _pack(entries, _manifest_for(entries, manifest))


def _change(body: dict[str, Any], entity: str, **match: Any) -> dict[str, Any]:
    return next(
        c
        for c in body["changes"]
        if c["entity"] == entity and all(c["values"].get(k) == v for k, v in match.items())
    )


def _refuses(data: bytes, places: Places, words: str) -> None:
    with places.pick(fresh=True) as (laptop, server), TemporaryDirectory() as tmp:
        path = Path(tmp) / "b.zip"
        path.write_bytes(data)
        before = laptop.state(), server.state()
        with pytest.raises(BundleRefused, match=words):
            import_local(laptop.db, laptop.store, path)
        with pytest.raises(BundleRefused, match=words):
            import_to_server(server.db, server.blobs, path, "office")
        assert (laptop.state(), server.state()) == before


def test_damaged_deflate_data_is_refused(sources: Sources, places: Places) -> None:
    """zlib.error ("invalid block type") escaped from reading a damaged compressed entry."""
    data = bytearray(sources.bundles[0])
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as zf:
        info = zf.getinfo(CHANGES)
    name_len, extra_len = (
        int.from_bytes(data[info.header_offset + 26 : info.header_offset + 28], "little"),
        (int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")),
    )
    data[info.header_offset + 30 + name_len + extra_len] = 0xFF  # a deflate block of the reserved type
    _refuses(bytes(data), places, "damaged")


def _flag_encrypted(data: bytes, name: str) -> bytes:
    """Set the "encrypted" bit of one entry in its local and central headers (zipfile never writes it)."""
    out = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(name)
        out[info.header_offset + 6] |= 1
        pos = zf.start_dir  # type: ignore[attr-defined]
    while out[pos : pos + 4] == b"PK\x01\x02":
        size = 46 + sum(int.from_bytes(out[pos + i : pos + i + 2], "little") for i in (28, 30, 32))
        if out[pos + 46 : pos + 46 + len(name)] == name.encode():
            out[pos + 8] |= 1
        pos += size
    return bytes(out)


def test_encrypted_or_foreign_compression_entries_are_refused(sources: Sources, places: Places) -> None:
    """An entry flagged encrypted raised RuntimeError ("password required"); hoteltv writes only stored
    and deflated entries, so any other method (whose decompressor errors were not caught) is refused."""
    entries = sources.entries(0)
    items: list[tuple[str | zipfile.ZipInfo, bytes]] = []
    for name, payload in entries.items():
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_LZMA if name == CHANGES else zipfile.ZIP_DEFLATED
        items.append((info, payload))
    _refuses(_zip(items), places, "compression method")
    _refuses(_flag_encrypted(sources.bundles[0], CHANGES), places, "encrypted")


def test_changes_that_are_not_a_list_are_refused(sources: Sources, places: Places) -> None:
    """``"changes": 5`` raised TypeError (iterating an int)."""
    _refuses(_variant(sources, 0, lambda body, _m: body.update(changes=5)), places, "no list of changes")


def test_a_device_id_the_protocol_refuses_is_refused(sources: Sources, places: Places) -> None:
    """A manifest and changes.json agreeing on the device ``../x`` reached the server import, where the
    push request's validation raised pydantic's ValidationError."""

    def edit(body: dict[str, Any], manifest: dict[str, Any]) -> None:
        body["device_id"] = manifest["device_id"] = "../x"

    _refuses(_variant(sources, 0, edit), places, "invalid device id")


@pytest.mark.parametrize("key, value", [("changes", 1), ("photos", 99), ("changes", True), ("photos", "2")])
def test_manifest_counts_must_match_the_contents(
    sources: Sources, places: Places, key: str, value: Any
) -> None:
    _refuses(_variant(sources, 0, lambda _b, manifest: manifest.update({key: value})), places, "count")


@pytest.mark.parametrize("field", ["seq", "version"])
def test_numbers_too_large_for_the_server_are_refused(sources: Sources, places: Places, field: str) -> None:
    """seq/version 2**63 passed reading and failed in the server database (OverflowError) mid-import."""
    _refuses(
        _variant(sources, 0, lambda body, _m: body["changes"][0].update({field: 2**63})),
        places,
        "invalid changes",
    )


@pytest.mark.parametrize(
    "entity, field, value",
    [
        ("hotels", "pilot", 1.5),  # StatementError: Not a boolean value
        ("hotels", "pilot", -1),  # StatementError: Value -1 is not None, True, or False
        ("hotels", "rooms", "many"),
        ("hotels", "rooms", 2**70),
        ("hotels", "name", None),  # IntegrityError: NOT NULL constraint failed
        ("hotels", "name", ["a"]),
        ("inspectors", "division_id", {"x": 1}),
        ("photos", "gps_lat", 1e400),
        ("room_checks", "answers", {"k": "\x00"}),
        ("inspections", "created_at", "yesterday"),
    ],
)
def test_values_that_do_not_fit_are_refused_per_change(
    sources: Sources, places: Places, entity: str, field: str, value: Any
) -> None:
    """These escaped import_local as SQLAlchemy/driver errors (after the photo files were written); now the
    change is refused with the reason, the rest of the bundle applies, and the server refuses it alike."""
    data = _variant(
        sources,
        0,
        lambda body, _m: body["changes"][[c["entity"] for c in body["changes"]].index(entity)][
            "values"
        ].update({field: value}),
    )
    with places.pick(fresh=True) as (laptop, server), TemporaryDirectory() as tmp:
        path = Path(tmp) / "b.zip"
        path.write_bytes(data)
        local = import_local(laptop.db, laptop.store, path)
        refused = [r for r in local.results if r.status == "refused"]
        assert refused and refused[0].entity == entity and field in refused[0].reason
        assert laptop.db.integrity_problems() == []
        remote = import_to_server(server.db, server.blobs, path, "office")
        assert any(r.entity == entity and r.status == "refused" and r.code == 422 for r in remote.results)


def test_a_new_record_without_its_required_fields_is_refused(sources: Sources, places: Places) -> None:
    """A hotel without a name: NOT NULL constraint failed (IntegrityError) at flush."""
    data = _variant(sources, 0, lambda body, _m: _change(body, "hotels")["values"].pop("name"))
    with places.pick(fresh=True) as (laptop, _server), TemporaryDirectory() as tmp:
        path = Path(tmp) / "b.zip"
        path.write_bytes(data)
        result = import_local(laptop.db, laptop.store, path)
        (hotel,) = [r for r in result.results if r.entity == "hotels"]
        assert hotel.status == "refused" and "name" in hotel.reason


def test_a_reference_to_a_record_neither_here_nor_in_the_bundle_is_refused(
    sources: Sources, places: Places
) -> None:
    """A room pointing at an inspection that does not exist: FOREIGN KEY constraint failed at commit."""
    data = _variant(sources, 0, lambda body, _m: _change(body, "hotels").update(id="elsewhere-hotel"))
    with places.pick(fresh=True) as (laptop, _server), TemporaryDirectory() as tmp:
        path = Path(tmp) / "b.zip"
        path.write_bytes(data)
        result = import_local(laptop.db, laptop.store, path)
        inspection = next(r for r in result.results if r.entity == "inspections")
        assert inspection.status == "refused" and "neither here nor in the bundle" in inspection.reason
        assert laptop.db.integrity_problems() == []
        assert sorted(laptop.store.blobs()) == []  # the photos of refused photo records taken back


def _supersedes(first: str) -> Callable[[dict[str, Any], dict[str, Any]], None]:
    """The draft names the failed inspection as the one it supersedes, and the failed one is damaged (it
    will be refused); ``first`` says which of the two is applied first."""

    def edit(body: dict[str, Any], _m: dict[str, Any]) -> None:
        failed = _change(body, "inspections", result="fail")
        draft = _change(body, "inspections", status="draft")
        draft["values"]["supersedes_id"] = failed["id"]
        failed["values"]["kind"] = 5
        (failed if first == "failed" else draft)["seq"] = 0

    return edit


def test_a_change_referring_to_a_refused_one_is_refused_too(sources: Sources, places: Places) -> None:
    with places.pick(fresh=True) as (laptop, _server), TemporaryDirectory() as tmp:
        path = Path(tmp) / "b.zip"
        path.write_bytes(_variant(sources, 1, _supersedes(first="failed")))
        result = import_local(laptop.db, laptop.store, path)
        body = json.loads(sources.entries(1)[CHANGES])
        draft = _change(body, "inspections", status="draft")["id"]
        (outcome,) = [r for r in result.results if r.id == draft]
        assert outcome.status == "refused" and "supersedes_id" in outcome.reason
        assert laptop.db.integrity_problems() == []


def test_a_reference_broken_by_a_later_refusal_refuses_the_bundle(sources: Sources, places: Places) -> None:
    """The draft is applied before the inspection it refers to is refused: the transaction failed at
    commit (IntegrityError: FOREIGN KEY constraint failed); now the bundle is refused whole, naming the
    record, and the photo files it brought are taken back."""
    data = _variant(sources, 1, _supersedes(first="draft"))
    with places.pick(fresh=True) as (laptop, _server), TemporaryDirectory() as tmp:
        path = Path(tmp) / "b.zip"
        path.write_bytes(data)
        before = laptop.state()
        with pytest.raises(BundleRefused, match="neither here nor imported"):
            import_local(laptop.db, laptop.store, path)
        assert laptop.state() == before


def test_the_same_conflict_imported_twice_is_listed_once(sources: Sources, places: Places) -> None:
    """Importing the same changes again (another copy of the bundle) listed every conflict again."""
    hotel = _change(json.loads(sources.entries(0)[CHANGES]), "hotels")

    def edit(body: dict[str, Any], _m: dict[str, Any]) -> None:  # the field laptop changed rooms to 88
        change = _change(body, "hotels")
        change.update(base={"rooms": change["values"]["rooms"]}, fields=["rooms"], created=False)
        change["values"]["rooms"] = 88

    with places.pick(fresh=True) as (laptop, _server), TemporaryDirectory() as tmp:
        first = Path(tmp) / "first.zip"
        first.write_bytes(sources.bundles[0])
        import_local(laptop.db, laptop.store, first)
        view = get_hotel(laptop.db, hotel["id"])  # and the office changed them to 77
        update_hotel(laptop.db, hotel["id"], replace(view.as_input(), rooms=77), default_divisions())
        for copy_no in range(2):
            other = Path(tmp) / f"copy{copy_no}.zip"
            other.write_bytes(_with_comment(_variant(sources, 0, edit), str(copy_no).encode()))
            assert import_local(laptop.db, laptop.store, other).count("conflict") == 1
        (conflict,) = list_conflicts(laptop.db)
        assert (conflict.kept, conflict.other) == (77, 88)


def test_an_entry_over_the_size_limit_is_refused_before_it_is_inflated(
    sources: Sources, places: Places
) -> None:
    """A compression bomb: 64 MB + 1 of zeros (about 64 KB in the zip) listed as a photo, hash and size
    right: refused from its declared size, never decompressed."""
    bomb = bytes(MAX_PHOTO_BYTES + 1)
    sha = hashlib.sha256(bomb).hexdigest()
    entries = sources.entries(0)
    manifest = json.loads(entries.pop(MANIFEST))
    manifest["entries"][f"photos/{sha}"] = {"sha256": sha, "size": len(bomb)}
    manifest["photos"] += 1
    entries[f"photos/{sha}"] = bomb
    _refuses(_pack(entries, manifest), places, "larger than")
