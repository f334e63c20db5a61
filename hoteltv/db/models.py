"""Typed SQLAlchemy 2.0 models of every record hoteltv keeps.

Records that sync (everything but the local bookkeeping tables) share :class:`Synced`: a UUID primary
key made on the device that created the row, UTC ``created_at``/``updated_at``, the id of the device that
last changed it, a version counter and a tombstone (``deleted``) instead of a hard delete. Those columns
are maintained by :mod:`hoteltv.db.tracking`, never by hand.
"""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from hoteltv.errors import NotFoundError


def new_id() -> str:
    """A new random UUID as text: the primary key of every synced record."""
    return str(uuid.uuid4())


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as naive UTC and gives them back aware (SQLite keeps no zone)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; hoteltv stores aware UTC times only")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[Any]: JSON()}


class Synced:
    """Columns every synced record carries (see module docstring)."""

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    device_id: Mapped[str] = mapped_column(String(36), default="")
    version: Mapped[int] = mapped_column(Integer, default=1)
    deleted: Mapped[bool] = mapped_column(Boolean, default=False)


S = TypeVar("S", bound=Synced)


def live(session: Session, model: type[S], row_id: str, missing: str) -> S:
    """The record ``row_id`` of ``model``; ``NotFoundError(missing)`` when there is none or it is deleted."""
    row = session.get(model, row_id)
    if row is None or row.deleted:
        raise NotFoundError(missing)
    return row


def carried(row: Any, names: str) -> dict[str, Any]:
    """The attributes ``names`` (separated by spaces) of ``row`` as keyword arguments for a new row that
    carries them over; a dict or list value is copied, not shared."""
    values = {name: getattr(row, name) for name in names.split()}
    return {
        k: dict(v) if isinstance(v, dict) else list(v) if isinstance(v, list) else v
        for k, v in values.items()
    }


# --- reference and master data -------------------------------------------------------------------


class Division(Synced, Base):
    """A county-level division (县/市/区). Its id is derived from the official code (same on every device)."""

    __tablename__ = "divisions"
    code: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    aliases: Mapped[list[Any]] = mapped_column(default=list)
    city_code: Mapped[str] = mapped_column(String(12), default="")


class Hotel(Synced, Base):
    """A hotel under remediation: master data edited at the office and in the field."""

    __tablename__ = "hotels"
    name: Mapped[str] = mapped_column(String(200))
    division_id: Mapped[str] = mapped_column(ForeignKey("divisions.id"))
    address: Mapped[str | None] = mapped_column(String(300))
    credit_code: Mapped[str | None] = mapped_column(String(18), index=True)
    star_class: Mapped[int | None] = mapped_column(Integer)
    rooms: Mapped[int | None] = mapped_column(Integer)
    tvs: Mapped[int | None] = mapped_column(Integer)
    tv_system: Mapped[str | None] = mapped_column(String(200))
    contact_name: Mapped[str | None] = mapped_column(String(100))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    person_in_charge: Mapped[str | None] = mapped_column(String(100))
    pilot: Mapped[bool] = mapped_column(Boolean, default=False)
    target_mode: Mapped[str | None] = mapped_column(String(32))
    current_mode: Mapped[str] = mapped_column(String(32), default="none")
    remediation_status: Mapped[str] = mapped_column(String(32), default="not_inspected")
    notes: Mapped[str | None] = mapped_column(Text)
    #: Set on a hotel merged into another (the same hotel typed in twice): the one that stays. A merged
    #: hotel is a tombstone; its inspections and notices point at the one that stays.
    merged_into_id: Mapped[str | None] = mapped_column(String(36))
    #: What kind of site this is (``hoteltv.domain.sites``): the registry's default view shows hotels.
    #: Deferred (loaded when first read, or with ``undefer``) because revision 0005 reads hotels through
    #: these models before revision 0006 adds the column: a column added to ``hotels``, ``inspections`` or
    #: ``rectification_notices`` after 0005 must be deferred the same way.
    site_kind: Mapped[str] = mapped_column(String(16), default="hotel", server_default="hotel", deferred=True)

    division: Mapped[Division] = relationship(lazy="joined")

    __table_args__ = (Index("ix_hotels_division_name", "division_id", "name"),)


