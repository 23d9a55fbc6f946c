"""Never twice under real concurrency (PostgreSQL): 50 threads released by a barrier
commit, pay or take the last budget of the same item; exactly one posting wins."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connections

from jiuye.core import messages
from jiuye.core.errors import JiuyeError
from jiuye.payments import items, ledger, verify
from jiuye.payments.models import Entry, EntryKind, ItemState, PayableItem, Transaction
from tests.casework.world import TODAY, build_world
from tests.payments.world import STARTUP_FEN, give_account, person, ready_case

pytestmark = pytest.mark.postgresql

THREADS = 50


def _at_once(work: Callable[[int], str], count: int = THREADS) -> list[str]:
    start = threading.Barrier(count)
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(n: int) -> None:
        try:
            start.wait()
            try:
                outcome = work(n)
            except JiuyeError as error:
                outcome = error.code
            with lock:
                outcomes.append(outcome)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.fixture
def city(transactional_db, clock, settings, monkeypatch):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    clock.set(TODAY)
    messages.outbox.clear()
    return build_world()


def _one_posting(item: PayableItem, kind: str) -> Transaction:
    [txn] = Transaction.objects.filter(item=item, kind=kind)
    entries = list(Entry.objects.filter(transaction=txn).values_list("amount_fen", flat=True))
    assert sorted(entries) == [-item.amount_fen, item.amount_fen]
    return txn


def test_fifty_commits_of_one_item_post_once(city, monkeypatch):
    item = items.intake(case=ready_case(city, person(city, 21), monkeypatch))
    ledger.allocate(fund=item.fund, county_code="220702", year=2026, amount_fen=10 * STARTUP_FEN)

    outcomes = _at_once(lambda n: items.commit(item_id=item.pk).state)

    assert outcomes.count("committed") + outcomes.count("item_state") == THREADS
    assert Transaction.objects.filter(kind=EntryKind.COMMIT).count() == 1
    _one_posting(item, EntryKind.COMMIT)
    assert PayableItem.objects.get(pk=item.pk).state == ItemState.COMMITTED
    assert verify.verify().ok


def test_fifty_payments_of_one_item_pay_once(city, monkeypatch):
    item = items.intake(case=ready_case(city, person(city, 22), monkeypatch))
    ledger.allocate(fund=item.fund, county_code="220702", year=2026, amount_fen=STARTUP_FEN)
    items.commit(item_id=item.pk)
    give_account(city, item.person)

    outcomes = _at_once(lambda n: items.pay(item_id=item.pk, reference=f"R{n}").state)

    assert outcomes.count("paid") == 1
    assert set(outcomes) <= {"paid", "item_state", "item_changed", "ledger_already_posted"}
    _one_posting(item, EntryKind.PAY)
    item.refresh_from_db()
    assert item.state == ItemState.PAID
    assert item.receipt is not None
    assert verify.verify().ok


def test_fifty_commits_and_payments_of_two_items_sharing_one_budget(city, monkeypatch):
    # given two items and a budget that covers exactly one of them
    first = items.intake(case=ready_case(city, person(city, 23), monkeypatch))
    second = items.intake(case=ready_case(city, person(city, 24), monkeypatch))
    ledger.allocate(fund=first.fund, county_code="220702", year=2026, amount_fen=STARTUP_FEN)
    give_account(city, first.person)
    ids = (first.pk, second.pk)

    def work(n: int) -> str:
        item_id = ids[n % 2]
        if n % 3 == 2:
            return items.pay(item_id=item_id).state
        return items.commit(item_id=item_id).state

    _at_once(work)

    states = sorted(PayableItem.objects.filter(pk__in=ids).values_list("state", flat=True))
    # exactly one took the budget (committed, or paid if its payment came after); the
    # other waits for budget
    assert len([s for s in states if s in (ItemState.COMMITTED, ItemState.PAID)]) == 1
    assert Transaction.objects.filter(kind=EntryKind.COMMIT).count() == 1
    assert Transaction.objects.filter(kind=EntryKind.PAY).count() <= 1
    waiting = PayableItem.objects.get(pk__in=ids, state=ItemState.WAITING)
    assert waiting.waiting_reason == "预算不足"
    assert verify.verify().ok
