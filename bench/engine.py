"""Benchmark of the rules engine: batch with one as-of date and with a date per row, beside
a hand-written numpy baseline of the same rules (``bench/numpy_rules.py``), and single cases.

    .venv/bin/python bench/engine.py                       # 1,000,000 persons, 100,000 firms
    .venv/bin/python bench/engine.py --persons 10000000 --firms 1000000 --runs 3

Prints medians of ``--runs`` runs. The population is generated with a fixed seed from the
policy package's fact schema (every fact, 15% of values unknown), so every rule, condition,
unknown and reference-table lookup is exercised; the date per row (``applied``) is spread
over a year. The numpy baseline computes status and amount (no missing-fact masks) from
columns extracted once before timing; the run first checks that it agrees with the engine.
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import time
from datetime import date
from typing import Any

import numpy as np
import polars as pl

from bench import numpy_rules
from jiuye.rules import PolicyPackage
from jiuye.rules.facts import FactSpec

from policies.songyuan_2018 import package
from policies.songyuan_2018.rules.common import HOLIDAYS

AS_OF = date(2019, 6, 30)
APPLIED = "applied"
YEAR_START = date(2019, 1, 1)
_INT_RANGES = {
    "certificate_level": 6,
    "ui_contribution_months": 60,
    "labor_contract_months": 36,
    "training_class_hours": 200,
}
_DAY0 = date(2015, 1, 1).toordinal() - date(1970, 1, 1).toordinal()


def _column(spec: FactSpec, n: int, seed: int) -> pl.Expr:
    """A pseudo-random column from hashes of the row index (reproducible, no numpy)."""
    h = pl.int_range(0, n, dtype=pl.UInt64).hash(seed)
    kind = spec.type
    if kind == "bool":
        value: pl.Expr = (h % 2) == 0
    elif kind == "int":
        value = (h % _INT_RANGES.get(spec.name, 40)).cast(pl.Int64)
    elif kind == "money":
        value = (h % 10_000_000).cast(pl.Int64)
    elif kind == "percent":
        value = (h % 200 + 250).cast(pl.Int64)
    elif kind == "date":
        value = ((h % 2500).cast(pl.Int32) + _DAY0).cast(pl.Date)
    elif kind == "enum":
        choices = pl.Series(list(spec.choices))
        value = pl.lit(choices).gather((h % len(choices)).cast(pl.UInt32))
    elif spec.name == "pooling_region_code":
        value = pl.lit("22")
    else:
        return pl.lit(None, dtype=spec.dtype).alias(spec.name)
    unknown = (pl.int_range(0, n, dtype=pl.UInt64).hash(seed + 1) % 100) < 15
    return pl.when(unknown).then(None).otherwise(value).alias(spec.name)


def _applied(n: int, seed: int) -> pl.Expr:
    """A date per row over one year (an application date)."""
    day0 = YEAR_START.toordinal() - date(1970, 1, 1).toordinal()
    h = pl.int_range(0, n, dtype=pl.UInt64).hash(seed)
    return ((h % 365).cast(pl.Int32) + day0).cast(pl.Date).alias(APPLIED)


_EPOCH = date(1970, 1, 1).toordinal()


def population(pkg: PolicyPackage, entity: str, n: int, seed: int) -> pl.DataFrame:
    specs = [s for s in pkg.facts.for_entity(entity)]
    frame = pl.select([_column(s, n, seed * 1000 + i) for i, s in enumerate(specs)])
    return frame.select(pl.int_range(0, n).alias("row_id"), pl.all())


def _case(pkg: PolicyPackage, entity: str, row: dict[str, Any]) -> dict[str, Any]:
    facts = {k: pkg.facts[k].to_json(v) for k, v in row.items() if k != "row_id" and v is not None}
    return {"entity": entity, "as_of": AS_OF.isoformat(), "facts": facts}


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _median(fn: Any, runs: int) -> float:
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _check_baseline(
    pkg: PolicyPackage, persons: pl.DataFrame, firms: pl.DataFrame, table: Any
) -> int:
    """Rows where the numpy baseline and the engine disagree (must be 0): same rules."""
    sample_p, sample_f = persons.head(200_000), firms.head(50_000)
    wrong = 0
    for entity, sample, fn in (
        ("person", sample_p, numpy_rules.person_rules),
        ("employer", sample_f, numpy_rules.employer_rules),
    ):
        engine = pkg.evaluate_frame(sample, entity=entity, as_of=APPLIED, with_missing=False)
        cols = numpy_rules.Columns(sample)
        on = cols.values[APPLIED]
        args = (table,) if entity == "person" else ()
        base = fn(pkg, cols, on, sample[APPLIED].min(), *args)
        for name, values in base.items():
            got = engine[name]
            if name.endswith("__amount_fen"):
                expected = pl.Series(values).replace(-1, None)
            else:
                expected = pl.Series(values).replace_strict(
                    {0: False, 1: True, 2: None}, return_dtype=pl.Boolean
                )
            wrong += int((got.ne_missing(expected)).sum())
    return wrong


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--firms", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--single", type=int, default=1_000)
    args = parser.parse_args()

    pkg = package()
    person_rules = len(pkg.select_rules(None, "person"))
    firm_rules = len(pkg.select_rules(None, "employer"))
    persons = population(pkg, "person", args.persons, 1).with_columns(_applied(args.persons, 3))
    firms = population(pkg, "employer", args.firms, 2).with_columns(_applied(args.firms, 4))
    print(f"polars {pl.__version__}, numpy {np.__version__}, threads {pl.thread_pool_size()}")
    print(
        f"population: {args.persons:,} persons × {person_rules} rules, "
        f"{args.firms:,} firms × {firm_rules} rules; one date {AS_OF}, or a date per row "
        f"over {YEAR_START.year} ({APPLIED})"
    )
    table = numpy_rules.calendar_table(HOLIDAYS)
    wrong = _check_baseline(pkg, persons, firms, table)
    print(
        f"numpy baseline disagrees with the engine on {wrong} rule results "
        "(status and amount, date per row, first 200,000 persons + 50,000 firms)"
    )

    def engine(as_of: Any, with_missing: bool) -> Any:
        def run() -> None:
            pkg.evaluate_frame(persons, entity="person", as_of=as_of, with_missing=with_missing)
            pkg.evaluate_frame(firms, entity="employer", as_of=as_of, with_missing=with_missing)

        return run

    cols_p, cols_f = numpy_rules.Columns(persons), numpy_rules.Columns(firms)
    one_p = np.full(args.persons, AS_OF.toordinal() - _EPOCH, dtype=np.int64)
    one_f = np.full(args.firms, AS_OF.toordinal() - _EPOCH, dtype=np.int64)

    def baseline(per_row: bool) -> Any:
        def run() -> None:
            on_p = cols_p.values[APPLIED].astype(np.int64) if per_row else one_p
            on_f = cols_f.values[APPLIED].astype(np.int64) if per_row else one_f
            day = YEAR_START if per_row else AS_OF
            numpy_rules.person_rules(pkg, cols_p, on_p, day, table)
            numpy_rules.employer_rules(pkg, cols_f, on_f, day)

        return run

    engine(AS_OF, True)()  # warm-up: compiles and caches the plans
    engine(APPLIED, True)()
    engine(AS_OF, False)()
    engine(APPLIED, False)()
    figures = {
        ("one date", True): _median(engine(AS_OF, True), args.runs),
        ("date per row", True): _median(engine(APPLIED, True), args.runs),
        ("one date", False): _median(engine(AS_OF, False), args.runs),
        ("date per row", False): _median(engine(APPLIED, False), args.runs),
    }
    numpy_one = _median(baseline(False), args.runs)
    numpy_rows = _median(baseline(True), args.runs)
    evaluations = args.persons * person_rules + args.firms * firm_rules
    print(
        f"numpy baseline (status + amount): one date {numpy_one:.3f} s, "
        f"date per row {numpy_rows:.3f} s"
    )
    for (mode, missing), seconds in figures.items():
        ref = numpy_one if mode == "one date" else numpy_rows
        what = "status + amount + missing facts" if missing else "status + amount"
        print(
            f"engine, {mode:12}, {what:31}: median {seconds:.3f} s over {args.runs} runs, "
            f"{evaluations / seconds:,.0f} evaluations/s, {seconds / ref:.2f}× numpy"
        )
    for missing in (True, False):
        ratio = figures[("date per row", missing)] / figures[("one date", missing)]
        print(f"date per row / one date ({'with' if missing else 'without'} masks): {ratio:.2f}×")

    # single case with the full explanation, JSON in → JSON out, all person rules
    rows = persons.drop(APPLIED).head(args.single).to_dicts()
    cases = [_case(pkg, "person", r) for r in rows]
    latencies = []
    for payload in cases:
        start = time.perf_counter()
        case = pkg.parse_case(payload)
        [pkg.result_json(r) for r in pkg.evaluate(case)]
        latencies.append(time.perf_counter() - start)
    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    print(
        f"single case with explanation ({person_rules} rules): "
        f"p50 {p50:.3f} ms, p99 {p99:.3f} ms over {len(cases)} cases"
    )
    print(f"peak memory (max RSS): {_peak_mib():,.0f} MiB")


if __name__ == "__main__":
    main()
