from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import polars as pl
import pytest
import yaml

from jiuye.evaluation import package
from jiuye.geo.loaders import load_songyuan_2017
from jiuye.geo.models import Division
from jiuye.registry import rules_terms
from jiuye.registry.frames import facts_frame, row_facts, write_parquet
from jiuye.registry.models import (
    BenefitReceipt,
    Employer,
    Household,
    Person,
    Source,
    UnemploymentRate,
)
from jiuye.registry.selectors import (
    employer_facts,
    household_facts,
    household_queryset,
    person_facts,
    person_queryset,
)
from jiuye.registry.services import bulk_load
from jiuye.registry.synth import SynthSpec, generate
from jiuye.rules.periods import add_months
from tests.registry import factories as f

from policies.songyuan_2018 import HERE, load_package

AS_OF = dt.date(2018, 12, 31)


@pytest.fixture
def population(db) -> Division:
    load_songyuan_2017()
    bulk_load(generate(SynthSpec(persons=400, firms=30, seed=11)), actor=None,
              source=Source.SYNTHETIC)
    person = Person.objects.order_by("id").first()
    BenefitReceipt.objects.create(person=person, rule="job_seeking_subsidy",
                                  paid_on=dt.date(2018, 6, 1), amount_fen=0)
    UnemploymentRate.objects.create(region_code="220700", year=2017, rate_bp=352,
                                    source="test")
    return Division.objects.get(code="220700")


@pytest.mark.parametrize("as_of", [AS_OF, dt.date(2018, 5, 1)])
def test_single_record_and_batch_person_facts_agree(population, as_of):
    # when
    frame = facts_frame("person", as_of, population)
    batch = {row["id"]: row_facts(row, "person") for row in frame.iter_rows(named=True)}
    single = {p.pk: person_facts(p, as_of) for p in person_queryset()}
    # then
    assert len(batch) == 400
    assert batch == single


def test_single_record_and_batch_household_and_employer_facts_agree(population):
    # when
    households = facts_frame("household", AS_OF, population)
    employers = facts_frame("employer", AS_OF, population)
    # then
    assert {r["id"]: row_facts(r, "household") for r in households.iter_rows(named=True)} == {
        h.pk: household_facts(h, AS_OF) for h in household_queryset()}
    assert {r["id"]: row_facts(r, "employer") for r in employers.iter_rows(named=True)} == {
        e.pk: employer_facts(e, AS_OF) for e in Employer.objects.all()}
    assert employers["pooling_region_unemployment_rate"].drop_nulls().unique().to_list() == [352]


def test_a_county_frame_holds_only_that_county(population):
    # given
    county = Division.objects.get(code="220722")
    # when
    frame = facts_frame("person", AS_OF, county)
    # then
    expected = Person.objects.filter(division__code__startswith="220722").count()
    assert 0 < frame.height == expected < 400


def test_the_engine_accepts_the_facts_one_by_one_and_as_a_frame(population, tmp_path):
    # given
    pkg = package()
    person = person_queryset().order_by("id").first()
    employer = Employer.objects.order_by("id").first()
    # when
    case = pkg.parse_case({"entity": "person", "as_of": AS_OF.isoformat(),
                           "facts": person_facts(person, AS_OF)})
    pkg.parse_case({"entity": "employer", "as_of": AS_OF.isoformat(),
                    "facts": employer_facts(employer, AS_OF)})
    results = pkg.evaluate_frame(facts_frame("person", AS_OF, population), entity="person",
                                 as_of=AS_OF, keep=["id"])
    path = write_parquet("person", AS_OF, population, tmp_path)
    # then
    assert case.facts["resident_id"] == person.resident_id
    assert results.height == 400
    assert results["startup_subsidy"].dtype == pl.Boolean
    assert pl.read_parquet(path).height == 400


# ---- facts of 三（二）、三（三）、三（七）、四（三）: each reading at its boundaries ----

AS = dt.date(2020, 8, 3)
DAY = dt.timedelta(days=1)
TWO_YEARS_AGO = add_months(AS, -24)   # 2018-08-03: 满2年 exactly on AS


def _person(**fields: object) -> Person:
    return f.AdultFactory(**fields)


def _in_household(relation: str, *statuses: tuple[str, dt.date, dt.date | None]) -> Person:
    member = f.HouseholdMemberFactory(relation=relation)
    for kind, start, end in statuses:
        f.HouseholdStatusFactory(household=member.household, kind=kind, start=start, end=end)
    return member.person


def _grassroots(**fields: object) -> Person:
    person = _person(education_level="bachelor", graduation_date=dt.date(2018, 7, 1))
    f.GrassrootsServiceFactory(person=person, **fields)
    return person


