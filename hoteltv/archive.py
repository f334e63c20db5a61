"""Zip archives with a manifest: the one format under backups (:mod:`hoteltv.backup`) and bundles
(:mod:`hoteltv.sync.bundle`), and the zip-bomb check spreadsheets share.

An archive is a zip whose ``manifest.json`` names its format and lists every other entry with its size
and SHA-256. The manifest is a pydantic model (:class:`Manifest`; each format subclasses it with its own
fields and entry layout). It reads both shapes written so far: ``entries`` as a list of
``{"path", "size", "sha256"}`` (backups) or as a map ``{path: {"size", "sha256"}}`` (bundles); each
format writes the shape it always wrote, so an older hoteltv still reads new files.

:func:`open_archive` checks a whole file before anything is read out of it: a zip that opens, entry names
that stay inside the folder (no absolute path, ``..``, drive letter, backslash or NUL) and appear once, no
encryption or unusual compression, the entry count, the declared sizes (each entry's limit, the total and
the compression ratio: a zip bomb is refused from its directory, before it is inflated), a manifest of the
expected format listing exactly the entries present at their sizes. Entries are then read or copied
through :class:`ArchiveReader`, which hashes them on the way and refuses a mismatch. Every refusal is the
caller's error type with a message naming the file and what was wrong; nothing has been written then.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import IO, Any, ClassVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StrictInt,
    ValidationError,
    field_validator,
    model_validator,
)

from hoteltv.errors import pydantic_problems

MANIFEST = "manifest.json"
NOTHING_CHANGED = "未做任何更改 (nothing was changed)"
#: A SHA-256 as lower-case hex (``fullmatch`` it): how photos, sync blobs and archive entries are named.
SHA256_RE = re.compile(r"[0-9a-f]{64}")
SHA256_PATTERN = rf"^{SHA256_RE.pattern}$"

_CHUNK = 1 << 20
_DRIVE = re.compile(r"^[A-Za-z]:")
#: What reading a damaged zip raises — NotImplementedError: a "version needed to extract" or compression
#: method zipfile does not read (one flipped byte makes either); RuntimeError: an encrypted member.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    RuntimeError,
    NotImplementedError,
    ValueError,
    OSError,
)


class ArchiveProblem(Exception):
    """What is wrong with an archive, in Chinese and English (callers wrap it in their own error)."""

    def __init__(self, zh: str, en: str) -> None:
        super().__init__(f"{zh} ({en})")
        self.zh, self.en = zh, en


# --- hashing ----------------------------------------------------------------------------------------------


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file, read in blocks."""
    with Path(path).open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def copy_hashed(src: IO[bytes], dst: Any, limit: int | None = None) -> tuple[int, str]:
    """Copy ``src`` into ``dst`` (anything with ``write``); returns the byte count and SHA-256. Raises
    :class:`ArchiveProblem` as soon as more than ``limit`` bytes came."""
    digest = hashlib.sha256()
    n = 0
    while chunk := src.read(_CHUNK):
        n += len(chunk)
        if limit is not None and n > limit:
            raise ArchiveProblem("条目比清单所写的长", "longer than its manifest says")
        digest.update(chunk)
        dst.write(chunk)
    return n, digest.hexdigest()


# --- guards -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ZipLimits:
    """What a zip may declare: entries, total uncompressed bytes, and a compression ratio above which an
    entry larger than ``ratio_from`` bytes is taken for a bomb (None: no ratio check)."""

    members: int
    total: int
    ratio: int | None = None
    ratio_from: int = 1 << 20


