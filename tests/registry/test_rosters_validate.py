from __future__ import annotations

import polars as pl
import pytest

from jiuye.registry.rosters import specs
from jiuye.registry.rosters.container import SheetScan
from jiuye.registry.rosters.validate import validate
from tests.registry.factories import PersonFactory
from tests.registry.rosterkit import CODE_A, ID_A, ID_B, TODAY, person_row


def _people(rows: list[list[object]], prefix: str | None = None):
    raw = pl.DataFrame(
        [[None if v is None else str(v) for v in r] for r in rows],
        schema=specs.PERSON.headers,
        orient="row",
    )
    return validate(raw, specs.PERSON, SheetScan(first_row=1, first_cell="A1"), TODAY, prefix)


def _messages(result) -> list[tuple[int, str, str]]:
    return [tuple(r) for r in result.errors.rows()]


def test_a_valid_row_becomes_database_values(divisions):
    # given
    row = person_row(
        **{
            "户籍类型": "城镇户籍",
            "毕业日期": "2012-07-01 00:00:00",
            "残疾人（持证）": "否",
            "累计缴纳失业保险费月数": "36",
        }
    )
    # when
    result = _people([row])
    # then
    assert _messages(result) == []
    clean = result.clean.row(0, named=True)
    assert (clean["resident_id"], clean["sex"], str(clean["birth_date"])) == (
        ID_A,
        "male",
        "1990-01-07",
    )
    assert (
        clean["hukou_type"],
        str(clean["graduation_date"]),
        clean["is_disabled"],
        clean["ui_contribution_months"],
    ) == ("urban", "2012-07-01", False, 36)
    assert clean["division_id"] == divisions["220702001"].pk


def test_wrong_check_digit_is_reported_with_the_identity_message(divisions):
    # when
    result = _people([person_row(ID_A[:17] + ("0" if ID_A[17] != "0" else "1"))])
    # then
    assert _messages(result) == [(2, "居民身份证号码", "居民身份证号码校验码不正确，请核对号码")]
    assert result.clean.height == 0


def test_lower_case_x_and_blanks_are_accepted_in_canonical_form(divisions):
    # given
    number = "11010519491231002X"
    # when
    result = _people([person_row(" " + number.lower()[:6] + " " + number.lower()[6:])])
    # then
    assert _messages(result) == []
    assert result.clean["resident_id"].to_list() == [number]


def test_impossible_date_and_bad_format_are_told_apart(divisions):
    # when
    result = _people(
        [person_row(ID_A, **{"毕业日期": "2018-02-30"}), person_row(ID_B, **{"毕业日期": "去年"})]
    )
    # then
    assert _messages(result) == [
        (2, "毕业日期", "日期不存在（如2月30日）"),
        (3, "毕业日期", "日期格式应为 YYYY-MM-DD"),
    ]


def test_duplicate_ids_inside_one_file_reject_every_copy(divisions):
    # when
    result = _people([person_row(ID_A), person_row(ID_B), person_row(ID_A, "张三丰")])
    # then
    message = "文件内重复：与第2行的记录相同（共2行），请只保留一行"
    assert _messages(result) == [(2, "居民身份证号码", message), (4, "居民身份证号码", message)]
    assert result.clean["resident_id"].to_list() == [ID_B]


@pytest.mark.parametrize(
    ("header", "value", "message"),
    [
        ("姓名", None, "必填项为空"),
        ("户籍所在地", "999999", "行政区划代码不存在"),
        ("户籍类型", "城里", "应为以下之一：城镇户籍、农村户籍"),
        ("退役军人", "也许", "应填“是”或“否”"),
        ("累计缴纳失业保险费月数", "3.5", "应为整数"),
        ("累计缴纳失业保险费月数", "601", "应在0–600之间"),
    ],
)
def test_each_cell_check_names_the_column(divisions, header, value, message):
    # when
    result = _people([person_row(**{header: value})])
    # then
    assert _messages(result) == [(2, header, message)]


def test_rows_outside_the_jurisdiction_are_refused_and_people_elsewhere_are_routed(divisions):
    # given a person registered in another county
    PersonFactory(resident_id=ID_B, division=divisions["220721100"])
    # when
    result = _people([person_row(ID_A, division="220721100"), person_row(ID_B)], prefix="220702")
    # then the row naming another county is refused; the row about the person registered
    # there reads like a new person's (no oracle) and is marked to be routed
    assert _messages(result) == [(2, "户籍所在地", "不在您的管辖范围内")]
    assert result.clean.select("_row", "_refer").rows() == [(3, True)]


def test_blank_rows_and_example_rows_are_skipped(divisions):
    # when
    result = _people(
        [person_row("【示例】" + ID_A), [None] * len(specs.PERSON.headers), person_row(ID_B)]
    )
    # then
    assert _messages(result) == []
    assert result.clean["_row"].to_list() == [4]


def test_references_must_be_registered_people_and_employers(divisions):
    # given
    raw = pl.DataFrame(
        [[ID_A, "单位就业", "2018-03-01", "2018-01-01", CODE_A, None, None]],
        schema=specs.EMPLOYMENT.headers,
        orient="row",
    )
    # when
    result = validate(raw, specs.EMPLOYMENT, SheetScan(first_row=1, first_cell="A1"), TODAY)
    # then
    assert [tuple(r) for r in result.errors.rows()] == [
        (2, "居民身份证号码", "该人员尚未登记，请先导入人员花名册"),
        (2, "结束日期", "结束日期早于开始日期"),
        (2, "用人单位统一社会信用代码", "该单位尚未登记，请先导入用人单位花名册"),
    ]


def test_money_in_yuan_becomes_fen(divisions):
    # given
    from tests.registry.factories import EmployerFactory

    EmployerFactory(credit_code=CODE_A)
    raw = pl.DataFrame(
        [[CODE_A, "2018", "是", "12345.6", "1.234", None]],
        schema=specs.UNEMPLOYMENT_INSURANCE.headers,
        orient="row",
    )
    # when
    result = validate(
        raw, specs.UNEMPLOYMENT_INSURANCE, SheetScan(first_row=1, first_cell="A1"), TODAY
    )
    # then
    assert [tuple(r) for r in result.errors.rows()] == [
        (2, "欠缴失业保险费（元）", "金额应为非负数，单位元，最多两位小数")
    ]


def test_a_division_code_abolished_by_the_upload_day_is_refused(divisions):
    # given: 团结街道 abolished on TODAY (the first list without it), 宁江区 abolished later
    import datetime as dt

    divisions["220702001"].valid_to = TODAY
    divisions["220702001"].save()
    divisions["220721100"].valid_to = TODAY + dt.timedelta(days=1)
    divisions["220721100"].save()
    # when
    result = _people([person_row(ID_A), person_row(ID_B, division="220721100")])
    # then: on the day it is gone it is refused; the day before its end it still holds
    assert _messages(result) == [
        (2, "户籍所在地", f"该区划代码已于{TODAY:%Y年%m月%d日}前撤销，请填写现行代码")
    ]
    assert result.clean.height == 1
