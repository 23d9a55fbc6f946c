"""Benchmark of the rules engine: batch over a synthetic city, single cases, and a per-row
Python loop as the baseline measured in the same run.

    .venv/bin/python bench/engine.py                       # 1,000,000 persons, 100,000 firms
    .venv/bin/python bench/engine.py --persons 10000000 --firms 1000000 --runs 3

Prints medians of ``--runs`` runs. The population is generated with a fixed seed from the
policy package's fact schema (every fact, 15% of values unknown), so every rule, condition,
unknown and reference-table lookup is exercised.
"""

from __future__ import annotations

import argparse
import gc
import resource
import statistics
import time
from datetime import date
from typing import Any

import polars as pl

from jiuye.rules import PolicyPackage
from jiuye.rules.facts import FactSpec

from policies.songyuan_2018 import package

AS_OF = date(2019, 6, 30)
_INT_RANGES = {"certificate_level": 6, "ui_contribution_months": 60, "labor_contract_months": 36,
               "training_class_hours": 200}
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


def population(pkg: PolicyPackage, entity: str, n: int, seed: int) -> pl.DataFrame:
    specs = [s for s in pkg.facts.for_entity(entity)]
    frame = pl.select([_column(s, n, seed * 1000 + i) for i, s in enumerate(specs)])
    return frame.select(pl.int_range(0, n).alias("row_id"), pl.all())


def _case(pkg: PolicyPackage, entity: str, row: dict[str, Any]) -> dict[str, Any]:
    facts = {k: pkg.facts[k].to_json(v) for k, v in row.items()
             if k != "row_id" and v is not None}
    return {"entity": entity, "as_of": AS_OF.isoformat(), "facts": facts}


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--firms", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--single", type=int, default=1_000)
    parser.add_argument("--baseline-rows", type=int, default=100_000)
    args = parser.parse_args()

    pkg = package()
    person_rules = len(pkg.select_rules(None, "person"))
    firm_rules = len(pkg.select_rules(None, "employer"))
    persons = population(pkg, "person", args.persons, 1)
    firms = population(pkg, "employer", args.firms, 2)
    print(f"polars {pl.__version__}, threads {pl.thread_pool_size()}, as of {AS_OF}")
    print(f"population: {args.persons:,} persons × {person_rules} rules, "
          f"{args.firms:,} firms × {firm_rules} rules")

    # (a) batch: every person rule and every employer rule, status + amount + missing facts
    pkg.evaluate_frame(persons.head(1000), entity="person", as_of=AS_OF)  # warm-up
    times = []
    for _ in range(args.runs):
        gc.collect()
        start = time.perf_counter()
        out_p = pkg.evaluate_frame(persons, entity="person", as_of=AS_OF)
        out_f = pkg.evaluate_frame(firms, entity="employer", as_of=AS_OF)
        times.append(time.perf_counter() - start)
        del out_p, out_f
    batch = statistics.median(times)
    evaluations = args.persons * person_rules + args.firms * firm_rules
    print(f"(a) batch, all rules: median {batch:.3f} s over {args.runs} runs "
          f"(min {min(times):.3f}, max {max(times):.3f}); "
          f"{evaluations / batch:,.0f} entity-rule evaluations/s")
    peak_after_batch = _peak_mib()

    # (b) single case with the full explanation, JSON in → JSON out, all person rules
    rows = persons.head(args.single).to_dicts()
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
    print(f"(b) single case with explanation ({person_rules} rules): "
          f"p50 {p50:.3f} ms, p99 {p99:.3f} ms over {len(cases)} cases")

    # (c) baseline: the same person rules as a plain per-row Python loop
    from jiuye.rules.engine import Case

    base_rows = persons.head(args.baseline_rows).to_dicts()
    start = time.perf_counter()
    for r in base_rows:
        facts = {k: v for k, v in r.items() if k != "row_id" and v is not None}
        pkg.evaluate(Case("person", AS_OF, facts))
    loop = time.perf_counter() - start
    loop_rate = len(base_rows) * person_rules / loop
    batch_rate = evaluations / batch
    print(f"(c) baseline per-row loop over {len(base_rows):,} persons: {loop:.2f} s, "
          f"{loop_rate:,.0f} evaluations/s; batch is {batch_rate / loop_rate:,.0f}× faster")
    print(f"(d) peak memory (max RSS): {peak_after_batch:,.0f} MiB after the batch runs, "
          f"{_peak_mib():,.0f} MiB at the end")


if __name__ == "__main__":
    main()
