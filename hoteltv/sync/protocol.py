"""The sync protocol's wire types (pydantic models), shared by the client, the server and bundle files.

One vocabulary for every path a change can travel (HTTP push, bundle file, pull):

* :class:`Change` — one record's local changes since it was last sent, compacted: the changed ``fields``,
  their old values (``base``) and the record's full current ``values``. ``seq`` is the highest outbox
  sequence number it covers on its origin device: with ``device_id`` it identifies the change, so a
  change seen twice is applied once.
* :class:`PushRequest` — a batch of changes from one device with its idempotency ``key`` (SHA-256 of the
  device id and the batch content, see :func:`batch_key`); :class:`PushResponse` answers per change.
* :class:`PullResponse` — whole records (the server's current state) with a server sequence number
  greater than the one the client last applied; order comes from these numbers, never from clocks.
* :class:`CheckResponse` — per entity, a count and a digest of ``id:version:deleted`` so a client can
  prove it holds exactly what the server holds for it.

Every list and string is bounded; the server rejects anything larger with 422 before touching data.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Sequence
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictBool, StringConstraints

from hoteltv.archive import SHA256_PATTERN
from hoteltv.hashing import canonical_json

PROTOCOL = "hoteltv-sync/1"
API_PREFIX = "/api/v1"

MAX_BATCH = 500
MAX_PULL = 2000
MAX_FIELDS = 64
MAX_HASHES = 5000
MAX_PHOTO_BYTES = 64 * 1024 * 1024
MAX_BODY_BYTES = 32 * 1024 * 1024
#: Sequence numbers, versions and row ids fit a PostgreSQL ``integer`` (the server's columns); a larger
#: one in a request is refused (422) instead of failing in the database.
MAX_COUNTER = 2**31 - 1

Entity = Literal[
    "divisions",
    "inspectors",
    "hotels",
    "inspections",
    "inspection_inspectors",
    "room_checks",
    "rectification_notices",
    "photos",
    "enforcement_operations",
]
#: Synced tables in the order parents come before children.
ENTITY_ORDER: tuple[str, ...] = get_args(Entity)
#: Parts of an inspection document: a draft syncs as whole-record versions from its owner device,
#: a finalized one never changes. Everything else merges per field.
DOCUMENT_ENTITIES = frozenset({"inspections", "inspection_inspectors", "room_checks", "photos"})

RecordId = Annotated[str, StringConstraints(min_length=1, max_length=36, pattern=r"^[0-9A-Za-z_-]+$")]
DeviceId = RecordId
Sha256 = Annotated[str, StringConstraints(pattern=SHA256_PATTERN)]
FieldName = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[a-z_][a-z0-9_]*$")]
#: A user's name: no control characters (PostgreSQL text cannot hold NUL).
UserName = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f\x7f]+$")]
#: An administrative division's code (6 digits, 12 for a township).
DivisionCode = Annotated[str, StringConstraints(pattern=r"^[0-9]{6,12}$")]


def _json_integer(value: Any) -> Any:
    """An integer as JSON Schema means it (5 or 5.0), not "5" or true, which pydantic would convert."""
    if isinstance(value, bool | str | bytes):
        raise ValueError("应为整数 (expected an integer)")
    return value


#: A sequence number or version in a change.
Counter = Annotated[int, Field(ge=0, le=MAX_COUNTER), BeforeValidator(_json_integer)]


#: pydantic documents a ``dict[FieldName, …]`` key pattern as ``patternProperties``, which still allows
#: any other key: ``propertyNames`` says what the server really accepts.
_FIELD_KEYS: dict[str, Any] = {
    "propertyNames": {"minLength": 1, "maxLength": 64, "pattern": r"^[a-z_][a-z0-9_]*$"},
    "additionalProperties": False,
}


#: A laptop's device lineage (see :mod:`hoteltv.sync.lineage`), in request headers so that servers and
#: laptops of earlier releases ignore it: on a hello and a push, the tokens (comma-separated) any of which
#: may be the last one the server took from this device (``*``: take whatever it holds, after a restore);
#: on a push also the token it leaves there. A server that checks lineage answers the hello with
#: :data:`LINEAGE_SAME` or :data:`LINEAGE_COPIED` in the same header.
LINEAGE_HEADER = "X-Hoteltv-Lineage"
LINEAGE_NEXT_HEADER = "X-Hoteltv-Lineage-Next"
LINEAGE_SAME = "same"
LINEAGE_COPIED = "copied"
LINEAGE_ADOPT = "*"
#: At most this many tokens are read from a lineage header (the rest is ignored).
MAX_LINEAGE = 32
_LINEAGE_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def lineage_tokens(text: str) -> list[str]:
    """The well-formed tokens (and the adopt mark) of a lineage header, at most :data:`MAX_LINEAGE`."""
    out = [t for t in (p.strip() for p in text.split(",")) if t == LINEAGE_ADOPT or _LINEAGE_TOKEN.match(t)]
    return out[:MAX_LINEAGE]


def lineage_token(text: str) -> str:
    """``text`` if it is a well-formed lineage token, else ""."""
    text = text.strip()
    return text if _LINEAGE_TOKEN.match(text) else ""


def lineage_copied(held: str | None, known: Sequence[str], leaving: str = "") -> bool:
    """Is a laptop that names ``known`` a copy of another data folder with the same device id, the server
    holding ``held`` as that device's lineage? Not when the server holds none (a device new to lineage),
    when the laptop says to take it over (after a restore), or when ``held`` is one it names (or the
    token this very push leaves: the same request sent again)."""
    if not held or LINEAGE_ADOPT in known:
        return False
    return held not in known and held != leaving


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Change(_Model):
    """One record's compacted local changes (see module docstring)."""

    entity: Entity
    id: RecordId
    seq: Counter
    version: Counter
    created: bool = Field(default=False, strict=True)  # true or false, not 0/1 or "yes" (pydantic would)
    fields: list[FieldName] = Field(max_length=MAX_FIELDS)
    base: dict[FieldName, Any] = Field(
        default_factory=dict, max_length=MAX_FIELDS, json_schema_extra=_FIELD_KEYS
    )
    values: dict[FieldName, Any] = Field(max_length=MAX_FIELDS, json_schema_extra=_FIELD_KEYS)


