"""The vectorised identity checks of a roster column agree with the identity module.

The roster reads a whole column at once; a value is accepted on the fast path only when
:mod:`jiuye.identity` would accept it unchanged, everything else goes through the module
itself. These tests compare the two on generated valid, near-valid and random values.
"""

from __future__ import annotations

from datetime import date

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from jiuye.identity import IdentifierError, parse_credit_code, parse_resident_id
from jiuye.identity.credit_code import AUTHORITIES, CHARSET, credit_code_check_char
from jiuye.registry.rosters.identifiers import (
    _fast_credit_codes,
    _fast_resident_ids,
    credit_codes,
    resident_ids,
)

TODAY = date(2019, 6, 30)
KINDS = [a + t for a, (_, types) in AUTHORITIES.items() for t in types]


def _module_credit(value: str) -> tuple[str | None, str | None]:
    try:
        return parse_credit_code(value).number, None
    except IdentifierError as exc:
        return None, exc.message_zh


def _module_resident(value: str) -> tuple[str | None, str | None]:
    try:
        return parse_resident_id(value, today=TODAY).number, None
    except IdentifierError as exc:
        return None, exc.message_zh


@st.composite
def credit_like(draw: st.DrawFn) -> str:
    """Mostly well-formed codes with the right check character, some broken on purpose."""
    kind = draw(st.sampled_from([*KINDS, "93", "1A", "Z1"]))
    region = draw(
        st.sampled_from(["220702", "220700", "100000", "990000", "2207X2", "000000", "110105"])
    )
    body = draw(st.text(alphabet=CHARSET + "IOa", min_size=9, max_size=9))
    first17 = kind + region + body
    try:
        check = credit_code_check_char(first17)
    except IdentifierError:
        check = "0"
    code = first17 + check
    tweak = draw(st.sampled_from(["none", "none", "check", "lower", "space", "short"]))
    if tweak == "check":
        code = code[:17] + draw(st.sampled_from(CHARSET))
    elif tweak == "lower":
        code = code.lower()
    elif tweak == "space":
        code = code[:6] + " " + code[6:]
    elif tweak == "short":
        code = code[:17]
    return code


@settings(max_examples=100, deadline=None)
@given(st.lists(credit_like(), min_size=1, max_size=20))
def test_credit_codes_of_a_column_are_what_the_module_says(values):
    frame = credit_codes(pl.Series(values, dtype=pl.String))
    for value, number, error in zip(values, frame["number"], frame["error"], strict=True):
        assert (number, error) == _module_credit(value), value


@settings(max_examples=100, deadline=None)
@given(st.lists(credit_like(), min_size=1, max_size=20))
def test_the_fast_path_takes_only_codes_the_module_accepts_unchanged(values):
    fast = _fast_credit_codes(pl.Series(values, dtype=pl.String)).to_list()
    for value, taken in zip(values, fast, strict=True):
        number, _ = _module_credit(value)
        assert taken == (number == value), value


def test_a_wrong_check_character_and_an_unknown_authority_are_refused():
    good = parse_credit_code("91350100M000100Y43").number
    frame = credit_codes(pl.Series([good, good[:17] + "4", "Z" + good[1:], None]))
    assert frame["number"].to_list() == [good, None, None, None]
    assert frame["error"][1] == "统一社会信用代码校验码不正确，请核对代码"
    assert frame["error"][2].startswith("统一社会信用代码")
    assert frame["error"][3] is None


@st.composite
def resident_like(draw: st.DrawFn) -> str:
    region = draw(
        st.sampled_from(["220702", "220721", "220700", "110105", "990101", "220781", "22070X"])
    )
    born = draw(st.dates(min_value=date(1890, 1, 1), max_value=date(2020, 12, 31)))
    sequence = draw(st.integers(0, 999))
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    check = draw(st.sampled_from("0123456789X"))
    value = first17 + check
    return draw(st.sampled_from([value, value.lower(), value[:17], value + "1"]))


@settings(max_examples=100, deadline=None)
@given(st.lists(resident_like(), min_size=1, max_size=20))
def test_identity_numbers_of_a_column_are_what_the_module_says(values):
    series = pl.Series(values, dtype=pl.String)
    frame = resident_ids(series, TODAY)
    fast = _fast_resident_ids(series, TODAY).to_list()
    for value, taken, number, error in zip(
        values, fast, frame["number"], frame["error"], strict=True
    ):
        assert (number, error) == _module_resident(value), value
        assert taken == (_module_resident(value)[0] == value), value
