from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from jiuye.evaluation import package
from jiuye.geo.loaders import load_songyuan_2017
from jiuye.geo.models import Division
from jiuye.registry.frames import facts_frame, row_facts, write_parquet
from jiuye.registry.models import BenefitReceipt, Employer, Person, Source, UnemploymentRate
from jiuye.registry.selectors import (
    employer_facts,
    household_facts,
    household_queryset,
    person_facts,
    person_queryset,
)
from jiuye.registry.services import bulk_load
from jiuye.registry.synth import SynthSpec, generate

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
