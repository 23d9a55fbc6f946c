"""Posting to the ledger: balanced, immutable transactions; corrections by reversal.

:func:`post` is the one writer of transactions and entries. It refuses, before anything
is written, a transaction of fewer than two entries, an entry of zero or of a
non-integer amount, entries that do not sum to zero, and entries on accounts of
different funds, counties or years. The entries of a transaction go in one INSERT
(PostgreSQL checks the sum again per statement, migration ``0002``); each account's
snapshot balance moves in the same transaction, the accounts in id order (so two
postings never wait on each other in opposite orders), and the accounts' CHECK
constraints refuse a balance below zero whatever the path.

:func:`allocate` posts a budget (下达); :func:`jiuye.payments.items.reverse` posts the
negation of a transaction, once (``reverses`` is unique), moving its item back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from jiuye.core import audit, clock
from jiuye.payments import funds
from jiuye.payments.errors import PaymentConflict, PaymentInvalid
from jiuye.payments.models import (
    FLOWS,
    Account,
    AccountKind,
    Entry,
    EntryKind,
    Fund,
    PayableItem,
    Transaction,
)
from jiuye.payments.retry import atomic_retrying

ENTITY = "ledger_txn"


@dataclass(frozen=True)
class Line:
    account: Account
    amount_fen: int


def check_lines(lines: Sequence[Line]) -> None:
    """Refuse an unbalanced or malformed set of entries (every backend)."""
    if len(lines) < 2:
        raise PaymentInvalid("ledger_too_few_entries", "一笔交易至少有两条分录")
    for line in lines:
        if not isinstance(line.amount_fen, int) or isinstance(line.amount_fen, bool):
            raise PaymentInvalid("ledger_amount_type", "金额必须是整数（分）")
        if line.amount_fen == 0:
            raise PaymentInvalid("ledger_zero_entry", "分录金额不能为零")
    total = sum(line.amount_fen for line in lines)
    if total != 0:
        raise PaymentInvalid(
            "ledger_unbalanced", f"借贷不平：分录合计 {total} 分，应为 0", extra={"sum": total}
        )
    scopes = {(ln.account.fund_id, ln.account.county_code, ln.account.year) for ln in lines}
    if len(scopes) != 1:
        raise PaymentInvalid(
            "ledger_mixed_scope", "一笔交易的分录必须属于同一资金、同一县（市、区）和同一年度"
        )


def flow_lines(accounts: dict[str, Account], kind: str, amount_fen: int) -> list[Line]:
    """The two entries of a transaction of ``kind`` moving ``amount_fen``."""
    debit, credit = FLOWS[kind]
    return [Line(accounts[debit], -amount_fen), Line(accounts[credit], amount_fen)]


def apply_balances(deltas: dict[int, int]) -> None:
    """Move each account's snapshot by its delta, in account id order (no deadlock
    between two postings); a balance below zero is refused by the CHECK constraint."""
    for account_id in sorted(deltas):
        delta = deltas[account_id]
        if delta == 0:
            continue
        try:
            with transaction.atomic():
                Account.objects.filter(pk=account_id).update(balance_fen=F("balance_fen") + delta)
        except IntegrityError as error:
            raise PaymentConflict(
                "ledger_negative_balance",
                "记账后账户余额将低于零，已拒绝（请先核对预算和已预留金额）",
                extra={"account": account_id},
            ) from error


def post(
    *,
    kind: str,
    lines: Sequence[Line],
    actor: Any = None,
    item: PayableItem | None = None,
    item_version: int | None = None,
    reverses: Transaction | None = None,
    reference: str = "",
    memo: str = "",
    payee_account_id: int | None = None,
    at: datetime | None = None,
) -> Transaction:
    """Post one balanced transaction (inside the caller's transaction)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ledger.post must run inside the write's transaction")
    if kind not in EntryKind.values:
        raise PaymentInvalid("ledger_kind", f"未知的业务类型 {kind}")
    check_lines(lines)
    first = lines[0].account
    amount = sum(ln.amount_fen for ln in lines if ln.amount_fen > 0)
    try:
        with transaction.atomic():
            txn = Transaction.objects.create(
                kind=kind,
                fund_id=first.fund_id,
                county_code=first.county_code,
                year=first.year,
                amount_fen=amount,
                item=item,
                item_version=item_version,
                reverses=reverses,
                reference=reference[:60],
                memo=memo[:300],
                payee_account_id=payee_account_id,
                posted_at=at or clock.now(),
                posted_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError as error:
        raise PaymentConflict(
            "ledger_already_posted",
            "该笔业务已记账（同一款项同一步骤只能记账一次）",
            extra={"item": getattr(item, "pk", None), "kind": kind},
        ) from error
    Entry.objects.bulk_create(
        [Entry(transaction=txn, account=ln.account, amount_fen=ln.amount_fen) for ln in lines]
    )
    deltas: dict[int, int] = {}
    for ln in lines:
        deltas[ln.account.pk] = deltas.get(ln.account.pk, 0) + ln.amount_fen
    apply_balances(deltas)
    return txn


def allocate(
    *,
    fund: Fund,
    county_code: str,
    year: int,
    amount_fen: int,
    actor: Any = None,
    memo: str = "",
    source: str = "screen",
) -> Transaction:
    """下达: a budget to the fund's accounts of the county and year."""
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen <= 0:
        raise PaymentInvalid("amount_positive", "下达金额必须是正整数（分）")

    def work() -> Transaction:
        accounts = funds.ensure_accounts(fund, county_code, year)
        txn = post(
            kind=EntryKind.ALLOCATE,
            lines=flow_lines(accounts, EntryKind.ALLOCATE, amount_fen),
            actor=actor,
            memo=memo or f"{year} 年度预算下达",
        )
        audit_txn(txn, actor, source)
        return txn

    return atomic_retrying(work, what="预算下达")


def audit_txn(txn: Transaction, actor: Any, source: str) -> None:
    audit.record(
        actor=actor,
        action="create",
        entity=ENTITY,
        object_id=txn.pk,
        changes={
            "kind": txn.kind,
            "amount_fen": txn.amount_fen,
            "fund": txn.fund_id,
            "county": txn.county_code,
            "year": txn.year,
            "reverses": txn.reverses_id,
        },
        source=source,
    )


__all__ = ["AccountKind", "Line", "allocate", "audit_txn", "check_lines", "flow_lines", "post"]
