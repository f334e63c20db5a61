"""Reading the bureau's hotel spreadsheets: every valid row in, every refused cell listed exactly."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from hoteltv.domain.divisions import DivisionList, default_divisions
from hoteltv.errors import ImportRefused
from hoteltv.io import tabular
from hoteltv.io.hotel_sheet import (
    HOTEL_FIELDS,
    HOTEL_HEADERS,
    HotelRow,
    RowError,
    hotel_row_cells,
    read_hotel_sheet,
)
from hoteltv.io.tables import write_table
from tests.core.sheet_fixtures import (
    CANONICAL,
    CODE_A,
    CODE_B,
    CODE_C,
    OLE_HEADER,
    big_rows,
    credit_code,
    docx_like_zip,
    rewrite_member,
    set_cached_value,
    set_dimension,
    set_error_value,
    use_shared_strings,
    write_csv,
    write_xlsx,
    wrong_check,
    zip_bomb,
)

LONGYANG, SHIDIAN, LONGLING, CHANGNING, TENGCHONG = "530502", "530521", "530523", "530524", "530581"
ALL = frozenset(f.name for f in HOTEL_FIELDS[:13])


@pytest.fixture(scope="module")
def divisions() -> DivisionList:
    return default_divisions()


def full_row(**over: object) -> list[object]:
    """A valid row in CANONICAL order; keyword arguments replace single cells by header."""
    base: dict[str, object] = {
        "酒店名称": "保山宾馆",
        "所属县区": "隆阳区",
        "地址": "保山市隆阳区正阳南路1号",
        "统一社会信用代码": CODE_A,
        "星级": 3,
        "客房数": 120,
        "电视数": 125,
        "电视系统/运营商": "云南广电网络",
        "联系人": "张三",
        "联系电话": "13812345678",
        "是否试点": "是",
        "目标模式": "开机进直播模式",
        "当前模式": "迎宾模式",
    }
    base.update(over)
    return [base[h] for h in CANONICAL]


def expected(row_number: int, **over: object) -> HotelRow:
    values: dict[str, object] = {
        "name": "保山宾馆",
        "division_code": LONGYANG,
        "address": "保山市隆阳区正阳南路1号",
        "credit_code": CODE_A,
        "star_class": 3,
        "rooms": 120,
        "tvs": 125,
        "tv_system": "云南广电网络",
        "contact_name": "张三",
        "contact_phone": "13812345678",
        "pilot": True,
        "target_mode": "direct_live",
        "current_mode": "welcome",
        "present": ALL,
    }
    values.update(over)
    return HotelRow(row_number=row_number, **values)  # type: ignore[arg-type]


# --------------------------------------------------------------------------------------------------
# Headers


def test_canonical_sheet_reads_every_field(tmp_path: Path, divisions: DivisionList) -> None:
    path = write_xlsx(tmp_path / "h.xlsx", [CANONICAL, full_row()])
    result = read_hotel_sheet(path, divisions)
    assert result.rows == [expected(2)]
    assert result.errors == []
    assert result.header_row == 1
    assert result.mapping == {f.name: f.header for f in HOTEL_FIELDS[:13]}
    assert result.ignored_headers == []
    assert (result.total_data_rows, result.blank_rows) == (1, 0)
    assert result.sheet_name == "Sheet1"
    assert result.source_format == "xlsx"


def test_title_rows_and_synonyms_in_another_order(tmp_path: Path, divisions: DivisionList) -> None:
    header = [
        "序号",
        "县(市、区)",
        "单位名称",
        "联系方式",
        "房间数",
        "电视机数量",
        "信用代码",
        "现模式",
        "整改目标模式",
        "试点",
    ]
    rows = [
        ["保山市“复杂电视”治理试点酒店名单"],
        ["填报单位:保山市文化和旅游局", None, None, "填报日期:2025年6月"],
        [],
        header,
        [1, "腾冲县", "腾冲和顺客栈", "0875-5151234", "30间", "30", CODE_B, "移动OTT", "移动OTT模式", "√"],
    ]
    path = write_xlsx(tmp_path / "h.xlsx", rows, merges=["A1:J1"])
    result = read_hotel_sheet(path, divisions)
    assert result.header_row == 4
    assert result.mapping == {
        "division_code": "县(市、区)",
        "name": "单位名称",
        "contact_phone": "联系方式",
        "rooms": "房间数",
        "tvs": "电视机数量",
        "credit_code": "信用代码",
        "current_mode": "现模式",
        "target_mode": "整改目标模式",
        "pilot": "试点",
    }
    assert result.ignored_headers == ["序号"]
    present = frozenset(result.mapping)
    assert result.rows == [
        HotelRow(
            row_number=5,
            name="腾冲和顺客栈",
            division_code=TENGCHONG,
            credit_code=CODE_B,
            rooms=30,
            tvs=30,
            contact_phone="0875-5151234",
            pilot=True,
            target_mode="mobile_ott",
            current_mode="mobile_ott",
            present=present,
        )
    ]
    assert result.errors == []
    assert "address" not in result.rows[0].present  # a re-import must not blank the stored address


def test_decorated_headers_are_recognised(tmp_path: Path, divisions: DivisionList) -> None:
    header = ["酒店名称*", " 所属县区 ", "客房数(间)", "联系电话\n(手机)", "电视数（台）", "备注"]
    path = write_xlsx(
        tmp_path / "h.xlsx", [header, ["永昌宾馆", "施甸", "40", "13912345678", "40台", "新装"]]
    )
    result = read_hotel_sheet(path, divisions)
    assert result.mapping == {
        "name": "酒店名称*",
        "division_code": "所属县区",
        "rooms": "客房数(间)",
        "contact_phone": "联系电话 (手机)",
        "tvs": "电视数（台）",
        "notes": "备注",
    }
    [row] = result.rows
    assert (row.name, row.division_code, row.rooms, row.tvs, row.contact_phone, row.notes) == (
        "永昌宾馆",
        SHIDIAN,
        40,
        40,
        "13912345678",
        "新装",
    )


def test_preferred_synonym_wins_when_two_columns_match(tmp_path: Path, divisions: DivisionList) -> None:
    header = ["名称", "县区", "手机", "联系电话", "负责人", "联系人"]
    path = write_xlsx(
        tmp_path / "h.xlsx", [header, ["甲酒店", "龙陵县", "13900000000", "0875-6123456", "李总", "王经理"]]
    )
    result = read_hotel_sheet(path, divisions)
    assert result.mapping["contact_phone"] == "联系电话"
    assert result.ignored_headers == ["手机"]
    [row] = result.rows
    assert (row.contact_phone, row.contact_name, row.person_in_charge) == ("0875-6123456", "王经理", "李总")


def test_missing_required_column_says_which_and_the_accepted_names(
    tmp_path: Path, divisions: DivisionList
) -> None:
    path = write_xlsx(tmp_path / "h.xlsx", [["酒店名称", "地址", "客房数"], ["甲酒店", "某路", 10]])
    with pytest.raises(ImportRefused) as info:
        read_hotel_sheet(path, divisions)
    assert info.value.missing_columns == ["所属县区"]
    message = str(info.value)
    assert "缺少必需的列「所属县区」" in message
    assert "县(市、区)" in message and "辖区" in message and "所属区县" in message
    assert "按第1行作表头" in message


def test_wrong_headers_refuse_both_required_columns(tmp_path: Path, divisions: DivisionList) -> None:
    path = write_xlsx(tmp_path / "h.xlsx", [["hotel", "county"], ["甲酒店", "隆阳区"]])
    with pytest.raises(ImportRefused) as info:
        read_hotel_sheet(path, divisions)
    assert info.value.missing_columns == ["酒店名称", "所属县区"]
    assert "单位名称" in str(info.value)


def test_picks_the_sheet_that_holds_the_list(tmp_path: Path, divisions: DivisionList) -> None:
    path = write_xlsx(
        tmp_path / "h.xlsx",
        [CANONICAL, full_row()],
        sheet_title="名单",
        extra_sheets=[("填表说明", [["请按要求填写"], ["酒店名称填全称"]])],
        extra_first=True,
    )
    result = read_hotel_sheet(path, divisions)
    assert result.sheet_name == "名单"
    assert result.rows == [expected(2)]
    assert result.notes == ["工作簿有2个工作表,读取的是「名单」"]


# --------------------------------------------------------------------------------------------------
# Cells


def test_merged_division_cells_apply_to_every_row_they_span(tmp_path: Path, divisions: DivisionList) -> None:
    rows = [
        ["所属县区", "酒店名称", "客房数"],
        ["隆阳区", "甲酒店", 10],
        [None, "乙酒店", 20],
        [None, "丙酒店", 30],
        ["腾冲市", "丁酒店", 40],
        [None, "戊酒店", 50],
        [None, None, None],  # inside the merge but otherwise empty: a blank row, not an error
    ]
    path = write_xlsx(tmp_path / "h.xlsx", rows, merges=["A2:A4", "A5:A7"])
    result = read_hotel_sheet(path, divisions)
    present = frozenset({"division_code", "name", "rooms"})
    assert result.rows == [
        HotelRow(row_number=2, name="甲酒店", division_code=LONGYANG, rooms=10, present=present),
        HotelRow(row_number=3, name="乙酒店", division_code=LONGYANG, rooms=20, present=present),
        HotelRow(row_number=4, name="丙酒店", division_code=LONGYANG, rooms=30, present=present),
        HotelRow(row_number=5, name="丁酒店", division_code=TENGCHONG, rooms=40, present=present),
        HotelRow(row_number=6, name="戊酒店", division_code=TENGCHONG, rooms=50, present=present),
    ]
    assert result.errors == []
    assert result.blank_rows == 1


def test_full_width_digits_and_spaces(tmp_path: Path, divisions: DivisionList) -> None:
    code = "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in CODE_C)  # full-width
    row = full_row(
        酒店名称="　昌宁　大酒店　",
        所属县区="昌宁县",
        统一社会信用代码=code.lower(),
        客房数="１２０",
        电视数="１２０ 台",
        联系电话="１３８ １２３４ ５６７８",
        星级="４星级",
    )
    path = write_xlsx(tmp_path / "h.xlsx", [CANONICAL, row])
    result = read_hotel_sheet(path, divisions)
    assert result.errors == []
    assert result.rows == [
        expected(
            2,
            name="昌宁 大酒店",
            division_code=CHANGNING,
            credit_code=CODE_C,
            rooms=120,
            tvs=120,
            contact_phone="13812345678",
            star_class=4,
        )
    ]


def test_blank_rows_are_skipped_not_errors(tmp_path: Path, divisions: DivisionList) -> None:
    rows = [
        CANONICAL,
        [],
        full_row(),
        [None, "  ", "", None],
        ["/", "—", None],  # placeholders only
        full_row(酒店名称="永昌宾馆", 统一社会信用代码=CODE_B),
        [],  # trailing empty rows are not stored in the file at all
    ]
    path = write_xlsx(tmp_path / "h.xlsx", rows)
    result = read_hotel_sheet(path, divisions)
    assert [r.row_number for r in result.rows] == [3, 6]
    assert result.errors == []
    assert (result.total_data_rows, result.blank_rows) == (2, 3)


def test_numbers_stored_as_text_and_loose_values(tmp_path: Path, divisions: DivisionList) -> None:
    header = ["酒店名称", "所属县区", "星级", "客房数", "电视数", "是否试点", "当前模式", "联系电话"]
    rows = [
        header,
        ["一号", "隆阳区", "三星级", "120间", "120.0", "Y", "开机进直播", 13812345678],
        ["二号", "保山市隆阳区", "3星", 80.0, "1,200", "×", "未整改", 13812345678.0],
        ["三号", "530581", "无", "0", 0, 0, "自建", "(0875)2123456"],
        ["四号", "腾冲县", "未评", " 15 ", "15", "true", "OTT", "+86 139 1234 5678"],
        ["五号", "龙陵", 5, "7", "7", "否", "定制电信迎宾", "0875-8123456/13912345678"],
    ]
    path = write_xlsx(tmp_path / "h.xlsx", rows)
    result = read_hotel_sheet(path, divisions)
    assert result.errors == []
    got = [
        (r.name, r.division_code, r.star_class, r.rooms, r.tvs, r.pilot, r.current_mode, r.contact_phone)
        for r in result.rows
    ]
    assert got == [
        ("一号", LONGYANG, 3, 120, 120, True, "direct_live", "13812345678"),
        ("二号", LONGYANG, 3, 80, 1200, False, "none", "13812345678"),
        ("三号", TENGCHONG, 0, 0, 0, False, "self_built", "0875-2123456"),
        ("四号", TENGCHONG, 0, 15, 15, True, "mobile_ott", "13912345678"),
        ("五号", LONGLING, 5, 7, 7, False, "telecom_welcome", "0875-8123456/13912345678"),
    ]


def test_formula_with_cached_value_is_read_and_without_is_an_error(
    tmp_path: Path, divisions: DivisionList
) -> None:
    rows = [
        ["酒店名称", "所属县区", "客房数", "电视数"],
        ["甲酒店", "隆阳区", "=10*12", 5],
        ["乙酒店", "隆阳区", 20, "=C3+1"],
    ]
    path = write_xlsx(tmp_path / "h.xlsx", rows)
    set_cached_value(path, "C2", "120")  # as Excel saves it; D3 keeps openpyxl's missing value
    result = read_hotel_sheet(path, divisions)
    present = frozenset({"name", "division_code", "rooms", "tvs"})
    assert result.rows == [
        HotelRow(row_number=2, name="甲酒店", division_code=LONGYANG, rooms=120, tvs=5, present=present)
    ]
    assert result.errors == [
        RowError(
            3,
            "电视数",
            None,
            "单元格是公式,但没有保存计算结果;请在 Excel 中打开并保存后再导入,或改为填值",
            "formula without a saved result; open and save the file in Excel, or type the value",
            "tvs",
        )
    ]


def test_formula_error_value_is_refused(tmp_path: Path, divisions: DivisionList) -> None:
    rows = [["酒店名称", "所属县区", "客房数"], ["甲酒店", "隆阳区", "=VLOOKUP(1,Z1:Z2,2,0)"]]
    path = write_xlsx(tmp_path / "h.xlsx", rows)
    set_error_value(path, "C2", "#N/A")
    result = read_hotel_sheet(path, divisions)
    assert result.rows == []
    assert result.errors == [
        RowError(
            2,
            "客房数",
            "#N/A",
            "单元格是错误值 #N/A(公式出错)",
            "the cell holds the error value #N/A",
            "rooms",
        )
    ]


def test_wrong_dimension_record_does_not_hide_rows(tmp_path: Path, divisions: DivisionList) -> None:
    path = write_xlsx(
        tmp_path / "h.xlsx", [CANONICAL, full_row(), full_row(酒店名称="二号", 统一社会信用代码=CODE_B)]
    )
    set_dimension(path, "A1:B2")  # claims two columns and two rows
    result = read_hotel_sheet(path, divisions)
    assert [r.row_number for r in result.rows] == [2, 3]
    assert result.rows[1].current_mode == "welcome"


def test_a_row_with_bad_cells_is_refused_whole_with_every_bad_cell(
    tmp_path: Path, divisions: DivisionList
) -> None:
    rows = [
        CANONICAL,
        full_row(),
        full_row(
            酒店名称="坏酒店",
            所属县区="大理市",
            统一社会信用代码=wrong_check(CODE_B),
            星级="准四星",
            客房数=-3,
            电视数="很多",
            联系电话="12345",
            是否试点="也许",
            目标模式="IPTV",
            当前模式="开机广告",
        ),
        full_row(酒店名称="三号", 统一社会信用代码=CODE_C),
    ]
    path = write_xlsx(tmp_path / "h.xlsx", rows)
    result = read_hotel_sheet(path, divisions)
    assert [r.row_number for r in result.rows] == [2, 4]
    assert {e.row_number for e in result.errors} == {3}
    modes = "开机进直播模式、迎宾模式、移动OTT模式、定制电信迎宾模式、自建模式、未整改"
    assert [(e.row_number, e.column, e.value, e.reason, e.field) for e in result.errors] == [
        (3, "所属县区", "大理市", "未知的县区(可填:隆阳区、施甸县、龙陵县、昌宁县、腾冲市)", "division_code"),
        (
            3,
            "统一社会信用代码",
            wrong_check(CODE_B),
            "统一社会信用代码校验位不符，可能抄错，请核对",
            "credit_code",
        ),
        (3, "星级", "准四星", "星级看不懂(可填 0-5、三星、三星级、3星、无、未评)", "star_class"),
        (3, "客房数", -3, "不能是负数", "rooms"),
        (3, "电视数", "很多", "应为整数", "tvs"),
        (
            3,
            "联系电话",
            "12345",
            "电话号码格式不对:应为11位手机号或带区号的座机(如 0875-2123456)",
            "contact_phone",
        ),
        (3, "是否试点", "也许", "是否试点应填 是/否(或 Y/N、√/×、1/0)", "pilot"),
        (3, "目标模式", "IPTV", f"未知的电视模式(可填:{modes})", "target_mode"),
        (3, "当前模式", "开机广告", f"未知的电视模式(可填:{modes})", "current_mode"),
    ]
    assert all(e.reason_en for e in result.errors)
    assert (
        str(result.errors[0])
        == "第3行 [所属县区] 「大理市」: 未知的县区(可填:隆阳区、施甸县、龙陵县、昌宁县、腾冲市)"
    )


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        (wrong_check(CODE_A), "统一社会信用代码校验位不符，可能抄错，请核对"),
        (CODE_A[:17], "统一社会信用代码应为18位，实为17位"),
        (
            CODE_A[:8] + "I" + CODE_A[9:],
            "统一社会信用代码含有不允许的字符（不用 I、O、S、V、Z；第3-8位是数字）",
        ),
        (
            9.15305021234567e17,
            "统一社会信用代码被 Excel 存成了数字,末几位已丢失;请把该列设为“文本”后重新填写",
        ),
    ],
)
def test_bad_credit_codes(tmp_path: Path, divisions: DivisionList, cell: object, reason: str) -> None:
    path = write_xlsx(tmp_path / "h.xlsx", [CANONICAL, full_row(统一社会信用代码=cell)])
    result = read_hotel_sheet(path, divisions)
    assert result.rows == []
    assert [(e.row_number, e.column, e.value, e.reason) for e in result.errors] == [
        (2, "统一社会信用代码", cell, reason)
    ]


def test_credit_code_check_character_matches_the_standard() -> None:
    # GB 32100-2015: weights 3^i mod 31, check = 31 - (sum mod 31), over the 31-character alphabet.
    assert [pow(3, i, 31) for i in range(17)] == [
        1,
        3,
        9,
        27,
        19,
        26,
        16,
        17,
        20,
        29,
        25,
        13,
        8,
        24,
        10,
        30,
        28,
    ]
    body = "91530502MA6K00001"
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    total = sum(alphabet.index(c) * pow(3, i, 31) for i, c in enumerate(body))
    assert credit_code(body) == body + alphabet[(31 - total % 31) % 31] == CODE_A


def test_empty_name_or_division_refuses_the_row(tmp_path: Path, divisions: DivisionList) -> None:
    rows = [
        CANONICAL,
        full_row(酒店名称=None),
        full_row(酒店名称="乙", 所属县区="  ", 统一社会信用代码=CODE_B),
    ]
    path = write_xlsx(tmp_path / "h.xlsx", rows)
    result = read_hotel_sheet(path, divisions)
    assert result.rows == []
    assert [(e.row_number, e.column, e.reason, e.reason_en) for e in result.errors] == [
        (2, "酒店名称", "酒店名称不能为空", "hotel name is required"),
        (3, "所属县区", "所属县区不能为空", "county/district is required"),
    ]


def test_duplicates_inside_one_sheet_refuse_the_later_row(tmp_path: Path, divisions: DivisionList) -> None:
    rows = [
        CANONICAL,
        full_row(),  # 2
        full_row(酒店名称="乙酒店", 统一社会信用代码=CODE_B),  # 3
        full_row(酒店名称="保山宾馆(重复)", 统一社会信用代码=CODE_A.lower()),  # 4: same code as 2
        full_row(酒店名称="乙 酒店", 统一社会信用代码=None),  # 5: same name + division as 3
        full_row(酒店名称="乙酒店", 所属县区="腾冲市", 统一社会信用代码=None),  # 6: other division, fine
    ]
    path = write_xlsx(tmp_path / "h.xlsx", rows)
    result = read_hotel_sheet(path, divisions)
    assert [r.row_number for r in result.rows] == [2, 3, 6]
    assert [(e.row_number, e.column, e.value, e.reason) for e in result.errors] == [
        (4, "统一社会信用代码", CODE_A, "与第2行重复(统一社会信用代码相同)"),
        (5, "酒店名称", "乙 酒店", "与第3行重复(酒店名称和所属县区相同)"),
    ]


def test_division_lookup_accepts_old_and_long_names(tmp_path: Path, divisions: DivisionList) -> None:
    rows = [
        ["酒店名称", "所属县区"],
        ["甲", "腾冲县"],
        ["乙", "保山市隆阳区"],
        ["丙", "云南省保山市腾冲县"],
        ["丁", "高黎贡山"],
    ]
    path = write_xlsx(tmp_path / "h.xlsx", rows)
    result = read_hotel_sheet(path, divisions)
    assert [(r.name, r.division_code) for r in result.rows] == [
        ("甲", TENGCHONG),
        ("乙", LONGYANG),
        ("丙", TENGCHONG),
    ]
    assert [(e.row_number, e.value) for e in result.errors] == [(5, "高黎贡山")]


# --------------------------------------------------------------------------------------------------
# Whole-file refusals


def test_renamed_text_file_is_refused(tmp_path: Path, divisions: DivisionList) -> None:
    path = tmp_path / "名单.xlsx"
    path.write_text("酒店名称,所属县区\n甲,隆阳区\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match="不是 Excel 工作簿"):
        read_hotel_sheet(path, divisions)


def test_renamed_old_excel_file_is_refused_with_save_as_advice(
    tmp_path: Path, divisions: DivisionList
) -> None:
    path = tmp_path / "名单.xlsx"
    path.write_bytes(OLE_HEADER)
    with pytest.raises(ImportRefused, match=r"旧版 Excel\(\.xls\).*另存为"):
        read_hotel_sheet(path, divisions)


def test_other_zip_package_is_refused(tmp_path: Path, divisions: DivisionList) -> None:
    with pytest.raises(ImportRefused, match="不是 Excel 工作簿"):
        read_hotel_sheet(docx_like_zip(tmp_path / "x.xlsx"), divisions)


def test_damaged_zip_is_refused(tmp_path: Path, divisions: DivisionList) -> None:
    path = write_xlsx(tmp_path / "h.xlsx", [CANONICAL, full_row()])
    path.write_bytes(path.read_bytes()[:300])
    with pytest.raises(ImportRefused, match="已损坏"):
        read_hotel_sheet(path, divisions)


def test_zip_bomb_is_refused_before_openpyxl_opens_it(
    tmp_path: Path, divisions: DivisionList, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = zip_bomb(tmp_path / "bomb.xlsx")

    def never(*_a: object, **_k: object) -> None:
        raise AssertionError("openpyxl must not open a zip bomb")

    monkeypatch.setattr(tabular, "load_workbook", never)
    with pytest.raises(ImportRefused, match="压缩炸弹"):
        read_hotel_sheet(path, divisions)


def test_too_large_when_inflated_is_refused(
    tmp_path: Path, divisions: DivisionList, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_xlsx(tmp_path / "h.xlsx", [CANONICAL, full_row()])
    monkeypatch.setattr(tabular, "MAX_TOTAL_UNCOMPRESSED", 1024)
    with pytest.raises(ImportRefused, match="解压后超过"):
        read_hotel_sheet(path, divisions)


@pytest.mark.parametrize("suffix", [".xls", ".et", ".xlsb"])
def test_old_and_foreign_formats_are_refused_with_save_as_advice(
    tmp_path: Path, divisions: DivisionList, suffix: str
) -> None:
    path = tmp_path / f"名单{suffix}"
    path.write_bytes(OLE_HEADER)
    with pytest.raises(ImportRefused, match=r"另存为“Excel 工作簿\(\*\.xlsx\)”"):
        read_hotel_sheet(path, divisions)


def test_unknown_extension_and_missing_file_are_refused(tmp_path: Path, divisions: DivisionList) -> None:
    other = tmp_path / "名单.pdf"
    other.write_bytes(b"%PDF-1.4")
    with pytest.raises(ImportRefused, match="不认识的文件类型「.pdf」"):
        read_hotel_sheet(other, divisions)
    with pytest.raises(ImportRefused, match="找不到文件"):
        read_hotel_sheet(tmp_path / "nothing.xlsx", divisions)


def test_empty_sheet_is_refused(tmp_path: Path, divisions: DivisionList) -> None:
    with pytest.raises(ImportRefused, match="表格是空的"):
        read_hotel_sheet(write_xlsx(tmp_path / "h.xlsx", []), divisions)
    with pytest.raises(ImportRefused, match="表格是空的"):
        read_hotel_sheet(write_csv(tmp_path / "h.csv", [[], [" "]]), divisions)


def test_header_only_sheet_gives_no_rows(tmp_path: Path, divisions: DivisionList) -> None:
    result = read_hotel_sheet(write_xlsx(tmp_path / "h.xlsx", [CANONICAL]), divisions)
    assert (result.rows, result.errors, result.total_data_rows) == ([], [], 0)


def test_too_many_rows_is_refused(tmp_path: Path, divisions: DivisionList) -> None:
    path = write_xlsx(tmp_path / "h.xlsx", [CANONICAL[:2]] + [[f"酒店{i}", "隆阳区"] for i in range(6)])
    assert len(read_hotel_sheet(path, divisions, max_rows=6).rows) == 6
    with pytest.raises(ImportRefused, match="数据行超过 5 行"):
        read_hotel_sheet(path, divisions, max_rows=5)


# --------------------------------------------------------------------------------------------------
# CSV


def test_gb18030_csv_from_excel_on_chinese_windows(tmp_path: Path, divisions: DivisionList) -> None:
    rows = [CANONICAL, full_row(星级="三星", 是否试点="是", 客房数="120", 电视数="125")]
    path = write_csv(tmp_path / "名单.csv", rows, encoding="gb18030")
    result = read_hotel_sheet(path, divisions)
    assert (result.source_format, result.encoding) == ("csv", "gb18030")
    assert result.rows == [expected(2)]


@pytest.mark.parametrize(
    ("encoding", "delimiter"), [("utf-8-sig", ","), ("utf-8", ";"), ("utf-8-sig", "\t"), ("utf-16", "\t")]
)
def test_csv_encodings_and_delimiters(
    tmp_path: Path, divisions: DivisionList, encoding: str, delimiter: str
) -> None:
    rows = [["保山市试点酒店"], CANONICAL, full_row(地址="保山市隆阳区正阳南路1号, 2栋")]
    path = write_csv(tmp_path / "名单.csv", rows, encoding=encoding, delimiter=delimiter)
    result = read_hotel_sheet(path, divisions)
    assert result.header_row == 2
    assert result.rows == [expected(3, address="保山市隆阳区正阳南路1号, 2栋")]


def test_csv_sep_hint_and_excel_text_wrappers(tmp_path: Path, divisions: DivisionList) -> None:
    path = tmp_path / "h.csv"
    path.write_text('sep=;\r\n酒店名称;所属县区;联系电话\r\n甲;隆阳区;="08752123456"\r\n', encoding="utf-8")
    result = read_hotel_sheet(path, divisions)
    assert result.header_row == 1  # Excel hides the sep= line
    assert [(r.row_number, r.contact_phone) for r in result.rows] == [(2, "0875-2123456")]


def test_xlsx_renamed_csv_is_refused(tmp_path: Path, divisions: DivisionList) -> None:
    path = write_xlsx(tmp_path / "h.xlsx", [CANONICAL, full_row()])
    renamed = path.rename(tmp_path / "h.csv")
    with pytest.raises(ImportRefused, match="扩展名改回 .xlsx"):
        read_hotel_sheet(renamed, divisions)


# --------------------------------------------------------------------------------------------------
# Round trip and size


def test_exported_sheet_reimports_unchanged(tmp_path: Path, divisions: DivisionList) -> None:
    rows = [
        CANONICAL,
        full_row(),
        full_row(
            酒店名称="=HYPERLINK(1)", 统一社会信用代码=None, 联系电话="+86 139 1234 5678", 是否试点="否"
        ),
        full_row(酒店名称="丙", 所属县区="腾冲县", 统一社会信用代码=CODE_C, 星级=None, 目标模式=None),
    ]
    source = tmp_path / "in.xlsx"
    write_table(source, rows[0], rows[1:])  # text, never a formula, even when it starts with "="
    first = read_hotel_sheet(source, divisions)
    assert first.errors == []
    for suffix in (".xlsx", ".csv"):
        out = tmp_path / f"out{suffix}"
        write_table(out, HOTEL_HEADERS, [hotel_row_cells(r, divisions) for r in first.rows])
        again = read_hotel_sheet(out, divisions)
        assert again.errors == []
        assert again.rows == [
            HotelRow(**{**vars(r), "present": frozenset(f.name for f in HOTEL_FIELDS)}) for r in first.rows
        ]


@pytest.mark.slow
def test_ten_thousand_rows(tmp_path: Path, divisions: DivisionList) -> None:
    rows = big_rows(10_050)
    path = write_xlsx(tmp_path / "big.xlsx", [["保山市试点酒店名单"], CANONICAL, *rows], write_only=True)
    use_shared_strings(path)  # as Excel saves it
    started = time.perf_counter()
    result = read_hotel_sheet(path, divisions)
    elapsed = time.perf_counter() - started
    assert result.errors == []
    assert len(result.rows) == result.total_data_rows == 10_050
    assert result.rows[-1].row_number == 10_052
    assert result.rows[-1].name == "测试酒店10049"
    assert elapsed < 20  # generous for slow CI; benchmarks/bench_sheet_read.py measures properly


def test_xml_scan_works_across_chunk_boundaries(
    tmp_path: Path, divisions: DivisionList, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = [["所属县区", "酒店名称", "客房数"]]
    rows += [["隆阳区" if i % 3 == 0 else None, f"酒店{i}", "=1+1" if i == 7 else i] for i in range(12)]
    path = write_xlsx(tmp_path / "h.xlsx", rows, merges=["A2:A4", "A5:A7", "A8:A10", "A11:A13"])
    monkeypatch.setattr(tabular, "_SCAN_CHUNK", 37)  # splits tags and cells everywhere
    result = read_hotel_sheet(path, divisions)
    assert [(r.row_number, r.division_code) for r in result.rows] == [
        (n, LONGYANG) for n in range(2, 14) if n != 9
    ]
    assert [(e.row_number, e.column, e.field) for e in result.errors] == [(9, "客房数", "rooms")]


def test_sheet_xml_damaged_half_way_is_refused(tmp_path: Path, divisions: DivisionList) -> None:
    path = write_xlsx(
        tmp_path / "h.xlsx",
        [CANONICAL, *[full_row(酒店名称=f"酒店{i}", 统一社会信用代码=None) for i in range(30)]],
    )
    rewrite_member(
        path, "xl/worksheets/sheet1.xml", lambda xml: xml[: xml.index(b'<row r="20"')] + b"<row r="
    )
    with pytest.raises(ImportRefused, match="工作表数据已损坏"):
        read_hotel_sheet(path, divisions)


# --- .xls and .ods ------------------------------------------------------------------------------------------
# tests/fixtures/sheets/pilot_hotels.xlsx (a merged title row, a header, a merged 所属县区 cell over two rows,
# a row with two bad cells) was saved as .xls ("MS Excel 97") and .ods by LibreOffice 7.4:
#   soffice --headless --convert-to xls pilot_hotels.xlsx; soffice --headless --convert-to ods pilot_hotels.xlsx

SHEETS = Path(__file__).resolve().parents[1] / "fixtures" / "sheets"


@pytest.mark.parametrize("suffix", [".xls", ".ods"])
def test_old_excel_and_ods_files_read_like_the_xlsx_they_were_saved_from(
    divisions: DivisionList, suffix: str
) -> None:
    want = read_hotel_sheet(SHEETS / "pilot_hotels.xlsx", divisions)
    got = read_hotel_sheet(SHEETS / f"pilot_hotels{suffix}", divisions)
    assert got.source_format == suffix[1:]
    assert got.header_row == want.header_row == 2
    assert got.rows == want.rows and len(got.rows) == 3
    assert [r.division_code for r in got.rows[:2]] == [LONGYANG, LONGYANG]  # the merged cell spans both
    assert got.errors == want.errors
    assert {(e.row_number, e.field) for e in got.errors} == {(5, "credit_code"), (5, "current_mode")}
    assert got.mapping == want.mapping


def test_an_old_excel_file_renamed_xlsx_is_read(tmp_path: Path, divisions: DivisionList) -> None:
    path = tmp_path / "名单.xlsx"
    path.write_bytes((SHEETS / "pilot_hotels.xls").read_bytes())
    result = read_hotel_sheet(path, divisions)
    assert len(result.rows) == 3 and result.source_format == "xls"


@pytest.mark.parametrize("suffix", [".xls", ".ods"])
def test_damaged_xls_and_ods_are_refused_with_the_reason(
    tmp_path: Path, divisions: DivisionList, suffix: str
) -> None:
    data = (SHEETS / f"pilot_hotels{suffix}").read_bytes()
    path = tmp_path / f"名单{suffix}"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(ImportRefused, match="已损坏"):
        read_hotel_sheet(path, divisions)


def test_an_ods_zip_bomb_and_other_zips_are_refused(tmp_path: Path, divisions: DivisionList) -> None:
    bomb = zip_bomb(tmp_path / "bomb.ods")
    with pytest.raises(ImportRefused, match="压缩炸弹"):
        read_hotel_sheet(bomb, divisions)
    with pytest.raises(ImportRefused, match="不是 ODS 表格"):
        read_hotel_sheet(docx_like_zip(tmp_path / "x.ods"), divisions)
    text = tmp_path / "y.ods"
    text.write_text("酒店名称,所属县区\n", encoding="utf-8")
    with pytest.raises(ImportRefused, match="不是 .ods 格式"):
        read_hotel_sheet(text, divisions)


def test_an_oversized_xls_is_refused_before_reading(
    tmp_path: Path, divisions: DivisionList, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tabular, "MAX_CALAMINE_BYTES", 1000)
    with pytest.raises(ImportRefused, match="文件过大"):
        read_hotel_sheet(SHEETS / "pilot_hotels.xls", divisions)


@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_a_package_whose_zip_version_is_damaged_is_refused(
    tmp_path: Path, divisions: DivisionList, suffix: str
) -> None:
    """One flipped byte in the zip's central directory ("version needed to extract": 24.1) made zipfile
    raise NotImplementedError, which the import let through as a crash (long sheet fuzz,
    test_flipped_bytes_in_a_workbook_are_refused_or_read)."""
    if suffix == ".xlsx":
        data = bytearray(write_xlsx(tmp_path / "source.xlsx", [CANONICAL, full_row()]).read_bytes())
    else:
        data = bytearray((SHEETS / "pilot_hotels.ods").read_bytes())
    entry = data.index(b"PK\x01\x02")  # the first central directory entry
    data[entry + 6 : entry + 8] = (241).to_bytes(2, "little")
    path = tmp_path / f"名单{suffix}"
    path.write_bytes(bytes(data))
    with pytest.raises(ImportRefused, match="已损坏") as refused:
        read_hotel_sheet(path, divisions)
    assert "zip file version 24.1" in str(refused.value)


def test_an_xls_that_makes_calamine_panic_is_refused(tmp_path: Path, divisions: DivisionList) -> None:
    """One flipped byte (position 1692 of the fixture, to 0x58) makes python-calamine's Rust code slice past
    its buffer. pyo3 raises that panic as PanicException, a BaseException the import let through as a
    crash (found by the long sheet fuzz, test_flipped_bytes_in_an_xls_or_ods_are_refused_or_read)."""
    data = bytearray((SHEETS / "pilot_hotels.xls").read_bytes())
    data[1692] = 0x58
    path = tmp_path / "名单.xls"
    path.write_bytes(bytes(data))
    with pytest.raises(ImportRefused, match="已损坏") as refused:
        read_hotel_sheet(path, divisions)
    assert "PanicException" in str(refused.value)