class PushRequest(_Model):
    protocol: Literal["hoteltv-sync/1"] = "hoteltv-sync/1"
    device_id: DeviceId
    key: Sha256
    changes: list[Change] = Field(max_length=MAX_BATCH)
    demo: StrictBool = False
    """Sent from a demo data folder (the client refuses before sending; the server refuses too). Left
    out of the JSON when False, so servers that predate the field accept the request."""


ChangeStatus = Literal["applied", "unchanged", "conflict", "refused"]


class FieldConflict(_Model):
    field: str
    base: Any = None
    server: Any = None
    client: Any = None
    conflict_id: int | None = None


class ChangeResult(_Model):
    entity: str
    id: str
    status: ChangeStatus
    #: HTTP-like code of this change: 200 applied/unchanged/conflict, 403 out of scope or not the owner,
    #: 409 a finalized inspection with different content, 422 invalid.
    code: int = 200
    reason: str = ""
    version: int = 0
    seq: int = 0
    #: True when the server's record now equals exactly what the client sent.
    echo: bool = False
    conflicts: list[FieldConflict] = Field(default_factory=list)


class PushResponse(_Model):
    key: str
    replayed: bool = False
    head: int
    results: list[ChangeResult]


class RemoteRecord(_Model):
    entity: Entity
    id: RecordId
    seq: int
    version: int
    deleted: bool
    values: dict[str, Any]


class PullResponse(_Model):
    server_id: str
    head: int
    next: int
    more: bool
    records: list[RemoteRecord]


class EntityDigest(_Model):
    count: int
    digest: str


class CheckResponse(_Model):
    head: int
    entities: dict[str, EntityDigest]


class Hello(_Model):
    protocol: str = PROTOCOL
    server_id: str
    server_version: str
    head: int
    user: str
    role: str
    divisions: list[str]


class HashList(_Model):
    sha256: list[Sha256] = Field(max_length=MAX_HASHES)


class MissingPhotos(_Model):
    missing: list[str]
    #: Hashes no photo record in the caller's scope uses (not accepted until such a record arrives).
    unknown: list[str] = Field(default_factory=list)


#: Small photos travel many to a request: frames of 64 hex digits (SHA-256), 12 decimal digits (size),
#: then the bytes. Large ones use the resumable single upload.
FRAME_HEADER = 76
BATCH_PHOTO_MAX = 1024 * 1024
BATCH_PHOTO_BYTES = 8 * 1024 * 1024


def frame(sha256: str, data: bytes) -> bytes:
    return sha256.encode("ascii") + f"{len(data):012d}".encode("ascii") + data


def unframe(body: bytes) -> list[tuple[str, bytes]]:
    """Split a batch body into (sha256, bytes); raises ValueError when it is malformed or cut short."""
    out: list[tuple[str, bytes]] = []
    pos = 0
    while pos < len(body):
        header = body[pos : pos + FRAME_HEADER]
        if len(header) < FRAME_HEADER:
            raise ValueError("frame header cut short")
        sha, size_text = header[:64].decode("ascii", "replace"), header[64:].decode("ascii", "replace")
        if not all(c in "0123456789abcdef" for c in sha) or not size_text.isdigit():
            raise ValueError("malformed frame header")
        size = int(size_text)
        start = pos + FRAME_HEADER
        if start + size > len(body):
            raise ValueError("frame cut short")
        out.append((sha, body[start : start + size]))
        pos = start + size
    return out