def _leader(recognised_on: dt.date, revoked_on: dt.date | None = None) -> Person:
    return f.RecognitionFactory(recognised_on=recognised_on, revoked_on=revoked_on).person


def _transfer(hukou: str | None, registered_on: dt.date | None = None,
              ended_on: dt.date | None = None, job: str | None = None,
              job_end: dt.date | None = None) -> Person:
    person = _person(hukou_type=hukou)
    if registered_on is not None:
        f.RuralTransferRegistrationFactory(person=person, registered_on=registered_on,
                                           ended_on=ended_on)
    if job is not None:
        f.EmploymentRecordFactory(person=person, form=job, end=job_end)
    return person


PERSON_CASES: dict[str, tuple[object, dict[str, object]]] = {
    # 贫困家庭子女: statuses in force on AS, relation to the head a child
    "dibao, 长女": (lambda: _in_household("长女", ("dibao", dt.date(2019, 1, 1), None)),
                   {"poor_family_child": True}),
    "jdlk, 次子 with spaces": (lambda: _in_household(" 次子\u3000", ("jdlk", AS, None)),
                             {"poor_family_child": True}),
    "tekun, GB/T 4761 code 21": (lambda: _in_household("21", ("tekun", AS - DAY, AS + DAY)),
                                 {"poor_family_child": True}),
    "poor_disabled, 养女": (lambda: _in_household("养女", ("poor_disabled", AS, None)),
                          {"poor_family_child": True}),
    "dibao, 儿媳": (lambda: _in_household("儿媳", ("dibao", dt.date(2019, 1, 1), None)),
                  {"poor_family_child": False}),
    "dibao, 孙子": (lambda: _in_household("孙子", ("dibao", dt.date(2019, 1, 1), None)),
                  {"poor_family_child": False}),
    "dibao, 户主": (lambda: _in_household("户主", ("dibao", dt.date(2019, 1, 1), None)),
                  {"poor_family_child": False}),
    "dibao ended on AS, 子": (lambda: _in_household("子", ("dibao", dt.date(2019, 1, 1), AS)),
                             {"poor_family_child": False}),
    "dibao from tomorrow, 女": (lambda: _in_household("女", ("dibao", AS + DAY, None)),
                              {"poor_family_child": False}),
    "no household": (lambda: _person(), {"poor_family_child": None}),
    # 城乡未继续升学的初高中毕业生
    "junior, graduated on AS": (lambda: _person(education_level="junior", graduation_date=AS),
                                {"school_leaver_not_continuing": True}),
    "senior, graduates tomorrow": (
        lambda: _person(education_level="senior", graduation_date=AS + DAY),
        {"school_leaver_not_continuing": False}),
    "senior, graduation date unknown": (lambda: _person(education_level="senior"),
                                        {"school_leaver_not_continuing": True}),
    "vocational": (lambda: _person(education_level="vocational", graduation_date=AS - DAY),
                   {"school_leaver_not_continuing": False}),
    "primary": (lambda: _person(education_level="primary"),
                {"school_leaver_not_continuing": False}),
    "junior college": (lambda: _person(education_level="junior_college"),
                       {"school_leaver_not_continuing": False}),
    "level unknown": (lambda: _person(), {"school_leaver_not_continuing": None}),
    # 农村转移就业劳动者
    "urban, registered on AS": (lambda: _transfer("urban", AS), {"rural_transfer_worker": True}),
    "urban, registration ended on AS": (lambda: _transfer("urban", AS - DAY, AS),
                                        {"rural_transfer_worker": False}),
    "hukou unknown, registered": (lambda: _transfer(None, AS - DAY, AS + DAY),
                                  {"rural_transfer_worker": True}),
    "hukou unknown, nothing": (lambda: _transfer(None), {"rural_transfer_worker": None}),
    "rural, flexible work": (lambda: _transfer("rural", job="flexible"),
                             {"rural_transfer_worker": True}),
    "rural, job ended on AS": (lambda: _transfer("rural", job="employee", job_end=AS),
                               {"rural_transfer_worker": None}),
    "rural, internship": (lambda: _transfer("rural", job="internship"),
                          {"rural_transfer_worker": None}),
    "rural, flexible work beside a newer internship": (
        lambda: f.EmploymentRecordFactory(person=_transfer("rural", job="flexible"),
                                          form="internship", start=AS).person,
        {"rural_transfer_worker": True, "in_recognised_internship": True}),
    "rural, nothing": (lambda: _transfer("rural"), {"rural_transfer_worker": None}),
    # 基层服务项目: the latest started on or before AS; assessment known from its end on
    "served exactly 2 years, ended on AS": (
        lambda: _grassroots(start=TWO_YEARS_AGO, end=AS, assessment_passed=True),
        {"grassroots_program": "sanzhi_yifu", "grassroots_service_start": TWO_YEARS_AGO,
         "grassroots_assessment_passed": True}),
    "ends tomorrow, result entered": (
        lambda: _grassroots(start=TWO_YEARS_AGO + DAY, end=AS + DAY, assessment_passed=True),
        {"grassroots_service_start": TWO_YEARS_AGO + DAY, "grassroots_assessment_passed": None}),
    "ended, failed": (lambda: _grassroots(program="tegang", end=AS, assessment_passed=False),
                      {"grassroots_program": "tegang", "grassroots_assessment_passed": False}),
    "ended, result not recorded": (lambda: _grassroots(program="xibu", end=AS - DAY),
                                   {"grassroots_program": "xibu",
                                    "grassroots_assessment_passed": None}),
    "starts tomorrow": (lambda: _grassroots(start=AS + DAY),
                        {"grassroots_program": None, "grassroots_service_start": None}),
    "no service": (lambda: _person(), {"grassroots_program": None}),
    # 市级返乡创业带头人
    "recognised on AS": (lambda: _leader(AS), {"city_return_entrepreneur_leader": True}),
    "recognised tomorrow": (lambda: _leader(AS + DAY),
                            {"city_return_entrepreneur_leader": False}),
    "revoked on AS": (lambda: _leader(dt.date(2019, 1, 1), AS),
                      {"city_return_entrepreneur_leader": False}),
    "revoked tomorrow": (lambda: _leader(dt.date(2019, 1, 1), AS + DAY),
                         {"city_return_entrepreneur_leader": True}),
    "never recognised": (lambda: _person(), {"city_return_entrepreneur_leader": False}),
}


