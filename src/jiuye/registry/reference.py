"""城镇登记失业率 into ``UnemploymentRate``: the policy package's figures at every setup,
and an administrator's CSV (e.g. Songyuan's own figure) with its source.

Rates are basis points (1/100 of a percent) parsed from the decimal text ("3.52" →
352) with :class:`~decimal.Decimal`, never through a float. Region codes are stored as
written (2, 4, 6, 9 or 12 digits): the employer's 统筹地区 code must match exactly.

Who wins: a row whose source is the package's own source text follows the package
(a corrected YAML updates it at the next setup); a row an administrator wrote with
another source (in the admin or by ``jiuye rates-load``) is kept and reported. A
CSV value that differs from the stored one is only written with ``replace=True``;
every write by the CSV loader leaves a history row (entity ``rate``, through
:func:`jiuye.core.audit.record`).

CSV format (UTF-8 or GB18030, header row): 地区代码, 年度, 城镇登记失业率(%), 来源.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.db import transaction

from jiuye.core import audit
from jiuye.core.files import FileError, read_csv_text
from jiuye.registry.models import Source, UnemploymentRate

TARGET = "pooling_region_unemployment_rate"
REGION, YEAR, RATE, SOURCE = "地区代码", "年度", "城镇登记失业率(%)", "来源"
HEADERS = (REGION, YEAR, RATE, SOURCE)
ALIASES = {"城镇登记失业率（%）": RATE, "城镇登记失业率(％)": RATE, "城镇登记失业率（％）": RATE}
CODE_LENGTHS = (2, 4, 6, 9, 12)
MAX_BYTES = 10 * 2**20


class RateFileError(FileError):
    """A rate file that cannot be read as a whole (codes of :class:`~jiuye.core.files.FileCode`)."""


@dataclass(frozen=True)
class Rate:
    region_code: str
    year: int
    rate_bp: int
    source: str


@dataclass
class RateReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept: list[tuple[Rate, Rate]] = field(default_factory=list)  # (stored, offered)
    conflicts: list[tuple[Rate, Rate]] = field(default_factory=list)  # (stored, in file)
    problems: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        text = f"新增 {self.created} 条，更新 {self.updated} 条，未变 {self.unchanged} 条"
        return text + (f"，保留管理员录入 {len(self.kept)} 条" if self.kept else "")


def percent_text(rate_bp: int) -> str:
    """352 → "3.52"."""
    whole, fraction = divmod(rate_bp, 100)
    return f"{whole}.{fraction:02d}"


def parse_percent(text: str) -> int:
    """ "3.52" → 352 basis points, exactly; ValueError for anything else.

    >>> parse_percent("3.52"), parse_percent("4"), parse_percent(" 3.5% ")
    (352, 400, 350)
    """
    cleaned = text.strip().removesuffix("%").removesuffix("％").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    scaled = value * 100
    if not value.is_finite() or scaled != scaled.to_integral_value() or not 0 <= value < 100:
        raise ValueError(text)
    return int(scaled)


def _stored(row: UnemploymentRate) -> Rate:
    return Rate(row.region_code, row.year, row.rate_bp, row.source)


@transaction.atomic
def load_package_rates() -> RateReport:
    """The package's reference table into the registry; idempotent (a setup step)."""
    from jiuye.evaluation import package

    table = package().references[TARGET]
    report = RateReport()
    existing = {
        (r.region_code, r.year): r
        for r in UnemploymentRate.objects.filter(
            region_code__in={region for region, _ in table.values}
        )
    }
    for (region, year), value in sorted(table.values.items()):
        if not isinstance(value, int):
            raise TypeError(f"{TARGET} {region} {year}: basis points expected, got {value!r}")
        offered = Rate(region, year, value, table.sources.get((region, year), ""))
        row = existing.get((region, year))
        if row is None:
            UnemploymentRate.objects.create(
                region_code=region, year=year, rate_bp=offered.rate_bp, source=offered.source
            )
            report.created += 1
        elif _stored(row) == offered:
            report.unchanged += 1
        elif row.source == offered.source:
            row.rate_bp = offered.rate_bp
            row.save(update_fields=["rate_bp"])
            report.updated += 1
        else:
            report.kept.append((_stored(row), offered))
    return report


