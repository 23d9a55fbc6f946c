"""Benchmark of casework: filing through the service, bulk approval, the staff queue page.

    .venv/bin/python bench/casework.py                      # 100,000 filings, 1,000,000 queue cases
    .venv/bin/python bench/casework.py --cases 2000 --queue-cases 20000 --runs 1   # quick
    .venv/bin/python bench/casework.py --skip filing --dir var/bench-casework --try-index
    .venv/bin/python -m jiuye.testing.postgres -- .venv/bin/python bench/casework.py

SQLite in a temporary folder (or ``--dir``, kept: a second run with ``--skip filing``
reuses its queue cases) unless DATABASE_URL names a database (which is emptied of
cases). Field keys are made for the run and kept with it (identifiers and mobiles are
stored encrypted).

(a) ``--cases`` online applications through ``filing.file_cases`` (each checked as
    ``file_case`` checks it: routing, the frozen decision from the engine on the
    declared facts, the chain copied as steps, the first due day in working days, the
    event and its audit row, the hash-chained trail), ``--batch`` per transaction; then
    ``--rowwise`` more through ``file_case`` one call each (``--batch`` per transaction)
    and ``--each`` with one transaction each (as a web request commits). The baseline,
    measured in the same run, is ``decisions.freeze`` alone: the engine's work that any
    filing must do. Then about ``--approvals`` cases of each step (whole pages) approved through
    ``review.bulk_approve`` in pages of 50 taken from each reviewer's queue, as the queue
    page's bulk approval sends them (cases/s per step; baseline: ``review.approve`` one
    case per transaction).
(b) ``--queue-cases`` cases bulk-created directly (not through filing), three steps
    each, spread over townships, counties and positions; then the queue page of
    a county reviewer as the view builds it (``queues.queue``, ``Paginator.get_page``,
    the rows with their overdue flag, the reviewer's roles and workbench), for the first
    page, random pages and filtered pages; p50/p95/p99 in ms, wall clock and CPU time.
    Baseline: the first page of active steps of that office by primary key (an index
    scan, no joins). ``--try-index`` measures again with the indexes of
    :data:`TRY_INDEXES`, then drops them.

Each figure is the median over ``--runs`` runs (filing: each run starts from empty case
tables).
"""

from __future__ import annotations

import argparse
import atexit
import base64
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any


