"""Benchmark of the payments ledger on PostgreSQL: bulk commitment and ``ledger verify``.

    .venv/bin/python -m jiuye.testing.postgres -- .venv/bin/python bench/payments.py
    .venv/bin/python -m jiuye.testing.postgres -- .venv/bin/python bench/payments.py \\
        --items 100000 --transactions 1000000 --runs 3

Phases (each timed, rows per second and the process's peak memory printed):

1. **commit**: ``items.commit_many()`` over ``--items`` waiting payable items of one
   fund, county and year, whose budget covers 99 % of them (the rest wait with
   预算不足): one ledger transaction of two entries per item, the item's
   compare-and-swap, the account snapshots, the history rows by runs.
2. **verify**: ``jiuye ledger verify``'s checks over the ledger after
   ``--transactions`` transactions in all (the commitments plus allocations of 1 fen
   written with COPY, not timed), median of ``--runs``.
3. **report**: the fund report over the same ledger.

Setup (not timed): migrations, one division, one READY case with its decision (the
items are its periods, ``P000001`` …: the commit path does not look at the case), the
items (bulk insert). The targets on two cores: ≥ 10,000 items/s for the commitment and
< 10 s for verifying a million transactions.
"""

from __future__ import annotations

import argparse
import base64
import os
import random
import resource
import statistics
import time
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

NOW = datetime(2026, 6, 1, 9, 0, tzinfo=UTC)
COUNTY, YEAR = "220702", 2026