def check_bomb(
    infos: list[zipfile.ZipInfo], limits: ZipLimits, max_size: Callable[[str], int] | None = None
) -> None:
    """Refuse a zip bomb from the sizes its directory declares (zipfile never inflates past them), and an
    entry larger than ``max_size`` allows for its name."""
    if len(infos) > limits.members:
        raise ArchiveProblem(
            f"文件内部条目过多({len(infos)}),疑似恶意构造的文件",
            f"{len(infos)} entries, more than {limits.members}",
        )
    total = 0
    for info in infos:
        total += info.file_size
        if max_size is not None and info.file_size > (limit := max_size(info.filename)):
            raise ArchiveProblem(f"{info.filename}: 条目过大", f"entry larger than {limit} bytes")
        packed = max(info.compress_size, 1)
        if limits.ratio is not None and info.file_size > max(limits.ratio_from, limits.ratio * packed):
            ratio = info.file_size // packed
            raise ArchiveProblem(
                f"文件内 {info.filename} 的压缩比异常({ratio}:1),疑似“压缩炸弹”",
                f"{info.filename} is compressed {ratio}:1, a zip bomb",
            )
    if total > limits.total:
        raise ArchiveProblem(
            f"解压后超过 {limits.total // (1024 * 1024)} MB,文件过大或疑似“压缩炸弹”",
            f"more than {limits.total // (1024 * 1024)} MB uncompressed",
        )


def safe_name(name: str) -> bool:
    """A relative entry name that stays inside the folder it is extracted to."""
    if not name or len(name) > 200 or "\\" in name or "\x00" in name:
        return False
    if name.startswith("/") or _DRIVE.match(name):
        return False
    return all(part not in ("", ".", "..") for part in name.split("/"))


def check_names(infos: list[zipfile.ZipInfo]) -> dict[str, zipfile.ZipInfo]:
    """Refuse unsafe or repeated names, encrypted entries and compression hoteltv never writes."""
    seen: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        n = info.filename
        if not safe_name(n):
            raise ArchiveProblem(
                f"含有不安全的路径 {n!r},整个文件被拒绝", f"unexpected entry {n!r}: an unsafe path"
            )
        if n in seen:
            raise ArchiveProblem(f"条目重复 {n!r}", f"duplicate entry {n!r}: an entry appears twice")
        if info.flag_bits & 0x1:
            raise ArchiveProblem(f"条目 {n!r} 已加密,无法读取", f"encrypted entry {n!r}")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise ArchiveProblem(
                f"条目 {n!r} 的压缩方式不受支持",
                f"compression method {info.compress_type} not used by hoteltv",
            )
        seen[n] = info
    return seen


# --- the manifest -----------------------------------------------------------------------------------------


class Entry(BaseModel):
    """One file of an archive: its path inside the zip, size in bytes and SHA-256."""

    model_config = ConfigDict(frozen=True)

    path: str
    size: StrictInt = Field(ge=0)
    sha256: str = Field(pattern=SHA256_PATTERN)


class Manifest(BaseModel):
    """``manifest.json``: the format and every other entry. Subclasses set :attr:`FORMAT`, add their
    fields and say which entries their layout allows (:meth:`layout_problem`)."""

    model_config = ConfigDict(frozen=True, extra="allow", populate_by_name=True)

    FORMAT: ClassVar[str] = ""
    #: Write ``entries`` as a map from path to size and hash (the bundle shape) instead of a list.
    ENTRIES_AS_MAP: ClassVar[bool] = False

    format: str
    created_at: str = ""
    device_id: str | None = None
    entries: tuple[Entry, ...]

    @field_validator("format")
    @classmethod
    def _format(cls, value: str) -> str:
        if value != cls.FORMAT:
            raise ValueError(f"format {value!r}, expected {cls.FORMAT!r}")
        return value

    @field_validator("entries", mode="before")
    @classmethod
    def _either_shape(cls, value: object) -> object:
        if isinstance(value, dict):  # {path: {"size": …, "sha256": …}}
            return [
                {**meta, "path": path} if isinstance(meta, dict) else meta for path, meta in value.items()
            ]
        return value

    @model_validator(mode="after")
    def _layout(self) -> Manifest:
        seen: set[str] = set()
        for e in self.entries:
            if e.path in seen:
                raise ValueError(f"entry {e.path} listed twice")
            seen.add(e.path)
            if e.path == MANIFEST or not safe_name(e.path):
                raise ValueError(f"unexpected entry {e.path[:80]!r}")
        problem = self.layout_problem()
        if problem:
            raise ValueError(problem)
        return self

    def layout_problem(self) -> str | None:
        """Why the entries are not this format's layout (None: they are)."""
        return None

    @property
    def total_bytes(self) -> int:
        return sum(e.size for e in self.entries)

    def to_json(self) -> bytes:
        data = self.model_dump(mode="json", by_alias=True)
        if self.ENTRIES_AS_MAP:
            data["entries"] = {e["path"]: {"sha256": e["sha256"], "size": e["size"]} for e in data["entries"]}
        return json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8")

    @classmethod
    def parse(cls, raw: bytes) -> Any:
        """Validate ``raw``; raises :class:`ArchiveProblem` naming the first thing wrong."""
        try:
            return cls.model_validate_json(raw)
        except ValidationError as exc:
            first = pydantic_problems(exc)[0]
            raise ArchiveProblem(
                "manifest.json 内容无效", f"{first.where or MANIFEST}: {first.message}"
            ) from None


