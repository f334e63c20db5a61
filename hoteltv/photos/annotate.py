"""Annotations of a photo: arrows, ellipses, rectangles and short text, kept as data beside the original.

Coordinates are normalised to the *upright* image (EXIF orientation applied): (0, 0) is the top-left
corner, (1, 1) the bottom-right, so the same data fits the thumbnail, the viewer and the report copy.
Stroke width and text size are fractions of the image's long edge. The stored form (``Photo.annotation``)
is ``{"version": 1, "shapes": [...]}``; an empty annotation is stored as ``{}``:

    {"kind": "arrow",   "from": [x, y], "to": [x, y], "color": "#e53935", "width": 0.006}
    {"kind": "ellipse", "box": [x1, y1, x2, y2], "color": "#e53935", "width": 0.006}
    {"kind": "rect",    "box": [x1, y1, x2, y2], "color": "#e53935", "width": 0.006}
    {"kind": "text",    "at": [x, y], "text": "广告", "color": "#e53935", "size": 0.05}

:func:`render` draws an annotation on a copy of a Pillow image (the original file is never touched) with
the bundled CJK font. The geometry helpers (:func:`arrow_head`, :func:`stroke_px`, :func:`text_px`) are
shared with the Qt editor so the screen and the printed copy agree.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Annotated, Any, Literal, TypeGuard

from PIL import Image, ImageDraw, ImageFont
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic import ValidationError as PydanticValidationError
from pydantic_core import PydanticCustomError

from hoteltv.errors import Problem, ValidationError, pydantic_problems
from hoteltv.hashing import canonical_sha256
from hoteltv.reports import fonts
from hoteltv.resources import font_path, resource_path

VERSION = 1
KINDS = ("arrow", "ellipse", "rect", "text")
#: Colours offered by the editor (any ``#rrggbb`` is accepted).
PALETTE = {"red": "#e53935", "yellow": "#fdd835", "green": "#43a047", "blue": "#1e88e5", "white": "#ffffff"}
DEFAULT_COLOR = PALETTE["red"]
DEFAULT_WIDTH = 0.006
DEFAULT_TEXT_SIZE = 0.045
MIN_WIDTH, MAX_WIDTH = 0.001, 0.05
MIN_TEXT_SIZE, MAX_TEXT_SIZE = 0.01, 0.25
MAX_SHAPES = 100
MAX_TEXT = 40
#: Shapes smaller than this (normalised) are accidental clicks.
MIN_EXTENT = 0.003
_COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")


@dataclass(frozen=True)
class Shape:
    """One mark. Arrow: tail (x1, y1) → head (x2, y2). Ellipse/rect: box corners. Text: top-left (x1, y1)."""

    kind: str
    x1: float
    y1: float
    x2: float = 0.0
    y2: float = 0.0
    color: str = DEFAULT_COLOR
    width: float = DEFAULT_WIDTH
    text: str = ""
    size: float = DEFAULT_TEXT_SIZE

    @classmethod
    def arrow(cls, x1: float, y1: float, x2: float, y2: float, **kw: Any) -> Shape:
        return cls("arrow", x1, y1, x2, y2, **kw)

    @classmethod
    def ellipse(cls, x1: float, y1: float, x2: float, y2: float, **kw: Any) -> Shape:
        return cls("ellipse", *_ordered(x1, y1, x2, y2), **kw)

    @classmethod
    def rect(cls, x1: float, y1: float, x2: float, y2: float, **kw: Any) -> Shape:
        return cls("rect", *_ordered(x1, y1, x2, y2), **kw)

    @classmethod
    def label(cls, x: float, y: float, text: str, **kw: Any) -> Shape:
        return cls("text", x, y, text=text, **kw)

    def to_dict(self) -> dict[str, Any]:
        a, b = [_r(self.x1), _r(self.y1)], [_r(self.x2), _r(self.y2)]
        places: dict[str, dict[str, Any]] = {
            "arrow": {"from": a, "to": b},
            "text": {"at": a, "text": self.text},
        }
        place = places.get(self.kind, {"box": a + b})
        stroke = {"size": _r(self.size)} if self.kind == "text" else {"width": _r(self.width)}
        return {"kind": self.kind, **place, "color": self.color.lower(), **stroke}


def _r(v: float) -> float:
    return round(float(v), 5)


def _ordered(x1: float, y1: float, x2: float, y2: float) -> tuple[float, float, float, float]:
    return min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)


@dataclass(frozen=True)
class Annotation:
    """The marks on one photo, in drawing order."""

    shapes: tuple[Shape, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.shapes

    def to_dict(self) -> dict[str, Any]:
        """The stored form; ``{}`` when there is nothing drawn."""
        if not self.shapes:
            return {}
        return {"version": VERSION, "shapes": [s.to_dict() for s in self.shapes]}

    def key(self) -> str:
        """A short stable digest of the content (names cached renderings)."""
        if not self.shapes:
            return "plain"
        return canonical_sha256(self.to_dict())[:16]

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Annotation:
        """Validate stored or submitted data; raises :class:`ValidationError` listing every problem."""
        if not data:
            return cls()
        if not isinstance(data, Mapping):
            raise ValidationError(
                "标注数据格式错误 (annotation must be an object)", [Problem("annotation", "not an object")]
            )
        try:
            document = _Document.model_validate(dict(data))
        except PydanticValidationError as exc:
            problems = pydantic_problems(exc, messages=_MESSAGES, tags=KINDS)
            raise ValidationError("标注数据无效 (the annotation was not saved)", problems) from None
        return cls(tuple(mark.shape() for mark in document.shapes))

    @classmethod
    def of(cls, shapes: Sequence[Shape]) -> Annotation:
        """Build from shapes, validating them as stored data would be."""
        return cls.from_dict({"version": VERSION, "shapes": [s.to_dict() for s in shapes]})


# --- the stored form, validated --------------------------------------------------------------------------

_MESSAGES = {
    "missing": "必填 (is required)",
    "extra_forbidden": "未知的键 (unknown key)",
    "literal_error": "不支持的标注版本 (unsupported annotation version)",
    "too_long": f"标注过多(最多 {MAX_SHAPES} 个)(at most {MAX_SHAPES} marks)",
    "union_tag_invalid": f"未知的标注类型 (unknown kind; one of {', '.join(KINDS)})",
    "union_tag_not_found": f"未知的标注类型 (unknown kind; one of {', '.join(KINDS)})",
}


def _refuse(message: str) -> PydanticCustomError:
    return PydanticCustomError("annotation", message)


def _is_number(v: object) -> TypeGuard[float]:
    return not isinstance(v, bool) and isinstance(v, int | float) and math.isfinite(v)


def _coordinates(n: int) -> BeforeValidator:
    """``n`` numbers within the photo (a hair outside is taken as its edge)."""

    def check(raw: object) -> tuple[float, ...]:
        if not isinstance(raw, list | tuple) or len(raw) != n:
            raise _refuse(f"需要 {n} 个数 (expected {n} numbers)")
        if not all(_is_number(v) for v in raw):
            raise _refuse("坐标必须是数字 (coordinates must be numbers)")
        if not all(-0.001 <= v <= 1.001 for v in raw):
            raise _refuse("坐标超出图片范围 0–1 (coordinates must lie within the photo, 0–1)")
        return tuple(min(1.0, max(0.0, float(v))) for v in raw)

    return BeforeValidator(check)


def _fraction(default: float, low: float, high: float) -> BeforeValidator:
    """A number from ``low`` to ``high``; null stands for ``default``."""

    def check(raw: object) -> float:
        if raw is None:
            return default
        if not (_is_number(raw) and low <= raw <= high):
            raise _refuse(f"应在 {low}–{high} 之间 (must be between {low} and {high})")
        return float(raw)

    return BeforeValidator(check)


def _color(raw: object) -> str:
    if not isinstance(raw, str) or not _COLOR_RE.match(raw):
        raise _refuse("颜色格式应为 #rrggbb (colour must be #rrggbb)")
    return raw.lower()


def _text(raw: object) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise _refuse("文字不能为空 (text is required)")
    if len(raw.strip()) > MAX_TEXT or "\n" in raw.strip():
        raise _refuse(f"文字应为一行,最多 {MAX_TEXT} 字 (one line, at most {MAX_TEXT} characters)")
    return raw.strip()


Point = Annotated[tuple[float, float], _coordinates(2)]
Width = Annotated[float, _fraction(DEFAULT_WIDTH, MIN_WIDTH, MAX_WIDTH)]


class _Mark(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    color: Annotated[str, BeforeValidator(_color)] = DEFAULT_COLOR


class _Arrow(_Mark):
    kind: Literal["arrow"]
    tail: Point = Field(alias="from")
    to: Point
    width: Width = DEFAULT_WIDTH

    @model_validator(mode="after")
    def _has_length(self) -> _Arrow:
        if math.dist(self.tail, self.to) < MIN_EXTENT:
            raise _refuse("箭头太短 (the arrow has no length)")
        return self

    def shape(self) -> Shape:
        return Shape("arrow", *self.tail, *self.to, color=self.color, width=self.width)


class _Box(_Mark):
    kind: Literal["ellipse", "rect"]
    box: Annotated[tuple[float, float, float, float], _coordinates(4)]
    width: Width = DEFAULT_WIDTH

    @model_validator(mode="after")
    def _has_size(self) -> _Box:
        x1, y1, x2, y2 = _ordered(*self.box)
        if x2 - x1 < MIN_EXTENT or y2 - y1 < MIN_EXTENT:
            raise _refuse("图形太小 (the shape has no size)")
        return self

    def shape(self) -> Shape:
        return Shape(self.kind, *_ordered(*self.box), color=self.color, width=self.width)


class _Text(_Mark):
    kind: Literal["text"]
    at: Point
    text: Annotated[str, BeforeValidator(_text)]
    size: Annotated[float, _fraction(DEFAULT_TEXT_SIZE, MIN_TEXT_SIZE, MAX_TEXT_SIZE)] = DEFAULT_TEXT_SIZE

    def shape(self) -> Shape:
        return Shape("text", *self.at, color=self.color, text=self.text, size=self.size)


class _Document(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: Literal[1] = 1
    shapes: list[Annotated[_Arrow | _Box | _Text, Field(discriminator="kind")]] = Field(
        default=[], max_length=MAX_SHAPES
    )


# --- geometry shared with the Qt editor -----------------------------------------------------------------


def stroke_px(shape: Shape, width: int, height: int) -> float:
    """Stroke width in pixels on an upright image of ``width`` × ``height``."""
    return max(1.0, shape.width * max(width, height))


def text_px(shape: Shape, width: int, height: int) -> int:
    """Text height (font size) in pixels on an upright image of ``width`` × ``height``."""
    return max(8, round(shape.size * max(width, height)))


def arrow_head(x1: float, y1: float, x2: float, y2: float, stroke: float) -> list[tuple[float, float]]:
    """The head of an arrow drawn from (x1, y1) to (x2, y2) in pixels: a triangle whose tip is (x2, y2)."""
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    head = min(max(4.0 * stroke, 10.0), length * 0.6)
    ux, uy = (x2 - x1) / length, (y2 - y1) / length
    bx, by = x2 - ux * head, y2 - uy * head
    half = head * 0.55
    return [(x2, y2), (bx - uy * half, by + ux * half), (bx + uy * half, by - ux * half)]


def arrow_shaft_end(x1: float, y1: float, x2: float, y2: float, stroke: float) -> tuple[float, float]:
    """Where the shaft stops so its square end does not poke through the head's tip."""
    length = math.hypot(x2 - x1, y2 - y1) or 1.0
    head = min(max(4.0 * stroke, 10.0), length * 0.6)
    back = head * 0.7
    return x2 - (x2 - x1) / length * back, y2 - (y2 - y1) / length * back


