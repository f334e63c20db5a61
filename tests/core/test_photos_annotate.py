"""Annotation data: validation, round trip, geometry shared with the editor, and the Pillow renderer."""

from __future__ import annotations

from typing import Any

import pytest
from PIL import Image

from hoteltv.errors import ValidationError
from hoteltv.photos.annotate import Annotation, Shape, arrow_head, render
from hoteltv.reports.fonts import UnprintableCharacter

SAMPLE: dict[str, Any] = {
    "version": 1,
    "shapes": [
        {"kind": "arrow", "from": [0.1, 0.8], "to": [0.45, 0.5], "color": "#e53935", "width": 0.01},
        {"kind": "ellipse", "box": [0.5, 0.2, 0.9, 0.6], "color": "#fdd835", "width": 0.008},
        {"kind": "rect", "box": [0.05, 0.05, 0.3, 0.25], "color": "#1e88e5", "width": 0.006},
        {"kind": "text", "at": [0.55, 0.7], "text": "开机广告", "color": "#ffffff", "size": 0.08},
    ],
}


def test_round_trip() -> None:
    ann = Annotation.from_dict(SAMPLE)
    assert [s.kind for s in ann.shapes] == ["arrow", "ellipse", "rect", "text"]
    assert ann.to_dict() == SAMPLE
    assert Annotation.from_dict(ann.to_dict()) == ann
    assert Annotation.from_dict({}).empty and Annotation.from_dict(None).to_dict() == {}
    assert ann.key() == Annotation.from_dict(SAMPLE).key() != Annotation().key()


def test_boxes_are_normalised_and_defaults_filled() -> None:
    ann = Annotation.from_dict({"shapes": [{"kind": "ellipse", "box": [0.9, 0.8, 0.1, 0.2]}]})
    s = ann.shapes[0]
    assert (s.x1, s.y1, s.x2, s.y2) == (0.1, 0.2, 0.9, 0.8) and s.color == "#e53935" and s.width == 0.006
    assert Shape.rect(0.5, 0.5, 0.1, 0.1).x1 == 0.1
    assert Annotation.of([Shape.label(0.1, 0.1, "遥控器")]).shapes[0].text == "遥控器"


@pytest.mark.parametrize(
    ("data", "where"),
    [
        ({"version": 2, "shapes": []}, "version"),
        ({"shapes": "x"}, "shapes"),
        ({"shapes": [{"kind": "star"}]}, "shapes[0].kind"),
        ({"shapes": [{"kind": "arrow", "from": [0.1, 0.1], "to": [0.1, 0.1]}]}, "shapes[0]"),
        ({"shapes": [{"kind": "arrow", "from": [0.1, 0.1], "to": [1.5, 0.1]}]}, "shapes[0].to"),
        ({"shapes": [{"kind": "rect", "box": [0.1, 0.1, 0.1, 0.5]}]}, "shapes[0]"),
        ({"shapes": [{"kind": "rect", "box": [0.1, "a", 0.2, 0.5]}]}, "shapes[0].box"),
        ({"shapes": [{"kind": "rect", "box": [0.1, 0.1, 0.2, 0.5], "color": "red"}]}, "shapes[0].color"),
        ({"shapes": [{"kind": "rect", "box": [0.1, 0.1, 0.2, 0.5], "width": 0.5}]}, "shapes[0].width"),
        ({"shapes": [{"kind": "text", "at": [0.1, 0.1], "text": ""}]}, "shapes[0].text"),
        ({"shapes": [{"kind": "text", "at": [0.1, 0.1], "text": "长" * 41}]}, "shapes[0].text"),
        ({"shapes": [{"kind": "text", "at": [0.1, 0.1], "text": "a", "evil": 1}]}, "shapes[0].evil"),
        ({"shapes": [{"kind": "rect", "box": [0.1, 0.1, 0.2, 0.2]}] * 101}, "shapes"),
    ],
)
def test_invalid_data_is_refused_with_where(data: dict[str, Any], where: str) -> None:
    with pytest.raises(ValidationError) as err:
        Annotation.from_dict(data)
    assert where in [p.where for p in err.value.problems], err.value.problems


def test_every_problem_is_listed() -> None:
    data = {"shapes": [{"kind": "star"}, {"kind": "text", "at": [2, 2], "text": ""}]}
    with pytest.raises(ValidationError) as err:
        Annotation.from_dict(data)
    assert {p.where for p in err.value.problems} >= {"shapes[0].kind", "shapes[1].at", "shapes[1].text"}


def test_arrow_head_points_at_the_tip() -> None:
    tip, left, right = arrow_head(0, 0, 100, 0, 4)
    assert tip == (100, 0) and left[0] < 100 and right[0] < 100 and left[1] == -right[1]


def test_render_draws_on_a_copy_and_leaves_the_source_alone() -> None:
    source = Image.new("RGB", (400, 300), (90, 90, 90))
    before = source.tobytes()
    out = render(source, Annotation.from_dict(SAMPLE))
    assert source.tobytes() == before
    assert out.size == source.size and out.mode == "RGB"
    # The blue rectangle's top edge, the yellow ellipse's left edge and the white text are there.
    r, g, b = out.getpixel((int(0.175 * 400), int(0.05 * 300)))  # type: ignore[misc]
    assert b > 180 and r < 120
    r, g, b = out.getpixel((int(0.5 * 400), int(0.4 * 300)))  # type: ignore[misc]
    assert r > 180 and g > 180 and b < 120
    text_area = out.crop((int(0.55 * 400), int(0.7 * 300), 400, 300))
    assert text_area.getextrema()[0][1] > 240  # type: ignore[index]
    assert render(source, Annotation()).tobytes() == before


def test_text_with_rare_characters_draws_them_from_the_fallback_font() -> None:
    """䶮 and 𠀀 are not in the main font: each is drawn with its own glyph (not the same empty box), and a
    character no bundled font has refuses the drawing, named."""
    source = Image.new("RGB", (400, 300), (90, 90, 90))

    def drawn(text: str) -> Image.Image:
        shape = {"kind": "text", "at": [0.1, 0.3], "text": text, "color": "#ffffff", "size": 0.2}
        return render(source, Annotation.from_dict({"version": 1, "shapes": [shape]})).crop((0, 60, 400, 300))

    rare_a, rare_b = drawn("䶮"), drawn("\U00020000")
    assert rare_a.getextrema()[0][1] > 240 and rare_b.getextrema()[0][1] > 240  # ink
    assert rare_a.tobytes() != rare_b.tobytes()  # two real glyphs, not the same .notdef box
    mixed = drawn("王䶮")
    assert mixed.tobytes() != drawn("王").tobytes()
    with pytest.raises(UnprintableCharacter, match="U\\+F0001"):
        drawn("王\U000f0001")