def _person_facts_both_ways(division: Division) -> tuple[dict[int, dict], dict[int, dict]]:
    frame = facts_frame("person", AS, division)
    batch = {row["id"]: row_facts(row, "person") for row in frame.iter_rows(named=True)}
    single = {p.pk: person_facts(p, AS) for p in person_queryset()}
    return single, batch


def _json(value: object) -> object:
    return value.isoformat() if isinstance(value, dt.date) else value


def test_each_person_reading_holds_at_its_boundaries_in_both_paths(divisions):
    # given
    made = {label: (build(), expected) for label, (build, expected) in PERSON_CASES.items()}
    # when
    single, batch = _person_facts_both_ways(divisions["220700"])
    # then
    assert single == batch
    got = {label: {k: single[p.pk].get(k) for k in expected}
           for label, (p, expected) in made.items()}
    assert got == {label: {k: _json(v) for k, v in expected.items()}
                   for label, (_, expected) in made.items()}


def test_two_years_of_grassroots_service_complete_exactly_on_the_corresponding_day(divisions):
    # given
    person = _grassroots(start=TWO_YEARS_AGO, end=AS, assessment_passed=True)
    pkg = package()
    # when
    results = {}
    for day in (AS - DAY, AS):
        case = pkg.parse_case({"entity": "person", "as_of": day.isoformat(),
                               "facts": person_facts(person_queryset().get(pk=person.pk), day)})
        (results[day],) = pkg.evaluate(case, rule_ids=["grassroots_service_establishment"])
    # then
    assert results[AS].status == "eligible"
    assert results[AS - DAY].status == "ineligible"
    assert results[AS - DAY].missing_facts == ()


# ---- 稳定就业 (三（七）): dated parameters, unset as shipped --------------------------------

CONTRACT, CONTINUOUS = rules_terms.STABLE_CONTRACT_MONTHS, rules_terms.STABLE_CONTINUOUS_MONTHS
SET = {CONTRACT: 12, CONTINUOUS: 6}
UNSET = {CONTRACT: None, CONTINUOUS: None}
SIX_MONTHS_AGO = add_months(AS, -6)


def _household(*members: dict[str, object]) -> Household:
    household = f.HouseholdFactory()
    for k, spec in enumerate(members):
        person = f.AdultFactory(is_disabled=spec.get("disabled", False))
        f.HouseholdMemberFactory(household=household, person=person,
                                 relation="户主" if k == 0 else "配偶")
        for form, contract, start, end in spec.get("jobs", ()):
            f.EmploymentRecordFactory(person=person, form=form, contract_months=contract,
                                      start=start, end=end)
        if spec.get("registered"):
            f.UnemploymentRegistrationFactory(person=person)
    return household


def _job(form: str, contract: int | None = None, start: dt.date = dt.date(2019, 1, 1),
         end: dt.date | None = None) -> tuple[str, int | None, dt.date, dt.date | None]:
    return form, contract, start, end


