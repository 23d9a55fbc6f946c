"""Idempotent loaders of the reference division lists in ``data/reference/``.

Each loader uses ``update_or_create`` keyed on (code, vintage): running it again
changes nothing, and a corrected CSV updates names in place.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from jiuye.geo.models import Division, DivisionLevel

VINTAGE_2017 = dt.date(2017, 10, 31)
VINTAGE_2023 = dt.date(2023, 6, 30)
SOURCE_NBS = "国家统计局统计用区划代码（经 modood/Administrative-divisions-of-China 整理）"

# The two levels above Songyuan are not in the CSV files; their GB/T 2260 codes and
# names have not changed since before the 2018 policy.
PROVINCE = ("220000", "吉林省")
CITY = ("220700", "松原市")


@dataclass(frozen=True)
class LoadReport:
    created: int
    updated: int

    def __add__(self, other: LoadReport) -> LoadReport:
        return LoadReport(self.created + other.created, self.updated + other.updated)

    def __str__(self) -> str:
        return f"新增 {self.created} 条，已有 {self.updated} 条"


def _data_dir(data_dir: Path | None) -> Path:
    return data_dir if data_dir is not None else Path(settings.REFERENCE_DATA_DIR)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _put(
    *,
    code: str,
    name: str,
    level: DivisionLevel,
    parent: Division | None,
    vintage: dt.date,
    source: str,
) -> tuple[Division, bool]:
    return Division.objects.update_or_create(
        code=code,
        vintage=vintage,
        defaults={"name": name, "level": level, "parent": parent, "source": source},
    )


def _count(results: list[tuple[Division, bool]]) -> LoadReport:
    created = sum(1 for _, was_created in results if was_created)
    return LoadReport(created=created, updated=len(results) - created)


@transaction.atomic
def load_songyuan_2017(data_dir: Path | None = None) -> LoadReport:
    """Jilin → Songyuan → counties → townships, as in force when the 2018 policy was issued."""
    folder = _data_dir(data_dir)
    results: list[tuple[Division, bool]] = []
    province = _put(
        code=PROVINCE[0],
        name=PROVINCE[1],
        level=DivisionLevel.PROVINCE,
        parent=None,
        vintage=VINTAGE_2017,
        source="GB/T 2260",
    )
    city = _put(
        code=CITY[0],
        name=CITY[1],
        level=DivisionLevel.CITY,
        parent=province[0],
        vintage=VINTAGE_2017,
        source="GB/T 2260",
    )
    results += [province, city]
    counties: dict[str, Division] = {}
    for row in _read(folder / "songyuan-counties-2017.csv"):
        county = _put(
            code=row["code"],
            name=row["name"],
            level=DivisionLevel.COUNTY,
            parent=city[0],
            vintage=VINTAGE_2017,
            source=SOURCE_NBS,
        )
        counties[row["code"]] = county[0]
        results.append(county)
    for row in _read(folder / "songyuan-townships-2017.csv"):
        results.append(
            _put(
                code=row["code"],
                name=row["name"],
                level=DivisionLevel.TOWNSHIP,
                parent=counties[row["areaCode"]],
                vintage=VINTAGE_2017,
                source=SOURCE_NBS,
            )
        )
    return _count(results)


@transaction.atomic
def load_songyuan_townships_2023(data_dir: Path | None = None) -> LoadReport:
    """The 2023 township vintage, beside (not over) the 2017 rows.

    Not loaded by ``jiuye setup-demo`` yet: the registry issue decides how current
    and historical names are chosen. County parents are the 2017 rows, since the
    county list did not change between the two vintages.
    """
    folder = _data_dir(data_dir)
    counties = {
        d.code: d for d in Division.objects.filter(level=DivisionLevel.COUNTY, vintage=VINTAGE_2017)
    }
    if not counties:
        load_songyuan_2017(folder)
        return load_songyuan_townships_2023(folder)
    results = [
        _put(
            code=row["code"],
            name=row["name"],
            level=DivisionLevel.TOWNSHIP,
            parent=counties[row["areaCode"]],
            vintage=VINTAGE_2023,
            source=SOURCE_NBS,
        )
        for row in _read(folder / "songyuan-townships-2023.csv")
    ]
    return _count(results)
