"""Tests of jiuye.identity: 居民身份证号码, 统一社会信用代码, masking, age.

Valid numbers here are the standards' own examples or were computed by hand
with the published algorithms (GB 11643-1999 ISO 7064 MOD 11-2, GB 32100-2015
weights 3^i mod 31, GB 11714-1997 weights 3 7 9 10 5 8 4 2).
"""

from __future__ import annotations

import pickle
import random
from datetime import date

import pytest

from jiuye.identity import (
    AUTHORITIES,
    PROVINCES,
    SONGYUAN_ID_REGIONS,
    IdentifierError,
    ResidentId,
    is_valid_resident_id,
    make_credit_code,
    make_resident_id,
    mask_resident_id,
    parse_credit_code,
    parse_resident_id,
    resident_id_check_char,
)
from jiuye.identity.credit_code import CHARSET

try:
    from hypothesis import given
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - hypothesis is a test extra
    given = None


def _error_of(call: object, *args: object, **kwargs: object) -> IdentifierError:
    assert callable(call)
    with pytest.raises(IdentifierError) as caught:
        call(*args, **kwargs)
    return caught.value


# ------------------------------------------------------------ 居民身份证号码


def test_the_standards_own_example_is_valid_and_splits_into_its_parts():
    # given the example number printed in GB 11643-1999
    text = "11010519491231002X"

    # when
    parsed = parse_resident_id(text)

    # then
    assert parsed == ResidentId(
        number="11010519491231002X",
        region_code="110105",
        birth_date=date(1949, 12, 31),
        sex="female",
        sequence="002",
    )


def test_the_check_character_of_the_standards_example_is_x():
    # given / when / then
    assert resident_id_check_char("11010519491231002") == "X"


def test_a_lowercase_x_is_accepted_and_stored_uppercase():
    # given / when
    parsed = parse_resident_id("11010519491231002x")

    # then
    assert parsed.number == "11010519491231002X"


def test_spaces_and_full_width_digits_are_removed():
    # given a number as typed with a Chinese input method
    text = " 220702 19900107 1234 \u3000"
    full_width = "２２０７０２１９９００１０７１２３４"

    # when / then
    assert parse_resident_id(text).number == "220702199001071234"
    assert parse_resident_id(full_width).number == "220702199001071234"


def test_an_odd_seventeenth_digit_means_male():
    # given / when
    parsed = parse_resident_id("220702199001071234")

    # then
    assert (parsed.sex, parsed.sequence, parsed.region_code) == ("male", "123", "220702")


@pytest.mark.parametrize(
    "number",
    [
        "220701198506150025",  # 市辖区
        "220724198002290010",  # 扶余县, before it became 扶余市 in 2013; 1980 is a leap year
        "220781200002290018",  # 扶余市
    ],
)
def test_current_and_historical_songyuan_codes_are_accepted(number: str):
    # given / when
    parsed = parse_resident_id(number)

    # then
    assert parsed.number == number
    assert parsed.region_code in SONGYUAN_ID_REGIONS


def test_the_statistics_only_development_zone_code_220771_is_rejected():
    # given a number whose checksum and date are right but whose region is 220771
    number = "220771199001011234"

    # when
    err = _error_of(parse_resident_id, number)

    # then
    assert err.code == "id_region"
    assert err.message_zh == (
        "居民身份证号码地址码220771（吉林松原经济开发区）是统计专用代码，"
        "不用于身份证号码，请核对号码"
    )


def test_an_unknown_songyuan_county_code_is_rejected():
    # given / when
    err = _error_of(parse_resident_id, "220799199001011230")

    # then
    assert err.code == "id_region"
    assert err.message_zh == "居民身份证号码地址码220799不是松原市现行或历史上的县级行政区划代码"


def test_an_unknown_province_99_is_rejected():
    # given / when
    err = _error_of(parse_resident_id, "990105194912310023")

    # then
    assert err.code == "id_region"
    assert err.message_zh == "居民身份证号码前两位“99”不是有效的省级行政区划代码"
    assert err.extra == {"province": "99"}


