"""The facts of registry records, defined once (jiuye.eligibility.facts): each reading at
its boundaries, for one record (``case_for``) and as its row of the city's frame
(``facts_for``), in the engine's values (dates, fen, 1/10000 fractions)."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from jiuye.eligibility.evaluate import evaluate_frame, evaluate_record
from jiuye.eligibility.facts import RecordNotFound, case_for, facts_for, row_case, write_parquet
from jiuye.evaluation import package
from jiuye.geo.loaders import load_songyuan_2017
from jiuye.geo.models import Division
from jiuye.registry.models import BenefitReceipt, Business, Person, Source, UnemploymentRate
from jiuye.registry.services import bulk_load
from jiuye.registry.synth import SynthSpec, generate
from jiuye.rules import CaseError
from jiuye.rules.periods import add_months
from tests.registry import factories as f

AS_OF = dt.date(2018, 12, 31)


@pytest.fixture
def population(db) -> Division:
    load_songyuan_2017()
    bulk_load(
        generate(SynthSpec(persons=400, firms=30, seed=11)), actor=None, source=Source.SYNTHETIC
    )
    person = Person.objects.order_by("id").first()
    BenefitReceipt.objects.create(
        person=person, rule="job_seeking_subsidy", paid_on=dt.date(2018, 6, 1), amount_fen=0
    )
    UnemploymentRate.objects.create(region_code="220700", year=2017, rate_bp=352, source="test")
    return Division.objects.get(code="220700")


@pytest.mark.parametrize("entity", ["person", "household", "employer"])
def test_the_records_read_by_id_are_their_rows_of_the_city_frame(population, entity):
    # given
    city = facts_for(entity, population, AS_OF)
    ids = city["id"].gather([0, 7, city.height - 1]).to_list()
    # when
    some = facts_for(entity, ids, AS_OF)
    one = facts_for(entity, [ids[1]], AS_OF)
    # then
    assert some.equals(city.filter(pl.col("id").is_in(ids)))
    assert one.row(0, named=True) == city.filter(pl.col("id") == ids[1]).row(0, named=True)
    assert facts_for(entity, [], AS_OF).columns == city.columns


def test_a_county_frame_holds_only_that_county(population):
    # given
    county = Division.objects.get(code="220722")
    # when
    frame = facts_for("person", county, AS_OF)
    # then
    expected = Person.objects.filter(division__code__startswith="220722").count()
    assert 0 < frame.height == expected < 400


def test_the_engine_takes_the_facts_as_a_case_and_as_a_frame(population, tmp_path):
    # given
    person = Person.objects.order_by("id").first()
    employer_frame = facts_for("employer", population, AS_OF)
    # when
    case = case_for("person", person.pk, AS_OF)
    employer = row_case(employer_frame.row(0, named=True), "employer", AS_OF)
    one = evaluate_record("person", person.pk, AS_OF)
    results = evaluate_frame("person", population, AS_OF)
    path = write_parquet("person", AS_OF, population, tmp_path)
    # then
    assert case.facts["resident_id"] == person.resident_id
    assert case.facts["received_job_seeking_subsidy"] is True
    assert (case.entity, case.as_of) == ("person", AS_OF)
    assert all(v is not None for v in case.facts.values())
    assert employer.facts["pooling_region_unemployment_rate"] == 352
    assert isinstance(employer.facts["last_year_ui_premiums"], int)
    assert [r.rule for r in one] == [r.id for r in package().rules.values() if r.entity == "person"]
    assert results.height == 400
    assert results.columns[0] == "id"
    assert results["startup_subsidy"].dtype == pl.Boolean
    assert pl.read_parquet(path).height == 400


def test_a_record_that_does_not_exist_is_refused_with_a_code(db):
    # when
    with pytest.raises(RecordNotFound) as refused:
        case_for("person", 999_999, AS_OF)
    # then
    assert (refused.value.code, refused.value.http_status) == ("record_not_found", 404)
    assert refused.value.extra == {"entity": "person", "id": 999_999}


def test_a_stored_value_the_engine_does_not_accept_names_the_fact(divisions):
    # given a hukou type written around the services (not one of the package's codes)
    person = f.AdultFactory()
    Person.objects.filter(pk=person.pk).update(hukou_type="other")
    # when
    with pytest.raises(CaseError) as refused:
        case_for("person", person.pk, AS_OF)
    # then
    assert (refused.value.code, refused.value.field) == ("invalid_type", "facts.hukou_type")


def test_an_as_of_date_before_the_policy_is_refused(divisions):
    # given
    person = f.AdultFactory()
    # when
    with pytest.raises(CaseError) as refused:
        case_for("person", person.pk, dt.date(2018, 4, 12))
    # then
    assert refused.value.code == "as_of_before_policy"


# ---- facts of 三（二）、三（三）、三（七）、四（三）: each reading at its boundaries ----

AS = dt.date(2020, 8, 3)
DAY = dt.timedelta(days=1)
TWO_YEARS_AGO = add_months(AS, -24)  # 2018-08-03: 满2年 exactly on AS


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


def _transfer(
    hukou: str | None,
    registered_on: dt.date | None = None,
    ended_on: dt.date | None = None,
    job: str | None = None,
    job_end: dt.date | None = None,
) -> Person:
    person = _person(hukou_type=hukou)
    if registered_on is not None:
        f.RuralTransferRegistrationFactory(
            person=person, registered_on=registered_on, ended_on=ended_on
        )
    if job is not None:
        f.EmploymentRecordFactory(person=person, form=job, end=job_end)
    return person


def _job(form: str, registered: bool = False, **fields: object) -> Person:
    person = _person()
    f.EmploymentRecordFactory(person=person, form=form, **fields)
    if registered:
        f.UnemploymentRegistrationFactory(person=person)
    return person


def _registered(on: dt.date = dt.date(2016, 1, 1), ended: dt.date | None = None) -> Person:
    return f.UnemploymentRegistrationFactory(registered_on=on, ended_on=ended).person


def _business(*records: tuple[dt.date, dt.date | None, str]) -> Person:
    person = _person()
    for licensed, since, status in records:
        Business.objects.create(
            person=person,
            division=person.division,
            name="个体经营",
            kind="individual_business",
            license_date=licensed,
            operating_since=since,
            status=status,
        )
    return person


def _receipt(rule: str, paid_on: dt.date) -> Person:
    return BenefitReceipt.objects.create(
        person=_person(), rule=rule, paid_on=paid_on, amount_fen=100_000
    ).person


PERSON_CASES: dict[str, tuple[object, dict[str, object]]] = {
    # 贫困家庭子女: statuses in force on AS, relation to the head a child
    "dibao, 长女": (
        lambda: _in_household("长女", ("dibao", dt.date(2019, 1, 1), None)),
        {"poor_family_child": True},
    ),
    "jdlk, 次子 with spaces": (
        lambda: _in_household(" 次子\u3000", ("jdlk", AS, None)),
        {"poor_family_child": True},
    ),
    "tekun, GB/T 4761 code 21": (
        lambda: _in_household("21", ("tekun", AS - DAY, AS + DAY)),
        {"poor_family_child": True},
    ),
    "poor_disabled, 养女": (
        lambda: _in_household("养女", ("poor_disabled", AS, None)),
        {"poor_family_child": True},
    ),
    "dibao, 儿媳": (
        lambda: _in_household("儿媳", ("dibao", dt.date(2019, 1, 1), None)),
        {"poor_family_child": False},
    ),
    "dibao, 孙子": (
        lambda: _in_household("孙子", ("dibao", dt.date(2019, 1, 1), None)),
        {"poor_family_child": False},
    ),
    "dibao, 户主": (
        lambda: _in_household("户主", ("dibao", dt.date(2019, 1, 1), None)),
        {"poor_family_child": False},
    ),
    "dibao ended on AS, 子": (
        lambda: _in_household("子", ("dibao", dt.date(2019, 1, 1), AS)),
        {"poor_family_child": False},
    ),
    "dibao from tomorrow, 女": (
        lambda: _in_household("女", ("dibao", AS + DAY, None)),
        {"poor_family_child": False},
    ),
    "no household": (lambda: _person(), {"poor_family_child": None}),
    # 城乡未继续升学的初高中毕业生
    "junior, graduated on AS": (
        lambda: _person(education_level="junior", graduation_date=AS),
        {"school_leaver_not_continuing": True},
    ),
    "senior, graduates tomorrow": (
        lambda: _person(education_level="senior", graduation_date=AS + DAY),
        {"school_leaver_not_continuing": False},
    ),
    "senior, graduation date unknown": (
        lambda: _person(education_level="senior"),
        {"school_leaver_not_continuing": True},
    ),
    "vocational": (
        lambda: _person(education_level="vocational", graduation_date=AS - DAY),
        {"school_leaver_not_continuing": False},
    ),
    "primary": (
        lambda: _person(education_level="primary"),
        {"school_leaver_not_continuing": False},
    ),
    "junior college": (
        lambda: _person(education_level="junior_college"),
        {"school_leaver_not_continuing": False},
    ),
    "level unknown": (lambda: _person(), {"school_leaver_not_continuing": None}),
    # 农村转移就业劳动者
    "urban, registered on AS": (lambda: _transfer("urban", AS), {"rural_transfer_worker": True}),
    "urban, registration ended on AS": (
        lambda: _transfer("urban", AS - DAY, AS),
        {"rural_transfer_worker": False},
    ),
    "hukou unknown, registered": (
        lambda: _transfer(None, AS - DAY, AS + DAY),
        {"rural_transfer_worker": True},
    ),
    "hukou unknown, nothing": (lambda: _transfer(None), {"rural_transfer_worker": None}),
    "rural, flexible work": (
        lambda: _transfer("rural", job="flexible"),
        {"rural_transfer_worker": True},
    ),
    "rural, job ended on AS": (
        lambda: _transfer("rural", job="employee", job_end=AS),
        {"rural_transfer_worker": None},
    ),
    "rural, internship": (
        lambda: _transfer("rural", job="internship"),
        {"rural_transfer_worker": None},
    ),
    "rural, flexible work beside a newer internship": (
        lambda: (
            f.EmploymentRecordFactory(
                person=_transfer("rural", job="flexible"), form="internship", start=AS
            ).person
        ),
        {"rural_transfer_worker": True, "in_recognised_internship": True},
    ),
    "rural, nothing": (lambda: _transfer("rural"), {"rural_transfer_worker": None}),
    # 基层服务项目: the latest started on or before AS; assessment known from its end on
    "served exactly 2 years, ended on AS": (
        lambda: _grassroots(start=TWO_YEARS_AGO, end=AS, assessment_passed=True),
        {
            "grassroots_program": "sanzhi_yifu",
            "grassroots_service_start": TWO_YEARS_AGO,
            "grassroots_assessment_passed": True,
        },
    ),
    "ends tomorrow, result entered": (
        lambda: _grassroots(start=TWO_YEARS_AGO + DAY, end=AS + DAY, assessment_passed=True),
        {"grassroots_service_start": TWO_YEARS_AGO + DAY, "grassroots_assessment_passed": None},
    ),
    "ended, failed": (
        lambda: _grassroots(program="tegang", end=AS, assessment_passed=False),
        {"grassroots_program": "tegang", "grassroots_assessment_passed": False},
    ),
    "ended, result not recorded": (
        lambda: _grassroots(program="xibu", end=AS - DAY),
        {"grassroots_program": "xibu", "grassroots_assessment_passed": None},
    ),
    "starts tomorrow": (
        lambda: _grassroots(start=AS + DAY),
        {"grassroots_program": None, "grassroots_service_start": None},
    ),
    "no service": (lambda: _person(), {"grassroots_program": None}),
    # 市级返乡创业带头人
    "recognised on AS": (lambda: _leader(AS), {"city_return_entrepreneur_leader": True}),
    "recognised tomorrow": (lambda: _leader(AS + DAY), {"city_return_entrepreneur_leader": False}),
    "revoked on AS": (
        lambda: _leader(dt.date(2019, 1, 1), AS),
        {"city_return_entrepreneur_leader": False},
    ),
    "revoked tomorrow": (
        lambda: _leader(dt.date(2019, 1, 1), AS + DAY),
        {"city_return_entrepreneur_leader": True},
    ),
    "never recognised": (lambda: _person(), {"city_return_entrepreneur_leader": False}),
    # 就业、失业登记: the latest job in force, and a registration in force
    "registered, no job": (
        lambda: _registered(),
        {
            "registered_unemployed": True,
            "seeking_work_or_business": True,
            "employed": False,
            "employment_form": "unemployed",
            "hiring_unit_kind": "none",
            "is_enterprise_employee": False,
        },
    ),
    "registration ended on AS": (
        lambda: _registered(ended=AS),
        {
            "registered_unemployed": False,
            "seeking_work_or_business": None,
            "employed": None,
            "employment_form": None,
        },
    ),
    "registered tomorrow": (
        lambda: _registered(on=AS + DAY),
        {"registered_unemployed": False, "employed": None},
    ),
    "employee of a small enterprise, from AS": (
        lambda: _job(
            "employee",
            start=AS,
            contract_months=24,
            employer_pays_social_insurance=True,
            employer=f.EmployerFactory(size_class="small"),
        ),
        {
            "employed": True,
            "employment_form": "employee",
            "in_recognised_internship": False,
            "hiring_unit_kind": "small_micro_enterprise",
            "is_enterprise_employee": True,
            "hire_date": AS,
            "labor_contract_months": 24,
            "employer_pays_social_insurance": True,
        },
    ),
    "employee of a medium enterprise": (
        lambda: _job("employee", employer=f.EmployerFactory(size_class="medium")),
        {"hiring_unit_kind": "other_enterprise", "is_enterprise_employee": True},
    ),
    "employee of a social organization": (
        lambda: _job(
            "employee", employer=f.EmployerFactory(kind="social_organization", size_class=None)
        ),
        {"hiring_unit_kind": "social_organization", "is_enterprise_employee": False},
    ),
    "employee, employer not recorded": (
        lambda: _job("employee"),
        {"employed": True, "hiring_unit_kind": None, "is_enterprise_employee": None},
    ),
    "flexible work": (
        lambda: _job("flexible"),
        {
            "employment_form": "flexible",
            "is_enterprise_employee": False,
            "hire_date": None,
            "labor_contract_months": None,
        },
    ),
    "job from tomorrow, registered": (
        lambda: _job("employee", registered=True, start=AS + DAY),
        {"employed": False, "employment_form": "unemployed"},
    ),
    "job ended on AS, registered": (
        lambda: _job("employee", registered=True, end=AS),
        {"employed": False, "hire_date": None},
    ),
    # 创办经营实体: the latest licensed on or before AS; 开始正常经营日期 as recorded
    "licensed on AS, operating since the day before": (
        lambda: _business((AS, AS - DAY, "operating")),
        {
            "business_kind": "individual_business",
            "is_first_business": True,
            "business_license_date": AS,
            "business_operating_since": AS - DAY,
            "business_operating_normally": True,
        },
    ),
    "licensed tomorrow": (
        lambda: _business((AS + DAY, AS + DAY, "operating")),
        {"business_kind": None, "business_license_date": None, "business_operating_since": None},
    ),
    "operating since not recorded": (
        lambda: _business((dt.date(2015, 3, 1), None, "operating")),
        {"business_license_date": dt.date(2015, 3, 1), "business_operating_since": None},
    ),
    "operating from after AS": (
        lambda: _business((AS - DAY, AS + DAY, "operating")),
        {"business_operating_since": AS + DAY},
    ),
    "a second business, suspended": (
        lambda: _business(
            (dt.date(2014, 1, 1), dt.date(2014, 2, 1), "closed"),
            (dt.date(2017, 6, 1), dt.date(2017, 9, 1), "suspended"),
        ),
        {
            "is_first_business": False,
            "business_license_date": dt.date(2017, 6, 1),
            "business_operating_since": dt.date(2017, 9, 1),
            "business_operating_normally": False,
        },
    ),
    # 出生日期、性别 (from the identity number)
    "a woman born on 29 February": (
        lambda: _person(sex="female", birth_date=dt.date(1988, 2, 29)),
        {"sex": "female", "birth_date": dt.date(1988, 2, 29)},
    ),
    # 高校、中职毕业生
    "bachelor, graduated on AS": (
        lambda: _person(education_level="bachelor", graduation_date=AS),
        {"is_college_graduate": True, "is_vocational_graduate": False, "graduation_date": AS},
    ),
    "postgraduate, graduates tomorrow": (
        lambda: _person(education_level="postgraduate", graduation_date=AS + DAY),
        {"is_college_graduate": False},
    ),
    "vocational, graduated": (
        lambda: _person(education_level="vocational", graduation_date=AS),
        {"is_vocational_graduate": True, "is_college_graduate": False},
    ),
    "education unknown": (
        lambda: _person(),
        {"is_college_graduate": None, "is_vocational_graduate": None},
    ),
    # 已领取: paid on or before AS
    "startup subsidy paid on AS": (
        lambda: _receipt("startup_subsidy", AS),
        {"received_startup_subsidy": True, "received_job_seeking_subsidy": False},
    ),
    "job-seeking subsidy paid tomorrow": (
        lambda: _receipt("job_seeking_subsidy", AS + DAY),
        {"received_job_seeking_subsidy": False},
    ),
    # 户籍在松原
    "hukou in 宁江区": (lambda: _person(), {"hukou_in_songyuan": True}),
    "hukou outside Songyuan": (
        lambda: _person(division=f.DivisionFactory(code="220102001")),
        {"hukou_in_songyuan": False},
    ),
}


def test_each_person_reading_holds_at_its_boundaries(divisions):
    # given
    made = {label: (build(), expected) for label, (build, expected) in PERSON_CASES.items()}
    # when
    rows = {
        label: facts_for("person", [p.pk], AS).row(0, named=True) for label, (p, _) in made.items()
    }
    one = {label: case_for("person", p.pk, AS).facts for label, (p, _) in made.items()}
    city = {
        row["id"]: row_case(row, "person", AS).facts
        for row in facts_for("person", divisions["220700"], AS).iter_rows(named=True)
    }
    # then
    got = {label: {k: rows[label][k] for k in expected} for label, (_, expected) in made.items()}
    assert got == {label: expected for label, (_, expected) in made.items()}
    known = {spec.name for spec in package().facts.for_entity("person")}
    assert all(
        one[label] == {k: v for k, v in rows[label].items() if v is not None and k in known}
        for label in made
    )
    # the person outside Songyuan is not in the city's frame; everyone else is, alike
    assert len(city) == len(made) - 1
    assert all(city[p.pk] == one[label] for label, (p, _) in made.items() if p.pk in city)


def test_two_years_of_grassroots_service_complete_exactly_on_the_corresponding_day(divisions):
    # given
    person = _grassroots(start=TWO_YEARS_AGO, end=AS, assessment_passed=True)
    # when
    results = {
        day: evaluate_record(
            "person", person.pk, day, rule_ids=["grassroots_service_establishment"]
        )[0]
        for day in (AS - DAY, AS)
    }
    # then
    assert results[AS].status == "eligible"
    assert results[AS - DAY].status == "ineligible"
    assert results[AS - DAY].missing_facts == ()
