"""统一社会信用代码 (GB 32100), regions, masking, age in full years, and the module doctests."""

from __future__ import annotations

import doctest
import importlib
import random
from datetime import date, timedelta

import pytest

from jiuye.identity import (
    AUTHORITIES,
    CreditCode,
    IdentifierError,
    age_on,
    credit_code_check_char,
    is_valid_credit_code,
    make_credit_code,
    mask_bank_account,
    mask_credit_code,
    mask_name,
    mask_resident_id,
    org_code_check_char,
    parse_credit_code,
    region_name,
    resident_id_check_char,
)
from jiuye.identity.credit_code import CHARSET


def _error_of(call: object, *args: object, **kwargs: object) -> IdentifierError:
    assert callable(call)
    with pytest.raises(IdentifierError) as caught:
        call(*args, **kwargs)
    return caught.value


# ------------------------------------------------------------ 统一社会信用代码


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "91350100M000100Y43",
            CreditCode("91350100M000100Y43", "9", "1", "350100", "M000100Y4", True),
        ),
        (
            "91110000600037341L",
            CreditCode("91110000600037341L", "9", "1", "110000", "600037341", True),
        ),
        (
            "92220702123456788E",
            CreditCode("92220702123456788E", "9", "2", "220702", "123456788", True),
        ),
    ],
)
def test_published_and_hand_computed_credit_codes_are_valid(text: str, expected: CreditCode):
    # given / when
    parsed = parse_credit_code(text)

    # then
    assert parsed == expected


def test_a_credit_code_tells_its_authority_and_organisation_type_in_chinese():
    # given / when
    parsed = parse_credit_code("93220781MA0XYB3K5B")

    # then
    assert (parsed.authority_name, parsed.org_type_name) == ("工商", "农民专业合作社")


def test_a_credit_code_in_lowercase_with_spaces_is_accepted():
    # given / when
    parsed = parse_credit_code(" 91350100m000100y43 ")

    # then
    assert parsed.number == "91350100M000100Y43"


def test_national_registration_region_100000_is_accepted():
    # given / when
    parsed = parse_credit_code("91100000600037341G")

    # then
    assert parsed.region_code == "100000"


def test_a_wrong_gb_11714_part_is_reported_but_not_refused():
    # given a code whose own check is right but whose organisation code ends 2, not 1
    text = "91110000600037342P"

    # when
    parsed = parse_credit_code(text)

    # then
    assert parsed.org_code_valid is False


@pytest.mark.parametrize(
    ("letter", "position"), [("I", 9), ("O", 10), ("Z", 11), ("S", 12), ("V", 13)]
)
def test_the_letters_i_o_z_s_v_are_never_part_of_a_credit_code(letter: str, position: int):
    # given
    text = "91350100M000100Y43"
    text = text[: position - 1] + letter + text[position:]

    # when
    err = _error_of(parse_credit_code, text)

    # then
    assert err.code == "uscc_charset"
    assert err.message_zh == (
        f"统一社会信用代码第{position}位含有不允许的字符“{letter}”（代码不使用字母I、O、Z、S、V）"
    )
    assert err.extra == {"position": position, "char": letter}


def test_punctuation_in_a_credit_code_is_a_charset_error_without_the_letter_hint():
    # given / when
    err = _error_of(parse_credit_code, "91350100-000100Y43")

    # then
    assert err.code == "uscc_charset"
    assert err.message_zh == "统一社会信用代码第9位含有不允许的字符“-”"


def test_a_wrong_credit_code_check_character_is_rejected():
    # given / when
    err = _error_of(parse_credit_code, "91350100M000100Y44")

    # then
    assert err.code == "uscc_checksum"
    assert err.message_zh == "统一社会信用代码校验码不正确，请核对代码"


@pytest.mark.parametrize(
    ("text", "length"), [("91350100M000100Y4", 17), ("91350100M000100Y433", 19)]
)
def test_a_credit_code_of_the_wrong_length_is_rejected(text: str, length: int):
    # given / when
    err = _error_of(parse_credit_code, text)

    # then
    assert err.code == "uscc_length"
    assert err.message_zh == f"统一社会信用代码应为18位，实际为{length}位"


def test_an_empty_credit_code_is_rejected():
    # given / when
    err = _error_of(parse_credit_code, "")

    # then
    assert (err.code, err.message_zh) == ("uscc_empty", "统一社会信用代码为空")


def test_an_unknown_registration_authority_is_rejected():
    # given a code with a right check character but authority B
    err = _error_of(parse_credit_code, "B1110000600037341J")

    # then
    assert err.code == "uscc_authority"
    assert err.message_zh == "统一社会信用代码登记管理部门代码“B”不存在"


def test_an_organisation_type_outside_its_authority_is_rejected():
    # given 工商 has types 1, 2 and 3 only
    err = _error_of(parse_credit_code, "94110000600037341B")

    # then
    assert err.code == "uscc_org_type"
    assert err.message_zh == "统一社会信用代码机构类别代码“4”不属于登记管理部门“工商”"


def test_a_credit_code_region_in_no_province_is_rejected():
    # given / when
    err = _error_of(parse_credit_code, "91990000600037341B")

    # then
    assert err.code == "uscc_region"
    assert err.message_zh == "统一社会信用代码第3至8位“990000”不是有效的登记管理机关行政区划码"