class Inspector(Synced, Base):
    """A bureau inspector with an enforcement ID number (执法证号)."""

    __tablename__ = "inspectors"
    name: Mapped[str] = mapped_column(String(100))
    enforcement_id: Mapped[str] = mapped_column(String(40), index=True)
    division_id: Mapped[str | None] = mapped_column(ForeignKey("divisions.id"))
    phone: Mapped[str | None] = mapped_column(String(40))


# --- inspections ---------------------------------------------------------------------------------


class Inspection(Synced, Base):
    """One visit to a hotel, recorded against a checklist template version.

    ``status`` goes draft → finalized; a finalized inspection is immutable (enforced in
    :mod:`hoteltv.db.tracking`). A correction is a new row whose ``supersedes_id`` names the old one.
    """

    __tablename__ = "inspections"
    record_number: Mapped[str] = mapped_column(String(40), index=True)
    hotel_id: Mapped[str] = mapped_column(ForeignKey("hotels.id"), index=True)
    template_id: Mapped[str] = mapped_column(String(64))
    template_version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16), default="first")  # first | reinspection
    status: Mapped[str] = mapped_column(String(16), default="draft")  # draft | finalized
    owner_device_id: Mapped[str] = mapped_column(String(36), default="")
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    ids_shown: Mapped[bool] = mapped_column(Boolean, default=False)
    hotel_answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    findings: Mapped[str | None] = mapped_column(Text)
    hotel_opinion: Mapped[str | None] = mapped_column(Text)
    hotel_signatory: Mapped[str | None] = mapped_column(String(100))
    contact_on_site: Mapped[str | None] = mapped_column(String(100))
    contact_phone: Mapped[str | None] = mapped_column(String(40))
    result: Mapped[str | None] = mapped_column(String(8))  # pass | basic | fail
    finalized_at: Mapped[datetime | None]
    content_hash: Mapped[str | None] = mapped_column(String(64))
    supersedes_id: Mapped[str | None] = mapped_column(ForeignKey("inspections.id"))
    notice_id: Mapped[str | None] = mapped_column(ForeignKey("rectification_notices.id", use_alter=True))
    signatures: Mapped[dict[str, Any]] = mapped_column(default=dict)
    #: The inspected unit as it stood when the record was finalized (name, credit code, division,
    #: address): the paper names it so, and later edits of the hotel must not change the record.
    hotel_snapshot: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    #: The hotel's representative refused to sign: ``{"witness": name, "at": ISO time, "note": text}``
    #: (empty: no refusal). The witness may also sign on the pad (``signatures["witness"]``).
    refusal: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    #: Why a failed item that needs photo evidence has none: ``[{"room": label|None, "item_key": key,
    #: "reason": text}]`` (printed on the sheet; see :func:`hoteltv.services.inspections.evidence_gaps`).
    evidence_notes: Mapped[list[Any]] = mapped_column(default=list, server_default="[]")
    #: Every fact the printed sheet shows, frozen at finalization (canonical JSON) and its SHA-256: the
    #: sheet is printed from it, and the verification code's hash part is ``seal_hash`` (hoteltv.services.seal).
    seal_json: Mapped[str | None] = mapped_column(Text)
    seal_hash: Mapped[str | None] = mapped_column(String(64))

    hotel: Mapped[Hotel] = relationship()
    rooms: Mapped[list[RoomCheck]] = relationship(
        back_populates="inspection", order_by="RoomCheck.position", cascade="all, delete-orphan"
    )
    team: Mapped[list[InspectionInspector]] = relationship(
        back_populates="inspection", order_by="InspectionInspector.position", cascade="all, delete-orphan"
    )


