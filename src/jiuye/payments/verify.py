"""``jiuye ledger verify``: recompute every balance from the entries and check the ledger.

Set-based SQL aggregates (one pass of the entries per check, answered by the database),
so a million transactions take seconds. What is checked:

1. every transaction has at least two entries, they sum to zero, and the transaction's
   amount is the sum of its positive entries;
2. every entry lies on an account of its transaction's fund, county and year, on the
   accounts its kind moves (下达 source → available, 预留 available → committed, …), in
   the right direction; a reversal's entries are exactly the negation of the original's;
3. every account's snapshot balance equals the sum of its entries, and no account is
   below zero (the source account holds minus the budget);
4. per fund, county and year: paid ≤ committed ≤ budget;
5. every payable item's money matches its state: committed, returned and batched items
   hold their amount in *committed*, items sent to the bank and paid items in *paid*,
   the others nothing; so no item is paid twice.

Each discrepancy is reported in Chinese with the ids to look at.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from django.db import connection

from jiuye.payments.models import (
    FLOWS,
    Account,
    AccountKind,
    Entry,
    EntryKind,
    ItemState,
    PayableItem,
    Transaction,
    sign_ok,
)

# The checks' SQL; the table names come from the models (_names()).
TRANSACTIONS_SQL = """
        SELECT t.id, t.amount_fen, COALESCE(s.total, 0), COALESCE(s.positive, 0),
               COALESCE(s.n, 0)
          FROM {t} t
          LEFT JOIN (SELECT transaction_id, SUM(amount_fen) AS total,
                            SUM(CASE WHEN amount_fen > 0 THEN amount_fen ELSE 0 END)
                              AS positive,
                            COUNT(*) AS n
                       FROM {e} GROUP BY transaction_id) s
            ON s.transaction_id = t.id
         WHERE s.n IS NULL OR s.n < 2 OR s.total <> 0 OR s.positive <> t.amount_fen
         ORDER BY t.id
        """

MISPLACED_SQL = """
        SELECT e.transaction_id, e.id, t.kind, a.kind
          FROM {e} e
          JOIN {t} t ON t.id = e.transaction_id
          JOIN {a} a ON a.id = e.account_id
         WHERE a.fund_id <> t.fund_id OR a.county_code <> t.county_code OR a.year <> t.year
            OR NOT ({flow})
         ORDER BY e.id
        """

REVERSALS_SQL = """
        SELECT x.root, x.account_id, SUM(x.amount_fen)
          FROM (SELECT COALESCE(t.reverses_id, t.id) AS root, e.account_id, e.amount_fen
                  FROM {e} e JOIN {t} t ON t.id = e.transaction_id
                 WHERE t.reverses_id IS NOT NULL
                    OR t.id IN (SELECT reverses_id FROM {t} WHERE reverses_id IS NOT NULL)
               ) x
         GROUP BY x.root, x.account_id
        HAVING SUM(x.amount_fen) <> 0
         ORDER BY x.root
        """

ACCOUNTS_SQL = """
        SELECT a.id, a.fund_id, a.county_code, a.year, a.kind, a.balance_fen,
               COALESCE(s.total, 0)
          FROM {a} a
          LEFT JOIN (SELECT account_id, SUM(amount_fen) AS total
                       FROM {e} GROUP BY account_id) s
            ON s.account_id = a.id
         ORDER BY a.id
        """

ITEMS_SQL = """
        SELECT i.id, i.case_code, i.state, i.amount_fen,
               COALESCE(x.committed, 0), COALESCE(x.paid, 0)
          FROM {i} i
          LEFT JOIN (SELECT t.item_id,
                            SUM(CASE WHEN a.kind = %s THEN e.amount_fen ELSE 0 END) AS committed,
                            SUM(CASE WHEN a.kind = %s THEN e.amount_fen ELSE 0 END) AS paid
                       FROM {e} e
                       JOIN {t} t ON t.id = e.transaction_id
                       JOIN {a} a ON a.id = e.account_id
                      WHERE t.item_id IS NOT NULL
                      GROUP BY t.item_id) x
            ON x.item_id = i.id
         WHERE NOT (
               (i.state IN (%s, %s, %s) AND COALESCE(x.committed, 0) = i.amount_fen
                    AND COALESCE(x.paid, 0) = 0)
            OR (i.state IN (%s, %s) AND COALESCE(x.committed, 0) = 0
                    AND COALESCE(x.paid, 0) = i.amount_fen)
            OR (i.state NOT IN (%s, %s, %s, %s, %s) AND COALESCE(x.committed, 0) = 0
                    AND COALESCE(x.paid, 0) = 0))
         ORDER BY i.id
        """

ORPHANS = """
    SELECT COUNT(*) FROM {e} e
     WHERE NOT EXISTS (SELECT 1 FROM {t} t WHERE t.id = e.transaction_id)
