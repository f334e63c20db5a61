"""The verification code printed on every inspection sheet and notice, and checking a code against the record.

A code reads ``J-7F3A9C12-V1-5E8B2D41C0``:

* ``J`` an inspection record (现场检查记录), ``Z`` a rectification notice (整改通知书);
* the first 8 hex digits of the record's id;
* ``V1`` its version: 1 for the original, 2 for the first correction, … (a notice is never corrected: V1);
* the first 10 hex digits of the record's seal hash: the SHA-256 of every fact its paper prints, frozen
  when the inspection was finalized or the notice issued (:mod:`hoteltv.services.seal`, docs/seal.md).
  A draft has no seal: its code carries the hash of its current content.

The same text is printed as a QR code (reportlab's own QR widget), so a phone can read it and the code can
be pasted into ``hoteltv verify`` or the GUI's verify dialog. :func:`verify_code` says whether a paper copy
matches the stored record, which version it is and whether a newer version supersedes it; it also
recomputes the stored record's hash, so a record changed in the database behind the program's back is
reported, not vouched for.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Rect
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import select
from sqlalchemy.orm import Session

from hoteltv.db.chains import version_chain
from hoteltv.db.engine import Database
from hoteltv.db.models import Inspection, RectificationNotice, live
from hoteltv.domain import clock, lifecycle
from hoteltv.hashing import canonical_sha256
from hoteltv.io.inspection_json import hash_document, inspection_document
from hoteltv.services import seal
from hoteltv.services.inspections import load_inspection, replacing

KIND_INSPECTION = "inspection"
KIND_NOTICE = "notice"
_LETTER = {KIND_INSPECTION: "J", KIND_NOTICE: "Z"}
_KIND_OF = {v: k for k, v in _LETTER.items()}
ID_CHARS = 8
HASH_CHARS = 10

_CODE_RE = re.compile(r"^([JZ])-?([0-9A-F]{8})-?V(\d{1,4})-?([0-9A-F]{10})$")

# Verification outcomes.
VALID = "valid"  # the paper matches the current version of the record
SUPERSEDED = "superseded"  # the paper matches a version that a newer one replaces
MISMATCH = "mismatch"  # the record exists but its content differs from the paper's code
TAMPERED = "tampered"  # the stored record no longer matches the hash taken when it was finalized
DRAFT = "draft"  # the code belongs to a draft: not an official record
NOT_FOUND = "not_found"
INVALID = "invalid"

STATUS_ZH = {
    VALID: "一致：与存档记录相符，为现行有效版本",
    SUPERSEDED: "与存档记录相符，但该版本已被更正，以新版本为准",
    MISMATCH: "不一致：纸质件与存档记录不符",
    TAMPERED: "不一致：存档记录在定稿（下发）后被改动，封存校验失败 (TAMPERED)",
    DRAFT: "草稿：该码属于未定稿的草稿，不是正式记录",
    NOT_FOUND: "未找到：没有与此校验码对应的记录",
    INVALID: "校验码格式不正确",
}


@dataclass(frozen=True)
class ParsedCode:
    kind: str
    id_prefix: str  # lower-case hex, as stored in ids
    version: int
    hash_prefix: str  # lower-case hex

    @property
    def text(self) -> str:
        return format_code(self.kind, self.id_prefix, self.version, self.hash_prefix)


@dataclass(frozen=True)
class VerifyResult:
    """What a code says about a paper copy; ``status`` is one of the constants of this module."""

    code: str
    status: str
    kind: str | None = None
    record_id: str | None = None
    number: str | None = None
    version: int | None = None
    latest_version: int | None = None
    superseded_by_id: str | None = None
    superseded_by_number: str | None = None
    hotel_name: str | None = None
    record_date: date | None = None
    result: str | None = None
    record_status: str | None = None
    #: The sealed facts a person compares with the paper (label → text), in print order.
    sealed: tuple[tuple[str, str], ...] = ()
    problem: str | None = None  # why the record failed its seal check (TAMPERED)

    @property
    def matches(self) -> bool:
        """The paper is a true copy of a stored, intact, official record (maybe an older version)."""
        return self.status in (VALID, SUPERSEDED)

    @property
    def current(self) -> bool:
        """The paper is a true copy of the version in force."""
        return self.status == VALID

    def lines(self) -> list[str]:
        """The answer in Chinese, a headline then the facts to compare with the paper."""
        out = [STATUS_ZH.get(self.status, self.status)]
        if self.kind is None or self.record_id is None:
            return out
        doc = "现场检查记录" if self.kind == KIND_INSPECTION else "整改通知书"
        out.append(f"{doc}编号：{self.number or ''}")
        if self.hotel_name:
            out.append(f"被检查单位：{self.hotel_name}")
        if self.record_date:
            out.append(
                f"{'检查日期' if self.kind == KIND_INSPECTION else '下发日期'}：{self.record_date.isoformat()}"
            )
        if self.kind == KIND_INSPECTION:
            if self.version:
                out.append(f"版本：第{self.version}版（共{self.latest_version or self.version}版）")
            if self.result:
                out.append(f"检查结论：{lifecycle.result_label(self.result)}")
        elif self.record_status:
            out.append(f"通知状态：{_NOTICE_STATUS_ZH.get(self.record_status, self.record_status)}")
        if self.superseded_by_number or self.superseded_by_id:
            newer = self.superseded_by_number or (self.superseded_by_id or "")[:8]
            out.append(f"已被更新的版本取代：{newer}")
        if self.problem:
            out.append(f"原因：{self.problem}")
        if self.sealed:
            out.append("封存内容（请与纸质件逐项核对）：")
            out.extend(f"  {label}：{text}" for label, text in self.sealed)
        return out


_NOTICE_STATUS_ZH = {"open": "整改中", "closed": "已复查合格，已关闭", "superseded": "已被新的整改通知取代"}


# --- making codes ------------------------------------------------------------------------------------------


def format_code(kind: str, record_id: str, version: int, content_hash: str) -> str:
    """``J-7F3A9C12-V1-5E8B2D41C0`` from the record's id, version and (full or short) content hash."""
    id_part = record_id.replace("-", "")[:ID_CHARS].upper()
    return f"{_LETTER[kind]}-{id_part}-V{version}-{content_hash[:HASH_CHARS].upper()}"


