"""``jiuye facts-export``: one jurisdiction's facts as Parquet, through eligibility.facts."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from jiuye.cli import app
from jiuye.eligibility.facts import facts_for
from jiuye.geo.loaders import load_songyuan_2017
from jiuye.geo.models import Division
from jiuye.registry.models import Employer, Household, Person, Source
from jiuye.registry.services import bulk_load
from jiuye.registry.synth import SynthSpec, generate

AS_OF = dt.date(2018, 12, 31)


@pytest.fixture
def population(db) -> None:
    load_songyuan_2017()
    bulk_load(
        generate(SynthSpec(persons=150, firms=12, seed=21)), actor=None, source=Source.SYNTHETIC
    )


def _export(*args: str):
    return CliRunner().invoke(app, ["facts-export", *args])


@pytest.mark.parametrize(
    ("entity", "label", "model"),
    [
        ("person", "人员", Person),
        ("household", "家庭", Household),
        ("employer", "用人单位", Employer),
    ],
)
def test_the_city_export_holds_every_record_as_facts_for_derives_them(
    population, tmp_path, entity, label, model
):
    # given
    out = tmp_path / f"{entity}.parquet"
    # when
    result = _export(
        "--as-of", "2018-12-31", "--division", "220700", "--entity", entity, "--out", str(out)
    )
    # then
    assert result.exit_code == 0, result.output
    written = pl.read_parquet(out)
    assert written.height == model.objects.count()
    assert f"220700 松原市 {label}事实（2018-12-31）：{written.height} 行" in result.output
    assert "秒" in result.output
    expected = facts_for(entity, Division.objects.get(code="220700"), AS_OF)
    assert_frame_equal(written, expected)


def test_a_county_export_holds_only_that_county(population, tmp_path):
    # given
    out = tmp_path / "nested" / "people.parquet"
    # when
    result = _export(
        "--as-of", "2018-06-30", "--division", "220722", "--entity", "person", "--out", str(out)
    )
    # then
    assert result.exit_code == 0, result.output
    ids = set(pl.read_parquet(out)["id"])
    assert ids == set(
        Person.objects.filter(division__code__startswith="220722").values_list("id", flat=True)
    )
    assert 0 < len(ids) < Person.objects.count()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--as-of", "2018-02-30", "--division", "220700", "--entity", "person"],
            "日期格式不正确：“2018-02-30”，应为 YYYY-MM-DD",
        ),
        (
            ["--as-of", "2018-12-31", "--division", "229999", "--entity", "person"],
            "行政区划代码“229999”不存在",
        ),
        (
            ["--as-of", "2018-12-31", "--division", "松原", "--entity", "person"],
            "行政区划代码“松原”不存在",
        ),
        (
            ["--as-of", "2018-12-31", "--division", "220700", "--entity", "firm"],
            "对象类型“firm”不正确，应为 person（人员）、household（家庭）、employer（用人单位）",
        ),
    ],
)
def test_bad_input_gets_a_chinese_message_and_exit_code_2(population, tmp_path, args, message):
    # given
    out = tmp_path / "x.parquet"
    # when
    result = _export(*args, "--out", str(out))
    # then
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
    assert not out.exists()
