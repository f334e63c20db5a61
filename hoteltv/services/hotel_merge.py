"""One hotel typed in twice: find the suspected pairs (疑似重复) and merge one into the other.

A merge keeps both histories: the hotel merged away becomes a tombstone that names the one that stays
(``merged_into_id``), and every inspection and notice of it now points at the one that stays. The merge is
an ordinary tracked edit of the two hotels, so it syncs like any other change: the server rewrites its own
references when it receives it, and every laptop rewrites its references when it pulls the tombstone
(:func:`rewrite_hotel_references`, also used by the sync's pull).

References are rewritten directly (not as tracked edits): a finalized inspection never changes its
content, and which hotel row it hangs on is not part of its content (its content hash names the hotel by
its snapshot, not by a database id).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from hoteltv.db.engine import Database
from hoteltv.db.models import Hotel, Inspection, RectificationNotice, live
from hoteltv.domain.identifiers import normalise_credit_code
from hoteltv.errors import ValidationError

#: Fields the hotel that stays takes from the other when it has no value of its own.
FILLED = (
    "address",
    "credit_code",
    "star_class",
    "rooms",
    "tvs",
    "tv_system",
    "contact_name",
    "contact_phone",
    "person_in_charge",
    "target_mode",
    "notes",
)
#: Tables whose rows point at a hotel.
REFERRING = (Inspection, RectificationNotice)


@dataclass(frozen=True)
class PairedHotel:
    """One hotel of a suspected pair, with what tells it from the other (the two names are often the same):
    its id, address, credit code and how many inspections and notices it has (they would move with it)."""

    id: str
    name: str
    division: str
    address: str | None
    credit_code: str | None
    inspections: int
    notices: int


@dataclass(frozen=True)
class DuplicatePair:
    """Two live hotels that look like one: the same credit code, or the same name in the same division
    with a credit code missing on at least one of them."""

    first: PairedHotel
    second: PairedHotel
    reason: str

    @property
    def first_id(self) -> str:
        return self.first.id

    @property
    def first_name(self) -> str:
        return self.first.name

    @property
    def second_id(self) -> str:
        return self.second.id

    @property
    def second_name(self) -> str:
        return self.second.name

    @property
    def division(self) -> str:
        """The pair's county, or both when they differ (one record has the wrong one: merging is refused)."""
        same = self.first.division == self.second.division
        return self.first.division if same else f"{self.first.division} / {self.second.division}"


@dataclass(frozen=True)
class MergeResult:
    keep_id: str
    other_id: str
    inspections: int
    notices: int
    filled: tuple[str, ...]


def find_duplicates(db: Database) -> list[DuplicatePair]:
    """Suspected duplicate hotels (疑似重复), each pair once, the older hotel first."""
    with db.reading() as s:
        hotels = list(
            s.scalars(select(Hotel).where(Hotel.deleted.is_(False)).order_by(Hotel.created_at, Hotel.id))
        )
        out: list[DuplicatePair] = []
        inspections, notices = _counts(s, Inspection), _counts(s, RectificationNotice)

        def paired(h: Hotel) -> PairedHotel:
            return PairedHotel(
                h.id,
                h.name,
                h.division.name,
                h.address,
                h.credit_code,
                inspections.get(h.id, 0),
                notices.get(h.id, 0),
            )

        def suspect(a: Hotel, b: Hotel, reason: str) -> None:
            out.append(DuplicatePair(paired(a), paired(b), reason))

        seen: set[tuple[str, str]] = set()
        by_code: dict[str, Hotel] = {}
        by_name: dict[tuple[str, str], list[Hotel]] = {}
        for h in hotels:
            code = normalise_credit_code(h.credit_code or "")
            if code:
                first = by_code.setdefault(code, h)
                if first is not h:
                    seen.add((first.id, h.id))
                    suspect(first, h, f"统一社会信用代码相同 {code} (same credit code)")
            by_name.setdefault((h.division_id, "".join(h.name.split()).casefold()), []).append(h)
        for group in by_name.values():
            for i, a in enumerate(group):
                for b in group[i + 1 :]:
                    if (a.id, b.id) in seen:
                        continue
                    if a.credit_code and b.credit_code:
                        continue  # two codes that differ: two hotels of one name
                    suspect(
                        a, b, "名称和县区相同,缺少统一社会信用代码 (same name and division, no credit code)"
                    )
        return out


