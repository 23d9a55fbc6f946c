"""Benchmark of the self-check: server time per step along many random answer paths.

    .venv/bin/python bench/selfcheck.py                 # 100 paths per entity, 5 runs
    .venv/bin/python bench/selfcheck.py --paths 500 --runs 3

Each step is a full form POST through Django's test client (URL routing, middleware,
CSRF, state parsing, engine, template rendering), the way a browser without JavaScript
sends it; htmx requests render the smaller panel and are timed separately. The baseline
is the raw engine evaluation of the same cases (``PolicyPackage.evaluate``). Prints
p50/p95/p99 in milliseconds, each the median over ``--runs`` runs, and the ratio of the
step to the engine. The as-of date is fixed (2019-06-01) so the employer's region is
offered from the reference table.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import statistics
import time
import warnings
from datetime import date

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuye.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("JIUYE_STATIC_MANIFEST", "false")  # no collectstatic needed
warnings.filterwarnings("ignore", "No directory at", UserWarning)

import django  # noqa: E402

django.setup()
# a refused answer (422) is part of the walk, not news
logging.getLogger("django.request").setLevel(logging.ERROR)

from django.test import Client  # noqa: E402

from jiuye.evaluation import package  # noqa: E402
from jiuye.rules import Case  # noqa: E402
from jiuye.selfcheck import clock  # noqa: E402
from jiuye.selfcheck.questionnaire import (  # noqa: E402
    Action,
    State,
    evaluate,
    parse_answer,
    rule_ids,
    run_step,
)

AS_OF = date(2019, 6, 1)
SAMPLES = {
    "bool": ["true", "false"],
    "date": ["2016-07-01", "2017-07-01", "2018-04-01", "2019-01-15", "2019-02-30"],
    "int": ["0", "1", "5", "12", "40", "100", "-1"],
    "money": ["1000", "12345.67"],
    "percent": ["3.46", "4"],
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def form(state: State, question: str, action: str, value: str) -> dict[str, object]:
    data: dict[str, object] = {f"a.{k}": v for k, v in state.answers.items()}
    data.update(skipped=list(state.skipped), q=question, action=action, v=value)
    return data


def one_run(paths: int, seed: int) -> dict[str, list[float]]:
    """Walk ``paths`` random paths per entity; time every step three ways."""
    rng = random.Random(seed)  # noqa: S311 (reproducible paths, not secrets)
    client = Client()
    pkg = package()
    times: dict[str, list[float]] = {"post": [], "htmx": [], "run_step": [], "engine": []}
    for entity in ("person", "employer"):
        ids = rule_ids(entity)
        for _ in range(paths):
            step = run_step(State(entity), AS_OF)
            while step.question is not None:
                q = step.question
                options = [c for c, _ in q.choices] or SAMPLES.get(q.type, ["x"])
                skip = rng.random() < 0.2
                action: Action = "skip" if skip else "answer"
                value = "" if skip else rng.choice(options)
                data = form(step.state, q.name, action, value)
                htmx = rng.random() < 0.5
                start = time.perf_counter()
                if htmx:
                    response = client.post(f"/selfcheck/{entity}/", data, HTTP_HX_REQUEST="true")
                else:
                    response = client.post(f"/selfcheck/{entity}/", data)
                times["htmx" if htmx else "post"].append(time.perf_counter() - start)
                assert response.status_code in (200, 422), response.status_code
                start = time.perf_counter()
                after = run_step(step.state, AS_OF, action, fact=q.name, value=value)
                times["run_step"].append(time.perf_counter() - start)
                facts = {n: parse_answer(pkg.facts[n], t) for n, t in after.state.answers.items()}
                case = Case(entity, AS_OF, facts)
                start = time.perf_counter()
                pkg.evaluate(case, ids)
                times["engine"].append(time.perf_counter() - start)
                if after.error:  # a refused answer: the person skips it instead
                    after = run_step(step.state, AS_OF, "skip", fact=q.name)
                step = after
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--paths", type=int, default=100, help="random paths per entity")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    clock.today = lambda: AS_OF  # the one clock of the self-check, stopped for the run
    evaluate(State("person"), AS_OF)  # warm the package, parameters and templates
    Client().get("/selfcheck/person/")
    runs = [one_run(args.paths, seed) for seed in range(args.runs)]
    steps = sum(len(r["post"]) + len(r["htmx"]) for r in runs) // len(runs)
    print(
        f"自助测评基准：每次 {args.paths} 条随机路径 × 2 类对象，约 {steps} 步/次，"
        f"{args.runs} 次取中位数（毫秒）"
    )
    labels = {
        "post": "整页表单 POST（无 JS）",
        "htmx": "htmx 局部刷新 POST",
        "run_step": "run_step（不含 HTTP/模板）",
        "engine": "基线：引擎 evaluate",
    }
    medians: dict[str, dict[int, float]] = {}
    for key, label in labels.items():
        medians[key] = {
            q: statistics.median(percentile(r[key], q) for r in runs) * 1000 for q in (50, 95, 99)
        }
        m = medians[key]
        print(f"  {label:<24} p50 {m[50]:7.2f}  p95 {m[95]:7.2f}  p99 {m[99]:7.2f}")
    for key in ("post", "htmx"):
        ratio = medians[key][50] / medians["engine"][50]
        print(
            f"  {labels[key]} ÷ 引擎 p50：{ratio:.1f} 倍；p95 < 100 ms："
            f"{'是' if medians[key][95] < 100 else '否'}"
        )


if __name__ == "__main__":
    main()