def test_outside_songyuan_a_county_part_00_is_rejected():
    # given / when
    err = _error_of(parse_resident_id, "110100194912310028")

    # then
    assert err.code == "id_region"
    assert err.message_zh == "居民身份证号码地址码110100的县级部分不能为“00”"


def test_a_15_digit_legacy_number_must_be_upgraded():
    # given / when
    err = _error_of(parse_resident_id, "220702900107123")

    # then
    assert err.code == "id_legacy_15"
    assert err.message_zh == "居民身份证号码为15位旧号码，请升位为18位后再录入"


def test_a_17_character_number_has_the_wrong_length():
    # given / when
    err = _error_of(parse_resident_id, "22070219900107123")

    # then
    assert err.code == "id_length"
    assert err.message_zh == "居民身份证号码应为18位，实际为17位"
    assert err.extra == {"length": 17}


def test_an_empty_cell_is_an_empty_number():
    # given / when
    err = _error_of(parse_resident_id, "  ")

    # then
    assert (err.code, err.message_zh) == ("id_empty", "居民身份证号码为空")


@pytest.mark.parametrize("number", ["2207021990010X1234", "22070219900107123Y"])
def test_letters_other_than_a_final_x_are_rejected(number: str):
    # given / when
    err = _error_of(parse_resident_id, number)

    # then
    assert err.code == "id_charset"
    assert err.message_zh == "居民身份证号码只能由数字组成，最后一位可以是X"


def test_a_wrong_check_digit_is_rejected():
    # given the standard's example with 0 instead of X
    number = "110105194912310020"

    # when
    err = _error_of(parse_resident_id, number)

    # then
    assert err.code == "id_checksum"
    assert err.message_zh == "居民身份证号码校验码不正确，请核对号码"
    assert str(err) == (
        "居民身份证号码校验码不正确，请核对号码 / Resident ID number has a wrong check character"
    )


def test_february_30_is_not_a_birth_date():
    # given a number with a right checksum and birth date 1990-02-30
    number = "220702199002301230"

    # when
    err = _error_of(parse_resident_id, number)

    # then
    assert err.code == "id_birth_date"
    assert err.message_zh == "居民身份证号码出生日期码19900230不是真实日期"


def test_a_birth_date_after_today_is_rejected():
    # given a number born 2018-05-01 checked on 2018-04-30
    number = "22070220180501004X"

    # when
    err = _error_of(parse_resident_id, number, today=date(2018, 4, 30))

    # then
    assert err.code == "id_birth_future"
    assert err.message_zh == "居民身份证号码出生日期晚于2018-04-30"


def test_a_birth_date_equal_to_today_is_accepted():
    # given / when
    parsed = parse_resident_id("22070220180501004X", today=date(2018, 5, 1))

    # then
    assert parsed.birth_date == date(2018, 5, 1)


def test_a_birth_date_before_1900_is_rejected():
    # given / when
    err = _error_of(parse_resident_id, "220702189912311236")

    # then
    assert err.code == "id_birth_too_early"
    assert err.message_zh == "居民身份证号码出生日期早于1900年1月1日"


def test_is_valid_resident_id_answers_without_raising():
    # given / when / then
    assert is_valid_resident_id("11010519491231002X") is True
    assert is_valid_resident_id("110105194912310020") is False
    assert is_valid_resident_id("22070220180501004X", today=date(2018, 4, 30)) is False


def test_make_resident_id_builds_the_hand_computed_number():
    # given / when
    number = make_resident_id("110105", date(1949, 12, 31), 2, "female")

    # then
    assert number == "11010519491231002X"


def test_make_resident_id_refuses_a_sequence_that_contradicts_the_sex():
    # given / when
    err = _error_of(make_resident_id, "220702", date(1990, 1, 7), 124, "male")

    # then
    assert err.code == "id_sequence_sex"
    assert err.message_zh == "居民身份证号码顺序码124的末位与性别“男”不符"


