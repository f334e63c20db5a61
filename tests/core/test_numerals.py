"""One reading of numbers and yes/no answers: the parser, and the checklist and importer agreeing on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from hoteltv.domain.checklist import coerce_answer, load_template
from hoteltv.domain.divisions import DivisionList
from hoteltv.domain.numerals import COUNT_UNITS, NumeralError, parse_number, parse_yes_no, to_number
from hoteltv.errors import ValidationError
from hoteltv.io.hotel_sheet import read_hotel_sheet
from tests.core.sheet_fixtures import write_csv


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("30", 30),
        ("３０", 30),
        ("三十", 30),
        ("十五", 15),
        ("二十五间", 25),
        ("两个", 2),
        ("一百零五", 105),
        ("两千", 2000),
        ("一万二千", 12000),
        ("零", 0),
        ("1,200", 1200),
        ("1,200间", 1200),
        (" 3 keys ", 3),
        ("30.0", 30),
        ("2.5", 2.5),
        ("-0", 0),
    ],
)
def test_numbers_as_written(text: str, expected: float) -> None:
    assert parse_number(text, COUNT_UNITS) == expected


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("约30", "estimate"),
        ("大约三十间", "estimate"),
        ("30多", "estimate"),
        ("30多间", "estimate"),
        ("十几", "estimate"),
        ("几十", "estimate"),
        ("30左右", "estimate"),
        ("30+", "estimate"),
        ("-3", "negative"),
        ("负三", "negative"),
        ("很多", "not_a_number"),
        ("三五", "not_a_number"),
        ("三十百", "not_a_number"),
        ("1,2", "not_a_number"),
        ("间", "not_a_number"),
        ("", "not_a_number"),
    ],
)
def test_estimates_negatives_and_words_are_refused(text: str, kind: str) -> None:
    with pytest.raises(NumeralError) as info:
        parse_number(text, COUNT_UNITS)
    assert info.value.kind == kind
    assert info.value.zh and info.value.en


@pytest.mark.parametrize(
    ("raw", "kind"), [(True, "not_a_number"), (-1, "negative"), (float("nan"), "not_finite")]
)
def test_to_number_refuses_non_numbers(raw: object, kind: str) -> None:
    with pytest.raises(NumeralError) as info:
        to_number(raw)
    assert info.value.kind == kind


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("是", "yes"),
        ("有", "yes"),
        ("合格", "yes"),
        ("√", "yes"),
        ("Y", "yes"),
        ("true", "yes"),
        ("1", "yes"),
        (1, "yes"),
        (True, "yes"),
        ("否", "no"),
        ("无", "no"),
        ("不合格", "no"),
        ("×", "no"),
        ("n", "no"),
        ("FALSE", "no"),
        (0, "no"),
        ("不适用", "na"),
        ("N/A", "na"),
        ("也许", None),
        (2, None),
        (None, None),
    ],
)
def test_yes_no_answers(raw: object, expected: str | None) -> None:
    assert parse_yes_no(raw) == expected


@pytest.mark.parametrize(("text", "expected"), [("三十", 30), ("两个", 2), ("３０间", 30), ("二十五", 25)])
def test_the_checklist_and_the_importer_read_counts_alike(
    tmp_path: Path, divisions: DivisionList, text: str, expected: int
) -> None:
    assert coerce_answer(load_template("hotel_tv", 1).item("keys_to_live"), text) == expected
    sheet = write_csv(tmp_path / "h.csv", [["酒店名称", "所属县区", "客房数"], ["甲酒店", "隆阳区", text]])
    (row,) = read_hotel_sheet(sheet, divisions).rows
    assert row.rooms == expected


@pytest.mark.parametrize(("text", "zh", "en"), [("约30", "估计", "estimate"), ("-3", "负数", "negative")])
def test_the_checklist_and_the_importer_refuse_estimates_and_negatives_alike(
    tmp_path: Path, divisions: DivisionList, text: str, zh: str, en: str
) -> None:
    with pytest.raises(ValidationError) as info:
        coerce_answer(load_template("hotel_tv", 1).item("keys_to_live"), text)
    assert en in info.value.problems[0].message
    sheet = write_csv(tmp_path / "h.csv", [["酒店名称", "所属县区", "客房数"], ["甲酒店", "隆阳区", text]])
    result = read_hotel_sheet(sheet, divisions)
    assert not result.rows
    (error,) = result.errors
    assert zh in error.reason and en in error.reason_en


@pytest.mark.parametrize(
    ("text", "pilot", "answer"), [("合格", True, "yes"), ("×", False, "no"), ("1", True, "yes")]
)
def test_the_checklist_and_the_importer_read_yes_no_alike(
    tmp_path: Path, divisions: DivisionList, text: str, pilot: bool, answer: str
) -> None:
    assert coerce_answer(load_template("hotel_tv", 1).item("ads_seen"), text) == answer
    sheet = write_csv(tmp_path / "h.csv", [["酒店名称", "所属县区", "是否试点"], ["甲酒店", "隆阳区", text]])
    (row,) = read_hotel_sheet(sheet, divisions).rows
    assert row.pilot is pilot
