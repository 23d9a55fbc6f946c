"""Idempotent loaders of the reference division lists in ``data/reference/``.

Each loader uses ``update_or_create`` keyed on (code, vintage): running it again
changes nothing, and a corrected CSV updates names in place.

A later township list is loaded *beside* the earlier ones (``load_vintage("2023")``):
every code in it gets a row of the new vintage; a renamed code keeps its old row with
the old name; a code missing from the newest list is abolished, and the last row that
has it gets ``valid_to`` = the date of the first list without it (the real date lies
between the two lists: "no later than"). ``valid_from`` stays empty: the lists do not
say when a unit was created. Records are never moved: see :mod:`jiuye.geo.selectors`.
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
class TownshipList:
    """One published vintage of the township list under 2207."""

    key: str
    vintage: dt.date
    file: str


TOWNSHIP_LISTS: dict[str, TownshipList] = {
    "2017": TownshipList("2017", VINTAGE_2017, "songyuan-townships-2017.csv"),
    "2023": TownshipList("2023", VINTAGE_2023, "songyuan-townships-2023.csv"),
}


@dataclass(frozen=True)
class LoadReport:
    created: int
    updated: int
    closed: int = 0  # codes newly marked abolished (valid_to set)

    def __add__(self, other: LoadReport) -> LoadReport:
        return LoadReport(
            self.created + other.created, self.updated + other.updated, self.closed + other.closed
        )

    def __str__(self) -> str:
        text = f"新增 {self.created} 条，已有 {self.updated} 条"
        return text + (f"，标记撤销 {self.closed} 个代码" if self.closed else "")


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


def load_vintage(key: str, data_dir: Path | None = None) -> LoadReport:
    """Load one vintage of the list by its key (``"2017"``, ``"2023"``)."""
    if key not in TOWNSHIP_LISTS:
        raise KeyError(key)
    if key == "2017":
        return load_songyuan_2017(data_dir)
    return load_township_list(TOWNSHIP_LISTS[key], data_dir)


@transaction.atomic
def load_township_list(listing: TownshipList, data_dir: Path | None = None) -> LoadReport:
    """A later township list beside (not over) the earlier rows; abolished codes closed.

    County parents are the 2017 rows: the county list did not change between the
    vintages (the 2017 list is loaded first if it is missing).
    """
    folder = _data_dir(data_dir)
    counties = {
        d.code: d for d in Division.objects.filter(level=DivisionLevel.COUNTY, vintage=VINTAGE_2017)
    }
    if not counties:
        load_songyuan_2017(folder)
        return load_township_list(listing, folder)
    results = [
        _put(
            code=row["code"],
            name=row["name"],
            level=DivisionLevel.TOWNSHIP,
            parent=counties[row["areaCode"]],
            vintage=listing.vintage,
            source=SOURCE_NBS,
        )
        for row in _read(folder / listing.file)
    ]
    report = _count(results)
    return LoadReport(report.created, report.updated, close_abolished_townships())


def load_songyuan_townships_2023(data_dir: Path | None = None) -> LoadReport:
    """The 2023 township vintage, beside (not over) the 2017 rows."""
    return load_township_list(TOWNSHIP_LISTS["2023"], data_dir)


def close_abolished_townships() -> int:
    """Set ``valid_to`` on the last row of each township code the newest list lacks.

    Only the lists in ``TOWNSHIP_LISTS`` that are loaded count; rows closed before
    (by this or by an administrator) are left alone. Returns how many rows were closed.
    """
    lists = sorted(
        listing.vintage
        for listing in TOWNSHIP_LISTS.values()
        if Division.objects.filter(
            level=DivisionLevel.TOWNSHIP, vintage=listing.vintage, source=SOURCE_NBS
        ).exists()
    )
    if len(lists) < 2:
        return 0
    last_seen: dict[str, dt.date] = {}
    for code, vintage in Division.objects.filter(
        level=DivisionLevel.TOWNSHIP, vintage__in=lists, source=SOURCE_NBS
    ).values_list("code", "vintage"):
        last_seen[code] = max(vintage, last_seen.get(code, vintage))
    closed = 0
    for code, seen in sorted(last_seen.items()):
        if seen == lists[-1]:
            continue
        gone_by = min(v for v in lists if v > seen)
        closed += Division.objects.filter(code=code, vintage=seen, valid_to__isnull=True).update(
            valid_to=gone_by
        )
    return closed
