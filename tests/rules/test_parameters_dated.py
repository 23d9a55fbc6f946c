"""Dated parameters: a value added from a date changes results from that date only."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
import pytest
import yaml

from jiuye.rules.money import fen_to_yuan

from policies.songyuan_2018 import HERE, load_package, package

T, F, U = True, False, None
AS_OF = date(2019, 6, 1)
PAIRS = [(a, b) for a in (T, F, U) for b in (T, F, U)]


# ---- dated parameters --------------------------------------------------------------------------

JOB_SEEKING = {
    "is_college_graduate": True,
    "graduation_date": "2019-06-30",
    "seeking_work_or_business": True,
    "household_dibao": True,
}
STARTUP = {
    "is_college_graduate": True,
    "is_first_business": True,
    "business_kind": "small_micro_enterprise",
    "business_license_date": "2018-05-20",
    "business_operating_since": "2018-05-20",
    "business_operating_normally": True,
    "has_social_insurance": True,
}


def _package_copy_with(
    tmp_path: Path, parameter: str, start: date, value: int, source: str
) -> Path:
    """A copy of the shipped package where an administrator added one dated value."""
    root = tmp_path / "songyuan_2018"
    shutil.copytree(HERE, root)
    path = root / "parameters" / f"{parameter.replace('.', '/')}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["values"].append({"from": start, "value": value, "source": source})
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root


def _job_seeking_1000_from_july_2019(tmp_path: Path) -> Path:
    return _package_copy_with(
        tmp_path,
        "job_seeking_subsidy.amount_fen",
        date(2019, 7, 1),
        100000,
        "测试：市人社局、市财政局公布的一次性求职创业补贴标准（每人1000元）",
    )


def _result(pkg: Any, rule: str, facts: dict[str, Any], as_of: str) -> tuple[Any, ...]:
    case = pkg.parse_case({"entity": "person", "as_of": as_of, "facts": facts, "receipts": []})
    (result,) = pkg.evaluate(case, rule_ids=[rule])
    amount = None if result.amount_fen is None else fen_to_yuan(result.amount_fen)
    return result.status, amount, result.unset_parameters


def test_a_dated_job_seeking_amount_applies_from_its_start_date_on(tmp_path: Path) -> None:
    # given
    root = _job_seeking_1000_from_july_2019(tmp_path)

    # when
    edited = load_package(root)
    before = _result(edited, "job_seeking_subsidy", JOB_SEEKING, "2019-06-30")
    from_day = _result(edited, "job_seeking_subsidy", JOB_SEEKING, "2019-07-01")
    later = _result(edited, "job_seeking_subsidy", JOB_SEEKING, "2019-12-31")
    shipped = _result(package(), "job_seeking_subsidy", JOB_SEEKING, "2019-07-01")

    # then
    assert before == ("eligible", None, ("job_seeking_subsidy.amount_fen",))
    assert from_day == ("eligible", "1000.00", ())
    assert later == ("eligible", "1000.00", ())
    assert shipped == ("eligible", None, ("job_seeking_subsidy.amount_fen",))


def test_a_dated_job_seeking_amount_applies_in_batch_from_its_start_date_on(tmp_path: Path) -> None:
    # given
    root = _job_seeking_1000_from_july_2019(tmp_path)
    edited = load_package(root)
    frame = pl.DataFrame(
        {
            "is_college_graduate": [True],
            "graduation_date": [date(2019, 6, 30)],
            "seeking_work_or_business": [True],
            "household_dibao": [True],
            "received_job_seeking_subsidy": [False],
        }
    )

    # when
    amounts = [
        edited.evaluate_frame(frame, entity="person", as_of=day, rule_ids=["job_seeking_subsidy"])[
            "job_seeking_subsidy__amount_fen"
        ][0]
        for day in (date(2019, 6, 30), date(2019, 7, 1))
    ]

    # then
    assert amounts == [None, 100000]


def test_a_changed_startup_amount_changes_results_from_its_date_only(tmp_path: Path) -> None:
    # given
    root = _package_copy_with(
        tmp_path,
        "startup_subsidy.amount_fen",
        date(2020, 1, 1),
        600000,
        "测试：调整后的一次性初创企业补贴标准（6000元）",
    )

    # when
    edited = load_package(root)
    results = {
        day: _result(edited, "startup_subsidy", STARTUP, day)
        for day in ("2019-05-20", "2019-12-31", "2020-01-01", "2021-02-28")
    }

    # then
    assert results == {
        "2019-05-20": ("eligible", "5000.00", ()),
        "2019-12-31": ("eligible", "5000.00", ()),
        "2020-01-01": ("eligible", "6000.00", ()),
        "2021-02-28": ("eligible", "6000.00", ()),
    }
    assert _result(package(), "startup_subsidy", STARTUP, "2020-01-01") == (
        "eligible",
        "5000.00",
        (),
    )


def test_a_parameter_value_without_a_source_is_refused(tmp_path: Path) -> None:
    # given
    root = _package_copy_with(tmp_path, "startup_subsidy.amount_fen", date(2020, 1, 1), 600000, "")

    # when
    with pytest.raises(ValueError, match="source") as caught:
        load_package(root)

    # then
    assert "amount_fen.yaml" in str(caught.value)
