"""Benchmark of the registry's bulk paths on PostgreSQL: roster import and facts export.

    .venv/bin/python -m jiuye.testing.postgres -- .venv/bin/python bench/registry.py
    .venv/bin/python -m jiuye.testing.postgres -- .venv/bin/python bench/registry.py \\
        --people 1000000 --employers 100000 --runs 3

Prints (a) the import of a people roster (.xlsx) and (b) of an employer roster, each
from the uploaded file to committed rows (container checks, calamine read, vectorised
validation, preview files, one-transaction upsert with history rows), in rows per
second; (c) the same people through the per-row ``person_upsert`` service as the
baseline measured in the same run, and the ratio; (d) the facts of every imported
person as one Polars frame written to Parquet. Each phase runs in its own process, so
its peak memory (max RSS) is its own. The rosters are generated once into ``--dir``
(writing is not timed). With ``--runs N`` each import starts from empty tables and
the median is printed.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

AS_OF = date(2019, 6, 30)
NOW = datetime(2019, 6, 30, 9, 0, tzinfo=UTC)
COUNTIES = ("220702", "220721", "220722", "220723", "220781")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红宇浩然欣怡子涵梓轩"


def _bench_keys() -> str:
    """Field keys made for this run (identity numbers are stored encrypted, issue 10);
    the phases, run as child processes, inherit them."""
    import base64

    return "; ".join(
        f"{purpose} b1 {base64.b64encode(os.urandom(32)).decode()}" for purpose in ("enc", "index")
    )


def _setup() -> None:
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 40)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuye.settings")
    import django

    django.setup()


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _townships() -> list[str]:
    from jiuye.geo.models import Division, DivisionLevel

    return sorted(
        set(
            Division.objects.filter(
                level=DivisionLevel.TOWNSHIP, code__startswith="2207"
            ).values_list("code", flat=True)
        )
    )


def _people_rows(n: int, seed: int, townships: list[str]) -> list[list[Any]]:
    from jiuye.identity import make_resident_id

    rng = random.Random(seed)  # noqa: S311 - synthetic data
    rows = []
    for i in range(n):
        county = COUNTIES[i % len(COUNTIES)]
        birth = date(1955, 1, 1) + timedelta(days=(i // 500) % 17000)
        sequence = (i % 500) * 2 + (i // 8_500_000) % 2
        sex = "male" if sequence % 2 else "female"
        rows.append(
            [
                make_resident_id(county, birth, sequence, sex),
                rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                rng.choice(townships),
                rng.choice(("城镇户籍", "农村户籍")),
                rng.choice(("初中", "普通高中", "大学本科")),
                None,
                rng.choice(("是", "否", None)),
                "否",
                None,
                rng.randint(0, 120),
                rng.choice(("是", None)),
                None,
            ]
        )
    return rows


def _write(path: Path, headers: list[str], rows: Any) -> None:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("花名册")
    ws.append(headers)
    for row in rows:
        ws.append(row)
    wb.save(path)


def phase_generate(folder: Path, people: int, employers: int) -> dict[str, Any]:
    from jiuye.identity import make_credit_code
    from jiuye.identity.credit_code import CHARSET
    from jiuye.registry.rosters import specs

    folder.mkdir(parents=True, exist_ok=True)
    townships = _townships()
    people_path = folder / f"people_{people}.xlsx"
    if not people_path.exists():
        _write(people_path, specs.PERSON.headers, _people_rows(people, 1, townships))
    employer_path = folder / f"employers_{employers}.xlsx"
    if not employer_path.exists():
        rng = random.Random(2)  # noqa: S311 - synthetic data
        codes: set[str] = set()
        rows = []
        while len(rows) < employers:
            body = "MA" + "".join(rng.choice(CHARSET) for _ in range(6))
            if body in codes:
                continue
            codes.add(body)
            rows.append(
                [
                    make_credit_code("9", "1", rng.choice(COUNTIES), body),
                    f"松原基准单位{len(rows) + 1:06d}",
                    "企业",
                    rng.choice(townships),
                    "民营企业",
                    rng.choice(("微型", "小型", "中型")),
                    "220700",
                ]
            )
        _write(employer_path, specs.EMPLOYER.headers, rows)
    return {
        "people_mib": people_path.stat().st_size / 2**20,
        "employers_mib": employer_path.stat().st_size / 2**20,
    }


def _clear() -> None:
    from django.db import connection

    from jiuye.core.trail import maintenance

    # the change history is append-only (core/0005): emptied only in maintenance
    with maintenance(), connection.cursor() as cursor:
        cursor.execute(
            "TRUNCATE registry_changelog, registry_person, registry_employer "
            "RESTART IDENTITY CASCADE"
        )


def _staff() -> Any:
    """The staff account that uploads and confirms, as in the web screens (its id is
    written, and checked by the foreign key, in every history row)."""
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="bench_city_staff")
    return user


def phase_import(path: Path, kind: str) -> dict[str, Any]:
    from jiuye.registry.rosters import batches

    _clear()
    staff = _staff()
    start = time.perf_counter()
    batch = batches.preview(
        path, kind, filename=path.name, user_id=staff.pk, today=AS_OF, now=NOW, max_bytes=2**31
    )
    previewed = time.perf_counter()
    result = batches.confirm(batch, actor_id=staff.pk, now=NOW)
    done = time.perf_counter()
    batches.discard(batch)
    # the same file again: every row unchanged, nothing written
    again_start = time.perf_counter()
    batch = batches.preview(
        path, kind, filename=path.name, user_id=staff.pk, today=AS_OF, now=NOW, max_bytes=2**31
    )
    again = batches.confirm(batch, actor_id=staff.pk, now=NOW)
    again_done = time.perf_counter()
    batches.discard(batch)
    return {
        "rows": batch.rows,
        "valid": batch.valid_rows,
        "created": result["created"],
        "preview_s": previewed - start,
        "confirm_s": done - previewed,
        "total_s": done - start,
        "again_s": again_done - again_start,
        "again_changed": again["created"] + again["updated"],
        "peak_mib": _peak_mib(),
    }


def phase_baseline(rows: int) -> dict[str, Any]:
    from jiuye.registry.models import Source
    from jiuye.registry.rosters import specs
    from jiuye.registry.services import person_upsert

    fields = {c.header: c for c in specs.PERSON.columns}
    choice = {
        str(label): value
        for c in specs.PERSON.columns
        if c.choices
        for value, label in c.choices.choices
    }
    data = _people_rows(rows, 7, _townships())
    _clear()
    staff = _staff()
    start = time.perf_counter()
    for row in data:
        values: dict[str, Any] = {}
        for column, cell in zip(fields.values(), row, strict=True):
            if cell is None:
                continue
            values[column.field] = (
                {"是": True, "否": False}.get(cell, choice.get(cell, cell))
                if isinstance(cell, str) and column.kind in ("bool", "choice")
                else cell
            )
        # person_upsert needs unique numbers the roster run did not create
        values["resident_id"] = row[0]
        person_upsert(actor=staff, source=Source.ROSTER, data=values)
    elapsed = time.perf_counter() - start
    return {"rows": rows, "total_s": elapsed, "peak_mib": _peak_mib()}


def phase_export(folder: Path) -> dict[str, Any]:
    from jiuye.eligibility.facts import facts_for
    from jiuye.geo.models import Division
    from jiuye.registry.models import Person

    city = Division.objects.filter(code="220700").order_by("-vintage").first()
    assert city is not None
    start = time.perf_counter()
    frame = facts_for("person", city, AS_OF)
    framed = time.perf_counter()
    frame.write_parquet(folder / "person_facts.parquet")
    done = time.perf_counter()
    return {
        "people": Person.objects.count(),
        "rows": frame.height,
        "columns": frame.width,
        "frame_s": framed - start,
        "total_s": done - start,
        "peak_mib": _peak_mib(),
    }


def _run(phase: str, args: argparse.Namespace, *extra: str) -> dict[str, Any]:
    command = [
        sys.executable,
        __file__,
        "--phase",
        phase,
        "--dir",
        str(args.dir),
        "--people",
        str(args.people),
        "--employers",
        str(args.employers),
        "--baseline-rows",
        str(args.baseline_rows),
        *extra,
    ]
    out = subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _median(runs: list[dict[str, Any]], key: str) -> float:
    return statistics.median(r[key] for r in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--employers", type=int, default=100_000)
    parser.add_argument("--baseline-rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--dir", type=Path, default=Path("var/bench"))
    parser.add_argument("--phase", default="")
    parser.add_argument("--kind", default="person")
    args = parser.parse_args()
    if not os.environ.get("JIUYE_KEY_FILE"):
        os.environ.setdefault("JIUYE_FIELD_KEYS", _bench_keys())
    if args.phase:
        _setup()
        if args.phase == "generate":
            from jiuye import bootstrap

            bootstrap.migrate()
            bootstrap.load_reference_data()
            out = phase_generate(args.dir, args.people, args.employers)
        elif args.phase == "import":
            name = (
                f"people_{args.people}.xlsx"
                if args.kind == "person"
                else f"employers_{args.employers}.xlsx"
            )
            out = phase_import(args.dir / name, args.kind)
        elif args.phase == "baseline":
            out = phase_baseline(args.baseline_rows)
        else:
            out = phase_export(args.dir)
        print(json.dumps(out))
        return
    _report(args)


def _report(args: argparse.Namespace) -> None:
    import polars as pl

    print(
        f"PostgreSQL via DATABASE_URL; polars {pl.__version__}, {os.cpu_count()} CPUs; "
        f"{args.runs} run(s) per import, medians; identity numbers encrypted "
        f"({os.environ.get('JIUYE_FIELD_CIPHER', 'A256GCM')}, HMAC-SHA256 blind index)"
    )
    sizes = _run("generate", args)
    print(
        f"rosters: {args.people:,} people ({sizes['people_mib']:.0f} MiB .xlsx), "
        f"{args.employers:,} employers ({sizes['employers_mib']:.0f} MiB)"
    )
    base = _run("baseline", args)
    firms = [_run("import", args, "--kind", "employer") for _ in range(args.runs)]
    # people last: the export reads the people of the last run
    people = [_run("import", args, "--kind", "person") for _ in range(args.runs)]
    for label, runs in (("(a) people roster", people), ("(b) employer roster", firms)):
        total = _median(runs, "total_s")
        print(
            f"{label}: {runs[0]['rows']:,} rows, {runs[0]['created']:,} created in "
            f"{total:.1f} s = {runs[0]['rows'] / total:,.0f} rows/s (preview "
            f"{_median(runs, 'preview_s'):.1f} s + confirm {_median(runs, 'confirm_s'):.1f} s;"
            f" min {min(r['total_s'] for r in runs):.1f}, max "
            f"{max(r['total_s'] for r in runs):.1f}); same file again "
            f"{_median(runs, 'again_s'):.1f} s, {runs[0]['again_changed']} rows changed; "
            f"peak {max(r['peak_mib'] for r in runs):,.0f} MiB"
        )
    base_rate = base["rows"] / base["total_s"]
    rate = people[0]["rows"] / _median(people, "total_s")
    print(
        f"(c) baseline, per-row person_upsert: {base['rows']:,} rows in "
        f"{base['total_s']:.1f} s = {base_rate:,.0f} rows/s; the roster import is "
        f"{rate / base_rate:,.1f}× faster"
    )
    export = _run("export", args)
    print(
        f"(d) facts export: {export['rows']:,} people × {export['columns']} facts to Parquet "
        f"in {export['total_s']:.2f} s (frame {export['frame_s']:.2f} s); "
        f"peak {export['peak_mib']:,.0f} MiB"
    )


if __name__ == "__main__":
    main()