"""

#: At most this many discrepancies of one kind are listed (the count is always given).
LIST_LIMIT = 20


@dataclass
class Problem:
    code: str
    message: str


@dataclass
class Report:
    transactions: int = 0
    entries: int = 0
    accounts: int = 0
    items: int = 0
    seconds: float = 0.0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, code: str, message: str) -> None:
        self.problems.append(Problem(code, message))

    def text(self) -> str:
        head = (
            f"核对交易 {self.transactions} 笔、分录 {self.entries} 条、账户 {self.accounts} 个、"
            f"应付款项 {self.items} 笔，用时 {self.seconds:.2f} 秒。"
        )
        if self.ok:
            return head + "\n账簿平衡：每笔交易借贷相等，每个账户余额与分录合计一致。"
        lines = [head, f"发现 {len(self.problems)} 处不符："]
        lines += [f"- [{p.code}] {p.message}" for p in self.problems]
        return "\n".join(lines)


def _rows(sql: str, params: list[Any] | None = None) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return list(cursor.fetchall())


def _names() -> dict[str, str]:
    return {
        "e": Entry._meta.db_table,
        "t": Transaction._meta.db_table,
        "a": Account._meta.db_table,
        "i": PayableItem._meta.db_table,
    }


def _listed(rows: list[tuple[Any, ...]], fmt: str) -> str:
    shown = "；".join(fmt.format(*r) for r in rows[:LIST_LIMIT])
    more = f"……共 {len(rows)} 处" if len(rows) > LIST_LIMIT else ""
    return shown + more


def check_transactions(report: Report) -> None:
    n = _names()
    bad = _rows(TRANSACTIONS_SQL.format(**n))
    unbalanced = [r for r in bad if r[4] >= 2 and r[2] != 0]
    short = [r for r in bad if r[4] < 2]
    wrong_amount = [r for r in bad if r[4] >= 2 and r[2] == 0]
    if unbalanced:
        report.add(
            "unbalanced",
            "交易借贷不平：" + _listed(unbalanced, "#{0} 分录合计 {2} 分"),
        )
    if short:
        report.add("too_few_entries", "交易分录不足两条：" + _listed(short, "#{0}（{4} 条）"))
    if wrong_amount:
        report.add(
            "amount_mismatch",
            "交易金额与分录不符：" + _listed(wrong_amount, "#{0} 记 {1} 分，分录借方 {3} 分"),
        )
    orphans = _rows(ORPHANS.format(**n))[0][0]
    if orphans:
        report.add("orphan_entries", f"有 {orphans} 条分录不属于任何交易")


def _flow_case() -> tuple[str, list[Any]]:
    """SQL that is true when an entry of a non-reversal kind is where its kind moves."""
    parts, params = [], []
    for kind, (debit, credit) in FLOWS.items():
        parts.append(
            "(t.kind = %s AND ((a.kind = %s AND e.amount_fen < 0) "
            "OR (a.kind = %s AND e.amount_fen > 0)))"
        )
        params += [str(kind), str(debit), str(credit)]
    parts.append("t.kind = %s")
    params.append(str(EntryKind.REVERSAL))
    return " OR ".join(parts), params


def check_entries(report: Report) -> None:
    n = _names()
    flow, params = _flow_case()
    misplaced = _rows(
        MISPLACED_SQL.format(flow=flow, **n),
        params,
    )
    if misplaced:
        report.add(
            "misplaced_entries",
            "分录记在了不该记的账户：" + _listed(misplaced, "交易 #{0} 分录 #{1}（{2} → {3}）"),
        )
    not_negated = _rows(REVERSALS_SQL.format(**n))
    if not_negated:
        report.add(
            "reversal_mismatch",
            "冲正交易与原交易不对应：" + _listed(not_negated, "原交易 #{0} 账户 #{1} 相差 {2} 分"),
        )


@dataclass
class Balances:
    budget: int = 0
    available: int = 0
    committed: int = 0
    paid: int = 0


def check_accounts(report: Report) -> dict[tuple[int, str, int], Balances]:
    n = _names()
    rows = _rows(ACCOUNTS_SQL.format(**n))
    report.accounts = len(rows)
    drift = [r for r in rows if r[5] != r[6]]
    if drift:
        report.add(
            "snapshot_drift",
            "账户余额快照与分录合计不符："
            + _listed(drift, "账户 #{0} 快照 {5} 分，分录合计 {6} 分"),
        )
    negative = [r for r in rows if not sign_ok(r[4], r[6])]
    if negative:
        report.add(
            "below_zero",
            "账户余额低于零：" + _listed(negative, "账户 #{0}（{2} {3} 年 {4}）{6} 分"),
        )
    scopes: dict[tuple[int, str, int], Balances] = {}
    for _, fund, county, year, kind, _, total in rows:
        b = scopes.setdefault((fund, county, year), Balances())
        if kind == AccountKind.SOURCE:
            b.budget = -total
        else:
            setattr(b, str(kind), total)
    for (fund, county, year), b in scopes.items():
        committed_total = b.committed + b.paid
        if not (0 <= b.paid <= committed_total <= b.budget):
            report.add(
                "over_budget",
                f"资金 #{fund} {county} {year} 年：已支付 {b.paid} 分、"
                f"累计预留 {committed_total} 分、预算 {b.budget} 分，"
                "不满足 已支付 ≤ 已预留 ≤ 预算",
            )
    return scopes


def check_items(report: Report) -> None:
    n = _names()
    holding = (str(ItemState.COMMITTED), str(ItemState.RETURNED), str(ItemState.BATCHED))
    paid = (str(ItemState.PAID), str(ItemState.SENT))
    rows = _rows(
        ITEMS_SQL.format(**n),
        [
            str(AccountKind.COMMITTED),
            str(AccountKind.PAID),
            *holding,
            *paid,
            *holding,
            *paid,
        ],
    )
    twice = [r for r in rows if r[5] > r[3]]
    if twice:
        report.add(
            "paid_twice",
            "款项支付超过应付金额（重复支付）："
            + _listed(twice, "{1}（#{0}）应付 {3} 分，已付 {5} 分"),
        )
    other = [r for r in rows if r[5] <= r[3]]
    if other:
        report.add(
            "item_mismatch",
            "款项状态与账簿不符："
            + _listed(other, "{1}（#{0}）状态 {2}，应付 {3} 分，预留 {4} 分，已付 {5} 分"),
        )


def verify() -> Report:
    """Recompute everything; the report lists each discrepancy (none: the ledger holds)."""
    started = time.perf_counter()
    report = Report()
    report.transactions = Transaction.objects.count()
    report.entries = Entry.objects.count()
    report.items = PayableItem.objects.count()
    check_transactions(report)
    check_entries(report)
    check_accounts(report)
    check_items(report)
    report.seconds = time.perf_counter() - started
    return report