def _setup() -> None:
    os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 40)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuye.settings")
    os.environ.setdefault(
        "JIUYE_FIELD_KEYS",
        "; ".join(f"{p} b1 {base64.b64encode(os.urandom(32)).decode()}" for p in ("enc", "index")),
    )
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        raise SystemExit("bench/payments.py runs on PostgreSQL (DATABASE_URL)")
    call_command("migrate", interactive=False, verbosity=0)


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _world(count: int, seed: int) -> tuple[Any, int]:
    """One READY case, its decision, ``count`` waiting items; the fund's budget covering
    99 % of their total. Returns (fund, total fen)."""
    from jiuye.casework.models import Case, CaseState, Decision
    from jiuye.geo.models import Division, DivisionLevel
    from jiuye.payments import funds, ledger
    from jiuye.payments.models import PayableItem

    division, _ = Division.objects.get_or_create(
        code=COUNTY,
        defaults={"name": "宁江区", "level": DivisionLevel.COUNTY, "vintage": date(2017, 10, 31)},
    )
    case = Case.objects.create(
        code="SYBENCH0000001",
        rule_id="startup_subsidy",
        title="一次性初创企业补贴",
        clause="二（三）",
        entity="person",
        subject_id="22070219900101123X",
        subject_name="基准测试",
        division=division,
        division_code=COUNTY,
        handling_code=COUNTY,
        channel="online",
        state=CaseState.READY,
        filed_on=NOW.date(),
        status="eligible",
        amount_fen=500_000,
    )
    decision = Decision.objects.create(
        case=case,
        kind=Decision.Kind.FILING,
        as_of=NOW.date(),
        status="eligible",
        amount_fen=500_000,
        result={},
        facts={},
        parameters={},
        package="songyuan_2018",
        rule_version="bench",
    )
    fund = funds.fund_for_rule("startup_subsidy")
    assert fund is not None
    from django.contrib.auth.models import Permission

    from jiuye.registry.models import PayeeAccount, PayeeAccountState, Person
    from tests.factories import StaffUserFactory

    maker, checker = StaffUserFactory(username="maker"), StaffUserFactory(username="checker")
    for user, codenames in ((maker, ["commit_payment"]), (checker, ["release_batch"])):
        for codename in codenames:
            user.user_permissions.add(Permission.objects.get(codename=codename))
    payee = Person.objects.create(
        resident_id=case.subject_id,
        name="基准测试",
        sex="male",
        birth_date=date(1990, 1, 1),
        division=division,
    )
    PayeeAccount.objects.create(
        person=payee,
        kind="ss_card",
        holder_name="基准测试",
        bank_name="示例银行",
        number="6222021234567890",
        state=PayeeAccountState.ACTIVE,
        reason="基准测试",
        requested_by=maker,
        decided_by=checker,
    )
    rng = random.Random(seed)  # noqa: S311 (sample amounts, not secrets)
    amounts = [rng.randint(100, 500_000) for _ in range(count)]
    PayableItem.objects.bulk_create(
        (
            PayableItem(
                case=case,
                case_code=case.code,
                decision=decision,
                period=f"P{n:06d}",
                rule_id=case.rule_id,
                title=case.title,
                subject_index=case.subject_id_index,
                subject_masked=case.subject_id_masked,
                payee_name=case.subject_name,
                person=payee,
                fund=fund,
                county_code=COUNTY,
                year=YEAR,
                amount_fen=amount,
            )
            for n, amount in enumerate(amounts, start=1)
        ),
        batch_size=5000,
    )
    total = sum(amounts)
    from django.db import connection

    with connection.cursor() as cursor:  # as autovacuum would after a bulk intake
        cursor.execute("ANALYZE payments_payableitem")
    ledger.allocate(fund=fund, county_code=COUNTY, year=YEAR, amount_fen=total * 99 // 100)
    return fund, total


def _fill(fund: object, transactions: int) -> int:
    """Allocations of 1 fen with COPY until the ledger holds ``transactions``."""
    from django.db import connection, transaction

    from jiuye.payments import funds
    from jiuye.payments.models import Account, AccountKind, Transaction

    missing = transactions - Transaction.objects.count()
    if missing <= 0:
        return 0
    accounts = funds.ensure_accounts(fund, COUNTY, YEAR)  # type: ignore[arg-type]
    source, available = accounts[AccountKind.SOURCE].pk, accounts[AccountKind.AVAILABLE].pk
    chunk = 200_000
    with transaction.atomic():
        raw = connection.connection.cursor()
        first = (
            int(Transaction.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
        )
        stamp = NOW.isoformat()
        for start in range(0, missing, chunk):
            n = min(chunk, missing - start)
            ids = range(first + start, first + start + n)
            with raw.copy(
                "COPY payments_transaction (id, kind, fund_id, county_code, year, amount_fen, "
                "reference, memo, posted_at) FROM STDIN"
            ) as copy:
                for i in ids:
                    copy.write_row((i, "allocate", fund.pk, COUNTY, YEAR, 1, "", "bench", stamp))  # type: ignore[attr-defined]
            with raw.copy(
                "COPY payments_entry (transaction_id, account_id, amount_fen) FROM STDIN"
            ) as copy:
                for i in ids:
                    copy.write_row((i, source, -1))
                    copy.write_row((i, available, 1))
        raw.execute(
            "SELECT setval(pg_get_serial_sequence('payments_transaction', 'id'), %s)",
            [first + missing - 1],
        )
        Account.objects.filter(pk=source).update(
            balance_fen=Account.objects.get(pk=source).balance_fen - missing
        )
        Account.objects.filter(pk=available).update(
            balance_fen=Account.objects.get(pk=available).balance_fen + missing
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return missing


def _rate(what: str, rows: int, seconds: float) -> None:
    print(
        f"{what}: {rows:,} rows in {seconds:.2f} s = {rows / seconds:,.0f} rows/s; "
        f"peak {_peak_mib():.0f} MiB"
    )


def _batch_phases(fund: Any, count: int, seed: int) -> None:
    """Assemble one batch of every committed item, release it (posting the payments)
    and write its bank files, import its result file with 2 % failures."""
    import csv
    import tempfile

    from django.contrib.auth import get_user_model

    from jiuye.payments import bankfiles, batches

    users = get_user_model().objects
    maker, checker = users.get(username="maker"), users.get(username="checker")
    start = time.perf_counter()
    made = batches.assemble(fund=fund, county_code=COUNTY, year=YEAR, actor=maker)
    assert made.batch is not None
    _rate("batch assemble", made.lines, time.perf_counter() - start)
    with tempfile.TemporaryDirectory(prefix="jiuye-bench-bank-") as folder:
        start = time.perf_counter()
        batch = batches.release(code=made.batch.code, actor=checker)
        released = time.perf_counter() - start
        paths = bankfiles.write(batch, Path(folder) / "out")
        _rate("batch release", made.lines, released)
        _rate("release + bank files", made.lines, time.perf_counter() - start)
        rows = list(csv.reader(paths[0].read_text(encoding="utf-8-sig").splitlines()))
        rng = random.Random(seed)  # noqa: S311 (which lines fail, not secrets)
        result = Path(folder) / "result.csv"
        failures = 0
        with result.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow([*rows[0], "处理结果", "失败原因"])
            for row in rows[1:-1]:
                failed = rng.random() < 0.02
                failures += failed
                writer.writerow(
                    [*row, "失败" if failed else "成功", "账户已销户" if failed else ""]
                )
            writer.writerow(rows[-1])
        start = time.perf_counter()
        report = batches.import_results(path=result, actor=maker)
        seconds = time.perf_counter() - start
    assert (report.paid, report.failed) == (made.lines - failures, failures), report
    _rate(f"bank import ({failures} failed)", made.lines, seconds)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--items", type=int, default=100_000)
    parser.add_argument("--transactions", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--chunk", type=int, default=2000, help="items per commit transaction")
    args = parser.parse_args()
    _setup()
    from django.db import connection

    from jiuye.payments import items, verify
    from jiuye.payments.reports import fund_report

    print(f"PostgreSQL {connection.pg_version}; {os.cpu_count()} CPUs")  # type: ignore[attr-defined]
    start = time.perf_counter()
    fund, total = _world(args.items, args.seed)
    print(f"setup: {args.items} items, {total} fen ({time.perf_counter() - start:.1f} s)")

    start = time.perf_counter()
    report = items.commit_many(chunk=args.chunk)
    seconds = time.perf_counter() - start
    print(
        f"commit: {report.committed} committed, {report.waiting} waiting (预算不足) in "
        f"{seconds:.2f} s = {args.items / seconds:,.0f} items/s; peak {_peak_mib():.0f} MiB"
    )

    _batch_phases(fund, args.items, args.seed)

    start = time.perf_counter()
    added = _fill(fund, args.transactions)
    print(f"fill: {added} allocations of 1 fen by COPY ({time.perf_counter() - start:.1f} s)")

    times, last = [], None
    for _ in range(args.runs):
        start = time.perf_counter()
        last = verify.verify()
        times.append(time.perf_counter() - start)
    assert last is not None
    median = statistics.median(times)
    print(
        f"verify: {last.transactions:,} transactions, {last.entries:,} entries, "
        f"{last.items:,} items in {median:.2f} s (median of {args.runs}: "
        f"{', '.join(f'{t:.2f}' for t in times)}) = {last.transactions / median:,.0f} txn/s; "
        f"{'balanced' if last.ok else 'DISCREPANCIES'}; peak {_peak_mib():.0f} MiB"
    )
    if not last.ok:
        print(last.text())

    start = time.perf_counter()
    rows = fund_report(prefix="")
    print(f"report: {len(rows)} rows in {time.perf_counter() - start:.3f} s")


if __name__ == "__main__":
    main()
