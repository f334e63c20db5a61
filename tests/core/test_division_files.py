"""Division files: a city's (Baoshan, shipped) and a province's (Yunnan, shipped: 16 cities, 129 counties)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hoteltv.config import Settings
from hoteltv.domain.divisions import default_divisions, load_division_file, load_division_lists
from hoteltv.errors import ValidationError
from hoteltv.services.setup import division_list


def test_the_shipped_province_holds_every_city_and_county_of_yunnan() -> None:
    cities = load_division_lists("yunnan")
    assert len(cities) == 16
    assert sum(len(c.divisions) for c in cities) == 129
    codes = [d.code for c in cities for d in c.divisions]
    assert len(set(codes)) == 129 and all(code.startswith("53") and len(code) == 6 for code in codes)
    for city in cities:  # every county sits under its own city's code
        assert all(d.code[:4] == city.city_code[:4] for d in city.divisions), city.city_name
    dali = next(c for c in cities if c.city_code == "532900")
    assert (dali.city_name, dali.city_short) == ("大理白族自治州", "州")
    assert dali.find("大理市") is not None and dali.find("隆阳区") is None


def test_baoshan_in_the_province_file_is_the_shipped_baoshan_list() -> None:
    baoshan = load_division_file("yunnan", "保山市")
    assert baoshan == default_divisions()
    assert baoshan.find("腾冲县").code == "530581"  # type: ignore[union-attr]


def test_a_laptop_takes_one_city_of_the_province_by_name_or_code() -> None:
    kunming = load_division_file("yunnan", "530100")
    assert kunming.city_name == "昆明市" and kunming.find("五华区").code == "530102"  # type: ignore[union-attr]
    assert load_division_file("yunnan", "昆明市") == kunming


def test_a_province_file_without_a_city_names_the_cities() -> None:
    with pytest.raises(ValidationError, match="division_city") as caught:
        load_division_file("yunnan")
    assert "昆明市" in str(caught.value) and "迪庆藏族自治州" in str(caught.value)
    with pytest.raises(ValidationError, match="no city '成都市'"):
        load_division_file("yunnan", "成都市")
    with pytest.raises(ValidationError, match="no shipped division list"):
        load_division_lists("sichuan")


def test_a_province_file_with_a_code_under_two_cities_is_refused(tmp_path: Path) -> None:
    county = {"code": "539901", "name": "甲县"}
    data = {
        "format": "hoteltv-divisions/1",
        "cities": [
            {"code": "539900", "name": "甲市", "divisions": [county]},
            {"code": "539800", "name": "乙市", "divisions": [county]},
        ],
    }
    path = tmp_path / "省.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        load_division_lists(path)
    assert any(
        "cities[1].divisions[0]" in p.where and "duplicate" in p.message for p in caught.value.problems
    )


def test_the_settings_name_a_city_of_the_shipped_province(tmp_path: Path) -> None:
    settings = Settings(tmp_path)
    settings.set("division_file", "yunnan")
    settings.set("division_city", "大理白族自治州")
    problems: list[str] = []
    found = division_list(settings, problems)
    assert problems == [] and found.city_code == "532900" and found.city_short == "州"
    settings.set("division_city", "")
    found = division_list(settings, problems)
    assert found == default_divisions() and "division_city" in problems[0]  # falls back, says why


@pytest.mark.parametrize(
    ("edit", "city", "said"),
    [
        (lambda d: d.update(city=True), "", "'city' must be an object"),
        (lambda d: d["divisions"][0].update(aliases=5), "", "'aliases' must be a list"),
        (lambda d: d.update(cities=5), "", "division_city"),
    ],
)
def test_a_division_file_of_the_wrong_shape_is_refused_and_the_shipped_list_used(
    tmp_path: Path, edit, city: str, said: str
) -> None:
    """Found by fuzzing division files: a 'city' that is not an object, 'aliases' that is not a list, or
    'cities' that is not a list crashed the opening of the data folder (AttributeError, TypeError) where
    the settings name such a file; it is refused with the place, and the shipped list used meanwhile."""
    data = json.loads(
        (Path(__file__).parents[2] / "resources" / "divisions" / "baoshan.json").read_text("utf-8")
    )
    edit(data)
    path = tmp_path / "区划.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValidationError) as refused:
        load_division_file(path, city)
    assert said in str(refused.value) + "".join(p.message for p in refused.value.problems)
    settings = Settings(tmp_path)
    settings.set("division_file", str(path))
    settings.set("division_city", city)
    problems: list[str] = []
    assert division_list(settings, problems) == default_divisions() and "区划文件无法使用" in problems[0]