class InspectionInspector(Synced, Base):
    """An inspector on an inspection's team, in the order they sign."""

    __tablename__ = "inspection_inspectors"
    inspection_id: Mapped[str] = mapped_column(ForeignKey("inspections.id"), index=True)
    inspector_id: Mapped[str] = mapped_column(ForeignKey("inspectors.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)

    inspection: Mapped[Inspection] = relationship(back_populates="team")
    inspector: Mapped[Inspector] = relationship(lazy="joined")


class RoomCheck(Synced, Base):
    """A sampled room of an inspection with its per-room answers (item key → value)."""

    __tablename__ = "room_checks"
    inspection_id: Mapped[str] = mapped_column(ForeignKey("inspections.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    room_number: Mapped[str] = mapped_column(String(20))
    floor: Mapped[str | None] = mapped_column(String(10))
    room_type: Mapped[str | None] = mapped_column(String(40))
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)

    inspection: Mapped[Inspection] = relationship(back_populates="rooms")


class Photo(Synced, Base):
    """A photo attached as evidence. The file lives in the content-addressed store under its SHA-256."""

    __tablename__ = "photos"
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    inspection_id: Mapped[str] = mapped_column(ForeignKey("inspections.id"), index=True)
    room_check_id: Mapped[str | None] = mapped_column(ForeignKey("room_checks.id"))
    item_key: Mapped[str | None] = mapped_column(String(64))
    caption: Mapped[str | None] = mapped_column(Text)
    original_name: Mapped[str | None] = mapped_column(String(260))
    mime: Mapped[str | None] = mapped_column(String(40))
    byte_size: Mapped[int] = mapped_column(Integer, default=0)
    width: Mapped[int | None] = mapped_column(Integer)
    height: Mapped[int | None] = mapped_column(Integer)
    taken_at: Mapped[datetime | None]
    gps_lat: Mapped[float | None] = mapped_column(Float)
    gps_lon: Mapped[float | None] = mapped_column(Float)
    annotation: Mapped[dict[str, Any]] = mapped_column(default=dict)
    time_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)


class RectificationNotice(Synced, Base):
    """整改通知书 issued after a failed inspection; closed by a passing re-inspection."""

    __tablename__ = "rectification_notices"
    number: Mapped[str] = mapped_column(String(40), index=True)
    inspection_id: Mapped[str] = mapped_column(ForeignKey("inspections.id"), index=True)
    hotel_id: Mapped[str] = mapped_column(ForeignKey("hotels.id"), index=True)
    issued_at: Mapped[datetime] = mapped_column(default=utcnow)
    deadline: Mapped[date] = mapped_column(Date)
    reinspection_date: Mapped[date | None] = mapped_column(Date)
    items: Mapped[list[Any]] = mapped_column(default=list)
    authority: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | closed | superseded
    reinspection_id: Mapped[str | None] = mapped_column(ForeignKey("inspections.id"))
    closed_at: Mapped[datetime | None]
    receipt_signed_by: Mapped[str | None] = mapped_column(String(100))
    #: What the notice states beside its items, fixed when issued (general legal basis, the bodies that
    #: hear a 行政复议 or a 行政诉讼): a reprint says what the handed-over paper said.
    terms: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    #: How it was served (送达): ``{"method": "direct"|"left", "recipient": name, "refused": bool,
    #: "witness": name, "at": ISO time}``; empty until recorded.
    delivery: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    #: Every fact the printed notice shows, frozen when it was issued, and its SHA-256.
    seal_json: Mapped[str | None] = mapped_column(Text)
    seal_hash: Mapped[str | None] = mapped_column(String(64))
    #: The notice this one replaces as a new version (延期 extension or 更正 correction), and why.
    #: (A plain column, as SQLite adds it without recreating the table; the service checks the link.)
    supersedes_id: Mapped[str | None] = mapped_column(String(36))
    change_reason: Mapped[str | None] = mapped_column(Text)

    hotel: Mapped[Hotel] = relationship()


class EnforcementOperation(Synced, Base):
    """执法行动: one day's enforcement outing — departments, officers (人次), vehicles (车次), the sites
    checked (个次) and the inspection records made. More than one department makes it 联合执法."""

    __tablename__ = "enforcement_operations"
    op_date: Mapped[date] = mapped_column(Date, index=True)
    #: The division it took place in (its sync scope).
    division_id: Mapped[str] = mapped_column(ForeignKey("divisions.id"))
    title: Mapped[str | None] = mapped_column(String(200))
    lead_department: Mapped[str] = mapped_column(String(100))
    joint_departments: Mapped[list[Any]] = mapped_column(default=list)
    officers: Mapped[int] = mapped_column(Integer, default=0)
    vehicles: Mapped[int] = mapped_column(Integer, default=0)
    #: Site checks counted as 个次 (at least the sites listed: a site checked twice counts twice).
    site_checks: Mapped[int] = mapped_column(Integer, default=0)
    site_ids: Mapped[list[Any]] = mapped_column(default=list)
    inspection_ids: Mapped[list[Any]] = mapped_column(default=list)
    notes: Mapped[str | None] = mapped_column(Text)

    division: Mapped[Division] = relationship(lazy="joined")


# --- local bookkeeping (never synced as rows) ---------------------------------------------------


class AuditEvent(Base):
    """Who changed what, when: one row per changed record per transaction, old → new values."""

    __tablename__ = "audit_events"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100), default="")
    device_id: Mapped[str] = mapped_column(String(36), default="")
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(36), index=True)
    action: Mapped[str] = mapped_column(String(16))  # create | update | delete
    changes: Mapped[dict[str, Any]] = mapped_column(default=dict)