class PhotoBatchResult(_Model):
    stored: list[str]
    refused: dict[str, str] = Field(default_factory=dict)


class UploadState(_Model):
    sha256: str
    received: int
    complete: bool


class StatusRequest(_Model):
    inspection_ids: list[RecordId] = Field(max_length=MAX_BATCH * 4)


class InspectionStatus(_Model):
    photos: int
    missing: int
    complete: bool


class StatusResponse(_Model):
    inspections: dict[str, InspectionStatus]


class ConflictOut(_Model):
    id: int
    entity: str
    record_id: str
    field: str
    label: str
    base: Any = None
    server: Any = None
    client: Any = None
    device_id: str
    user: str
    status: str
    created_at: str
    resolution: Any = None


class ResolveRequest(_Model):
    """Settle a conflict: keep the server's value, take the client's, or give another value."""

    choice: Literal["server", "client", "value"]
    value: Any = None


class UserIn(_Model):
    name: UserName
    role: Literal["inspector", "office", "admin"]
    divisions: list[DivisionCode] = Field(default_factory=list, max_length=100)
    display_name: Annotated[str, StringConstraints(max_length=100)] = ""


class UserOut(_Model):
    name: str
    role: str
    divisions: list[str]
    display_name: str
    active: bool


class TokenOut(_Model):
    id: int
    user: str
    token: str | None = None
    prefix: str
    created_at: str
    revoked: bool


class DeviceOut(_Model):
    device_id: str
    user: str
    name: str
    first_seen: str
    last_seen: str
    last_push: str | None
    last_pull: str | None
    last_seq: int


def batches(
    changes: Sequence[Change],
    size: int,
    max_bytes: int | None = None,
    weigh: Callable[[Change], int] | None = None,
) -> Iterator[list[Change]]:
    """``changes`` in order, in batches of at most ``size`` (and, given ``weigh``, about ``max_bytes`` of
    JSON: a change weighs ``weigh(change)``, the length of the JSON it is sent as).

    A batch is never cut between a change and a later one it names (an ``…_id`` value that is the later
    change's id): a re-inspection names its notice and the notice, closed by it, names the re-inspection.
    The server takes a reference only to a record it holds or that comes in the same batch, so two
    records naming each other travel together, even where that makes one batch larger than ``size``
    (never larger than :data:`MAX_BATCH`)."""
    position = {c.id: i for i, c in enumerate(changes)}
    reach = [
        max([i] + [position[v] for k, v in c.values.items() if k.endswith("_id") and _names(v, position)])
        for i, c in enumerate(changes)
    ]
    batch: list[Change] = []
    weight = 0
    start = 0
    while start < len(changes):
        end, i = reach[start], start  # the run from ``start`` that must travel together
        while i <= end:
            end = max(end, reach[i])
            i += 1
        run = changes[start : end + 1]
        start = end + 1
        n = sum(map(weigh, run)) if weigh is not None and max_bytes else 0
        full = len(batch) + len(run) > size or (max_bytes is not None and weight + n > max_bytes)
        if batch and (full or len(batch) + len(run) > MAX_BATCH):
            yield batch
            batch, weight = [], 0
        for i in range(0, len(run), MAX_BATCH):  # a run longer than a batch can be (cannot be kept whole)
            if batch and i:
                yield batch
                batch, weight = [], 0
            batch += run[i : i + MAX_BATCH]
        weight += n
    if batch:
        yield batch


def _names(value: Any, position: dict[str, int]) -> bool:
    """Is ``value`` the id of one of the changes (any other value, even one that is no id at all — the
    server refuses it with its reason — names none)?"""
    return isinstance(value, str) and value in position


def batch_key(device_id: str, changes: list[Change]) -> str:
    """The idempotency key of a batch: SHA-256 over the device id and the changes' canonical JSON."""
    return batch_key_of_texts(device_id, [canonical_json(c.model_dump(mode="json")) for c in changes])


def batch_key_of_texts(device_id: str, texts: Sequence[str]) -> str:
    """:func:`batch_key` of changes already in canonical JSON, one text each (the canonical JSON of the
    list is their texts joined by commas in brackets)."""
    digest = hashlib.sha256()
    digest.update(device_id.encode("utf-8") + b"\n")
    digest.update(("[" + ",".join(texts) + "]").encode("utf-8"))
    return digest.hexdigest()


def digest_rows(rows: list[tuple[str, int, bool]]) -> EntityDigest:
    """Count and digest of ``(id, version, deleted)`` rows (order does not matter): SHA-256 over the lines
    ``id:version:deleted`` (deleted as 0/1) sorted by id."""
    rows = sorted(rows, key=lambda r: r[0])  # ids are unique
    text = "".join(f"{rid}:{int(version)}:{1 if deleted else 0}\n" for rid, version, deleted in rows)
    return EntityDigest(count=len(rows), digest=hashlib.sha256(text.encode()).hexdigest())
