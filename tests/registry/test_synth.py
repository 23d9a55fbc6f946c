from __future__ import annotations

import polars as pl
import pytest
from typer.testing import CliRunner

from jiuye.cli import app
from jiuye.geo.loaders import load_songyuan_2017
from jiuye.identity import is_valid_credit_code, is_valid_resident_id
from jiuye.registry.demo import population_tables
from jiuye.registry.models import ChangeLog, Employer, Household, Person
from jiuye.registry.models.choices import HIGHER_EDUCATION
from jiuye.registry.synth import SynthSpec, generate
from jiuye.rules.periods import add_months

from policies.songyuan_2018.readings import CHILD_RELATIONS


def _fingerprint(spec: SynthSpec) -> list[tuple[str, str]]:
    population = generate(spec)
    return [(p.resident_id, p.name) for p in population.persons]


def test_the_same_seed_gives_the_same_population_and_every_number_is_valid(db):
    # given
    load_songyuan_2017()
    spec = SynthSpec(persons=300, firms=20, seed=5)
    # when
    first, second = _fingerprint(spec), _fingerprint(spec)
    other = _fingerprint(SynthSpec(persons=300, firms=20, seed=6))
    population = generate(spec)
    # then
    assert first == second
    assert first != other
    ids = [p.resident_id for p in population.persons]
    assert len(set(ids)) == 300
    assert all(is_valid_resident_id(n) and n.startswith("2207") for n in ids)
    assert all(is_valid_credit_code(e.credit_code) for e in population.employers)
    assert all(p.division.code.startswith("2207") for p in population.persons)


@pytest.mark.django_db(transaction=True)
def test_synth_into_the_db_twice_writes_once():
    # given
    runner = CliRunner()
    args = ["synth", "--persons", "200", "--firms", "10", "--seed", "3", "--db"]
    # when
    first = runner.invoke(app, args)
    second = runner.invoke(app, args)
    # then
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert Person.objects.count() == 200
    assert Employer.objects.count() == 10
    assert ChangeLog.objects.filter(entity="person", source="synthetic").count() == 200
    assert "未重复写入" in second.output
    assert Household.objects.filter(number__startswith="SYN3-").exists()


def test_synth_to_parquet_writes_linked_tables(db, tmp_path):
    # given
    load_songyuan_2017()
    # when
    result = CliRunner().invoke(
        app,
        ["synth", "--persons", "100", "--firms", "5", "--seed", "9", "--parquet", str(tmp_path)],
    )
    # then
    assert result.exit_code == 0, result.output
    persons = pl.read_parquet(tmp_path / "persons.parquet")
    members = pl.read_parquet(tmp_path / "members.parquet")
    assert persons.height == 100
    assert set(members["person_id"]) == set(persons["id"])
    assert "division_code" in persons.columns
    assert Person.objects.count() == 0
    assert set(population_tables(generate(SynthSpec(10, 2, 9)))) >= {"persons", "employers"}


def test_the_programme_records_are_reproducible_and_fit_the_people_they_belong_to(db):
    # given
    load_songyuan_2017()
    spec = SynthSpec(persons=3000, firms=50, seed=2018)
    # when
    first, second = generate(spec), generate(spec)

    # then
    def records(pop):
        return (
            [
                (g.person.resident_id, g.program, g.start, g.end, g.assessment_passed)
                for g in pop.grassroots_services
            ],
            [(r.person.resident_id, r.recognised_on, r.revoked_on) for r in pop.recognitions],
            [(r.person.resident_id, r.registered_on, r.ended_on) for r in pop.rural_transfers],
            [m.relation for m in pop.members],
        )

    assert records(first) == records(second)
    assert len(first.grassroots_services) > 0
    assert len(first.recognitions) > 0
    assert len(first.rural_transfers) > 0
    assert all(
        r.person.hukou_type == "rural"
        and r.registered_on <= spec.as_of
        and (r.ended_on is None or r.registered_on < r.ended_on <= spec.as_of)
        for r in first.rural_transfers
    )
    for g in first.grassroots_services:
        assert g.person.education_level in HIGHER_EDUCATION
        assert 0 <= (g.start - g.person.graduation_date).days <= 90
        if g.end is None:
            assert (g.assessment_passed, add_months(g.start, 24) > spec.as_of) == (None, True)
        else:
            assert g.end == add_months(g.start, 24) <= spec.as_of
    founders = {b.person.resident_id: b.license_date for b in first.businesses}
    assert all(
        r.person.resident_id in founders
        and r.person.hukou_type == "rural"
        and r.recognised_on > founders[r.person.resident_id]
        for r in first.recognitions
    )
    children = [mb for mb in first.members if mb.relation in CHILD_RELATIONS]
    assert children
    heads = {mb.household.number: mb.person for mb in first.members if mb.relation == "户主"}
    assert all(
        (mb.person.birth_date - heads[mb.household.number].birth_date).days >= 18 * 365
        for mb in children
    )


def test_operating_dates_follow_the_licence_from_their_own_stream_and_leave_the_rest(db):
    # given
    load_songyuan_2017()
    spec = SynthSpec(persons=3000, firms=50, seed=2018)
    # when
    first, second = generate(spec), generate(spec)
    # then
    dates = [(b.license_date, b.operating_since) for b in first.businesses]
    assert dates == [(b.license_date, b.operating_since) for b in second.businesses]
    known = [(licensed, since) for licensed, since in dates if since is not None]
    assert 0 < len(known) < len(dates)
    assert all(
        0 <= (since - licensed).days <= 90 and since <= spec.as_of for licensed, since in known
    )