# label: members, stably_employed_members with the figures set (12, 6) and unset
HOUSEHOLD_CASES: dict[str, tuple[tuple[dict[str, object], ...], int | None, int | None]] = {
    "contract of exactly 12 months": (({"jobs": [_job("employee", 12)]},), 1, None),
    "contract of 11 months": (({"jobs": [_job("employee", 11)]},), 0, None),
    "contract term unknown": (({"jobs": [_job("employee")]},), None, None),
    "flexible for exactly 6 months": (({"jobs": [_job("flexible", start=SIX_MONTHS_AGO)]},),
                                      1, None),
    "self-employed a day short of 6 months": (
        ({"jobs": [_job("self_employed", start=SIX_MONTHS_AGO + DAY)]},), 0, None),
    "internship only": (({"jobs": [_job("internship")]},), 0, 0),
    "nobody has a job, all registered": (({"registered": True}, {"registered": True}), 0, 0),
    "a member neither employed nor registered": (({"registered": True}, {}), None, None),
    "unknown contract beside long flexible work": (
        ({"jobs": [_job("employee"), _job("flexible", start=dt.date(2015, 1, 1))]},), 1, None),
    "the stable member is disabled": (
        ({"jobs": [_job("employee", 24)], "disabled": True}, {"registered": True}), 0, 0),
    "job ended on AS, registered": (
        ({"jobs": [_job("employee", 24, end=AS)], "registered": True},), 0, 0),
    "two of three stable": (
        ({"jobs": [_job("employee", 36)]}, {"jobs": [_job("flexible", start=dt.date(2018, 1, 1))]},
         {"registered": True}), 2, None),
}


@pytest.mark.parametrize(("params", "column"), [(SET, 1), (UNSET, 2)], ids=["set", "unset"])
def test_stably_employed_members_in_both_paths_with_the_figures_set_and_unset(
        divisions, params, column):
    # given
    made = {label: (_household(*case[0]), case[column]) for label, case in HOUSEHOLD_CASES.items()}
    # when
    frame = facts_frame("household", AS, divisions["220700"], params=params)
    batch = {r["id"]: row_facts(r, "household") for r in frame.iter_rows(named=True)}
    single = {h.pk: household_facts(h, AS, params=params) for h in household_queryset()}
    # then
    assert single == batch
    assert {label: single[h.pk].get("stably_employed_members")
            for label, (h, _) in made.items()} == {
        label: expected for label, (_, expected) in made.items()}


def _package_with_contract_months_from(tmp_path: Path, start: dt.date, months: int) -> Path:
    """A copy of the package where an administrator set both 稳定就业 figures from ``start``."""
    root = tmp_path / "songyuan_2018"
    shutil.copytree(HERE, root)
    for name, value in ((CONTRACT, months), (CONTINUOUS, 6)):
        path = root / "parameters" / f"{name.replace('.', '/')}.yaml"
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        data["values"].append({"from": start, "value": value,
                               "source": "测试：人社部门对稳定就业的界定（虚构）"})
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
    return root


def test_the_registry_reads_the_dated_figures_from_the_package(divisions, tmp_path,
                                                                monkeypatch):
    # given
    edited = load_package(_package_with_contract_months_from(tmp_path, AS, 12))
    monkeypatch.setattr("jiuye.evaluation.package", lambda: edited)
    household = _household({"jobs": [_job("employee", 12)]}, {"registered": True})
    dibao = f.HouseholdStatusFactory(household=household, kind="dibao")
    # when
    facts = {day: household_facts(household_queryset().get(pk=household.pk), day)
             for day in (AS - DAY, AS)}
    frames = {day: facts_frame("household", day, divisions["220700"]).row(0, named=True)
              for day in (AS - DAY, AS)}
    results = {}
    for day, known in facts.items():
        case = edited.parse_case({"entity": "household", "as_of": day.isoformat(),
                                  "facts": known})
        (results[day],) = edited.evaluate(case, rule_ids=["household_employment_assistance"])
    monkeypatch.undo()
    shipped = household_facts(household_queryset().get(pk=household.pk), AS)
    # then
    assert dibao.household_id == household.pk
    assert "stably_employed_members" not in facts[AS - DAY]
    assert facts[AS]["stably_employed_members"] == 1
    assert [frames[d]["stably_employed_members"] for d in (AS - DAY, AS)] == [None, 1]
    assert (results[AS - DAY].status, results[AS - DAY].missing_facts) == (
        "undetermined", ("stably_employed_members",))
    assert results[AS].status == "ineligible"
    assert "stably_employed_members" not in shipped