def parse_code(text: str) -> ParsedCode | None:
    """Read a typed, pasted or scanned code (spaces, full-width characters and case do not matter)."""
    folded = "".join(unicodedata.normalize("NFKC", text or "").split()).upper()
    for prefix in ("HOTELTV:", "HOTELTV-"):
        if folded.startswith(prefix):
            folded = folded[len(prefix) :]
    folded = folded.replace("—", "-").replace("–", "-")
    m = _CODE_RE.match(folded)
    if m is None:
        return None
    return ParsedCode(_KIND_OF[m.group(1)], m.group(2).lower(), int(m.group(3)), m.group(4).lower())


def _chain(s: Session, insp: Inspection) -> tuple[list[Inspection], int]:
    """Every version of the record ``insp`` belongs to, oldest first, and ``insp``'s version (1, 2, …)."""
    chain = version_chain(s, insp, Inspection.created_at)
    return chain, _version(chain, insp)


def _version(chain: list[Any], record: Any) -> int:
    """A record's version: its place in its chain (1 for the original)."""
    return [c.id for c in chain].index(record.id) + 1


@dataclass(frozen=True)
class CodeInfo:
    """The code to print for a record, and where the record stands in its chain of versions."""

    code: str
    version: int
    latest_version: int
    #: The finalized version that replaced this one (a later draft replaces nothing yet).
    superseded_by_id: str | None
    #: "record number 第n版 code" of the finalized version in force, when a finalized correction replaces this one.
    in_force: str | None = None


def inspection_code(db: Database, inspection_id: str) -> CodeInfo:
    """The code printed on an inspection sheet (for a draft, from its current content)."""
    with db.reading() as s:
        insp = load_inspection(s, inspection_id)
        chain, version = _chain(s, insp)
        digest = insp.seal_hash or insp.content_hash or hash_document(inspection_document(insp))
        newer = replacing(chain, version - 1)
        current = next((c for c in reversed(chain) if c.status == "finalized"), None)
        in_force = None
        if newer is not None and current is not None and current.id != insp.id:
            number = _version(chain, current)
            in_force = (
                f"{current.record_number} 第{number}版 "
                f"{format_code(KIND_INSPECTION, current.id, number, current.seal_hash or current.content_hash or '')}"
            )
        return CodeInfo(
            format_code(KIND_INSPECTION, insp.id, version, digest),
            version,
            len(chain),
            newer.id if newer is not None else None,
            in_force,
        )


def notice_hash(n: RectificationNotice, hotel_id: str | None = None) -> str:
    """The hash of the fields that make a notice what it says on paper (its status, which moves on, is not one);
    ``hotel_id``: the hotel it was issued to, when that hotel has since been merged into another."""
    return canonical_sha256(
        {
            "id": n.id,
            "number": n.number,
            "inspection_id": n.inspection_id,
            "hotel_id": hotel_id or n.hotel_id,
            "issued_at": n.issued_at.isoformat() if n.issued_at else None,
            "deadline": n.deadline.isoformat() if n.deadline else None,
            "reinspection_date": n.reinspection_date.isoformat() if n.reinspection_date else None,
            "items": n.items,
            "authority": n.authority,
        }
    )


