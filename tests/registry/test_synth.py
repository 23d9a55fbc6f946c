from __future__ import annotations

import polars as pl
import pytest
from typer.testing import CliRunner

from jiuye.cli import app
from jiuye.geo.loaders import load_songyuan_2017
from jiuye.identity import is_valid_credit_code, is_valid_resident_id
from jiuye.registry.demo import population_tables
from jiuye.registry.models import ChangeLog, Employer, Household, Person
from jiuye.registry.synth import SynthSpec, generate


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
    result = CliRunner().invoke(app, ["synth", "--persons", "100", "--firms", "5", "--seed",
                                      "9", "--parquet", str(tmp_path)])
    # then
    assert result.exit_code == 0, result.output
    persons = pl.read_parquet(tmp_path / "persons.parquet")
    members = pl.read_parquet(tmp_path / "members.parquet")
    assert persons.height == 100
    assert set(members["person_id"]) == set(persons["id"])
    assert "division_code" in persons.columns
    assert Person.objects.count() == 0
    assert set(population_tables(generate(SynthSpec(10, 2, 9)))) >= {"persons", "employers"}
