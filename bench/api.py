"""Benchmark of POST /api/v1/evaluate in process: what the endpoint adds to the engine.

    .venv/bin/python bench/api.py                  # 300 calls per variant, 5 runs
    .venv/bin/python bench/api.py --calls 1000 --runs 3

Four timings of the same case (the example of the OpenAPI schema, all twelve rules):

- engine: ``evaluate_json(load_json(body))``, the work any answer must do (the same-run
  baseline);
- ninja generic: the endpoint as it was, on a throwaway NinjaAPI: the result returned
  as ``Status(200, dict)`` and validated and re-serialised by ninja (pydantic, then
  ``json.dumps``);
- endpoint: today's view (orjson, written once), called through the URL resolver;
- full stack: today's view through Django's whole middleware stack (test client: CSP,
  CSRF exemption, sessions, no-store).

Prints the median CPU time per call in milliseconds (median over ``--runs`` runs) and each
variant's ratio to the engine; and checks that both endpoints answer the same JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
import warnings
from collections.abc import Callable
from typing import Any

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuye.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-not-secret")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("JIUYE_STATIC_MANIFEST", "false")
warnings.filterwarnings("ignore", "No directory at", UserWarning)

import django  # noqa: E402

django.setup()

from django.http import HttpRequest  # noqa: E402
from django.test import Client, RequestFactory  # noqa: E402
from django.urls import resolve  # noqa: E402
from ninja import NinjaAPI, Query  # noqa: E402
from ninja.responses import Status  # noqa: E402

from jiuye.api.rules import EXAMPLE_CASE as CASE  # noqa: E402
from jiuye.api.rules import ErrorOut, EvaluateQuery  # noqa: E402
from jiuye.evaluation import evaluate_json, load_json, parse_as_of  # noqa: E402
from jiuye.rules import CaseError  # noqa: E402

BODY = json.dumps(CASE)
PATH = "/api/v1/evaluate"


def generic_view() -> Callable[[HttpRequest], Any]:
    """The endpoint as it was before orjson: ninja validates and serialises the dict."""
    old = NinjaAPI(urls_namespace="bench-generic")

    @old.post("/evaluate", response={200: dict[str, Any], 422: ErrorOut})
    def evaluate(request: HttpRequest, query: Query[EvaluateQuery]) -> Status[dict[str, Any]]:
        try:
            result = evaluate_json(
                load_json(request.body), as_of=parse_as_of(query.as_of), rule_ids=query.rule
            )
        except CaseError as error:
            return Status(422, error.as_dict())
        return Status(200, result)

    for pattern in old.urls[0]:
        if getattr(pattern, "name", "") == "evaluate":
            return pattern.callback
    raise SystemExit("no evaluate route on the generic API")


def timed(call: Callable[[], object], calls: int) -> float:
    """Median CPU milliseconds per call over ``calls`` calls (after a warm-up): the
    process's CPU time, not the wall clock, so that other work on a shared machine
    counts less."""
    for _ in range(20):
        call()
    samples = []
    for _ in range(calls):
        start = time.process_time()
        call()
        samples.append(time.process_time() - start)
    return statistics.median(samples) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    factory = RequestFactory()
    old_view = generic_view()
    new_view = resolve(PATH).func
    client = Client()

    def request() -> HttpRequest:
        return factory.post(PATH, BODY, content_type="application/json")

    variants: dict[str, Callable[[], object]] = {
        "engine": lambda: evaluate_json(load_json(BODY)),
        "ninja generic": lambda: old_view(request()),
        "endpoint": lambda: new_view(request()),
        "full stack": lambda: client.post(PATH, BODY, content_type="application/json"),
    }
    old_body = json.loads(old_view(request()).content)
    new_body = json.loads(new_view(request()).content)
    assert old_body == new_body, "the two endpoints answer different JSON"

    runs: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(args.runs):
        for name, call in variants.items():  # interleaved: the machine's noise hits all
            runs[name].append(timed(call, args.calls))
    engine = statistics.median(runs["engine"])
    print(f"POST {PATH}, {args.calls} calls x {args.runs} runs, median CPU ms per call")
    print(f"{'variant':<15}{'ms':>8}{'x engine':>10}   runs")
    for name, values in runs.items():
        median = statistics.median(values)
        spread = " ".join(f"{v:.2f}" for v in values)
        print(f"{name:<15}{median:>8.2f}{median / engine:>10.2f}   {spread}")
    old_ms = statistics.median(runs["ninja generic"])
    new_ms = statistics.median(runs["endpoint"])
    print(
        f"serialisation overhead (endpoint - engine): before {old_ms - engine:.2f} ms, "
        f"after {new_ms - engine:.2f} ms; endpoint {old_ms / new_ms:.2f}x faster"
    )


if __name__ == "__main__":
    main()
