from __future__ import annotations

import datetime as dt

import pytest

from jiuye.geo.models import Division, DivisionLevel

VINTAGE = dt.date(2017, 10, 31)


@pytest.fixture
def divisions(db) -> dict[str, Division]:
    """A small tree: Jilin → Songyuan → 宁江区 and 前郭县 → one township each."""
    tree = [
        ("220000", "吉林省", DivisionLevel.PROVINCE, None),
        ("220700", "松原市", DivisionLevel.CITY, "220000"),
        ("220702", "宁江区", DivisionLevel.COUNTY, "220700"),
        ("220721", "前郭尔罗斯蒙古族自治县", DivisionLevel.COUNTY, "220700"),
        ("220702001", "团结街道办事处", DivisionLevel.TOWNSHIP, "220702"),
        ("220721100", "前郭尔罗斯镇", DivisionLevel.TOWNSHIP, "220721"),
    ]
    made: dict[str, Division] = {}
    for code, name, level, parent in tree:
        made[code] = Division.objects.create(
            code=code, name=name, level=level, parent=made.get(parent or ""), vintage=VINTAGE
        )
    return made