# --- reading ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """One archive format: its manifest, limits, how messages name it (备份文件/backup) and what they raise."""

    manifest: type[Manifest]
    zh: str
    en: str
    error: Callable[[str], Exception]
    limits: ZipLimits
    max_size: Callable[[str], int]  # the largest an entry of this name may be

    def refuse(self, name: str, zh: str, en: str) -> Exception:
        """The one spelling of a refused file: ``name: 中文 (English); 未做任何更改 (nothing was changed)``."""
        return self.error(f"{name}: {zh} ({en}); {NOTHING_CHANGED}")

    def damaged(self, name: str, what: object) -> Exception:
        return self.refuse(
            name, f"{self.zh}已损坏或不完整", f"the {self.en} file is damaged or truncated: {what}"
        )


class ArchiveReader:
    """An opened, checked archive: entries are read through here and verified against the manifest."""

    def __init__(self, zf: zipfile.ZipFile, manifest: Any, name: str, kind: Kind) -> None:
        self.zf, self.manifest, self.name, self.kind = zf, manifest, name, kind

    def copy(self, entry: Entry, out: Any) -> None:
        """Copy ``entry`` into ``out`` (anything with ``write``), refusing bytes that are not the manifest's."""
        try:
            with self.zf.open(entry.path) as src:
                n, sha = copy_hashed(src, out, limit=entry.size)
        except ArchiveProblem as exc:
            raise self._altered(entry, exc.zh, exc.en) from exc
        except ZIP_ERRORS as exc:
            raise self.kind.damaged(self.name, f"{entry.path}: {exc}") from exc
        if n != entry.size or sha != entry.sha256:
            raise self._altered(entry, "的内容与校验值不符", "does not match its SHA-256")

    def read(self, entry: Entry) -> bytes:
        """The verified bytes of ``entry`` (sizes were checked against the limits when it was opened)."""
        out = io.BytesIO()
        self.copy(entry, out)
        return out.getvalue()

    def verify(self, tick: Callable[[int, int, str], None] | None = None) -> None:
        """Hash every entry without keeping any."""
        total = len(self.manifest.entries)
        for i, entry in enumerate(self.manifest.entries):
            if tick is not None:
                tick(i, total, entry.path)
            self.copy(entry, _DISCARD)

    def _altered(self, entry: Entry, zh: str, en: str) -> Exception:
        return self.kind.refuse(
            self.name,
            f"{entry.path} {zh},{self.kind.zh}被改动或损坏",
            f"the {self.kind.en} was altered or damaged: {entry.path} {en}",
        )


_DISCARD = SimpleNamespace(write=len)  # hashed, kept nowhere


@contextlib.contextmanager
def open_archive(path: Path, kind: Kind) -> Iterator[ArchiveReader]:
    """Open ``path`` and check all of it that can be checked without inflating entries (see the module
    docstring). Yields an :class:`ArchiveReader`."""
    path = Path(path)
    name = path.name
    try:
        fh = path.open("rb")
    except FileNotFoundError:
        raise kind.refuse(name, "文件不存在", f"{path}: no such file, cannot read") from None
    except OSError as exc:
        raise kind.refuse(name, "无法读取", f"{path}: cannot read: {exc.strerror or exc}") from exc
    with fh:
        try:
            zf = zipfile.ZipFile(fh)
        except ZIP_ERRORS as exc:
            head = b""
            with contextlib.suppress(OSError):
                fh.seek(0)
                head = fh.read(4)
            if head.startswith(b"PK"):
                raise kind.damaged(name, exc) from exc
            raise kind.refuse(
                name, f"不是 hoteltv {kind.zh}", f"not a hoteltv {kind.en}: not a zip file"
            ) from exc
        with zf:
            try:
                reader = _check(zf, name, kind)
            except ArchiveProblem as exc:
                raise kind.refuse(name, exc.zh, exc.en) from exc
            except ZIP_ERRORS as exc:
                raise kind.damaged(name, exc) from exc
            yield reader


