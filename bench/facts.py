"""Benchmark of the one facts derivation on PostgreSQL: one person, and a whole city.

    .venv/bin/python -m jiuye.testing.postgres -- .venv/bin/python bench/facts.py
    .venv/bin/python -m jiuye.testing.postgres -- .venv/bin/python bench/facts.py \\
        --people 1000000 --sample 200 --baseline-src /tmp/facts-baseline

Loads a synthetic Songyuan city (``jiuye.registry.synth``, in chunks of ``--chunk``
people with their households, jobs, registrations, businesses … and one employer per
20 people; loading is not timed), then prints:

(a) one person: facts (``eligibility.facts.case_for``) and facts + evaluation with
    reasons (``evaluate_record``), p50 and p95 over ``--sample`` people picked at random
    (after 5 warm-up calls);
(b) the whole city: ``facts_for("person", city)`` and the engine's ``evaluate_frame``
    over it, the median of ``--runs`` runs.

With ``--baseline-src DIR`` (a copy of the tree before issue 9 §2, e.g.
``git archive 2fbdab8 src policies | tar -x -C DIR``) the same phases run on the old
code in the same run and against the same database (the per-record
``registry.selectors.person_facts`` → JSON → ``parse_case`` path, and
``registry.frames.facts_frame``, its runs alternating with the new ones), and the
ratios are printed. Each phase runs in its own process.
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
from datetime import date
from pathlib import Path
from typing import Any

AS_OF = date(2018, 12, 31)
WARM_UP = 5


def _setup() -> None:
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 40)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuye.settings")
    import django

    django.setup()


def phase_load(people: int, chunk: int) -> dict[str, Any]:
    from django.db import connection

    from jiuye import bootstrap
    from jiuye.registry.models import Person, Source
    from jiuye.registry.services.bulk import bulk_load
    from jiuye.registry.synth import Generator, SynthSpec

    bootstrap.migrate()
    bootstrap.load_reference_data()
    if Person.objects.count() >= people:
        return {"people": Person.objects.count(), "load_s": 0.0}
    start = time.perf_counter()
    taken: set[str] = set()
    codes: set[str] = set()
    rows = 0
    for number, first in enumerate(range(0, people, chunk)):
        size = min(chunk, people - first)
        generator = Generator(
            SynthSpec(persons=size, firms=max(1, size // 20), seed=1000 + number, as_of=AS_OF),
            taken,
        )
        generator.codes = codes  # credit codes unique across chunks too
        counts = bulk_load(generator.run(), actor=None, source=Source.SYNTHETIC)
        taken = generator.ids
        rows += sum(counts.values())
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"people": Person.objects.count(), "rows": rows, "load_s": time.perf_counter() - start}


def _sample(n: int) -> list[int]:
    from jiuye.registry.models import Person

    ids = list(Person.objects.values_list("pk", flat=True))
    return random.Random(9).sample(ids, min(n, len(ids)))  # noqa: S311 - a sample


def _percentiles(seconds: list[float]) -> dict[str, float]:
    ms = sorted(s * 1000 for s in seconds)
    return {
        "p50_ms": statistics.median(ms),
        "p95_ms": ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))],
    }


def _timed(calls: list[Any]) -> list[float]:
    for call in calls[:WARM_UP]:
        call()
    out = []
    for call in calls:
        start = time.perf_counter()
        call()
        out.append(time.perf_counter() - start)
    return out


def phase_single(sample: int, old: bool) -> dict[str, Any]:
    from jiuye.evaluation import package

    pkg = package()
    ids = _sample(sample)
    if old:
        from jiuye.registry.selectors import person_facts, person_queryset

        def facts(pk: int) -> Any:
            return pkg.parse_case(
                {
                    "entity": "person",
                    "as_of": AS_OF.isoformat(),
                    "facts": person_facts(person_queryset().get(pk=pk), AS_OF),
                }
            )
    else:
        from jiuye.eligibility.facts import case_for

        def facts(pk: int) -> Any:
            return case_for("person", pk, AS_OF)

    only = _timed([lambda pk=pk: facts(pk) for pk in ids])
    both = _timed([lambda pk=pk: pkg.evaluate(facts(pk)) for pk in ids])
    return {
        "sample": len(ids),
        "facts": _percentiles(only),
        "evaluated": _percentiles(both),
        "facts_count": len(facts(ids[0]).facts),
    }


def phase_city(old: bool) -> dict[str, Any]:
    from jiuye.evaluation import package
    from jiuye.geo.models import Division

    city = Division.objects.filter(code="220700").order_by("-vintage").first()
    assert city is not None
    start = time.perf_counter()
    if old:
        from jiuye.registry.frames import facts_frame

        frame = facts_frame("person", AS_OF, city)
    else:
        from jiuye.eligibility.facts import facts_for

        frame = facts_for("person", city, AS_OF)
    framed = time.perf_counter()
    results = package().evaluate_frame(frame, entity="person", as_of=AS_OF, keep=["id"])
    done = time.perf_counter()
    return {
        "rows": frame.height,
        "columns": frame.width - 1,
        "rules": results.width // 3,
        "facts_s": framed - start,
        "evaluate_s": done - framed,
        "total_s": done - start,
    }


def _run(args: argparse.Namespace, phase: str, *, old: bool = False) -> dict[str, Any]:
    env = dict(os.environ)
    if old:
        root = Path(args.baseline_src).resolve()
        env["PYTHONPATH"] = f"{root / 'src'}{os.pathsep}{root}"
    command = [
        sys.executable,
        __file__,
        "--phase",
        phase,
        "--people",
        str(args.people),
        "--sample",
        str(args.sample),
        "--chunk",
        str(args.chunk),
        *(["--old"] if old else []),
    ]
    out = subprocess.run(  # noqa: S603
        command,
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--sample", type=int, default=200)
    parser.add_argument("--chunk", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3, help="runs of the city phase")
    parser.add_argument("--baseline-src", default="")
    parser.add_argument("--phase", default="")
    parser.add_argument("--old", action="store_true", help="a phase on the baseline tree")
    args = parser.parse_args()
    if args.phase:
        _setup()
        if args.phase == "load":
            out = phase_load(args.people, args.chunk)
        elif args.phase == "single":
            out = phase_single(args.sample, old=args.old)
        else:
            out = phase_city(old=args.old)
        print(json.dumps(out))
        return
    _report(args)


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        **runs[0],
        **{k: statistics.median(r[k] for r in runs) for k in ("facts_s", "evaluate_s", "total_s")},
    }


def _single_line(label: str, run: dict[str, Any]) -> str:
    return (
        f"{label}: facts p50 {run['facts']['p50_ms']:.1f} ms, p95 "
        f"{run['facts']['p95_ms']:.1f} ms; facts + evaluation p50 "
        f"{run['evaluated']['p50_ms']:.1f} ms, p95 {run['evaluated']['p95_ms']:.1f} ms "
        f"({run['facts_count']} known facts for the first)"
    )


def _city_line(label: str, run: dict[str, Any]) -> str:
    return (
        f"{label}: {run['rows']:,} people × {run['columns']} facts in "
        f"{run['facts_s']:.2f} s, evaluated ({run['rules']} rules) in "
        f"{run['evaluate_s']:.2f} s, total {run['total_s']:.2f} s"
    )


def _report(args: argparse.Namespace) -> None:
    import polars as pl

    print(
        f"PostgreSQL via DATABASE_URL; polars {pl.__version__}, {os.cpu_count()} CPUs; "
        f"as of {AS_OF.isoformat()}"
    )
    load = _run(args, "load")
    print(
        f"synthetic city: {load['people']:,} people ({load.get('rows', 0):,} rows) loaded "
        f"in {load['load_s']:.0f} s (not timed below)"
    )
    single = _run(args, "single")
    print(_single_line(f"(a) one person, {single['sample']} of them", single))
    old_single = _run(args, "single", old=True) if args.baseline_src else None
    if old_single:
        print(_single_line("    before (selectors → JSON → parse_case)", old_single))
        print(
            f"    ratio new/old: facts p50 "
            f"{single['facts']['p50_ms'] / old_single['facts']['p50_ms']:.2f}×, p95 "
            f"{single['facts']['p95_ms'] / old_single['facts']['p95_ms']:.2f}×; with "
            f"evaluation p50 "
            f"{single['evaluated']['p50_ms'] / old_single['evaluated']['p50_ms']:.2f}×, p95 "
            f"{single['evaluated']['p95_ms'] / old_single['evaluated']['p95_ms']:.2f}×"
        )
    # alternated new, old, new, old … so that neither side runs only on a cold cache
    cities: list[dict[str, Any]] = []
    old_cities: list[dict[str, Any]] = []
    for _ in range(args.runs):
        cities.append(_run(args, "city"))
        if args.baseline_src:
            old_cities.append(_run(args, "city", old=True))
    city = _median_run(cities)
    print(_city_line(f"(b) the whole city (median of {args.runs})", city))
    if args.baseline_src:
        old_city = _median_run(old_cities)
        print(_city_line("    before (registry.frames.facts_frame)", old_city))
        print(
            f"    ratio new/old: facts {city['facts_s'] / old_city['facts_s']:.2f}×, total "
            f"{city['total_s'] / old_city['total_s']:.2f}×"
        )
    print(
        "    previous figure (bench/registry.py, README): facts export of 1,000,000 "
        "roster-imported people × 47 facts to Parquet 5.7 s"
    )


if __name__ == "__main__":
    main()
