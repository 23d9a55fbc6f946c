"""The batch path (Polars frames) decides exactly as the single-case path does.

Random cases are drawn from the package's fact schema, with dates clustered around the
boundaries the text creates (certificate windows, one year of operation, two years of
service, graduation years, leap days), and every rule of the entity is evaluated both
ways: status, amount in fen and the facts still missing must agree row by row.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from jiuye.rules import Condition, Fact, PolicyPackage
from jiuye.rules.facts import FactSpec
from jiuye.rules.periods import add_months

from policies.songyuan_2018 import package

PKG = package()
ENTITIES = ("person", "employer", "household", "organization", "region")
FIRST_AS_OF, LAST_AS_OF = date(2018, 4, 13), date(2021, 12, 31)
EARLIEST, LATEST = date(2015, 1, 1), date(2022, 12, 31)
# Days the text turns on: certificates from 2017-01-01, publication day, month ends and
# leap days that periods counted in months must handle.
ANCHORS = (
    date(2016, 12, 31),
    date(2017, 1, 1),
    date(2017, 4, 13),
    date(2018, 4, 13),
    date(2018, 5, 20),
    date(2019, 1, 31),
    date(2019, 2, 28),
    date(2019, 12, 31),
    date(2020, 1, 1),
    date(2020, 2, 29),
    date(2020, 8, 31),
)
# Months the rules count back from the as-of date: 12 (operation, certificates) and 24
# (grassroots service); 0 covers same-day and same-year comparisons.
SPANS = (0, 12, 24)
BOUNDARY_INTS = (0, 1, 2, 3, 4, 5, 9, 10, 11, 12, 35, 36, 50, 100, 173, 346, 352, 5000, 10000)
REGION_CODES = ("22", "2207")
STATUS = {"eligible": True, "ineligible": False, "undetermined": None}


def _specs(entity: str) -> list[FactSpec]:
    """Facts to generate: all but free-text codes, plus the key of the reference table."""
    return [
        s
        for s in PKG.facts.for_entity(entity)
        if s.type != "code" or s.name == "pooling_region_code"
    ]


def _clamp(day: date) -> date:
    return min(max(day, EARLIEST), LATEST)


# ---- Hypothesis strategies ---------------------------------------------------------------------


def _date_strategy(as_of: date) -> st.SearchStrategy[date]:
    near = st.integers(-2, 2).map(lambda k: timedelta(days=k))
    return st.one_of(
        st.dates(EARLIEST, LATEST),
        st.tuples(st.sampled_from(ANCHORS), near).map(lambda p: _clamp(p[0] + p[1])),
        st.tuples(st.sampled_from(SPANS), near).map(
            lambda p: _clamp(add_months(as_of, -p[0]) + p[1])
        ),
        st.integers(0, 800).map(lambda k: _clamp(as_of - timedelta(days=k))),
    )


#: Ages the working-age test turns on (16, the last year of 54 and of 59, and inside).
AGES = (15, 16, 30, 54, 55, 59, 60)


def _birth_strategy(as_of: date) -> st.SearchStrategy[date]:
    near = st.integers(-2, 2).map(lambda k: timedelta(days=k))
    return st.tuples(st.sampled_from(AGES), near).map(
        lambda p: add_months(as_of, -12 * p[0]) + p[1]
    )


def _value_strategy(spec: FactSpec, as_of: date) -> st.SearchStrategy[Any]:
    kind = spec.type
    if spec.name == "birth_date":
        return st.one_of(st.none(), _birth_strategy(as_of))
    if kind == "bool":
        inner: st.SearchStrategy[Any] = st.booleans()
    elif kind == "int":
        inner = st.one_of(st.sampled_from(BOUNDARY_INTS), st.integers(0, 1_000_000))
    elif kind == "money":
        inner = st.one_of(
            st.sampled_from((0, 1, 999_999_999, 1_000_000_000, 1_234_567)), st.integers(0, 10**10)
        )
    elif kind == "date":
        inner = _date_strategy(as_of)
    elif kind == "percent":
        inner = st.one_of(st.sampled_from((0, 345, 346, 347, 351, 352, 353)), st.integers(0, 2000))
    elif kind == "enum":
        inner = st.sampled_from(sorted(spec.choices))
    else:
        inner = st.sampled_from(REGION_CODES)
    return st.one_of(st.none(), inner)


@st.composite
def _batches(
    draw: Callable[[st.SearchStrategy[Any]], Any],
) -> tuple[str, date, list[dict[str, Any]]]:
    entity = draw(st.sampled_from(ENTITIES))
    as_of = draw(
        st.one_of(
            st.dates(FIRST_AS_OF, LAST_AS_OF),
            st.sampled_from(
                (
                    FIRST_AS_OF,
                    date(2018, 12, 31),
                    date(2019, 1, 1),
                    date(2019, 5, 20),
                    date(2020, 1, 31),
                    date(2020, 2, 29),
                    date(2021, 2, 28),
                )
            ),
        )
    )
    row = st.fixed_dictionaries({s.name: _value_strategy(s, as_of) for s in _specs(entity)})
    rows = draw(st.lists(row, min_size=1, max_size=6))
    return entity, as_of, rows


# ---- plain random generator (deterministic test) -----------------------------------------------


def _random_date(rng: random.Random, as_of: date) -> date:
    roll = rng.random()
    if roll < 0.25:
        return EARLIEST + timedelta(days=rng.randrange((LATEST - EARLIEST).days + 1))
    if roll < 0.5:
        return _clamp(as_of - timedelta(days=rng.randint(0, 800)))
    near = timedelta(days=rng.randint(-2, 2))
    if roll < 0.75:
        return _clamp(rng.choice(ANCHORS) + near)
    return _clamp(add_months(as_of, -rng.choice(SPANS)) + near)


def _random_row(rng: random.Random, entity: str, as_of: date) -> dict[str, Any]:
    # Rows differ in how much they leave unknown and how favourable their answers are,
    # so that every rule is met, failed and left open somewhere in the sample.
    p_none = rng.choice((0.0, 0.1, 0.3))
    p_true = rng.choice((0.5, 0.9))
    return {
        s.name: None if rng.random() < p_none else _random_value(rng, s, as_of, p_true)
        for s in _specs(entity)
    }


def _random_value(rng: random.Random, spec: FactSpec, as_of: date, p_true: float) -> Any:
    kind = spec.type
    if spec.name == "birth_date":
        return add_months(as_of, -12 * rng.choice(AGES)) + timedelta(days=rng.randint(-2, 2))
    if kind == "bool":
        return rng.random() < p_true
    if kind == "int":
        return rng.choice(BOUNDARY_INTS) if rng.random() < 0.6 else rng.randint(0, 1_000_000)
    if kind == "money":
        return rng.randint(0, 10**10)
    if kind == "date":
        return _random_date(rng, as_of)
    if kind == "percent":
        return rng.randint(0, 2000)
    if kind == "enum":
        return rng.choice(sorted(spec.choices))
    return rng.choice(REGION_CODES)


# ---- the two paths -----------------------------------------------------------------------------


def _single(entity: str, as_of: date, row: dict[str, Any]) -> dict[str, tuple[Any, ...]]:
    """Per rule: (status, amount in fen, missing facts), one case at a time."""
    specs = {s.name: s for s in _specs(entity)}
    facts = {name: specs[name].to_json(v) for name, v in row.items() if v is not None}
    case = PKG.parse_case({"entity": entity, "as_of": as_of.isoformat(), "facts": facts})
    return {r.rule: (STATUS[r.status], r.amount_fen, r.missing_facts) for r in PKG.evaluate(case)}


def _batch(
    entity: str, as_of: date, rows: list[dict[str, Any]]
) -> list[dict[str, tuple[Any, ...]]]:
    """Per row and rule: (status, amount in fen, missing facts), from one Polars frame."""
    specs = _specs(entity)
    frame = pl.DataFrame(
        {s.name: [row[s.name] for row in rows] for s in specs},
        schema={s.name: s.dtype for s in specs},
    )
    out = PKG.evaluate_frame(frame, entity=entity, as_of=as_of)
    rule_ids = [r.id for r in PKG.select_rules(None, entity)]
    return [
        {
            rid: (
                rec[rid],
                rec[f"{rid}__amount_fen"],
                PKG.decode_missing(rid, rec[f"{rid}__missing"]),
            )
            for rid in rule_ids
        }
        for rec in out.iter_rows(named=True)
    ]


@settings(max_examples=300, deadline=None)
@given(_batches())
def test_single_cases_and_frames_decide_alike(
    batch: tuple[str, date, list[dict[str, Any]]],
) -> None:
    # given
    entity, as_of, rows = batch

    # when
    singles = [_single(entity, as_of, row) for row in rows]
    one_row = _batch(entity, as_of, rows[:1])
    many_rows = _batch(entity, as_of, rows)

    # then
    assert one_row == singles[:1]
    assert many_rows == singles


def test_two_thousand_random_rows_decide_alike_singly_and_in_frames() -> None:
    # given
    rng = random.Random(11)
    dates = (FIRST_AS_OF, date(2019, 1, 1), date(2020, 2, 29), date(2021, 2, 28))
    mismatches: list[tuple[str, date, int, str]] = []
    seen: dict[str, set[bool | None]] = {}
    checked = 0

    for entity in ENTITIES:
        for as_of in dates:
            rows = [_random_row(rng, entity, as_of) for _ in range(100)]

            # when
            batch = _batch(entity, as_of, rows)
            singles = [_single(entity, as_of, row) for row in rows]

            # then (collected, so a failure lists every row that differs)
            for i, (b, s) in enumerate(zip(batch, singles, strict=True)):
                checked += 1
                mismatches.extend((entity, as_of, i, rid) for rid in s if b[rid] != s[rid])
                for rid, (status, _, _) in s.items():
                    seen.setdefault(rid, set()).add(status)

    assert checked == 2000
    assert mismatches == []
    # The sample reaches every outcome of every rule (the flexible-employment subsidy too,
    # now that it no longer waits for an unset period after graduation).
    short = {rid: statuses for rid, statuses in seen.items() if statuses != {True, False, None}}
    assert short == {}


# ---- a date per row, and rule versions -------------------------------------------------------


def _versioned_package() -> PolicyPackage:
    """The package with a second version of the start-up subsidy from 2020-01-01 that adds
    a condition (the founder is a registered unemployed person), for the parity tests."""
    from policies.songyuan_2018.facts import FACTS
    from policies.songyuan_2018.rules import RULES

    base = PKG.rules["startup_subsidy"]
    added = Condition(
        "registered_unemployed", "进行了失业登记", "二（三）", Fact("registered_unemployed")
    )
    amended = dataclasses.replace(base, conditions=(*base.conditions, added), since=VERSION_DAY)
    return PolicyPackage(
        name=PKG.name,
        title=PKG.title,
        in_force=PKG.in_force,
        facts=FACTS,
        rules=[*RULES, amended],
        parameters=PKG.parameters.values(),
        references=PKG.references.values(),
    )


VERSION_DAY = date(2020, 1, 1)
PKG_V = _versioned_package()


def _single_on(
    pkg: PolicyPackage, entity: str, as_of: date, row: dict[str, Any]
) -> dict[str, tuple[Any, ...]]:
    specs = {s.name: s for s in _specs(entity)}
    facts = {name: specs[name].to_json(v) for name, v in row.items() if v is not None}
    case = pkg.parse_case({"entity": entity, "as_of": as_of.isoformat(), "facts": facts})
    return {r.rule: (STATUS[r.status], r.amount_fen, r.missing_facts) for r in pkg.evaluate(case)}


def _batch_per_row(
    pkg: PolicyPackage, entity: str, days: list[date], rows: list[dict[str, Any]]
) -> list[dict[str, tuple[Any, ...]]]:
    specs = _specs(entity)
    frame = pl.DataFrame(
        {"applied": days, **{s.name: [row[s.name] for row in rows] for s in specs}},
        schema={"applied": pl.Date, **{s.name: s.dtype for s in specs}},
    )
    out = pkg.evaluate_frame(frame, entity=entity, as_of="applied")
    rule_ids = [r.id for r in pkg.select_rules(None, entity)]
    return [
        {
            rid: (
                rec[rid],
                rec[f"{rid}__amount_fen"],
                pkg.decode_missing(rid, rec[f"{rid}__missing"]),
            )
            for rid in rule_ids
        }
        for rec in out.iter_rows(named=True)
    ]


_DAYS = st.one_of(
    st.dates(FIRST_AS_OF, LAST_AS_OF),
    st.sampled_from(
        (
            FIRST_AS_OF,
            date(2018, 12, 31),
            date(2019, 1, 1),
            date(2019, 12, 31),
            VERSION_DAY,
            date(2020, 2, 29),
            date(2021, 2, 28),
        )
    ),
)


@st.composite
def _dated_batches(
    draw: Callable[[st.SearchStrategy[Any]], Any],
) -> tuple[str, list[date], list[dict[str, Any]]]:
    entity = draw(st.sampled_from(ENTITIES))
    days = draw(st.lists(_DAYS, min_size=1, max_size=6))
    rows = [
        draw(st.fixed_dictionaries({s.name: _value_strategy(s, day) for s in _specs(entity)}))
        for day in days
    ]
    return entity, days, rows


@settings(max_examples=200, deadline=None)
@given(_dated_batches(), st.booleans())
def test_a_date_per_row_decides_as_single_cases_on_each_date(
    batch: tuple[str, list[date], list[dict[str, Any]]],
    versioned: bool,
) -> None:
    # given
    entity, days, rows = batch
    pkg = PKG_V if versioned else PKG

    # when
    singles = [_single_on(pkg, entity, day, row) for day, row in zip(days, rows, strict=True)]
    frames = _batch_per_row(pkg, entity, days, rows)

    # then
    assert frames == singles


def test_a_thousand_random_rows_over_four_years_decide_alike_with_a_date_per_row() -> None:
    # given
    rng = random.Random(12)
    span = (LAST_AS_OF - FIRST_AS_OF).days
    mismatches: list[tuple[str, int, str]] = []
    for entity in ENTITIES:
        days = [FIRST_AS_OF + timedelta(days=rng.randrange(span + 1)) for _ in range(200)]
        rows = [_random_row(rng, entity, day) for day in days]

        # when
        frames = _batch_per_row(PKG_V, entity, days, rows)
        singles = [_single_on(PKG_V, entity, d, r) for d, r in zip(days, rows, strict=True)]

        # then
        mismatches.extend(
            (entity, i, rid)
            for i, (b, s) in enumerate(zip(frames, singles, strict=True))
            for rid in s
            if b[rid] != s[rid]
        )
    assert mismatches == []


def test_the_versioned_start_up_subsidy_changes_on_its_day_in_frames() -> None:
    # given: a founder meeting the first version but not registered as unemployed
    facts = {
        "is_college_graduate": True,
        "is_first_business": True,
        "business_kind": "individual_business",
        "business_license_date": date(2018, 5, 1),
        "business_operating_since": date(2018, 5, 1),
        "business_operating_normally": True,
        "has_social_insurance": True,
        "registered_unemployed": False,
        "received_startup_subsidy": False,
    }
    days = [date(2019, 12, 31), VERSION_DAY]
    frame = pl.DataFrame([{**facts, "applied": d} for d in days])

    # when
    out = PKG_V.evaluate_frame(
        frame, entity="person", as_of="applied", rule_ids=["startup_subsidy"], with_missing=False
    )
    singles = [_single_on(PKG_V, "person", d, facts)["startup_subsidy"][0] for d in days]

    # then
    assert out.columns == ["startup_subsidy", "startup_subsidy__amount_fen"]
    assert out["startup_subsidy"].to_list() == singles == [True, False]