def notice_code(db: Database, notice_id: str) -> str:
    """The code printed on a rectification notice and its receipt (its version: 1, then each 延期/更正)."""
    with db.reading() as s:
        n = live(s, RectificationNotice, notice_id, f"没有这份整改通知 (no notice {notice_id})")
        return notice_code_of(s, n)


def notice_code_of(s: Session, n: RectificationNotice) -> str:
    from hoteltv.services.notices import notice_chain

    version = _version(notice_chain(s, n), n)
    return format_code(KIND_NOTICE, n.id, version, n.seal_hash or notice_hash(n))


# --- the QR code ---------------------------------------------------------------------------------------------


@lru_cache(maxsize=256)
def _qr_modules(text: str, size: float) -> tuple[tuple[float, float, float, float], ...]:
    """The dark modules of ``text``'s QR code (reportlab's QR widget lays them out) as rectangles."""
    widget = QrCodeWidget(text, barLevel="M", barBorder=2, barWidth=size, barHeight=size)
    group = widget.draw()
    return tuple(
        (r.x, r.y, r.width, r.height)
        for r in group.contents
        if isinstance(r, Rect) and r.fillColor is not None
    )


def draw_qr(canv: Canvas, text: str, x: float, y: float, size: float) -> None:
    """Draw ``text`` as a QR code, ``size`` points square, lower-left corner at (x, y).

    The modules are filled as one path: drawing the widget's shapes one by one through renderPDF costs
    ~60 ms a page, this well under 1 ms once the layout is cached.
    """
    canv.saveState()
    canv.setFillColorRGB(0, 0, 0)
    path = canv.beginPath()
    for mx, my, mw, mh in _qr_modules(text, float(size)):
        path.rect(x + mx, y + my, mw, mh)
    canv.drawPath(path, stroke=0, fill=1)
    canv.restoreState()


# --- checking a code -------------------------------------------------------------------------------------------


def verify_code(db: Database, code: str) -> VerifyResult:
    """Check a code from a paper copy against the stored records (see the module docstring)."""
    parsed = parse_code(code)
    if parsed is None:
        return VerifyResult(code=(code or "").strip(), status=INVALID)
    with db.reading() as s:
        if parsed.kind == KIND_INSPECTION:
            return _verify_inspection(s, parsed)
        return _verify_notice(s, parsed)


def _candidates(s: Session, model: Any, prefix: str) -> list[Any]:
    # Ids are UUID text: the first 8 hex digits are the first 8 characters.
    return list(s.scalars(select(model).where(model.id.like(prefix + "%"), model.deleted.is_(False))))


def _verify_inspection(s: Session, code: ParsedCode) -> VerifyResult:
    versions = [(insp, *_chain(s, insp)) for insp in _candidates(s, Inspection, code.id_prefix)]
    same_version = [v for v in versions if v[2] == code.version]
    if not same_version:
        return VerifyResult(code=code.text, status=NOT_FOUND, kind=KIND_INSPECTION)
    # A shortened id could match two records; the one whose content matches the code wins.
    same_version.sort(key=lambda v: (v[0].content_hash or "").startswith(code.hash_prefix), reverse=True)
    insp, chain, version = same_version[0]
    newer = replacing(chain, version - 1)  # a correction still a draft replaces nothing yet
    newer_number = f"{newer.record_number} 第{_version(chain, newer)}版" if newer is not None else None
    facts = _facts(code, insp, insp.record_number, chain, newer, newer_number, insp.started_at)
    facts["result"] = insp.result
    if insp.status != "finalized" or not insp.content_hash:
        return VerifyResult(status=DRAFT, **facts)
    return _against_seal(facts, code, insp, superseded=newer is not None)


def _verify_notice(s: Session, code: ParsedCode) -> VerifyResult:
    from hoteltv.services.notices import notice_chain

    chains = [(n, notice_chain(s, n)) for n in _candidates(s, RectificationNotice, code.id_prefix)]
    found = [(n, chain) for n, chain in chains if _version(chain, n) == code.version]
    if not found:
        return VerifyResult(code=code.text, status=NOT_FOUND, kind=KIND_NOTICE)
    found.sort(key=lambda f: (f[0].seal_hash or notice_hash(f[0])).startswith(code.hash_prefix), reverse=True)
    n, chain = found[0]
    version = code.version
    newer = chain[version] if version < len(chain) else None
    if newer is None and n.status == "superseded":
        # Replaced by the notice of a later inspection of the same hotel.
        newer = s.scalars(
            select(RectificationNotice)
            .where(
                RectificationNotice.hotel_id == n.hotel_id,
                RectificationNotice.issued_at > n.issued_at,
                RectificationNotice.deleted.is_(False),
            )
            .order_by(RectificationNotice.issued_at)
        ).first()
    newer_number = f"{newer.number} {notice_code_of(s, newer)}" if newer is not None else None
    facts = _facts(code, n, n.number, chain, newer, newer_number, n.issued_at)
    return _against_seal(facts, code, n, superseded=n.status == "superseded")


