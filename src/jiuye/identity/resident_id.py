"""居民身份证号码 — citizen identity number, GB 11643-1999.

Layout of the 18 characters: 6-digit region code (GB/T 2260) of the issuing
place, 8-digit birth date ``YYYYMMDD``, 3-digit sequence (odd last digit for
men, even for women), and one check character computed with ISO 7064
MOD 11-2 over the first 17 digits (``X`` stands for 10).

Region rule: the first two digits must be a GB/T 2260 province-level code.
Under Songyuan (2207) the full 6-digit code must be one we know
(:data:`~jiuye.identity.regions.SONGYUAN_ID_REGIONS`, including the
historical 220724 扶余县); elsewhere only the province and a county part
other than ``00`` are checked, since we do not ship the national table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final, Literal

from jiuye.identity._text import compact
from jiuye.identity.errors import IdentifierError
from jiuye.identity.regions import (
    PROVINCES,
    SONGYUAN_ID_REGIONS,
    SONGYUAN_STATISTICAL_CODES,
    is_songyuan_region,
)

Sex = Literal["male", "female"]

EARLIEST_BIRTH_DATE: Final = date(1900, 1, 1)
_SEX_ZH: Final = {"male": "男", "female": "女"}

# ISO 7064 MOD 11-2: weight of position i (1-based from the left) is
# 2^(18 - i) mod 11; the check value (12 - sum mod 11) mod 11 maps to this table.
_WEIGHTS: Final = tuple(pow(2, 17 - i, 11) for i in range(17))
_CHECK_CHARS: Final = "10X98765432"  # indexed by sum mod 11


@dataclass(frozen=True, slots=True)
class ResidentId:
    """A parsed, valid identity number.

    ``number`` is the canonical form (18 characters, upper-case ``X``).
    ``sequence`` is the 3-digit 顺序码 (characters 15–17).
    """

    number: str
    region_code: str
    birth_date: date
    sex: Sex
    sequence: str


def _error(code: str, zh: str, en: str, **extra: object) -> IdentifierError:
    return IdentifierError(code, f"居民身份证号码{zh}", f"Resident ID number {en}", extra)


def resident_id_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits.

    The standard's own example (GB 11643-1999, appendix A):

    >>> resident_id_check_char("11010519491231002")
    'X'
    >>> try:
    ...     resident_id_check_char("1101051949123100")
    ... except IdentifierError as err:
    ...     print(err.code, err.message_zh)
    id_charset 居民身份证号码本体码应为17位数字
    """
    if len(first17) != 17 or not (first17.isascii() and first17.isdigit()):
        raise _error("id_charset", "本体码应为17位数字", "body must be 17 digits")
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def _check_region(region: str) -> None:
    if region[:2] not in PROVINCES:
        raise _error(
            "id_region",
            f"前两位“{region[:2]}”不是有效的省级行政区划代码",
            f"starts with {region[:2]!r}, not a GB/T 2260 province code",
            province=region[:2],
        )
    if region in SONGYUAN_STATISTICAL_CODES:
        raise _error(
            "id_region",
            f"地址码{region}（{SONGYUAN_STATISTICAL_CODES[region]}）是统计专用代码，"
            "不用于身份证号码，请核对号码",
            f"region {region} is a statistics-only code never used in ID numbers",
            region=region,
        )
    if is_songyuan_region(region):
        if region not in SONGYUAN_ID_REGIONS:
            raise _error(
                "id_region",
                f"地址码{region}不是松原市现行或历史上的县级行政区划代码",
                f"region {region} is not a current or historical Songyuan county code",
                region=region,
            )
        return
    if region[4:] == "00":
        raise _error(
            "id_region",
            f"地址码{region}的县级部分不能为“00”",
            f"region {region} has no county part",
            region=region,
        )


def _check_birth_date(digits: str, today: date | None) -> date:
    try:
        born = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
    except ValueError:
        raise _error(
            "id_birth_date",
            f"出生日期码{digits}不是真实日期",
            f"birth date {digits} is not a calendar date",
        ) from None
    if born < EARLIEST_BIRTH_DATE:
        raise _error(
            "id_birth_too_early",
            "出生日期早于1900年1月1日",
            "birth date is before 1900-01-01",
        )
    if today is not None and born > today:
        raise _error(
            "id_birth_future",
            f"出生日期晚于{today.isoformat()}",
            f"birth date is after {today.isoformat()}",
        )
    return born


