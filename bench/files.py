"""Benchmark of the upload checks of jiuye.core.files: a legitimate roster and hostile files.

    .venv/bin/python bench/files.py                 # 50,000-row roster, 5 runs
    .venv/bin/python bench/files.py --rows 200000 --runs 3

Prints (a) for a people roster of ``--rows`` rows as openpyxl writes it (inline strings,
the largest sheet XML per row, so the dearest case for the check): the median wall and CPU
time of ``check_xlsx`` (every part inflated, every sheet measured, the first sheet's
formulas and merged cells) and of reading the sheet with fastexcel as an upload does,
measured alternately in the same run, and their ratio (CPU time is the steadier figure
on a shared machine); (b) for each hostile file of
tests/core/hostile.py (one cell at XFD1048576, one at ZZ200000, a sharedStrings part
that declares 1 KB and inflates to 3 GB, a far cell written without ``r``): the time to
refusal and the peak RSS of a fresh process that imports the reader stack, checks a
small valid file (as a running server has) and then the hostile one, beside the peak of
the same process before the hostile file. The roster is
generated once into ``--dir`` (not timed).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红宇浩然欣怡子涵梓轩"
TOWNSHIPS = ("220702001", "220702002", "220702003", "220721100", "220721101")

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
import fastexcel, polars  # the reader stack an upload process has loaded
from jiuye.core.files import FileError, check_xlsx
from tests.core import hostile as h
# a server process has its settings loaded and has checked files before: warm up once
check_xlsx(h.workbook(Path(sys.argv[2]), h.far_cell("B2")))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
start = time.perf_counter()
outcome = {"code": None}
if sys.argv[1] != "-":
    try:
        check_xlsx(Path(sys.argv[1]))
    except FileError as error:
        outcome = {"code": error.code}
outcome["seconds"] = time.perf_counter() - start
outcome["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
outcome["rss_before_mib"] = before
print(json.dumps(outcome))
"""


def roster(folder: Path, rows: int) -> Path:
    from openpyxl import Workbook

    from jiuye.identity import make_resident_id
    from jiuye.registry.rosters import specs

    path = folder / f"people_{rows}.xlsx"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(1)  # noqa: S311 - synthetic data
    book = Workbook(write_only=True)
    sheet = book.create_sheet("花名册")
    sheet.append(specs.PERSON.headers)
    for i in range(rows):
        birth = date(1955, 1, 1) + timedelta(days=(i // 500) % 17000)
        sheet.append(
            [
                make_resident_id("220702", birth, (i % 500) * 2, "female"),
                rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                rng.choice(TOWNSHIPS),
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
    book.save(path)
    return path


def legitimate(path: Path, runs: int) -> dict[str, float]:
    import fastexcel

    from jiuye.core.files import check_xlsx

    check_xlsx(path)  # imports and first-call costs out of the timings
    timings: dict[str, list[float]] = {"check": [], "read": [], "check_cpu": [], "read_cpu": []}

    def read() -> None:
        frame = fastexcel.read_excel(str(path)).load_sheet(0, header_row=0, dtypes="string")
        frame.to_polars()

    for _ in range(runs):
        for name, step in (("check", lambda: check_xlsx(path)), ("read", read)):
            wall, cpu = time.perf_counter(), time.process_time()
            step()
            timings[name].append(time.perf_counter() - wall)
            timings[f"{name}_cpu"].append(time.process_time() - cpu)
    median = {name: statistics.median(values) for name, values in timings.items()}
    return {
        "rows": check_xlsx(path).rows - 1,
        "file_mib": path.stat().st_size / 2**20,
        **median,
        "ratio": median["check"] / median["read"],
        "ratio_cpu": median["check_cpu"] / median["read_cpu"],
    }


def hostile(folder: Path) -> dict[str, dict[str, object]]:
    from tests.core import hostile as h

    folder.mkdir(parents=True, exist_ok=True)
    files = {
        "nothing (baseline)": None,
        "XFD1048576": h.workbook(folder / "xfd.xlsx", h.far_cell("XFD1048576")),
        "ZZ200000": h.workbook(folder / "zz.xlsx", h.far_cell("ZZ200000")),
        "sharedStrings 1 KB → 3 GB": h.lying_shared_strings(folder / "strings.xlsx"),
        "XFD1048576 without r": h.workbook(
            folder / "no_r.xlsx",
            h.sheet(h.HEADER_ROW + b'<row r="1048576">' + b"<c><v>1</v></c>" * 16384 + b"</row>"),
        ),
    }
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "jiuye.settings",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-" + "x" * 40),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    }
    results = {}
    for label, path in files.items():
        done = subprocess.run(  # noqa: S603 - our own interpreter and script
            [sys.executable, "-c", CHILD, str(path) if path else "-", str(folder / "warm.xlsx")],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        outcome = json.loads(done.stdout)
        outcome["bytes"] = path.stat().st_size if path else 0
        results[label] = outcome
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", type=Path, default=ROOT / "var" / "bench" / "files")
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 40)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuye.settings")
    import django

    django.setup()
    path = roster(args.dir, args.rows)
    result = legitimate(path, args.runs)
    print(  # noqa: T201 - a benchmark prints
        f"roster of {result['rows']:,} rows ({result['file_mib']:.1f} MiB), median of "
        f"{args.runs}, wall (CPU): check {result['check']:.3f} s ({result['check_cpu']:.3f}), "
        f"read {result['read']:.3f} s ({result['read_cpu']:.3f}): the check costs "
        f"{result['ratio']:.0%} ({result['ratio_cpu']:.0%}) of the read"
    )
    for label, outcome in hostile(args.dir / "hostile").items():
        print(  # noqa: T201
            f"{label:28s} {outcome['bytes']:>9,} B  refused: {outcome['code'] or '-':16s} "
            f"in {outcome['seconds'] * 1000:7.1f} ms, peak RSS {outcome['rss_mib']:6.1f} MiB "
            f"(after imports {outcome['rss_before_mib']:.1f})"
        )


if __name__ == "__main__":
    main()