def halo_color(color: str) -> tuple[int, int, int]:
    """A contrasting outline colour (dark for light colours, white for dark ones)."""
    r, g, b = hex_rgb(color)
    return (20, 20, 20) if 0.299 * r + 0.587 * g + 0.114 * b > 140 else (255, 255, 255)


def hex_rgb(color: str) -> tuple[int, int, int]:
    return int(color[1:3], 16), int(color[3:5], 16), int(color[5:7], 16)


# --- rendering --------------------------------------------------------------------------------------------


@lru_cache(maxsize=32)
def _font(size: int, name: str = "") -> ImageFont.FreeTypeFont:
    """The main CJK font, or the bundled fallback font ``name`` (see :mod:`hoteltv.reports.fonts`)."""
    if not name or name == fonts.FONT:
        return ImageFont.truetype(font_path(), size, index=0)
    return ImageFont.truetype(resource_path("fonts", dict(fonts.FALLBACKS)[name]), size)


def _draw_text(
    draw: ImageDraw.ImageDraw, xy: tuple[float, float], text: str, size: int, **style: Any
) -> None:
    """``text`` with its top-left at ``xy``; a character the main font lacks (䶮 𠀀 𬱖) is drawn from a
    bundled fallback font, and one that no font has refuses, named (never a blank on the photo)."""
    main = _font(size)
    if all(fonts.has_glyph(c) for c in text if c != "\n"):
        draw.text(xy, text, font=main, **style)
        return
    ascent, descent = main.getmetrics()
    x0, y = xy
    for line in text.split("\n"):
        x = x0
        for name, run in fonts.runs(line):
            font = _font(size, name)
            draw.text((x, y + ascent), run, font=font, anchor="ls", **style)
            x += font.getlength(run)
        y += ascent + descent + 4  # Pillow's own line spacing for multiline text