def test_make_resident_id_refuses_a_sequence_outside_three_digits():
    # given / when
    err = _error_of(make_resident_id, "220702", date(1990, 1, 7), 1001, "male")

    # then
    assert (err.code, err.message_zh) == ("id_sequence", "居民身份证号码顺序码应为000至999")


@pytest.mark.parametrize("region", ["220771", "2207", "990101"])
def test_make_resident_id_refuses_a_region_parse_would_refuse(region: str):
    # given / when
    err = _error_of(make_resident_id, region, date(1990, 1, 7), 123, "male")

    # then
    assert err.code == "id_region"


def test_one_thousand_random_resident_ids_survive_make_then_parse():
    # given
    rng = random.Random(7)
    regions = [*SONGYUAN_ID_REGIONS, "220102", "110105", "440305", "820001"]
    first, last = date(1900, 1, 1).toordinal(), date(2018, 12, 31).toordinal()

    for _ in range(1000):
        region = rng.choice(regions)
        born = date.fromordinal(rng.randint(first, last))
        sequence = rng.randint(0, 999)
        sex = "male" if sequence % 2 else "female"

        # when
        parsed = parse_resident_id(make_resident_id(region, born, sequence, sex))

        # then
        assert (parsed.region_code, parsed.birth_date, parsed.sequence, parsed.sex) == (
            region,
            born,
            f"{sequence:03d}",
            sex,
        )


if given is not None:

    @given(
        region=st.sampled_from(sorted(SONGYUAN_ID_REGIONS)),
        born=st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31)),
        sequence=st.integers(min_value=0, max_value=999),
    )
    def test_every_made_resident_id_parses_back_to_its_parts(
        region: str, born: date, sequence: int
    ):
        # given
        sex = "male" if sequence % 2 else "female"

        # when
        number = make_resident_id(region, born, sequence, sex)
        parsed = parse_resident_id(number)

        # then
        assert parsed == ResidentId(number, region, born, sex, f"{sequence:03d}")
        assert mask_resident_id(number) == f"{region}********{number[14:]}"

    @given(
        key=st.sampled_from(sorted((a, t) for a, (_, ts) in AUTHORITIES.items() for t in ts)),
        province=st.sampled_from(sorted(PROVINCES)),
        body=st.text(alphabet=CHARSET, min_size=8, max_size=8),
    )
    def test_every_made_credit_code_parses_back_to_its_parts(
        key: tuple[str, str], province: str, body: str
    ):
        # given
        authority, org_type = key

        # when
        parsed = parse_credit_code(make_credit_code(authority, org_type, f"{province}0100", body))

        # then
        assert (parsed.registration_authority, parsed.org_type) == key
        assert parsed.region_code == f"{province}0100"
        assert parsed.org_code[:8] == body
        assert parsed.org_code_valid is True


# ------------------------------------------------------------ errors


def test_an_error_reads_chinese_then_english_and_has_the_api_shape():
    # given
    err = _error_of(parse_resident_id, "22070219900107123")

    # when
    shape = err.as_dict()

    # then
    assert (
        str(err)
        == "居民身份证号码应为18位，实际为17位 / Resident ID number must be 18 characters, got 17"
    )
    assert shape == {
        "code": "id_length",
        "message": "居民身份证号码应为18位，实际为17位",
        "extra": {"length": 17},
    }
    assert isinstance(err, ValueError)


def test_an_error_survives_pickling_for_batch_workers():
    # given
    err = _error_of(parse_credit_code, "91350100M000100Y44")

    # when
    copy = pickle.loads(pickle.dumps(err))  # noqa: S301 - our own object

    # then
    assert (copy.code, copy.message_zh, copy.message_en, str(copy)) == (
        err.code,
        err.message_zh,
        err.message_en,
        str(err),
    )
