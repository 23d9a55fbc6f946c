from __future__ import annotations

import datetime as dt

import pytest

from jiuye.geo.loaders import LoadReport, load_songyuan_2017, load_songyuan_townships_2023
from jiuye.geo.models import Division, DivisionLevel

pytestmark = pytest.mark.django_db


def test_2017_list_loads_jilin_songyuan_counties_and_townships():
    # when
    report = load_songyuan_2017()
    # then
    assert report == LoadReport(created=150, updated=0)
    levels = {level: Division.objects.filter(level=level).count() for level in DivisionLevel}
    assert levels == {
        DivisionLevel.PROVINCE: 1,
        DivisionLevel.CITY: 1,
        DivisionLevel.COUNTY: 6,
        DivisionLevel.TOWNSHIP: 142,
        DivisionLevel.VILLAGE: 0,
    }


def test_a_township_resolves_up_to_the_province():
    # given
    load_songyuan_2017()
    # when
    township = Division.objects.get(code="220702001")
    chain = []
    node = township
    while node is not None:
        chain.append((node.code, node.name))
        node = node.parent
    # then
    assert chain == [
        ("220702001", "团结街道办事处"),
        ("220702", "宁江区"),
        ("220700", "松原市"),
        ("220000", "吉林省"),
    ]
    assert township.vintage == dt.date(2017, 10, 31)


def test_loading_twice_changes_nothing():
    # given
    load_songyuan_2017()
    before = list(Division.objects.values_list("pk", "code", "name", "parent_id"))
    # when
    report = load_songyuan_2017()
    # then
    assert report == LoadReport(created=0, updated=150)
    assert list(Division.objects.values_list("pk", "code", "name", "parent_id")) == before


def test_2023_vintage_keeps_the_2017_names():
    # given
    load_songyuan_2017()
    # when
    report = load_songyuan_townships_2023()
    # then
    assert report == LoadReport(created=147, updated=0, closed=7)
    names = dict(Division.objects.filter(code="220702001").values_list("vintage", "name"))
    assert names == {dt.date(2017, 10, 31): "团结街道办事处", dt.date(2023, 6, 30): "团结街道"}