def _facts(
    code: ParsedCode,
    record: Any,
    number: str,
    chain: list[Any],
    newer: Any,
    newer_number: str | None,
    when: Any,
) -> dict[str, Any]:
    """What a result tells of the record a code names, whatever its seal says."""
    return {
        "code": code.text,
        "kind": code.kind,
        "record_id": record.id,
        "number": number,
        "version": code.version,
        "latest_version": len(chain),
        "superseded_by_id": newer.id if newer is not None else None,
        "superseded_by_number": newer_number,
        "hotel_name": record.hotel.name,
        "record_date": clock.bureau_date(when) if when else None,
        "record_status": record.status,
    }


def _against_seal(facts: dict[str, Any], code: ParsedCode, record: Any, *, superseded: bool) -> VerifyResult:
    """Compare a finalized record (inspection or notice, by ``facts["kind"]``) with its seal and the code:
    tampered, mismatching, superseded or valid; ``facts`` gain the sealed hotel name and lines."""
    inspection = facts["kind"] == KIND_INSPECTION
    problem = seal.inspection_seal_problem(record) if inspection else seal.notice_seal_problem(record)
    if problem:
        return VerifyResult(status=TAMPERED, problem=problem, **facts)
    sealed: Any = seal.sheet_facts_from_seal(record) if inspection else seal.notice_facts_from_seal(record)
    facts["hotel_name"] = sealed.hotel.name
    facts["sealed"] = _sheet_lines(sealed) if inspection else _notice_lines(sealed)
    prefixes = [record.seal_hash or ""]
    if sealed.sealed_by == seal.BY_MIGRATION:  # papers printed before seals carried the content hash
        prefixes.append(record.content_hash if inspection else notice_hash(record, sealed.notice.hotel_id))
    if not any(p.startswith(code.hash_prefix) for p in prefixes):
        return VerifyResult(status=MISMATCH, **facts)
    return VerifyResult(status=SUPERSEDED if superseded else VALID, **facts)


def _sheet_lines(f: seal.SheetFacts) -> tuple[tuple[str, str], ...]:
    v, h = f.view, f.hotel
    end = clock.fmt(v.ended_at)
    return (
        ("被检查单位", h.name),
        ("统一社会信用代码", h.credit_code or ""),
        ("地址", h.address or ""),
        ("所属县区", h.division_name),
        ("负责人", h.person_in_charge or ""),
        ("检查时间", f"{clock.fmt(v.started_at)} 至 {end}" if end else clock.fmt(v.started_at)),
        ("检查人员", "、".join(f"{i.name}（{i.enforcement_id}）" for i in v.inspectors)),
        ("检查表", f"{f.template.title_zh}（{f.template.id} 第{f.template.version}版）"),
        ("检查结论", lifecycle.result_label(v.result) if v.result else ""),
        ("检查单位", f.authority),
        ("封存方式", _SEALED_BY_ZH.get(f.sealed_by, f.sealed_by)),
    )


def _notice_lines(f: seal.NoticeFacts) -> tuple[tuple[str, str], ...]:
    n = f.notice
    team = (
        "、".join(f"{i.name}（{i.enforcement_id}）" for i in f.inspection.inspectors) if f.inspection else ""
    )
    out = [
        ("文号", n.number),
        ("被检查单位", f.hotel.name),
        ("地址", f.hotel.address or ""),
        ("问题项数", str(len(n.items))),
        ("下发时间", clock.fmt(n.issued_at)),
        ("整改期限", n.deadline.isoformat()),
        ("复查日期", n.reinspection_date.isoformat() if n.reinspection_date else ""),
        ("检查人员", team),
        ("下发机关", f.authority),
        ("行政复议机关", n.terms.review_body),
        ("行政诉讼法院", n.terms.court),
    ]
    if n.change_reason:
        out.append(("变更", n.change_reason))
    out.append(("封存方式", _SEALED_BY_ZH.get(f.sealed_by, f.sealed_by)))
    return tuple(out)


_SEALED_BY_ZH = {
    seal.BY_FINALIZE: "定稿（下发）时封存",
    seal.BY_MIGRATION: "升级时按当时数据补封存",
    seal.BY_IMPORT: "导入时封存",
}