def parse_resident_id(text: str, *, today: date | None = None) -> ResidentId:
    """Validate an identity number and split it into its parts.

    Whitespace anywhere and full-width characters are tolerated and a
    lower-case ``x`` is accepted. Checks, in order: length (15-digit legacy
    numbers are refused: they must be upgraded to 18), characters, check
    character, birth date (a real date, not before 1900-01-01, not after
    ``today`` when given), region (see the module docstring).

    >>> rid = parse_resident_id("11010519491231002x")
    >>> rid.number, rid.region_code, rid.birth_date, rid.sex, rid.sequence
    ('11010519491231002X', '110105', datetime.date(1949, 12, 31), 'female', '002')
    >>> try:
    ...     parse_resident_id("11010519491231002X", today=date(1949, 12, 30))
    ... except IdentifierError as err:
    ...     print(err.code, err.message_zh)
    id_birth_future 居民身份证号码出生日期晚于1949-12-30
    """
    number = compact(text)
    if not number:
        raise _error("id_empty", "为空", "is empty")
    if len(number) == 15 and number.isascii() and number.isdigit():
        raise _error(
            "id_legacy_15",
            "为15位旧号码，请升位为18位后再录入",
            "is a legacy 15-digit number; upgrade it to 18 digits",
        )
    if len(number) != 18:
        raise _error(
            "id_length",
            f"应为18位，实际为{len(number)}位",
            f"must be 18 characters, got {len(number)}",
            length=len(number),
        )
    body, check = number[:17], number[17]
    if not (body.isascii() and body.isdigit()) or check not in "0123456789X":
        raise _error(
            "id_charset",
            "只能由数字组成，最后一位可以是X",
            "must be digits, with X allowed only as the last character",
        )
    if resident_id_check_char(body) != check:
        raise _error("id_checksum", "校验码不正确，请核对号码", "has a wrong check character")
    born = _check_birth_date(number[6:14], today)
    _check_region(number[:6])
    return ResidentId(
        number=number,
        region_code=number[:6],
        birth_date=born,
        sex="male" if int(number[16]) % 2 == 1 else "female",
        sequence=number[14:17],
    )


def is_valid_resident_id(text: str, *, today: date | None = None) -> bool:
    """True when :func:`parse_resident_id` accepts ``text``.

    >>> is_valid_resident_id("110105194912310021")
    False
    """
    try:
        parse_resident_id(text, today=today)
    except IdentifierError:
        return False
    return True


def make_resident_id(region_code: str, birth_date: date, sequence: int, sex: Sex) -> str:
    """Build a valid identity number, for synthetic data and tests.

    ``sequence`` is the 3-digit 顺序码 as an integer 0–999; its last digit
    must be odd for ``"male"`` and even for ``"female"`` (GB 11643 §5.3).
    The result is run through :func:`parse_resident_id`, so the region and
    date rules hold for everything this function returns.

    >>> make_resident_id("220702", date(1990, 1, 7), 123, "male")
    '220702199001071234'
    >>> try:
    ...     make_resident_id("220702", date(1990, 1, 7), 123, "female")
    ... except IdentifierError as err:
    ...     print(err.code, err.message_zh)
    id_sequence_sex 居民身份证号码顺序码123的末位与性别“女”不符
    """
    if len(region_code) != 6 or not (region_code.isascii() and region_code.isdigit()):
        raise _error("id_region", "地址码应为6位数字", "region code must be 6 digits")
    if not 0 <= sequence <= 999:
        raise _error("id_sequence", "顺序码应为000至999", "sequence must be 0-999")
    if (sequence % 2 == 1) != (sex == "male"):
        raise _error(
            "id_sequence_sex",
            f"顺序码{sequence:03d}的末位与性别“{_SEX_ZH[sex]}”不符",
            f"sequence {sequence:03d} does not match sex {sex}",
        )
    body = f"{region_code}{birth_date:%Y%m%d}{sequence:03d}"
    number = body + resident_id_check_char(body)
    parse_resident_id(number)
    return number
