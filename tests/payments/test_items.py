"""From a ready case to money: intake, commitment under the budget, payment and after."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from jiuye.casework.filing import file_case
from jiuye.core.models import ChangeLog
from jiuye.payments import items, ledger, payees, verify
from jiuye.payments.errors import PaymentConflict, PaymentRefused
from jiuye.payments.models import (
    NO_BUDGET,
    Account,
    EntryKind,
    ItemEvent,
    ItemState,
    PayableItem,
    Transaction,
)
from jiuye.payments.reports import fund_report
from jiuye.registry.models import BenefitReceipt, PayeeAccountState
from tests.casework.world import STARTUP_FACTS
from tests.payments.world import STARTUP_FEN, give_account, person, ready_case

COUNTY, YEAR = "220702", 2026


@pytest.fixture
def case(world, monkeypatch):
    return ready_case(world, person(world, 1), monkeypatch)


@pytest.fixture
def item(case):
    return items.intake(case=case)


def _available(item) -> int:
    return Account.objects.get(
        fund=item.fund, county_code=item.county_code, year=item.year, kind="available"
    ).balance_fen


def test_a_ready_case_becomes_one_item_from_its_frozen_decision(case):
    item = items.intake(case=case)
    assert item.amount_fen == STARTUP_FEN
    assert item.amount_fen == case.decisions.get().amount_fen
    assert (item.county_code, item.year, item.state) == (COUNTY, YEAR, ItemState.WAITING)
    assert item.fund.name == "所在辖区政府财政"
    assert item.once
    assert item.once_slot
    assert item.person_id == case.person_id
    with pytest.raises(PaymentConflict) as again:
        items.intake(case=case)
    assert again.value.code == "item_exists"
    assert PayableItem.objects.count() == 1


def test_a_case_still_under_review_is_not_payable(world):
    reviewing = file_case(
        rule_id="startup_subsidy",
        subject_id=person(world, 2).resident_id,
        subject_name="申请人2",
        channel="online",
        declared=STARTUP_FACTS,
    )
    with pytest.raises(PaymentConflict) as refused:
        items.intake(case=reviewing)
    assert "公示期满无异议后" in refused.value.message
    assert PayableItem.objects.count() == 0


def test_a_one_time_benefit_is_one_item_per_subject_and_rule_in_the_database(
    world, item, monkeypatch
):
    other = ready_case(world, person(world, 3), monkeypatch)
    # given a second case whose subject is, by its blind index, the first item's
    with pytest.raises(IntegrityError), transaction.atomic():
        PayableItem.objects.create(
            case=other,
            case_code=other.code,
            decision=other.decisions.get(),
            rule_id=item.rule_id,
            title=item.title,
            once=True,
            once_slot=True,
            subject_index=item.subject_index,
            payee_name="x",
            fund=item.fund,
            county_code=COUNTY,
            year=YEAR,
            amount_fen=1,
        )
    assert PayableItem.objects.count() == 1


def test_commit_exactly_the_available_budget_succeeds(item):
    ledger.allocate(fund=item.fund, county_code=COUNTY, year=YEAR, amount_fen=STARTUP_FEN)
    item = items.commit(item_id=item.pk)
    assert item.state == ItemState.COMMITTED
    assert _available(item) == 0
    txn = Transaction.objects.get(item=item)
    assert (txn.kind, txn.amount_fen, txn.item_version) == (
        EntryKind.COMMIT,
        STARTUP_FEN,
        item.version,
    )
    assert verify.verify().ok


def test_one_fen_short_waits_with_the_reason_and_the_report_shows_the_shortfall(item):
    ledger.allocate(fund=item.fund, county_code=COUNTY, year=YEAR, amount_fen=STARTUP_FEN - 1)
    item = items.commit(item_id=item.pk)
    assert item.state == ItemState.WAITING
    assert item.waiting_reason == NO_BUDGET
    assert not Transaction.objects.filter(item=item).exists()
    [row] = fund_report(prefix=COUNTY, year=YEAR)
    assert (row.available, row.waiting_count, row.waiting_fen, row.shortfall) == (
        STARTUP_FEN - 1,
        1,
        STARTUP_FEN,
        1,
    )
    # when one more fen arrives, the sweep commits it
    ledger.allocate(fund=item.fund, county_code=COUNTY, year=YEAR, amount_fen=1)
    report = items.commit_many()
    assert (report.committed, report.committed_fen, report.waiting) == (1, STARTUP_FEN, 0)
    item.refresh_from_db()
    assert item.state == ItemState.COMMITTED
    assert item.waiting_reason == ""
    [row] = fund_report(prefix=COUNTY, year=YEAR)
    assert (row.committed, row.outstanding, row.available, row.shortfall) == (
        STARTUP_FEN,
        STARTUP_FEN,
        0,
        0,
    )
    assert verify.verify().ok


def test_commit_many_takes_items_in_order_while_the_budget_lasts(world, monkeypatch):
    made = [items.intake(case=ready_case(world, person(world, n), monkeypatch)) for n in (4, 5, 6)]
    ledger.allocate(fund=made[0].fund, county_code=COUNTY, year=YEAR, amount_fen=2 * STARTUP_FEN)
    report = items.commit_many(made, chunk=2)
    assert (report.committed, report.waiting) == (2, 1)
    states = [PayableItem.objects.get(pk=i.pk).state for i in made]
    assert states == [ItemState.COMMITTED, ItemState.COMMITTED, ItemState.WAITING]
    assert PayableItem.objects.get(pk=made[2].pk).waiting_reason == NO_BUDGET
    assert Transaction.objects.filter(kind=EntryKind.COMMIT).count() == 2
    assert verify.verify().ok


def test_paying_needs_an_approved_account_and_happens_once(world, item):
    ledger.allocate(fund=item.fund, county_code=COUNTY, year=YEAR, amount_fen=STARTUP_FEN)
    items.commit(item_id=item.pk)
    # no approved account: refused, nothing changes
    with pytest.raises(PaymentConflict) as refused:
        items.pay(item_id=item.pk)
    assert refused.value.code == "no_payee_account"
    assert PayableItem.objects.get(pk=item.pk).state == ItemState.COMMITTED
    account = give_account(world, item.person)
    paid = items.pay(item_id=item.pk, reference="BANK-1")
    assert paid.state == ItemState.PAID
    assert paid.payee_account_id == account.pk
    receipt = BenefitReceipt.objects.get(pk=paid.receipt_id)
    assert (receipt.rule, receipt.amount_fen, receipt.person_id) == (
        "startup_subsidy",
        STARTUP_FEN,
        item.person_id,
    )
    with pytest.raises(PaymentConflict):
        items.pay(item_id=item.pk)
    assert Transaction.objects.filter(item=item, kind=EntryKind.PAY).count() == 1
    [row] = fund_report(prefix=COUNTY, year=YEAR)
    assert (row.budget, row.committed, row.paid, row.available) == (
        STARTUP_FEN,
        STARTUP_FEN,
        STARTUP_FEN,
        0,
    )
    assert verify.verify().ok


def test_a_bank_return_keeps_the_commitment_and_a_second_payment_completes(world, item):
    ledger.allocate(fund=item.fund, county_code=COUNTY, year=YEAR, amount_fen=STARTUP_FEN)
    items.commit(item_id=item.pk)
    give_account(world, item.person)
    paid = items.pay(item_id=item.pk)
    returned = items.bank_return(item_id=item.pk, reason="账户已销户")
    assert returned.state == ItemState.RETURNED
    assert returned.bank_reason == "账户已销户"
    assert not BenefitReceipt.objects.filter(pk=paid.receipt_id).exists()
    [row] = fund_report(prefix=COUNTY, year=YEAR)
    assert (row.outstanding, row.paid, row.returned) == (STARTUP_FEN, 0, STARTUP_FEN)
    again = items.pay(item_id=item.pk)
    assert again.state == ItemState.PAID
    assert BenefitReceipt.objects.filter(person=item.person, rule="startup_subsidy").count() == 1
    assert verify.verify().ok


def test_a_recovery_returns_the_money_to_the_available_budget(world, item):
    ledger.allocate(fund=item.fund, county_code=COUNTY, year=YEAR, amount_fen=STARTUP_FEN)
    items.commit(item_id=item.pk)
    give_account(world, item.person)
    items.pay(item_id=item.pk)
    recovered = items.recover(item_id=item.pk, reason="经核查不符合条件，已追回")
    assert recovered.state == ItemState.RECOVERED
    assert _available(item) == STARTUP_FEN
    [row] = fund_report(prefix=COUNTY, year=YEAR)
    assert (row.paid, row.recovered, row.committed) == (0, STARTUP_FEN, 0)
    assert not BenefitReceipt.objects.exists()
    assert verify.verify().ok


def test_release_frees_the_budget_and_the_one_time_slot(item):
    ledger.allocate(fund=item.fund, county_code=COUNTY, year=YEAR, amount_fen=STARTUP_FEN)
    items.commit(item_id=item.pk)
    released = items.release(item_id=item.pk, reason="申请人放弃")
    assert released.state == ItemState.CANCELLED
    assert not released.once_slot
    assert _available(item) == STARTUP_FEN
    with pytest.raises(PaymentConflict):
        items.reverse(
            transaction_id=Transaction.objects.get(item=item, kind="release").pk, reason="x"
        )
    assert verify.verify().ok


def test_only_the_latest_posting_of_an_item_is_reversed(world, item):
    ledger.allocate(fund=item.fund, county_code=COUNTY, year=YEAR, amount_fen=STARTUP_FEN)
    items.commit(item_id=item.pk)
    give_account(world, item.person)
    items.pay(item_id=item.pk)
    commit_txn = Transaction.objects.get(item=item, kind=EntryKind.COMMIT)
    pay_txn = Transaction.objects.get(item=item, kind=EntryKind.PAY)
    with pytest.raises(PaymentConflict) as refused:
        items.reverse(transaction_id=commit_txn.pk, reason="预留有误")
    assert refused.value.code == "reverse_not_latest"
    items.reverse(transaction_id=pay_txn.pk, reason="拨付登记有误")
    item.refresh_from_db()
    assert item.state == ItemState.COMMITTED
    assert item.receipt_id is None
    items.reverse(transaction_id=commit_txn.pk, reason="预留有误")
    item.refresh_from_db()
    assert item.state == ItemState.WAITING
    assert _available(item) == STARTUP_FEN
    assert verify.verify().ok


def test_every_state_change_is_an_event_and_an_audit_row(world, item):
    ledger.allocate(fund=item.fund, county_code=COUNTY, year=YEAR, amount_fen=STARTUP_FEN)
    items.commit(item_id=item.pk)
    actions = list(ItemEvent.objects.filter(item=item).values_list("action", flat=True))
    assert actions == ["create", "commit"]
    assert ChangeLog.objects.filter(entity="payable_item", object_id=item.pk).count() == 2


def test_an_account_change_needs_a_second_person_with_the_right(world):
    from django.contrib.auth.models import Permission

    who = person(world, 7)
    maker, checker = world.staff["county"], world.staff["lead2"]
    pending = payees.request_account(
        actor=maker,
        person=who,
        number="6222 0212 3456 7890",
        bank_name="中国银行",
        holder_name=who.name,
        reason="首次登记",
    )
    assert pending.number_masked == "************7890"
    with pytest.raises(PaymentRefused):  # no right yet
        payees.approve_account(account_id=pending.pk, actor=checker)
    maker.user_permissions.add(Permission.objects.get(codename="approve_payee_account"))
    maker = type(maker).objects.get(pk=maker.pk)
    with pytest.raises(PaymentRefused) as same:  # the requester never approves
        payees.approve_account(account_id=pending.pk, actor=maker)
    assert same.value.code == "same_person"
    assert type(pending).objects.get(pk=pending.pk).state == PayeeAccountState.PENDING
    with pytest.raises(PaymentConflict) as second:  # one pending change at a time
        payees.request_account(
            actor=maker, person=who, number="62220000", bank_name="x", holder_name="x", reason="x"
        )
    assert second.value.code == "account_pending"
    checker.user_permissions.add(Permission.objects.get(codename="approve_payee_account"))
    checker = type(checker).objects.get(pk=checker.pk)
    first = payees.approve_account(account_id=pending.pk, actor=checker)
    assert first.state == PayeeAccountState.ACTIVE
    assert first.decided_by == checker
    # a change: the new account replaces the old one once approved
    changed = give_account(world, who, number="6222000011112222")
    assert changed.state == PayeeAccountState.ACTIVE
    assert type(first).objects.get(pk=first.pk).state == PayeeAccountState.SUPERSEDED
    # the logged changes show the last four digits only
    logged = ChangeLog.objects.filter(entity="payee_account")
    assert logged.count() == 4
    assert all("6222000011112222" not in str(row.changes) for row in logged)
    assert all("6222021234567890" not in str(row.changes) for row in logged)