def test_is_valid_credit_code_answers_without_raising():
    # given / when / then
    assert is_valid_credit_code("91350100M000100Y43") is True
    assert is_valid_credit_code("91350100M000100Y44") is False


def test_make_credit_code_rebuilds_a_published_code():
    # given / when
    number = make_credit_code("9", "1", "350100", "M000100Y")

    # then
    assert number == "91350100M000100Y43"
    assert credit_code_check_char(number[:17]) == "3"


def test_make_credit_code_refuses_a_forbidden_letter_in_the_body():
    # given / when
    err = _error_of(make_credit_code, "9", "1", "220702", "MA0OXYB3")

    # then
    assert err.code == "uscc_charset"


def test_one_thousand_random_credit_codes_survive_make_then_parse():
    # given
    rng = random.Random(7)
    kinds = sorted((a, t) for a, (_, types) in AUTHORITIES.items() for t in types)
    regions = ["220700", "220702", "220721", "220722", "220723", "220781", "220000", "100000"]

    for _ in range(1000):
        authority, org_type = rng.choice(kinds)
        region = rng.choice(regions)
        body = "".join(rng.choice(CHARSET) for _ in range(8))

        # when
        parsed = parse_credit_code(make_credit_code(authority, org_type, region, body))

        # then
        assert (parsed.registration_authority, parsed.org_type, parsed.region_code) == (
            authority,
            org_type,
            region,
        )
        assert parsed.org_code[:8] == body
        assert parsed.org_code_valid is True


# ------------------------------------------------------------ regions


def test_region_names_cover_songyuan_and_provinces_only():
    # given / when / then
    assert region_name("220781") == "扶余市"
    assert region_name("220771") == "吉林松原经济开发区"
    assert region_name("810000") == "香港特别行政区"
    assert region_name("440305") is None


# ------------------------------------------------------------ masking


def test_a_resident_id_keeps_its_region_and_last_four():
    # given / when / then
    assert mask_resident_id("220702199001071234") == "220702********1234"
    assert mask_resident_id("11010519491231002x") == "110105********002X"


def test_a_value_too_short_to_mask_partially_is_masked_entirely():
    # given / when / then
    assert mask_resident_id("2207021234") == "**********"
    assert mask_bank_account("1234") == "****"
    assert mask_credit_code("") == ""


def test_a_credit_code_keeps_its_first_and_last_four():
    # given / when / then
    assert mask_credit_code("91350100M000100Y43") == "9135**********0Y43"


def test_a_bank_account_keeps_its_last_four_and_its_length():
    # given / when / then
    assert mask_bank_account("6222 0212 3456 7890 123") == "***************0123"


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张*"),
        ("张三丰", "张**"),
        ("欧阳娜娜", "欧阳**"),
        ("司马光", "司马*"),
        ("欧阳", "欧*"),
        ("巴特尔", "巴**"),
        ("买买提·艾力", "买**·**"),
        ("张", "*"),
        ("", ""),
    ],
)
def test_a_name_keeps_only_its_surname(name: str, masked: str):
    # given / when / then
    assert mask_name(name) == masked


# ------------------------------------------------------------ age


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(2002, 3, 10), date(2018, 3, 9), 15),  # the day before the 16th birthday
        (date(2002, 3, 10), date(2018, 3, 10), 16),  # the birthday
        (date(2002, 3, 10), date(2018, 3, 11), 16),
        (date(1958, 12, 31), date(2018, 12, 30), 59),
        (date(1958, 12, 31), date(2018, 12, 31), 60),
        (date(2000, 2, 29), date(2017, 2, 27), 16),
        (date(2000, 2, 29), date(2017, 2, 28), 17),  # common year: the month's last day
        (date(2000, 2, 29), date(2020, 2, 28), 19),  # leap year: the corresponding day exists
        (date(2000, 2, 29), date(2020, 2, 29), 20),
        (date(2000, 2, 29), date(2000, 2, 29), 0),
    ],
)
def test_age_goes_up_on_the_birthday_or_february_28_for_leap_day_births(
    born: date, on: date, age: int
):
    # given / when / then
    assert age_on(born, on) == age


def test_age_before_birth_is_an_error():
    # given
    born = date(2000, 1, 1)

    # when / then
    with pytest.raises(
        ValueError, match=r"^on \(1999-12-31\) is before birth_date \(2000-01-01\)$"
    ):
        age_on(born, born - timedelta(days=1))


# ------------------------------------------------------------ doctests


@pytest.mark.parametrize(
    "module",
    [
        "jiuye.identity",
        "jiuye.identity.errors",
        "jiuye.identity._text",
        "jiuye.identity.regions",
        "jiuye.identity.resident_id",
        "jiuye.identity.credit_code",
        "jiuye.identity.masking",
        "jiuye.identity.age",
    ],
)
def test_the_doctests_of_each_module_pass(module: str):
    # given
    imported = importlib.import_module(module)

    # when
    result = doctest.testmod(imported)

    # then
    assert result.failed == 0
    assert result.attempted > 0


def test_the_check_character_helpers_refuse_malformed_bodies_with_an_identifier_error():
    # given / when
    credit = _error_of(credit_code_check_char, "9135010")
    organisation = _error_of(org_code_check_char, "1234567-")
    resident = _error_of(resident_id_check_char, "2207021990010712X")

    # then
    assert (credit.code, organisation.code, resident.code) == (
        "uscc_charset",
        "uscc_charset",
        "id_charset",
    )