def render(image: Image.Image, annotation: Annotation) -> Image.Image:
    """A copy of ``image`` (upright) with the annotation drawn in; ``image`` itself is left as it is."""
    base = image.convert("RGB") if image.mode != "RGB" else image.copy()
    if annotation.empty:
        return base
    w, h = base.size
    # Drawn at twice the size and scaled down: Pillow's lines are not antialiased.
    ss = 2 if max(w, h) <= 4000 else 1
    overlay = Image.new("RGBA", (w * ss, h * ss), (0, 0, 0, 0))
    draw = ImageDraw.Draw(overlay)
    for shape in annotation.shapes:
        _draw_shape(draw, shape, w * ss, h * ss)
    if ss != 1:
        overlay = overlay.resize((w, h), Image.Resampling.LANCZOS)
    return Image.alpha_composite(base.convert("RGBA"), overlay).convert("RGB")


def _draw_shape(draw: ImageDraw.ImageDraw, s: Shape, w: int, h: int) -> None:
    color = (*hex_rgb(s.color), 255)
    halo = (*halo_color(s.color), 170)
    if s.kind == "text":
        size = text_px(s, w, h)
        stroke = max(1, round(size / 12))
        _draw_text(
            draw, (s.x1 * w, s.y1 * h), s.text, size, fill=color, stroke_width=stroke, stroke_fill=halo
        )
        return
    sw = stroke_px(s, w, h)
    edge = max(1.0, sw * 0.35)
    if s.kind == "arrow":
        x1, y1, x2, y2 = s.x1 * w, s.y1 * h, s.x2 * w, s.y2 * h
        head = arrow_head(x1, y1, x2, y2, sw)
        sx, sy = arrow_shaft_end(x1, y1, x2, y2, sw)
        for fill, extra in ((halo, 2 * edge), (color, 0.0)):
            width = round(sw + extra)
            draw.line([(x1, y1), (sx, sy)], fill=fill, width=width)
            r = width / 2
            draw.ellipse([x1 - r, y1 - r, x1 + r, y1 + r], fill=fill)
            draw.polygon(_grow(head, extra / 2) if extra else head, fill=fill)
        return
    box = [s.x1 * w, s.y1 * h, s.x2 * w, s.y2 * h]
    for fill, extra in ((halo, 2 * edge), (color, 0.0)):
        # Pillow strokes inside the box; grow it by half the width so the line is centred on the box, as in Qt.
        width = max(1, round(sw + extra))
        g = width / 2
        grown = [box[0] - g, box[1] - g, box[2] + g, box[3] + g]
        if s.kind == "ellipse":
            draw.ellipse(grown, outline=fill, width=width)
        else:
            draw.rectangle(grown, outline=fill, width=width)


def _grow(points: list[tuple[float, float]], by: float) -> list[tuple[float, float]]:
    cx = sum(p[0] for p in points) / len(points)
    cy = sum(p[1] for p in points) / len(points)
    out = []
    for x, y in points:
        d = math.hypot(x - cx, y - cy) or 1.0
        out.append((x + (x - cx) / d * by * 2, y + (y - cy) / d * by * 2))
    return out