class NoticeNumberBlock(Base):
    """A block of 文号 numbers this laptop may give to the notices it issues (one year's series).

    The office hands each laptop disjoint blocks (by hand, ``hoteltv numbers add-block``), so two laptops
    never print one number, network or not. ``next`` is the next number to give; the block is used up when
    ``next > last``. See docs/numbering.md.
    """

    __tablename__ = "notice_number_blocks"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    first: Mapped[int] = mapped_column(Integer)
    last: Mapped[int] = mapped_column(Integer)
    next: Mapped[int] = mapped_column(Integer)
    source: Mapped[str] = mapped_column(String(40), default="")
    added_at: Mapped[datetime] = mapped_column(default=utcnow)


class OutboxEntry(Base):
    """A local change not yet sent to the server, written in the same transaction as the change."""

    __tablename__ = "outbox"
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(36), index=True)
    version: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    fields: Mapped[list[Any]] = mapped_column(default=list)
    base: Mapped[dict[str, Any]] = mapped_column(default=dict)
    sent_at: Mapped[datetime | None]


class Meta(Base):
    """Key/value facts about this database: device id, counters, last server sequence."""

    __tablename__ = "meta"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


SYNCED_MODELS: tuple[type[Synced], ...] = (
    Division,
    Hotel,
    Inspector,
    Inspection,
    InspectionInspector,
    RoomCheck,
    Photo,
    RectificationNotice,
    EnforcementOperation,
)


# --- local sync state (never synced as rows; written by hoteltv.sync) ----------------------------------


class SyncConflict(Base):
    """A field changed both here (or on another device) and on the server: both values kept for a person.

    ``values`` holds ``{"kept": …, "other": …, "base": …, "kept_source": …, "other_source": …}`` (JSON
    values as they travel): ``kept`` is the value in force until someone resolves it (the server's, when the
    server found the conflict), ``other`` the value that lost for now. ``server_id`` is the server's number
    for the conflict when the server recorded it.
    """

    __tablename__ = "sync_conflicts"
    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    server_id: Mapped[int | None] = mapped_column(Integer, index=True)
    entity: Mapped[str] = mapped_column(String(40))
    record_id: Mapped[str] = mapped_column(String(36), index=True)
    field: Mapped[str] = mapped_column(String(64))
    label: Mapped[str] = mapped_column(String(200), default="")
    values: Mapped[dict[str, Any]] = mapped_column(default=dict)
    other_device: Mapped[str] = mapped_column(String(100), default="")
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | resolving | resolved
    resolution: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]


#: Finding unsent outbox entries must not read the whole (ever growing) outbox at each sync.
Index("ix_outbox_sent_at", OutboxEntry.sent_at)


class SyncRecordState(Base):
    """The last sync outcome of one record: sent, complete, conflict, failed (with the reason in words)."""

    __tablename__ = "sync_record_states"
    __table_args__ = (Index("ix_sync_record_states_entity_state", "entity", "state"),)
    entity: Mapped[str] = mapped_column(String(40), primary_key=True)
    record_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    label: Mapped[str] = mapped_column(String(200), default="")
    state: Mapped[str] = mapped_column(String(16))  # sent | complete | conflict | failed
    reason: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)


class SyncBlob(Base):
    """A photo blob the server has confirmed it holds (so it is not offered again)."""

    __tablename__ = "sync_blobs"
    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    confirmed_at: Mapped[datetime] = mapped_column(default=utcnow)


class SyncLog(Base):
    """One sync run, bundle export or bundle import: when, where, what moved, how it ended."""

    __tablename__ = "sync_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(16))  # sync | export | import
    target: Mapped[str] = mapped_column(String(500), default="")
    started_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    finished_at: Mapped[datetime | None]
    ok: Mapped[bool] = mapped_column(Boolean, default=False)
    summary: Mapped[dict[str, Any]] = mapped_column(default=dict)
    message: Mapped[str] = mapped_column(Text, default="")
