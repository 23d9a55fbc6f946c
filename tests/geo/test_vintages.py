"""The 2023 township list loaded beside 2017: counts, renamed and abolished codes,
idempotence, and the registry's code lookups with two vintages in the table."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from typer.testing import CliRunner

from jiuye.cli import app
from jiuye.geo.loaders import (
    VINTAGE_2017,
    VINTAGE_2023,
    LoadReport,
    load_songyuan_2017,
    load_vintage,
)
from jiuye.geo.models import Division, DivisionLevel
from jiuye.geo.selectors import division_at, divisions_at, newest_division
from jiuye.registry.models import Person
from jiuye.registry.rosters.lookups import division_ids
from jiuye.registry.services.common import RegistryError, resolve_division
from jiuye.registry.synth import SynthSpec, generate
from jiuye.staff.access import scoped, viewer_for, visible_divisions
from jiuye.staff.models import StaffProfile
from tests.factories import StaffUserFactory
from tests.registry.factories import PersonFactory

pytestmark = pytest.mark.django_db

ABOLISHED = {
    "220702400",
    "220721214",
    "220721410",
    "220721414",
    "220722123",
    "220771100",
    "220781400",
}


def _csv(name: str) -> dict[str, str]:
    path = Path(settings.REFERENCE_DATA_DIR) / name
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle)}


def _table() -> list[tuple]:
    return list(
        Division.objects.order_by("code", "vintage").values_list(
            "pk", "code", "vintage", "name", "parent_id", "valid_from", "valid_to", "source"
        )
    )


def test_2023_list_loads_beside_2017_with_the_counts_of_the_csv_files():
    # given
    load_songyuan_2017()
    old, new = _csv("songyuan-townships-2017.csv"), _csv("songyuan-townships-2023.csv")
    # when
    report = load_vintage("2023")
    # then
    assert report == LoadReport(created=len(new), updated=0, closed=len(set(old) - set(new)))
    assert report == LoadReport(created=147, updated=0, closed=7)
    townships = Division.objects.filter(level=DivisionLevel.TOWNSHIP)
    assert townships.filter(vintage=VINTAGE_2017).count() == len(old) == 142
    assert townships.filter(vintage=VINTAGE_2023).count() == len(new)
    assert dict(townships.filter(vintage=VINTAGE_2023).values_list("code", "name")) == new
    assert dict(townships.filter(vintage=VINTAGE_2017).values_list("code", "name")) == old
    assert set(townships.filter(vintage=VINTAGE_2023).values_list("parent__code", flat=True)) == {
        "220702",
        "220721",
        "220722",
        "220723",
        "220771",
        "220781",
    }


def test_a_renamed_code_keeps_its_old_row_and_name_and_stays_open():
    # given
    load_songyuan_2017()
    # when
    load_vintage("2023")
    # then
    rows = list(
        Division.objects.filter(code="220702402")
        .order_by("vintage")
        .values_list("vintage", "name", "valid_to")
    )
    assert rows == [
        (VINTAGE_2017, "国营善友林场", None),
        (VINTAGE_2023, "松原市善友国有林保护中心", None),
    ]
    assert division_at("220702402", dt.date(2018, 5, 1)).name == "国营善友林场"
    assert division_at("220702402", dt.date(2024, 1, 1)).name == "松原市善友国有林保护中心"
    assert newest_division("220702402").vintage == VINTAGE_2023


def test_an_abolished_code_gets_valid_to_and_a_new_code_has_no_2017_row():
    # given
    load_songyuan_2017()
    # when
    load_vintage("2023")
    # then
    closed = Division.objects.exclude(valid_to=None)
    assert set(closed.values_list("code", flat=True)) == ABOLISHED
    assert set(closed.values_list("vintage", "valid_to")) == {(VINTAGE_2017, VINTAGE_2023)}
    assert division_at("220702400", dt.date(2018, 5, 1)).name == "华侨农场"
    assert division_at("220702400", dt.date(2024, 1, 1)) is None
    assert list(Division.objects.filter(code="220721001").values_list("vintage", "name")) == [
        (VINTAGE_2023, "阿穆尔街道")
    ]
    assert division_at("220721001", dt.date(2018, 5, 1)) is None
    assert division_at("220721001", dt.date(2023, 7, 1)).name == "阿穆尔街道"


def test_loading_2023_twice_changes_nothing_and_setup_keeps_the_closures():
    # given
    load_songyuan_2017()
    load_vintage("2023")
    before = _table()
    # when
    again = load_vintage("2023")
    load_songyuan_2017()  # as every `make run` does
    # then
    assert again == LoadReport(created=0, updated=147, closed=0)
    assert _table() == before


def test_the_township_list_in_force_is_chosen_by_date():
    # given
    load_songyuan_2017()
    load_vintage("2023")
    # when
    in_2018 = divisions_at(dt.date(2018, 12, 31), level=DivisionLevel.TOWNSHIP, prefix="2207")
    in_2016 = divisions_at(dt.date(2016, 1, 1), level=DivisionLevel.TOWNSHIP, prefix="2207")
    in_2024 = divisions_at(dt.date(2024, 1, 1), level=DivisionLevel.TOWNSHIP, prefix="2207")
    # then
    assert in_2018.count() == in_2016.count() == 142
    assert in_2024.count() == 147
    assert {d.vintage for d in in_2024} == {VINTAGE_2023}


def test_synthetic_population_of_2018_is_the_same_with_the_2023_list_loaded():
    # given
    load_songyuan_2017()
    spec = SynthSpec(persons=60, firms=5, seed=4)
    before = [(p.resident_id, p.division.code, p.division.vintage) for p in generate(spec).persons]
    # when
    load_vintage("2023")
    after = [(p.resident_id, p.division.code, p.division.vintage) for p in generate(spec).persons]
    # then
    assert after == before
    assert {vintage for _, _, vintage in after} == {VINTAGE_2017}


def test_registry_lookups_resolve_one_row_per_code_and_scope_both_vintages():
    # given a person written on the 2017 row, the 2023 list loaded, one written after
    load_songyuan_2017()
    old_row = Division.objects.get(code="220702001", vintage=VINTAGE_2017)
    before = PersonFactory(division=old_row)
    load_vintage("2023")
    after = PersonFactory(division=resolve_division("220702001"))
    # (registered before its township was abolished; new writes refuse the code)
    gone = PersonFactory(division=Division.objects.get(code="220702400", vintage=VINTAGE_2017))
    with pytest.raises(RegistryError, match="撤销"):
        resolve_division("220702400")
    user = StaffUserFactory(username="nj_township")
    StaffProfile.objects.create(user=user, division=resolve_division("220702001"))
    county_user = StaffUserFactory(username="nj_county")
    StaffProfile.objects.create(user=county_user, division=resolve_division("220702"))
    # when
    ids = division_ids()
    township_sees = set(scoped(Person.objects.all(), viewer_for(user)))
    county_sees = set(scoped(Person.objects.all(), viewer_for(county_user)))
    # then
    assert after.division.vintage == VINTAGE_2023
    assert before.division.vintage == VINTAGE_2017
    assert gone.division.vintage == VINTAGE_2017
    assert len(ids) == Division.objects.values("code").distinct().count()
    assert ids["220702001"] == Division.objects.get(code="220702001", vintage=VINTAGE_2023).pk
    assert township_sees == {before, after}
    assert county_sees == {before, after, gone}
    assert set(visible_divisions(user).values_list("vintage", flat=True)) == {
        VINTAGE_2017,
        VINTAGE_2023,
    }


def test_geo_load_command_loads_2023_then_reports_nothing_new():
    # given
    runner = CliRunner()
    # when
    first = runner.invoke(app, ["geo-load", "--vintage", "2023"])
    second = runner.invoke(app, ["geo-load", "--vintage", "2023"])
    # then
    assert first.exit_code == 0, first.output
    assert "新增 147 条" in first.output
    assert "标记撤销 7 个代码" in first.output
    assert second.exit_code == 0, second.output
    assert "新增 0 条，已有 147 条" in second.output
    assert Division.objects.filter(vintage=VINTAGE_2023).count() == 147


def test_geo_load_command_refuses_an_unknown_vintage():
    # when
    result = CliRunner().invoke(app, ["geo-load", "--vintage", "2020"])
    # then
    assert result.exit_code == 2
    assert "没有 2020 年版的区划表" in result.output
    assert "Traceback" not in result.output
    assert Division.objects.count() == 0