def _counts(session: Session, model: Any) -> dict[str, int]:
    """How many live rows of ``model`` (inspections or notices) each hotel has, by hotel id."""
    rows = session.execute(
        select(model.hotel_id, func.count()).where(model.deleted.is_(False)).group_by(model.hotel_id)
    )
    return {hotel_id: int(n) for hotel_id, n in rows}


def surviving_ids(session: Session, ids: Mapping[str, str]) -> dict[str, str]:
    """``merged id → the hotel it was merged into``, followed to the end of each chain (A into B, B into
    C: A → C) through the hotels here; chains that loop are cut."""
    out: dict[str, str] = {}
    for start, target in ids.items():
        seen = {start}
        current = target
        for _ in range(32):
            if current in seen:
                break
            seen.add(current)
            row = session.get(Hotel, current)
            nxt = row.merged_into_id if row is not None else None
            if not nxt:
                break
            current = nxt
        if current != start:
            out[start] = current
    return out


def rewrite_hotel_references(session: Session, old_id: str, new_id: str) -> dict[str, int]:
    """Point every inspection and notice of hotel ``old_id`` at ``new_id`` (untracked; see module
    docstring). Returns the number of rows moved per table."""
    moved: dict[str, int] = {}
    conn = session.connection()
    for model in REFERRING:
        table: Any = model.__table__
        result = conn.execute(update(table).where(table.c.hotel_id == old_id).values(hotel_id=new_id))
        moved[table.name] = int(result.rowcount or 0)
    session.expire_all()
    return moved


def merge_hotels(db: Database, keep_id: str, other_id: str, actor: str = "") -> MergeResult:
    """Merge hotel ``other_id`` into ``keep_id`` (see module docstring). The hotel that stays takes the
    other's values for fields it has none of, and its mode and status are worked out again from the
    joined history. Refused, changing nothing, for a hotel that does not exist or was merged or deleted,
    for the same hotel twice, for two different credit codes (two hotels, not one) and for two divisions
    (one of the two records has the wrong county)."""
    from hoteltv.services.inspections import refresh_hotel

    if keep_id == other_id:
        raise ValidationError("不能把酒店并入它自己 (a hotel cannot be merged into itself)")
    with db.transaction(actor) as s:
        keep = live(s, Hotel, keep_id, f"酒店不存在或已合并、删除 (no live hotel with id {keep_id})")
        other = live(s, Hotel, other_id, f"酒店不存在或已合并、删除 (no live hotel with id {other_id})")
        codes = {normalise_credit_code(h.credit_code or "") for h in (keep, other)} - {""}
        if len(codes) > 1:
            raise ValidationError(
                f"两家酒店的统一社会信用代码不同({' / '.join(sorted(codes))}),不是同一家酒店,未合并 "
                "(the credit codes differ: two hotels, not one; nothing was merged)"
            )
        if keep.division_id != other.division_id:
            # Merged, the hotel and its history would leave one county's inspectors: refused until the
            # county of the record typed in wrong is corrected.
            raise ValidationError(
                f"两家酒店不在同一县区（“{keep.name}”在{keep.division.name}，“{other.name}”在"
                f"{other.division.name}），未合并：请先在酒店登记或表格导入中改正录错的那一条的县区，再合并 "
                f"(the hotels are in different divisions, {keep.division.code} and {other.division.code}: "
                "correct the division of the record typed in wrong first, in the registry or a sheet "
                "import, then merge again; nothing was merged)"
            )
        filled = [n for n in FILLED if getattr(keep, n) in (None, "") and getattr(other, n) not in (None, "")]
        taken = {name: getattr(other, name) for name in filled}
        other.deleted = True
        other.merged_into_id = keep.id
        s.flush()
        for name, value in taken.items():
            setattr(keep, name, value)
        if other.pilot and not keep.pilot:
            keep.pilot = True
            filled.append("pilot")
        s.flush()
        moved = rewrite_hotel_references(s, other_id, keep_id)
        merged = s.get(Hotel, keep_id)
        assert merged is not None
        refresh_hotel(s, merged)
        return MergeResult(
            keep_id,
            other_id,
            moved.get("inspections", 0),
            moved.get("rectification_notices", 0),
            tuple(filled),
        )