def _check(zf: zipfile.ZipFile, name: str, kind: Kind) -> ArchiveReader:
    infos = zf.infolist()
    check_bomb(infos, kind.limits, kind.max_size)
    seen = check_names(infos)
    if MANIFEST not in seen:
        raise ArchiveProblem(
            f"不是 hoteltv {kind.zh}(缺少 manifest.json)", f"not a hoteltv {kind.en}: it has no manifest.json"
        )
    with zf.open(seen[MANIFEST]) as src:
        raw = src.read()
    try:
        manifest = kind.manifest.parse(raw)
    except ArchiveProblem as exc:
        raise ArchiveProblem(
            f"不是有效的 hoteltv {kind.zh}:{exc.zh}", f"not a valid hoteltv {kind.en}: {exc.en}"
        ) from None
    listed = {e.path for e in manifest.entries}
    extra = sorted(set(seen) - listed - {MANIFEST})
    if extra:
        raise ArchiveProblem(
            f"含有清单外的条目 {extra[:3]},{kind.zh}被改动",
            f"the {kind.en} was altered: {extra[0]!r} is not in its manifest",
        )
    missing = sorted(listed - set(seen))
    if missing:
        raise ArchiveProblem(
            f"缺少条目 {missing[:3]},文件不完整", f"entries missing: the {kind.en} is truncated"
        )
    for e in manifest.entries:
        if seen[e.path].file_size != e.size:
            raise ArchiveProblem(
                f"{e.path} 大小与清单不符,{kind.zh}被改动或不完整",
                f"the {kind.en} was altered: {e.path} has another size than its manifest says",
            )
    return ArchiveReader(zf, manifest, name, kind)


# --- writing ----------------------------------------------------------------------------------------------


class ArchiveWriter:
    """Entries written into an open binary file, each hashed on the way; :meth:`finish` adds the manifest."""

    def __init__(self, fh: IO[bytes], stamp: tuple[int, int, int, int, int, int] | None = None) -> None:
        self.zf = zipfile.ZipFile(fh, "w", allowZip64=True)
        self.stamp = stamp or (1980, 1, 1, 0, 0, 0)
        self.entries: list[Entry] = []

    def __enter__(self) -> ArchiveWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        if exc[0] is not None:  # the caller removes the half-written file
            with contextlib.suppress(Exception):
                self.zf.close()

    def _info(self, arcname: str, compress: int) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(arcname, date_time=self.stamp)
        info.compress_type = compress
        info.external_attr = 0o644 << 16
        return info

    def add_file(self, path: Path, arcname: str, compress: int = zipfile.ZIP_DEFLATED) -> Entry:
        size = path.stat().st_size
        with (
            path.open("rb") as src,
            self.zf.open(self._info(arcname, compress), "w", force_zip64=size > 2**31) as out,
        ):
            n, sha = copy_hashed(src, out)
        return self._listed(Entry(path=arcname, size=n, sha256=sha))

    def add_bytes(self, data: bytes, arcname: str, compress: int = zipfile.ZIP_DEFLATED) -> Entry:
        self.zf.writestr(self._info(arcname, compress), data)
        return self._listed(Entry(path=arcname, size=len(data), sha256=hashlib.sha256(data).hexdigest()))

    def _listed(self, entry: Entry) -> Entry:
        self.entries.append(entry)
        return entry

    def finish(self, manifest: Manifest) -> None:
        self.zf.writestr(self._info(MANIFEST, zipfile.ZIP_DEFLATED), manifest.to_json())
        self.zf.close()