def _folder() -> Path:
    """``--dir`` (kept: its database and keys are reused by the next run) or a new
    temporary folder."""
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--dir", type=Path, default=None)
    known, _ = pre.parse_known_args()
    if known.dir is None:
        folder = Path(tempfile.mkdtemp(prefix="jiuye-bench-casework-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)  # its database is large
        return folder
    known.dir.mkdir(parents=True, exist_ok=True)
    return Path(known.dir)


def _keys(folder: Path) -> str:
    """Field keys made for the benchmark, kept (mode 0600) with its database."""
    path = folder / "field-keys"
    if path.exists():
        return path.read_text().strip()
    keys = "; ".join(
        f"{purpose} b1 {base64.b64encode(os.urandom(32)).decode()}" for purpose in ("enc", "index")
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as handle:
        handle.write(keys)
    return keys


FOLDER = _folder()
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{FOLDER / 'bench.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuye.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 40)
os.environ.setdefault("JIUYE_VAR_DIR", str(FOLDER))
os.environ.setdefault("JIUYE_AUDIT_HEAD_FILE", str(FOLDER / "chain-head.json"))
os.environ.setdefault("JIUYE_AUDIT_ARCHIVE_DIR", str(FOLDER / "archive"))
os.environ.setdefault("JIUYE_MESSAGE_BACKEND", "jiuye.core.messages.MemoryBackend")
if not os.environ.get("JIUYE_KEY_FILE"):
    os.environ.setdefault("JIUYE_FIELD_KEYS", _keys(FOLDER))

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.paginator import Paginator  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from jiuye import bootstrap  # noqa: E402
from jiuye.casework import filing, queues, review  # noqa: E402
from jiuye.casework.decisions import freeze  # noqa: E402
from jiuye.casework.demo import ensure_demo_chains, grant  # noqa: E402
from jiuye.casework.filing import file_case  # noqa: E402
from jiuye.casework.models import (  # noqa: E402
    Case,
    CaseState,
    CaseStep,
    ChainStep,
    Channel,
    ReviewRole,
    StepState,
)
from jiuye.core import clock, messages  # noqa: E402
from jiuye.geo.models import Division, DivisionLevel  # noqa: E402
from jiuye.identity import make_resident_id  # noqa: E402
from jiuye.staff.models import StaffProfile  # noqa: E402

TODAY = date(2026, 6, 1)  # a Monday; the 2026 holiday calendar is published
STARTUP_FACTS = {
    "is_college_graduate": True,
    "is_first_business": True,
    "business_kind": "small_micro_enterprise",
    "business_license_date": "2025-03-01",
    "business_operating_since": "2025-03-01",
    "business_operating_normally": True,
    "has_social_insurance": True,
}
INTERNSHIP_FACTS = {
    "is_college_graduate": True,
    "is_vocational_graduate": True,
    "in_recognised_internship": True,
}
#: (rule, declared facts): both eligible on TODAY, so an online filing is accepted.
APPLICATIONS = (("startup_subsidy", STARTUP_FACTS), ("internship_subsidy", INTERNSHIP_FACTS))
#: Region codes of identity numbers (the economic zone 220771 is statistics-only).
REGIONS = ("220702", "220721", "220722", "220723", "220781")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红宇浩然欣怡子涵梓轩"


# ------------------------------------------------------------------------------ world


def townships(count: int) -> list[Division]:
    """``count`` townships, spread over the city's counties (round robin). The reference
    data stops at townships, so the first step (社区初审) is done at the township."""
    by_county: dict[str, list[Division]] = {}
    for place in Division.objects.filter(
        level=DivisionLevel.TOWNSHIP, code__startswith="2207"
    ).order_by("code"):
        by_county.setdefault(place.code[:6], []).append(place)
    out: list[Division] = []
    while len(out) < count and any(by_county.values()):
        for county in sorted(by_county):
            if by_county[county] and len(out) < count:
                out.append(by_county[county].pop(0))
    return out


def staff(name: str, division: Division, roles: tuple[str, ...]) -> Any:
    user, made = get_user_model().objects.get_or_create(
        username=name, defaults={"is_staff": True, "first_name": name}
    )
    if made:
        user.set_unusable_password()
        user.save()
        StaffProfile.objects.create(user=user, division=division)
        grant(user, roles)
    return user


def reviewers(places: list[Division]) -> dict[str, list[Any]]:
    """Per step role: the reviewers (one per township for 初审, two per county after)."""
    counties = sorted({p.code[:6] for p in places})
    county_rows = {d.code: d for d in Division.objects.filter(code__in=counties)}
    out: dict[str, list[Any]] = {"initial": [], "second": [], "approve": []}
    for place in places:
        out["initial"].append(staff(f"bench_initial_{place.code}", place, ("initial",)))
    for code in counties:
        out["second"].append(staff(f"bench_second_{code}", county_rows[code], ("second",)))
        out["approve"].append(staff(f"bench_approve_{code}", county_rows[code], ("approve",)))
    return out


def applicants(n: int, places: list[Division], start: int = 0) -> list[dict[str, Any]]:
    """``n`` unregistered people (one application each, distinct identifiers from the
    ``start``-th on), their division one of ``places``."""
    rng = random.Random(start)  # noqa: S311 - synthetic data
    rows = []
    for i in range(start, start + n):
        place = places[i % len(places)]
        birth = date(1975, 1, 1) + timedelta(days=i // 500)
        rule, facts = APPLICATIONS[i % len(APPLICATIONS)]
        rows.append(
            {
                "rule_id": rule,
                "subject_id": make_resident_id(REGIONS[i % 5], birth, (i % 500) * 2 + 1, "male"),
                "subject_name": rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                "mobile": f"139{i % 100_000_000:08d}",
                "declared": facts,
                "division_code": place.code,
            }
        )
    return rows


def empty_cases() -> None:
    """Case tables emptied (the append-only history and trail stay; they only grow)."""
    with transaction.atomic(), connection.cursor() as cursor:
        for table in (
            "casework_objection",
            "casework_announcement",
            "casework_notice",
            "casework_override",
            "casework_decision",
            "casework_caseevent",
            "casework_casestep",
            "casework_case",
        ):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed names


# ----------------------------------------------------------------------- (a) filing


def chunks(rows: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def file_all(rows: list[dict[str, Any]], batch: int) -> tuple[float, float]:
    """Seconds (wall clock, CPU time) to file ``rows`` through ``file_cases``, ``batch``
    per transaction."""
    start, cpu = time.perf_counter(), time.process_time()
    for part in chunks(rows, batch):
        results = filing.file_cases(
            [filing.Application(**row) for row in part], channel=Channel.ONLINE
        )
        refused = [r for r in results if not isinstance(r, Case)]
        if refused:
            raise SystemExit(f"filing refused: {refused[0]}")
        messages.outbox.clear()
    return time.perf_counter() - start, time.process_time() - cpu


def file_rowwise(rows: list[dict[str, Any]], batch: int) -> float:
    """Seconds to file ``rows`` one ``file_case`` call each, ``batch`` per transaction."""
    start = time.perf_counter()
    for part in chunks(rows, batch):
        with transaction.atomic():
            for row in part:
                file_case(channel=Channel.ONLINE, **row)
        messages.outbox.clear()
    return time.perf_counter() - start


def file_each(rows: list[dict[str, Any]]) -> float:
    """Seconds to file ``rows``, each in its own transaction (a web request's commit)."""
    start = time.perf_counter()
    for row in rows:
        file_case(channel=Channel.ONLINE, **row)
    return time.perf_counter() - start


def freeze_all(rows: list[dict[str, Any]]) -> float:
    """The baseline: the frozen decision alone, for the same applications."""
    start = time.perf_counter()
    for row in rows:
        freeze(
            rule_id=row["rule_id"],
            entity="person",
            as_of=TODAY,
            record_id=None,
            declared=row["declared"],
        )
    return time.perf_counter() - start


def approve_step(people: list[Any], position: int, limit: int) -> tuple[int, float]:
    """Up to ``limit`` cases at ``position`` approved by the reviewers of their office
    through ``bulk_approve``, page by page from their queue (the codes and versions the
    page sends); returns (approved, seconds)."""
    approved, elapsed = 0, 0.0
    share = max(1, limit // len(people))
    for user in people:
        mine = 0
        while mine < share:
            page = list(
                queues.queue(user)
                .filter(position=position)
                .values_list("case__code", "case__version")[: queues.PAGE]
            )
            if not page:
                break
            start = time.perf_counter()
            results = review.bulk_approve(codes=page, user=user, opinion="同意")
            elapsed += time.perf_counter() - start
            done = sum(1 for _, refusal in results if not refusal)
            if done == 0:
                raise SystemExit(f"bulk approval refused every case: {results[0][1]}")
            approved += done
            mine += done
    return approved, elapsed


def approve_one_by_one(people: list[Any], position: int, limit: int) -> tuple[int, float]:
    """The baseline: ``review.approve`` per case (each its own transaction)."""
    approved, start = 0, time.perf_counter()
    for user in people:
        for code, version in (
            queues.queue(user)
            .filter(position=position)
            .values_list("case__code", "case__version")[: max(1, limit // len(people))]
        ):
            review.approve(code=code, user=user, version=version, opinion="同意")
            approved += 1
    return approved, time.perf_counter() - start


def run_filing(args: argparse.Namespace, run: int, people: dict[str, list[Any]]) -> dict[str, Any]:
    places = townships(args.townships)
    rows = applicants(args.cases, places)
    rowwise = applicants(args.rowwise, places, start=args.cases)
    each = applicants(args.each, places, start=args.cases + args.rowwise)
    empty_cases()
    out: dict[str, Any] = {}
    out["freeze_s"] = freeze_all(rows[: args.baseline])
    out["file_s"], out["file_cpu_s"] = (
        file_all(rows, args.batch) if hasattr(filing, "file_cases") else (None, None)
    )
    out["rowwise_s"] = file_rowwise(rowwise, args.batch)
    out["each_s"] = file_each(each)
    messages.outbox.clear()
    expected = (args.cases if out["file_s"] is not None else 0) + args.rowwise + args.each
    assert Case.objects.count() == expected
    # the one-by-one baseline takes its cases first, then bulk approval takes the rest
    out["one_by_one"] = approve_one_by_one(people["initial"], 1, args.baseline_approvals)
    for position, role in enumerate(("initial", "second", "approve"), start=1):
        out[f"step{position}"] = approve_step(people[role], position, args.approvals)
        messages.outbox.clear()
    out["approved"] = Case.objects.filter(state=CaseState.APPROVED).count()
    return out


# -------------------------------------------------------------------- (b) the queue


def bulk_queue_cases(n: int, places: list[Division], people: dict[str, list[Any]]) -> None:
    """``n`` cases with three steps each, written with bulk_create (not through filing):
    a third at each position, a few already ended, due dates around today."""
    roles = {r.code: r for r in ReviewRole.objects.all()}
    chain = {s.position: s for s in ChainStep.objects.filter(chain__rule_id="startup_subsidy")}
    counties = {d.code: d for d in Division.objects.filter(code__in={p.code[:6] for p in places})}
    initial = {u.username.rsplit("_", 1)[1]: u for u in people["initial"]}
    second = {u.username.rsplit("_", 1)[1]: u for u in people["second"]}
    rng = random.Random(7)  # noqa: S311 - synthetic data
    now = clock.now()
    batch = 5000
    for offset in range(0, n, batch):
        cases = []
        meta = []
        for i in range(offset, min(n, offset + batch)):
            place = places[i % len(places)]
            county = counties[place.code[:6]]
            position = 1 + (i // len(places)) % 3
            state = CaseState.REJECTED if i % 50 == 0 else CaseState.REVIEWING
            age = rng.randint(0, 60)
            cases.append(
                Case(
                    code=f"SY{TODAY:%Y%m%d}B{i:07d}",
                    rule_id="startup_subsidy",
                    title="创业补贴",
                    clause="二（三）",
                    entity="person",
                    subject_id=make_resident_id(
                        REGIONS[i % 5],
                        date(1960, 1, 1) + timedelta(days=i // 500),
                        (i % 500) * 2 + 1,
                        "male",
                    ),
                    subject_name="王小明",
                    mobile="13900001111",
                    division=place,
                    division_code=place.code,
                    handling_code=county.code,
                    channel=Channel.ONLINE,
                    # claimed by the first reviewer who handled it (review._claim)
                    first_responder=initial[place.code] if position > 1 else None,
                    state=state,
                    position=position,
                    holds_slot=state != CaseState.REJECTED,
                    filed_on=TODAY - timedelta(days=age),
                    filed_at=now - timedelta(days=age, seconds=i % 86400),
                    updated_at=now,
                    status="eligible",
                    amount_fen=500000,
                )
            )
            meta.append((place, county, position, state, age))
        Case.objects.bulk_create(cases, batch_size=1000)
        steps = []
        for case, (place, county, position, state, age) in zip(cases, meta, strict=True):
            for pos in (1, 2, 3):
                office = place if pos == 1 else county
                done = pos < position
                steps.append(
                    CaseStep(
                        case=case,
                        position=pos,
                        name=chain[pos].name,
                        role=roles[chain[pos].role.code],
                        level=chain[pos].level,
                        division_code=office.code,
                        division_name=office.name,
                        working_days=5,
                        state=(
                            StepState.DONE
                            if done
                            else (
                                (StepState.REJECTED if state == CaseState.REJECTED else "active")
                                if pos == position
                                else StepState.WAITING
                            )
                        ),
                        started_on=TODAY - timedelta(days=age) if pos <= position else None,
                        due_on=TODAY - timedelta(days=age) + timedelta(days=7)
                        if pos == position
                        else None,
                        actor=(initial[place.code] if pos == 1 else second[county.code])
                        if done
                        else None,
                    )
                )
        CaseStep.objects.bulk_create(steps, batch_size=3000)
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE casework_case")
            cursor.execute("ANALYZE casework_casestep")


def queue_page(user: Any, params: dict[str, str]) -> int:
    """What the queue view computes for one request (the template's data)."""
    filters = queues.QueueFilter(
        rule=params.get("rule", ""),
        overdue=params.get("overdue") == "1",
        min_age_days=int(params["min_age_days"]) if "min_age_days" in params else None,
    )
    steps = queues.queue(user, filters)
    page = Paginator(steps, queues.PAGE).get_page(params.get("page"))
    today = clock.today()
    rows = [(s, queues.overdue(s, today), s.case.subject_id_masked) for s in page.object_list]
    roles = queues.my_roles(user)
    bench = list(queues.workbench(user)[:20])
    return len(rows) + len(roles) + len(bench)


def timings(call: Callable[[], Any], repeat: int) -> dict[str, list[float]]:
    """Milliseconds per call, on the wall clock and in this process's CPU time (SQLite
    runs in the process; on a shared machine the CPU time is the steadier figure)."""
    out: dict[str, list[float]] = {"wall": [], "cpu": []}
    call()  # warm-up
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        call()
        out["wall"].append((time.perf_counter() - wall) * 1000)
        out["cpu"].append((time.process_time() - cpu) * 1000)
    return out


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def run_queue(user: Any, repeat: int, pages: int) -> dict[str, dict[str, list[float]]]:
    rng = random.Random(11)  # noqa: S311 - synthetic data
    code = queues.office_code(user)
    variants: dict[str, Callable[[], Any]] = {
        "first page": lambda: queue_page(user, {}),
        "random page": lambda: queue_page(user, {"page": str(rng.randint(1, pages))}),
        "last page": lambda: queue_page(user, {"page": str(pages)}),
        "overdue": lambda: queue_page(user, {"overdue": "1"}),
        "rule + age": lambda: queue_page(user, {"rule": "startup_subsidy", "min_age_days": "30"}),
        "baseline": lambda: list(
            CaseStep.objects.filter(state=StepState.ACTIVE, division_code=code).order_by("pk")[
                : queues.PAGE
            ]
        ),
    }
    return {name: timings(call, repeat) for name, call in variants.items()}


# ---------------------------------------------------------------------------- report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=100_000, help="filings through the service")
    parser.add_argument("--batch", type=int, default=500, help="filings per transaction")
    parser.add_argument("--rowwise", type=int, default=5000, help="file_case calls, batched")
    parser.add_argument("--each", type=int, default=1000, help="file_case, one transaction each")
    parser.add_argument("--baseline", type=int, default=10_000, help="frozen decisions alone")
    parser.add_argument("--approvals", type=int, default=5000, help="bulk approvals per step")
    parser.add_argument("--baseline-approvals", type=int, default=1000)
    parser.add_argument("--dir", type=Path, default=None, help="keep the database here")
    parser.add_argument(
        "--try-index", action="store_true", help="queue again with the indexes the report proposes"
    )
    parser.add_argument("--queue-cases", type=int, default=1_000_000)
    parser.add_argument("--townships", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=100, help="queue requests per variant")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip", choices=("filing", "queue"), default=None)
    parser.add_argument("--profile", type=Path, default=None, help="cProfile the filing to FILE")
    args = parser.parse_args()
    args.baseline = min(args.baseline, args.cases)

    with clock.frozen(TODAY):
        bootstrap.migrate()
        bootstrap.load_reference_data()
        ensure_demo_chains()
        places = townships(args.townships)
        people = reviewers(places)
        print(
            f"{connection.vendor} ({connection.settings_dict['NAME']}); {os.cpu_count()} CPUs; "
            f"{len(places)} townships in {len({p.code[:6] for p in places})} counties; "
            f"medians of {args.runs} run(s)"
        )
        if args.profile is not None:
            profile(args, people)
            return
        if args.skip != "filing":
            report_filing(args, people)
        if args.skip != "queue":
            report_queue(args, places, people)


def profile(args: argparse.Namespace, people: dict[str, list[Any]]) -> None:
    import cProfile
    import pstats

    rows = applicants(args.cases, townships(args.townships))
    empty_cases()
    profiler = cProfile.Profile()
    profiler.runcall(file_all, rows, args.batch)
    profiler.dump_stats(args.profile)
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(40)


def report_filing(args: argparse.Namespace, people: dict[str, list[Any]]) -> None:
    runs = [run_filing(args, run, people) for run in range(args.runs)]

    def med(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    freeze_rate = args.baseline / med("freeze_s")
    if runs[0]["file_s"] is not None:
        file_rate = args.cases / med("file_s")
        print(
            f"(a) filing: {args.cases:,} online applications through file_cases, {args.batch} "
            f"per transaction: {med('file_s'):.1f} s = {file_rate:,.0f} cases/s (min "
            f"{min(r['file_s'] for r in runs):.1f} s, max {max(r['file_s'] for r in runs):.1f} s;"
            f" by CPU time {args.cases / med('file_cpu_s'):,.0f} cases/s)"
        )
        print(
            f"    baseline, the frozen decision alone: {freeze_rate:,.0f}/s (filing = "
            f"{freeze_rate / file_rate:.1f}× the decision's time)"
        )
    else:
        print(f"(a) filing: no file_cases; the frozen decision alone: {freeze_rate:,.0f}/s")
    print(
        f"    file_case, one call per application: {args.rowwise / med('rowwise_s'):,.0f} "
        f"cases/s ({args.rowwise:,}, {args.batch} per transaction); "
        f"{args.each / med('each_s'):,.0f} cases/s ({args.each:,}, one transaction each)"
    )
    for position, name in ((1, "社区初审"), (2, "县区复审"), (3, "县区审批")):
        approved = statistics.median(r[f"step{position}"][0] for r in runs)
        seconds = statistics.median(r[f"step{position}"][1] for r in runs)
        print(
            f"    bulk approval, step {position} ({name}): {approved:,.0f} cases in "
            f"{seconds:.1f} s = {approved / seconds:,.0f} cases/s"
        )
    one = statistics.median(r["one_by_one"][0] / r["one_by_one"][1] for r in runs)
    print(
        f"    baseline, review.approve one case per transaction: {one:,.0f} cases/s; "
        f"{statistics.median(r['approved'] for r in runs):,.0f} cases approved at the end"
    )


#: The indexes ``--try-index`` adds for a second measurement (not in the migrations):
#: the queue's filter with the due day, case and position (the count and the first
#: page read the index only), and a user's acted steps with their case and position.
TRY_INDEXES = (
    "CREATE INDEX bench_try_step_queue ON casework_casestep "
    "(state, role_id, division_code, due_on, case_id, position)",
    "CREATE INDEX bench_try_step_actor ON casework_casestep (actor_id, case_id, position)",
)


def report_queue(
    args: argparse.Namespace, places: list[Division], people: dict[str, list[Any]]
) -> None:
    made = "kept from the last run in --dir"
    bulk = Case.objects.filter(code__startswith=f"SY{TODAY:%Y%m%d}B").count()
    if bulk != args.queue_cases or Case.objects.count() != bulk:
        empty_cases()
        start = time.perf_counter()
        bulk_queue_cases(args.queue_cases, places, people)
        made = f"bulk-created in {time.perf_counter() - start:.0f} s"
    user = people["second"][0]
    size = queues.queue(user).count()
    pages = max(1, -(-size // queues.PAGE))
    print(
        f"(b) queue: {Case.objects.count():,} cases ({CaseStep.objects.count():,} steps) "
        f"{made}; reviewer {user.username}: {size:,} steps to do, {pages:,} pages of "
        f"{queues.PAGE}; {args.repeat} requests per variant"
    )
    print_queue([run_queue(user, args.repeat, pages) for _ in range(args.runs)])
    if args.try_index:
        with connection.cursor() as cursor:
            for sql in TRY_INDEXES:
                cursor.execute(sql)
            cursor.execute("ANALYZE")
        try:
            print("    with the two indexes of TRY_INDEXES (not in the migrations):")
            print_queue([run_queue(user, args.repeat, pages) for _ in range(args.runs)])
        finally:
            with connection.cursor() as cursor:
                cursor.execute("DROP INDEX bench_try_step_queue")
                cursor.execute("DROP INDEX bench_try_step_actor")


def print_queue(runs: list[dict[str, dict[str, list[float]]]]) -> None:
    for name in runs[0]:
        figures = []
        for clock_name in ("wall", "cpu"):
            p = {
                share: statistics.median(percentile(r[name][clock_name], share) for r in runs)
                for share in (0.5, 0.95, 0.99)
            }
            figures.append(f"{clock_name} p50 {p[0.5]:6.1f} p95 {p[0.95]:6.1f} p99 {p[0.99]:6.1f}")
        print(f"    {name:12s} {'  |  '.join(figures)} ms")


if __name__ == "__main__":
    main()
