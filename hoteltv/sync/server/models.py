"""The sync server's tables (SQLAlchemy 2.0; SQLite by default, PostgreSQL in production).

* ``users``/``tokens``/``devices`` — who may connect: a token is stored only as its SHA-256, a user has a
  role (inspector scoped to division codes, office, admin), a device is a laptop's database.
* ``records`` — every synced record as the server holds it now (``data``: its JSON values), with the
  server sequence number of its last change (``seq``) and the scope keys used for reading and writing
  (``division_id``, ``hotel_id``, ``inspection_id``).
* ``changes`` — the change log: one row per accepted change with a monotonic sequence number, given
  under a lock in commit order so a client that pulls "everything after N" never skips one.
* ``conflicts`` — both values of a field changed in two places, until an office user resolves it.
* ``batches`` — the final answer to each push, by its idempotency key under the sending account and device
  (``key`` holds the SHA-256 of the three): the same batch sent again by them gets the same answer.
* a hotel merged into another (the same hotel typed in on two laptops) stays in ``records`` as a tombstone
  whose ``data.merged_into_id`` names the hotel that stays.
* ``blobs`` — photo files that arrived whole and were verified by their SHA-256.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from hoteltv.db.models import UTCDateTime
from hoteltv.db.models import utcnow as now  # the server stamps aware UTC times like the laptop


class ServerBase(DeclarativeBase):
    metadata = MetaData(
        naming_convention={
            "ix": "ix_%(column_0_label)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
        }
    )
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[Any]: JSON(), Any: JSON()}


class ServerState(ServerBase):
    """Counters and facts of this server: ``seq`` (the last sequence number given), ``server_id``."""

    __tablename__ = "server_state"
    key: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)
    text: Mapped[str] = mapped_column(String(64), default="")


class User(ServerBase):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    display_name: Mapped[str] = mapped_column(String(100), default="")
    role: Mapped[str] = mapped_column(String(16))  # inspector | office | admin
    divisions: Mapped[list[Any]] = mapped_column(default=list)  # division codes (inspectors)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=now)


class Token(ServerBase):
    __tablename__ = "tokens"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    label: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=now)
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]


class Device(ServerBase):
    __tablename__ = "devices"
    device_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(100), default="")
    first_seen: Mapped[datetime] = mapped_column(default=now)
    last_seen: Mapped[datetime] = mapped_column(default=now)
    last_push: Mapped[datetime | None]
    last_pull: Mapped[datetime | None]
    last_seq: Mapped[int] = mapped_column(Integer, default=0)
    #: The lineage token the device's last push left (see hoteltv.sync.lineage); None before any.
    lineage: Mapped[str | None] = mapped_column(String(32))


class Record(ServerBase):
    __tablename__ = "records"
    entity: Mapped[str] = mapped_column(String(40), primary_key=True)
    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    version: Mapped[int] = mapped_column(Integer, default=1)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)
    seq: Mapped[int] = mapped_column(Integer, index=True)
    division_id: Mapped[str | None] = mapped_column(String(36), index=True)
    hotel_id: Mapped[str | None] = mapped_column(String(36), index=True)
    inspection_id: Mapped[str | None] = mapped_column(String(36), index=True)
    #: The photo file's hash (photo records only), indexed for upload and download checks.
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    #: Device whose push made the record exactly what it is now (its own pull skips the echo).
    echo_device: Mapped[str | None] = mapped_column(String(36))
    #: Origin device → highest outbox sequence number of it applied here (a change seen twice is a no-op).
    device_seqs: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=now)

    __table_args__ = (Index("ix_records_entity_seq", "entity", "seq"),)


class ChangeLog(ServerBase):
    __tablename__ = "changes"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    entity: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    device_id: Mapped[str] = mapped_column(String(36), default="")
    user_id: Mapped[int | None] = mapped_column(Integer)
    origin_seq: Mapped[int] = mapped_column(Integer, default=0)
    fields: Mapped[list[Any]] = mapped_column(default=list)
    values: Mapped[dict[str, Any]] = mapped_column(default=dict)
    at: Mapped[datetime] = mapped_column(default=now)


class Conflict(ServerBase):
    __tablename__ = "conflicts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    field: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(200), default="")
    base: Mapped[Any] = mapped_column(JSON, nullable=True)
    server_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    client_value: Mapped[Any] = mapped_column(JSON, nullable=True)
    device_id: Mapped[str] = mapped_column(String(36), default="")
    user_id: Mapped[int | None] = mapped_column(Integer)
    division_id: Mapped[str | None] = mapped_column(String(36), index=True)
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | resolved
    resolution: Mapped[Any] = mapped_column(JSON, nullable=True)
    resolved_by: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=now)
    resolved_at: Mapped[datetime | None]


class Batch(ServerBase):
    __tablename__ = "batches"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    device_id: Mapped[str] = mapped_column(String(36))
    user_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=now)
    response: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Blob(ServerBase):
    __tablename__ = "blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=now)