def read_rate_file(path: Path) -> tuple[list[Rate], list[str]]:
    """Every row of the CSV checked: (rates, Chinese problems with row numbers)."""
    if path.suffix.lower() != ".csv":
        raise RateFileError("file_type", "请使用 CSV 文件（UTF-8 或 GB18030，逗号分隔）")
    text = read_csv_text(
        path,
        max_bytes=MAX_BYTES,
        too_large="文件过大（上限 10 MB）",
        not_csv="文件不是 CSV 文本（可能是改了扩展名的 Excel 文件）",
        error=RateFileError,
    )
    table = list(csv.reader(io.StringIO(text, newline="")))
    if not table:
        raise RateFileError("empty", "文件为空")
    names = [ALIASES.get(h.strip(), h.strip()) for h in table[0]]
    missing = [h for h in HEADERS if h not in names]
    if missing:
        raise RateFileError(
            "headers",
            "缺少列：" + "、".join(f"“{h}”" for h in missing) + "。表头应为：" + "、".join(HEADERS),
        )
    index = {h: names.index(h) for h in HEADERS}
    rates: list[Rate] = []
    problems: list[str] = []
    seen: dict[tuple[str, int], int] = {}
    for number, cells in enumerate(table[1:], start=2):
        values = {h: (cells[i].strip() if i < len(cells) else "") for h, i in index.items()}
        if not any(values.values()):
            continue
        rate, bad = _row(values)
        if rate is not None and (rate.region_code, rate.year) in seen:
            bad.append(f"{REGION}、{YEAR}：与第{seen[(rate.region_code, rate.year)]}行重复")
        problems += [f"第{number}行 {message}" for message in bad]
        if rate is not None and not bad:
            seen[(rate.region_code, rate.year)] = number
            rates.append(rate)
    if not rates and not problems:
        raise RateFileError("empty", "文件中没有数据行")
    return rates, problems


def _row(values: dict[str, str]) -> tuple[Rate | None, list[str]]:
    bad = []
    region, year_text, source = values[REGION], values[YEAR], values[SOURCE]
    if not (region.isdigit() and len(region) in CODE_LENGTHS):
        bad.append(f"{REGION}：应为2、4、6、9或12位数字（“{region}”）")
    year = int(year_text) if year_text.isdigit() and len(year_text) == 4 else None
    if year is None or not 1949 <= year <= 2100:
        bad.append(f"{YEAR}：应为四位年份（“{year_text}”）")
    try:
        rate_bp: int | None = parse_percent(values[RATE])
    except ValueError:
        rate_bp = None
        bad.append(f"{RATE}：应为0到100之间的百分数，最多两位小数，如 3.52（“{values[RATE]}”）")
    if not source:
        bad.append(f"{SOURCE}：必填（统计公报或文件名称）")
    elif len(source) > 200:
        bad.append(f"{SOURCE}：不超过200字")
    if bad or year is None or rate_bp is None:
        return None, bad
    return Rate(region, year, rate_bp, source), bad


def load_rate_file(
    path: Path, *, replace: bool = False, actor: Any = None, dry_run: bool = False
) -> RateReport:
    """All rows or none: any bad row, or a conflict without ``replace``, writes nothing."""
    rates, problems = read_rate_file(path)
    report = RateReport(problems=problems)
    if problems:
        return report
    with transaction.atomic():
        existing = {
            (r.region_code, r.year): r
            for r in UnemploymentRate.objects.select_for_update().filter(
                region_code__in={r.region_code for r in rates}
            )
        }
        plan: list[tuple[Rate, UnemploymentRate | None]] = []
        for rate in rates:
            row = existing.get((rate.region_code, rate.year))
            if row is not None and _stored(row) == rate:
                report.unchanged += 1
                continue
            if row is not None:
                report.conflicts.append((_stored(row), rate))
            plan.append((rate, row))
        if (report.conflicts and not replace) or dry_run:
            return report
        for rate, row in plan:
            _write(rate, row, actor)
            report.created += row is None
            report.updated += row is not None
    return report


def _write(rate: Rate, row: UnemploymentRate | None, actor: Any) -> None:
    old = None if row is None else _stored(row)
    if row is None:
        row = UnemploymentRate(region_code=rate.region_code, year=rate.year)
    row.rate_bp, row.source = rate.rate_bp, rate.source
    row.save()
    before = {} if old is None else {"rate_bp": old.rate_bp, "source": old.source}
    audit.record(
        actor=actor,
        action="create" if old is None else "update",
        entity="rate",
        object_id=row.pk,
        source=Source.EXCHANGE,
        changes=audit.diff(before, {"rate_bp": rate.rate_bp, "source": rate.source}),
    )
