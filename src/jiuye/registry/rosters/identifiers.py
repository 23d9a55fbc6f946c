"""Identity numbers of a whole column at once.

The vectorised path accepts only what :func:`jiuye.identity.parse_resident_id` would
accept unchanged (canonical ASCII form, right check character, real birth date, known
region); every other distinct value goes through the identity module itself, so the
messages and the canonical form are exactly the module's.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from jiuye.identity import (
    PROVINCES,
    SONGYUAN_ID_REGIONS,
    IdentifierError,
    parse_credit_code,
    parse_resident_id,
)
from jiuye.identity.credit_code import AUTHORITIES, CHARSET
from jiuye.identity.regions import NATIONAL_REGISTRATION_CODE, SONGYUAN_STATISTICAL_CODES

_WEIGHTS = [pow(2, 17 - i, 11) for i in range(17)]
_CHECK = "10X98765432"
_CODE_WEIGHTS = [pow(3, i, 31) for i in range(17)]
_CODE_VALUES = {ch: i for i, ch in enumerate(CHARSET)}
_CODE_KINDS = [a + t for a, (_, types) in AUTHORITIES.items() for t in types]


def _fast_resident_ids(values: pl.Series, today: date) -> pl.Series:
    """True where ``values`` is a canonical, valid identity number (vectorised)."""
    s = pl.col("v")
    total = pl.sum_horizontal(
        [s.str.slice(i, 1).cast(pl.Int32, strict=False) * w for i, w in enumerate(_WEIGHTS)]
    )
    check = pl.lit(pl.Series(list(_CHECK))).gather(total % 11)
    born = s.str.slice(6, 8).str.to_date("%Y%m%d", strict=False)
    region = s.str.slice(0, 6)
    songyuan = region.str.starts_with("2207")
    region_ok = (
        region.str.slice(0, 2).is_in(list(PROVINCES))
        & ~region.is_in(list(SONGYUAN_STATISTICAL_CODES))
        & pl.when(songyuan)
        .then(region.is_in(list(SONGYUAN_ID_REGIONS)))
        .otherwise(region.str.slice(4, 2) != "00")
    )
    ok = (
        s.str.contains(r"^[0-9]{17}[0-9X]$")
        & (s.str.slice(17, 1) == check)
        & born.is_not_null()
        & (born >= date(1900, 1, 1))
        & (born <= today)
        & region_ok
    )
    return pl.DataFrame({"v": values}).select(ok.fill_null(False))["v"]


def resident_ids(values: pl.Series, today: date) -> pl.DataFrame:
    """Columns ``number`` (canonical or null) and ``error`` (Chinese message or null)."""
    fast = _fast_resident_ids(values, today)
    slow = values.filter(~fast & values.is_not_null()).unique()
    fixed: dict[str, str] = {}
    errors: dict[str, str] = {}
    for raw in slow.to_list():
        try:
            fixed[raw] = parse_resident_id(raw, today=today).number
        except IdentifierError as exc:
            errors[raw] = exc.message_zh
    return _combine(values, fast, fixed, errors)


def _fast_credit_codes(values: pl.Series) -> pl.Series:
    """True where ``values`` is a canonical code :func:`parse_credit_code` accepts
    unchanged (vectorised: character set, check character, authority and type, region)."""
    s = pl.col("v")
    digits = [
        s.str.slice(i, 1).replace_strict(_CODE_VALUES, default=None, return_dtype=pl.Int32)
        for i in range(17)
    ]
    total = pl.sum_horizontal([d * w for d, w in zip(digits, _CODE_WEIGHTS, strict=True)])
    check = pl.lit(pl.Series(list(CHARSET))).gather((31 - total % 31) % 31)
    region = s.str.slice(2, 6)
    ok = (
        s.str.contains(f"^[{CHARSET}]{{18}}$")
        & (s.str.slice(17, 1) == check)
        & s.str.slice(0, 2).is_in(_CODE_KINDS)
        & region.str.contains(r"^[0-9]{6}$")
        & (region.str.slice(0, 2).is_in(list(PROVINCES)) | (region == NATIONAL_REGISTRATION_CODE))
    )
    return pl.DataFrame({"v": values}).select(ok.fill_null(False))["v"]


def credit_codes(values: pl.Series) -> pl.DataFrame:
    """Like :func:`resident_ids` for 统一社会信用代码."""
    fast = _fast_credit_codes(values)
    fixed: dict[str, str] = {}
    errors: dict[str, str] = {}
    for raw in values.filter(~fast & values.is_not_null()).unique().to_list():
        try:
            fixed[raw] = parse_credit_code(raw).number
        except IdentifierError as exc:
            errors[raw] = exc.message_zh
    return _combine(values, fast, fixed, errors)


def _combine(
    values: pl.Series, fast: pl.Series, fixed: dict[str, str], errors: dict[str, str]
) -> pl.DataFrame:
    frame = pl.DataFrame({"v": values, "fast": fast})
    return frame.select(
        number=pl.when("fast")
        .then("v")
        .otherwise(pl.col("v").replace_strict(fixed, default=None, return_dtype=pl.String)),
        error=pl.col("v").replace_strict(errors, default=None, return_dtype=pl.String),
    )
