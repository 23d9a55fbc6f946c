"""The household facts of 三（七） at their boundaries (jiuye.eligibility.facts), with the
dated 稳定就业 figures set, unset and read from the package; and the employer facts."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from jiuye.eligibility.evaluate import evaluate_record
from jiuye.eligibility.facts import case_for, facts_for, row_case
from jiuye.registry.models import EmployerYear, Household, UnemploymentRate
from jiuye.rules.periods import add_months
from tests.registry import factories as f

from policies.songyuan_2018 import HERE, load_package
from policies.songyuan_2018.bindings import BINDINGS

AS = dt.date(2020, 8, 3)
DAY = dt.timedelta(days=1)

# ---- 稳定就业 (三（七）): dated parameters, unset as shipped --------------------------------

CONTRACT = BINDINGS.stable_min_contract_months
CONTINUOUS = BINDINGS.stable_min_continuous_months
SET = {CONTRACT: 12, CONTINUOUS: 6}
UNSET = {CONTRACT: None, CONTINUOUS: None}
SIX_MONTHS_AGO = add_months(AS, -6)


def _household(*members: dict[str, object]) -> Household:
    household = f.HouseholdFactory()
    for k, spec in enumerate(members):
        person = f.AdultFactory(is_disabled=spec.get("disabled", False))
        f.HouseholdMemberFactory(
            household=household, person=person, relation="户主" if k == 0 else "配偶"
        )
        for form, contract, start, end in spec.get("jobs", ()):
            f.EmploymentRecordFactory(
                person=person, form=form, contract_months=contract, start=start, end=end
            )
        if spec.get("registered"):
            f.UnemploymentRegistrationFactory(person=person)
    return household


def _job(
    form: str,
    contract: int | None = None,
    start: dt.date = dt.date(2019, 1, 1),
    end: dt.date | None = None,
) -> tuple[str, int | None, dt.date, dt.date | None]:
    return form, contract, start, end


# label: members, stably_employed_members with the figures set (12, 6) and unset
HOUSEHOLD_CASES: dict[str, tuple[tuple[dict[str, object], ...], int | None, int | None]] = {
    "contract of exactly 12 months": (({"jobs": [_job("employee", 12)]},), 1, None),
    "contract of 11 months": (({"jobs": [_job("employee", 11)]},), 0, None),
    "contract term unknown": (({"jobs": [_job("employee")]},), None, None),
    "flexible for exactly 6 months": (
        ({"jobs": [_job("flexible", start=SIX_MONTHS_AGO)]},),
        1,
        None,
    ),
    "self-employed a day short of 6 months": (
        ({"jobs": [_job("self_employed", start=SIX_MONTHS_AGO + DAY)]},),
        0,
        None,
    ),
    "internship only": (({"jobs": [_job("internship")]},), 0, 0),
    "nobody has a job, all registered": (({"registered": True}, {"registered": True}), 0, 0),
    "a member neither employed nor registered": (({"registered": True}, {}), None, None),
    "unknown contract beside long flexible work": (
        ({"jobs": [_job("employee"), _job("flexible", start=dt.date(2015, 1, 1))]},),
        1,
        None,
    ),
    "the stable member is disabled": (
        ({"jobs": [_job("employee", 24)], "disabled": True}, {"registered": True}),
        0,
        0,
    ),
    "job ended on AS, registered": (
        ({"jobs": [_job("employee", 24, end=AS)], "registered": True},),
        0,
        0,
    ),
    "two of three stable": (
        (
            {"jobs": [_job("employee", 36)]},
            {"jobs": [_job("flexible", start=dt.date(2018, 1, 1))]},
            {"registered": True},
        ),
        2,
        None,
    ),
}


@pytest.mark.parametrize(("params", "column"), [(SET, 1), (UNSET, 2)], ids=["set", "unset"])
def test_stably_employed_members_with_the_figures_set_and_unset(divisions, params, column):
    # given
    made = {label: (_household(*case[0]), case[column]) for label, case in HOUSEHOLD_CASES.items()}
    # when
    city = facts_for("household", divisions["220700"], AS, params=params)
    one = {
        label: case_for("household", h.pk, AS, params=params).facts
        for label, (h, _) in made.items()
    }
    # then
    assert {label: one[label].get("stably_employed_members") for label in made} == {
        label: expected for label, (_, expected) in made.items()
    }
    assert {r["id"]: row_case(r, "household", AS).facts for r in city.iter_rows(named=True)} == {
        h.pk: one[label] for label, (h, _) in made.items()
    }


def _package_with_contract_months_from(tmp_path: Path, start: dt.date, months: int) -> Path:
    """A copy of the package where an administrator set both 稳定就业 figures from ``start``."""
    root = tmp_path / "songyuan_2018"
    shutil.copytree(HERE, root)
    for name, value in ((CONTRACT, months), (CONTINUOUS, 6)):
        path = root / "parameters" / f"{name.replace('.', '/')}.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["values"].append(
            {"from": start, "value": value, "source": "测试：人社部门对稳定就业的界定（虚构）"}
        )
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return root


def test_the_registry_reads_the_dated_figures_from_the_package(divisions, tmp_path, monkeypatch):
    # given
    edited = load_package(_package_with_contract_months_from(tmp_path, AS, 12))
    monkeypatch.setattr("jiuye.eligibility.policy.package", lambda: edited)
    household = _household({"jobs": [_job("employee", 12)]}, {"registered": True})
    dibao = f.HouseholdStatusFactory(household=household, kind="dibao")
    # when
    facts = {day: case_for("household", household.pk, day).facts for day in (AS - DAY, AS)}
    frames = {
        day: facts_for("household", divisions["220700"], day).row(0, named=True)
        for day in (AS - DAY, AS)
    }
    results = {
        day: evaluate_record(
            "household", household.pk, day, rule_ids=["household_employment_assistance"]
        )[0]
        for day in (AS - DAY, AS)
    }
    monkeypatch.undo()
    shipped = case_for("household", household.pk, AS).facts
    # then
    assert dibao.household_id == household.pk
    assert facts[AS]["is_dibao_household"] is True
    assert "stably_employed_members" not in facts[AS - DAY]
    assert facts[AS]["stably_employed_members"] == 1
    assert [frames[d]["stably_employed_members"] for d in (AS - DAY, AS)] == [None, 1]
    assert (results[AS - DAY].status, results[AS - DAY].missing_facts) == (
        "undetermined",
        ("stably_employed_members",),
    )
    assert results[AS].status == "ineligible"
    assert "stably_employed_members" not in shipped


# ---- working age and disability of the members ---------------------------------------


def _member(household: Household, sex: str, birth: dt.date, disabled: bool | None) -> None:
    person = f.AdultFactory(sex=sex, birth_date=birth, is_disabled=disabled)
    f.HouseholdMemberFactory(household=household, person=person, relation="配偶")
    f.UnemploymentRegistrationFactory(person=person)


def _birth(years: int, days: int = 0) -> dt.date:
    """Born ``years`` years before AS, moved ``days`` days later."""
    return AS.replace(year=AS.year - years) + dt.timedelta(days=days)


# label: members (sex, birth, disabled), able_members
AGE_CASES = {
    "a man 16 today": ((("male", _birth(16), False),), 1),
    "a man 16 tomorrow": ((("male", _birth(16, 1), False),), 0),
    "a man 59 and a day short of 60": ((("male", _birth(60, 1), False),), 1),
    "a man 60 today": ((("male", _birth(60), False),), 0),
    "a woman 54 and a day short of 55": ((("female", _birth(55, 1), False),), 1),
    "a woman 55 today": ((("female", _birth(55), False),), 0),
    "a disabled woman of 30": ((("female", _birth(30), True),), 0),
    "a man of 30 beside a woman of 70 whose disability is unknown": (
        (("male", _birth(30), False), ("female", _birth(70), None)),
        1,
    ),
    "disability unknown for a working-age member": ((("male", _birth(30), None),), None),
}


def test_able_members_count_working_age_by_sex_and_known_disability(divisions):
    # given
    made = {}
    for label, (members, expected) in AGE_CASES.items():
        household = f.HouseholdFactory()
        for sex, birth, disabled in members:
            _member(household, sex, birth, disabled)
        made[label] = (household, expected)
    # when
    got = {
        label: case_for("household", h.pk, AS).facts.get("able_members")
        for label, (h, _) in made.items()
    }
    # then
    assert got == {label: expected for label, (_, expected) in made.items()}


# ---- employers: last year's and this year's figures ----------------------------------


def test_employer_facts_read_last_year_this_year_and_the_regions_rate(divisions):
    # given
    employer = f.EmployerFactory(pooling_region_code="220700")
    for year, premiums, arrears, posts in (
        (2019, 1_234_567, None, None),
        (2020, None, 0, 3),
        (2018, 9, 9, 9),
    ):
        EmployerYear.objects.create(
            employer=employer,
            year=year,
            ui_premiums_fen=premiums,
            ui_arrears_fen=arrears,
            recruitment_posts=posts,
            layoffs=2 if year == 2019 else None,
            avg_insured=40,
        )
    UnemploymentRate.objects.create(region_code="220700", year=2019, rate_bp=346, source="test")
    UnemploymentRate.objects.create(region_code="220700", year=2020, rate_bp=999, source="test")
    bare = f.EmployerFactory(pooling_region_code=None)
    # when
    facts = case_for("employer", employer.pk, AS).facts
    nothing = case_for("employer", bare.pk, AS).facts
    # then
    assert {k: v for k, v in facts.items() if k != "credit_code"} == {
        "ownership": "private",
        "pooling_region_code": "220700",
        "pooling_region_unemployment_rate": 346,
        "last_year_layoffs": 2,
        "last_year_avg_insured": 40,
        "last_year_ui_premiums": 1_234_567,
        "ui_premiums_paid_in_full": True,
        "recruiting_new_staff": True,
        "new_recruitment_posts": 3,
    }
    assert facts["credit_code"] == employer.credit_code
    assert set(nothing) == {"credit_code", "ownership"}
