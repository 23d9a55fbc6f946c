"""Level-5 divisions (居委会、村委会) from a file the bureau provides: all rows or none.

Every row is checked before anything is written; one bad row and nothing is loaded.
Rows are upserted on (code, vintage) in one transaction, so loading the same file
again changes nothing. The demo's sample communities (``is_sample``) are never
touched: a file that names one of their codes is refused. Communities missing from
a file are left as they are (a file may cover one township).

The vintage defaults to the newest township list loaded: the file is read as part
of that list, and its parents are that list's rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.db.models import Max

from jiuye.geo.community_files import (
    CODE,
    HEADERS,
    NAME,
    PARENT,
    URBAN_RURAL,
    CellProblem,
    DivisionFileError,
    read_community_file,
)
from jiuye.geo.models import Division, DivisionLevel, UrbanRural

MAX_NAME = 100
MAX_SOURCE = 200
FIELDS = ("name", "parent_id", "urban_rural", "source")


@dataclass(frozen=True)
class Community:
    row: int
    code: str
    name: str
    urban_rural: str
    parent: Division


@dataclass(frozen=True)
class CommunityLoad:
    """What a file did (or, with ``dry_run`` or any problem, would have done)."""

    vintage: dt.date
    rows: int
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: tuple[CellProblem, ...] = ()
    dry_run: bool = False

    @property
    def written(self) -> bool:
        return not self.problems and not self.dry_run

    def __str__(self) -> str:
        return (
            f"{self.rows} 行：新增 {self.created} 个，更新 {self.updated} 个，"
            f"未变 {self.unchanged} 个（版本日期 {self.vintage.isoformat()}）"
        )


def newest_township_vintage() -> dt.date | None:
    found: dt.date | None = Division.objects.filter(
        level=DivisionLevel.TOWNSHIP, is_sample=False
    ).aggregate(v=Max("vintage"))["v"]
    return found


def load_communities(
    path: Path, *, source: str, vintage: dt.date | None = None, dry_run: bool = False
) -> CommunityLoad:
    """Check every row of ``path``; write them all (unless ``dry_run``) only if all pass.

    Raises :class:`DivisionFileError` when the file as a whole cannot be used.
    """
    source = source.strip()
    if not source or len(source) > MAX_SOURCE:
        raise DivisionFileError("source", f"来源必填，不超过{MAX_SOURCE}字")
    vintage = vintage or newest_township_vintage()
    if vintage is None:
        raise DivisionFileError(
            "no_townships", "区划表中还没有乡镇街道，请先运行 jiuye setup-demo 或 jiuye geo-load"
        )
    sheet = read_community_file(path)
    if not sheet.rows and not sheet.problems:
        raise DivisionFileError("empty", "文件中没有数据行")
    communities, problems = _check(sheet.rows, vintage)
    # a formula or a merged cell explains whatever else is wrong with that cell
    cells = {(p.row, p.column) for p in sheet.problems}
    problems = sorted(
        {*(p for p in problems if (p.row, p.column) not in cells), *sheet.problems}, key=_position
    )
    report = CommunityLoad(
        vintage=vintage, rows=len(sheet.rows), problems=tuple(problems), dry_run=dry_run
    )
    if problems:
        return report
    with transaction.atomic():
        created, updated, unchanged = _upsert(communities, vintage, source, write=not dry_run)
    return CommunityLoad(
        vintage=vintage,
        rows=len(sheet.rows),
        created=created,
        updated=updated,
        unchanged=unchanged,
        dry_run=dry_run,
    )


def _position(problem: CellProblem) -> tuple[int, int, str]:
    order = HEADERS.index(problem.column) if problem.column in HEADERS else len(HEADERS)
    return problem.row, order, problem.column


def _check(
    rows: list[tuple[int, dict[str, str]]], vintage: dt.date
) -> tuple[list[Community], list[CellProblem]]:
    problems: list[CellProblem] = []
    codes = [values.get(CODE, "") for _, values in rows]
    parents = _parents({c[:9] for c in codes if len(c) == 12 and c.isdigit()}, vintage)
    samples = set(
        Division.objects.filter(is_sample=True, code__in=codes).values_list("code", flat=True)
    )
    first_row: dict[str, int] = {}
    good: list[Community] = []
    for number, values in rows:
        bad = [
            CellProblem(number, column, message)
            for column, message in _row_problems(
                values, parents, samples, first_row.get(values.get(CODE, "")), vintage
            )
        ]
        code = values.get(CODE, "")
        first_row.setdefault(code, number)
        problems += bad
        if not bad:
            good.append(
                Community(
                    number, code, values[NAME], values.get(URBAN_RURAL, ""), parents[code[:9]]
                )
            )
    return good, problems


def _row_problems(
    values: dict[str, str],
    parents: dict[str, Division],
    samples: set[str],
    seen_at: int | None,
    vintage: dt.date,
) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    code, name = values.get(CODE, ""), values.get(NAME, "")
    if not code:
        out.append((CODE, "不能为空"))
    elif len(code) != 12 or not code.isdigit():
        out.append((CODE, f"应为12位数字（“{code}”）"))
    elif code.endswith("000"):
        out.append((CODE, f"末3位为000的是乡镇街道代码，不是社区村（“{code}”）"))
    elif seen_at is not None:
        out.append((CODE, f"与第{seen_at}行重复（“{code}”）"))
    elif code in samples:
        out.append((CODE, f"与演示样例社区的代码相同，不能覆盖演示数据（“{code}”）"))
    elif code[:9] not in parents:
        out.append((CODE, f"所属乡镇街道 {code[:9]} 不在区划表中"))
    elif (closed := parents[code[:9]].valid_to) is not None and closed <= vintage:
        out.append((CODE, f"所属乡镇街道 {code[:9]} 已撤销（不晚于 {closed.isoformat()}）"))
    parent = values.get(PARENT, "")
    if parent:
        township = parent[:9] if len(parent) == 12 and parent.endswith("000") else parent
        if len(township) != 9 or not township.isdigit():
            out.append((PARENT, f"应为9位乡镇街道代码（“{parent}”）"))
        elif code[:9] != township:
            out.append((PARENT, f"与统计用区划代码前9位 {code[:9]} 不一致（“{parent}”）"))
    if not name:
        out.append((NAME, "不能为空"))
    elif len(name) > MAX_NAME:
        out.append((NAME, f"超过{MAX_NAME}字（{len(name)}字）"))
    urban_rural = values.get(URBAN_RURAL, "")
    if urban_rural and urban_rural not in UrbanRural.values:
        out.append((URBAN_RURAL, f"应为 {'、'.join(UrbanRural.values)} 之一（“{urban_rural}”）"))
    return out


def _parents(codes: set[str], vintage: dt.date) -> dict[str, Division]:
    """Each township code's row of the newest list on or before ``vintage`` (else its oldest)."""
    found: dict[str, Division] = {}
    rows = Division.objects.filter(
        level=DivisionLevel.TOWNSHIP, code__in=codes, is_sample=False
    ).order_by("code", "vintage")
    for row in rows:
        if row.code not in found or row.vintage <= vintage:
            found[row.code] = row
    return found


def _upsert(
    communities: list[Community], vintage: dt.date, source: str, *, write: bool
) -> tuple[int, int, int]:
    existing = {
        d.code: d
        for d in Division.objects.select_for_update().filter(
            code__in=[c.code for c in communities], vintage=vintage, is_sample=False
        )
    }
    new: list[Division] = []
    changed: list[Division] = []
    for c in communities:
        row = existing.get(c.code)
        wanted = {
            "name": c.name,
            "parent_id": c.parent.pk,
            "urban_rural": c.urban_rural,
            "source": source,
        }
        if row is None:
            new.append(
                Division(code=c.code, vintage=vintage, level=DivisionLevel.VILLAGE, **wanted)
            )
        elif row.level != DivisionLevel.VILLAGE or any(
            getattr(row, k) != v for k, v in wanted.items()
        ):
            for key, value in wanted.items():
                setattr(row, key, value)
            row.level = DivisionLevel.VILLAGE
            changed.append(row)
    if write:
        Division.objects.bulk_create(new, batch_size=1000)
        Division.objects.bulk_update(changed, [*FIELDS, "level"], batch_size=1000)
    return len(new), len(changed), len(communities) - len(new) - len(changed)
