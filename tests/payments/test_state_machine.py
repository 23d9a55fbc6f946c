"""A Hypothesis state machine over the payments services: budgets are allocated, items
committed, paid, returned by the bank, recovered, released, postings reversed, in any
order, and 代发 batches are assembled, released or cancelled and the bank's results
imported (paid, failed, rows that match nothing); after every step the ledger's
invariants hold and each step did what the item's state and the budget allowed (a
refused step changed nothing)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib.auth.models import Permission
from django.db import connection, transaction
from django.db.models import Sum
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from jiuye.core.errors import JiuyeError
from jiuye.payments import bankfiles, batches, funds, items, ledger, verify
from jiuye.payments.models import (
    NO_BUDGET,
    Account,
    AccountKind,
    Entry,
    ItemState,
    PayableItem,
    Transaction,
)
from jiuye.registry.models import BenefitReceipt
from tests.payments.world import STARTUP_FEN, give_account, person, ready_case

COUNTY, YEAR = "220702", 2026
#: periodic items of one case (no one-time slot): amounts around the budget boundaries
PERIOD_AMOUNTS = (1, 2, STARTUP_FEN - 1, 300_001)


def _granted(user, *codenames):
    for codename in codenames:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return type(user).objects.get(pk=user.pk)


def _world_items(world, monkeypatch) -> list[int]:
    who = person(world, 31)
    case = ready_case(world, who, monkeypatch)
    give_account(world, who)
    first = items.intake(case=case)
    made = [first.pk]
    for month, amount in enumerate(PERIOD_AMOUNTS, start=1):
        made.append(
            PayableItem.objects.create(
                case=case,
                case_code=case.code,
                decision=first.decision,
                period=f"2026-{month:02d}",
                rule_id=case.rule_id,
                title=case.title,
                subject_index=first.subject_index,
                payee_name=first.payee_name,
                person=who,
                fund=first.fund,
                county_code=COUNTY,
                year=YEAR,
                amount_fen=amount,
            ).pk
        )
    return made


class Ledger(RuleBasedStateMachine):
    item_ids: list[int] = []
    maker: object = None
    checker: object = None

    def __init__(self) -> None:
        super().__init__()
        # each example runs in a savepoint rolled back at teardown
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.fund = PayableItem.objects.get(pk=self.item_ids[0]).fund
        self.accounts = funds.ensure_accounts(self.fund, COUNTY, YEAR)

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # ------------------------------------------------------------ helpers

    def _item(self, index: int) -> PayableItem:
        return PayableItem.objects.get(pk=self.item_ids[index % len(self.item_ids)])

    def _available(self) -> int:
        return Account.objects.get(pk=self.accounts[AccountKind.AVAILABLE].pk).balance_fen

    def _attempt(self, step, index: int, allowed_from: set[str], to: str) -> None:
        before = self._item(index)
        count = Transaction.objects.count()
        try:
            after = step(item_id=before.pk)
        except JiuyeError:
            assert before.state not in allowed_from
            after = self._item(index)
            assert (after.state, after.version) == (before.state, before.version)
            assert Transaction.objects.count() == count
            return
        assert before.state in allowed_from
        assert after.state == to
        assert Transaction.objects.count() == count + 1

    # ------------------------------------------------------------ rules

    @initialize(amount=st.sampled_from([0, 1, 300_001, STARTUP_FEN, 800_001, 1_300_003]))
    def opening_budget(self, amount: int) -> None:
        if amount:
            ledger.allocate(fund=self.fund, county_code=COUNTY, year=YEAR, amount_fen=amount)

    @rule(amount=st.sampled_from([1, STARTUP_FEN - 1, STARTUP_FEN, STARTUP_FEN + 1, 300_000]))
    def allocate(self, amount: int) -> None:
        ledger.allocate(fund=self.fund, county_code=COUNTY, year=YEAR, amount_fen=amount)

    @rule(index=st.integers(0, 4))
    def commit(self, index: int) -> None:
        before = self._item(index)
        available = self._available()
        try:
            after = items.commit(item_id=before.pk)
        except JiuyeError:
            assert before.state != ItemState.WAITING
            return
        assert before.state == ItemState.WAITING
        if available >= before.amount_fen:  # exactly equal commits
            assert after.state == ItemState.COMMITTED
            assert self._available() == available - before.amount_fen
        else:  # one fen more waits
            assert after.state == ItemState.WAITING
            assert after.waiting_reason == NO_BUDGET
            assert self._available() == available

    @rule()
    def commit_many(self) -> None:
        items.commit_many()
        waiting = PayableItem.objects.filter(pk__in=self.item_ids, state=ItemState.WAITING)
        # whatever still waits is more than what is left
        for item in waiting:
            assert item.amount_fen > self._available()

    @rule(index=st.integers(0, 4))
    def pay(self, index: int) -> None:
        self._attempt(items.pay, index, {ItemState.COMMITTED, ItemState.RETURNED}, ItemState.PAID)

    @rule(index=st.integers(0, 4), kind=st.sampled_from(["bank_return", "recover", "release"]))
    def undo(self, index: int, kind: str) -> None:
        step, allowed, to = {
            "bank_return": (items.bank_return, {ItemState.PAID}, ItemState.RETURNED),
            "recover": (items.recover, {ItemState.PAID}, ItemState.RECOVERED),
            "release": (
                items.release,
                {ItemState.COMMITTED, ItemState.RETURNED},
                ItemState.CANCELLED,
            ),
        }[kind]
        self._attempt(lambda item_id: step(item_id=item_id, reason="原因"), index, allowed, to)

    @rule(
        outcomes=st.lists(st.sampled_from(["成功", "失败", None]), min_size=5, max_size=5),
        release=st.booleans(),
    )
    def batch_round(self, outcomes: list[str | None], release: bool) -> None:
        """Assemble the committed items; release (or cancel) the batch; import a result
        file: each line paid, failed or missing, plus a row that matches nothing."""
        made = batches.assemble(fund=self.fund, county_code=COUNTY, year=YEAR, actor=self.maker)
        if made.batch is None:
            return
        if not release:
            batches.cancel(code=made.batch.code, actor=self.maker, reason="作废")
            assert not PayableItem.objects.filter(state=ItemState.BATCHED).exists()
            return
        batch = batches.release(code=made.batch.code, actor=self.checker)
        rows = [["业务参考号", "金额（元）", "处理结果", "失败原因"]]
        lines = list(batch.lines.order_by("seq"))
        for line, outcome in zip(lines, outcomes, strict=False):
            if outcome is not None:
                rows.append([line.reference, bankfiles.yuan(line.amount_fen), outcome, "原因"])
        rows.append(["PB-UNKNOWN", "1.00", "成功", ""])
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "result.csv"
            path.write_text("\n".join(",".join(r) for r in rows), encoding="utf-8")
            report = batches.import_results(path=path, actor=self.maker)
        expected = [o for _, o in zip(lines, outcomes, strict=False) if o is not None]
        assert report.paid == expected.count("成功")
        assert report.failed == expected.count("失败")
        assert any("PB-UNKNOWN" in p for p in report.problems)

    @rule(pick=st.integers(0, 50))
    def reverse(self, pick: int) -> None:
        txns = list(Transaction.objects.order_by("pk").values_list("pk", flat=True))
        if not txns:
            return
        target = txns[pick % len(txns)]
        count = Transaction.objects.count()
        try:
            items.reverse(transaction_id=target, reason="冲正")
        except JiuyeError:
            assert Transaction.objects.count() == count
            return
        assert Transaction.objects.filter(reverses_id=target).count() == 1

    # ------------------------------------------------------------ invariants

    @invariant()
    def the_ledger_holds(self) -> None:
        # every transaction sums to zero, no account below zero, paid ≤ committed ≤
        # budget, each item's money matches its state (so none is paid twice): verify
        # recomputes all of it from the entries; checked here once more directly
        report = verify.verify()
        assert report.ok, report.text()
        assert not Entry.objects.values("transaction_id").annotate(s=Sum("amount_fen")).exclude(s=0)
        balances = {
            a.kind: a.balance_fen
            for a in Account.objects.filter(fund=self.fund, county_code=COUNTY, year=YEAR)
        }
        budget = -balances[AccountKind.SOURCE]
        committed = balances[AccountKind.COMMITTED] + balances[AccountKind.PAID]
        assert min(balances[k] for k in ("available", "committed", "paid")) >= 0
        assert 0 <= balances[AccountKind.PAID] <= committed <= budget
        paid = {
            row["transaction__item"]: row["s"]
            for row in Entry.objects.filter(account__kind=AccountKind.PAID)
            .values("transaction__item")
            .annotate(s=Sum("amount_fen"))
        }
        states = PayableItem.objects.filter(pk__in=self.item_ids)
        at_bank = (ItemState.PAID, ItemState.SENT)
        for item in states:
            assert paid.get(item.pk, 0) == (item.amount_fen if item.state in at_bank else 0)
        # paid items, and only they, are the registry's benefit receipts
        paid_items = [i for i in states if i.state == ItemState.PAID]
        assert BenefitReceipt.objects.count() == len(paid_items)
        assert all(i.receipt_id is not None for i in paid_items)


def test_the_ledger_holds_whatever_the_order_of_steps(world, monkeypatch):
    Ledger.item_ids = _world_items(world, monkeypatch)
    Ledger.maker = _granted(world.staff["county"], "commit_payment")
    Ledger.checker = _granted(world.staff["county2"], "commit_payment", "release_batch")
    assert connection.in_atomic_block  # the test's own transaction holds the world
    run_state_machine_as_test(
        Ledger,
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
