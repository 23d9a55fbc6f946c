"""The double-entry ledger: balanced, immutable, corrected by reversal, verified."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from jiuye.payments import funds, ledger, verify
from jiuye.payments.errors import LedgerImmutable, PaymentConflict, PaymentInvalid
from jiuye.payments.items import reverse
from jiuye.payments.ledger import Line
from jiuye.payments.models import Account, AccountKind, Entry, EntryKind, Transaction
from jiuye.payments.reports import fund_report

COUNTY, YEAR = "220702", 2026


def _balances(fund, county=COUNTY, year=YEAR) -> dict[str, int]:
    return {
        a.kind: a.balance_fen
        for a in Account.objects.filter(fund=fund, county_code=county, year=year)
    }


def test_funds_come_from_the_package_rules(db):
    names = funds.package_fund_names()
    assert "失业保险基金" in names
    assert "所在辖区政府财政" in names
    assert funds.rule_fund_name("job_stabilization_subsidy") == "失业保险基金"
    # a rule the package gives no fund has none: it is not guessed
    assert funds.rule_fund_name("return_home_entrepreneurship_support") is None
    assert {f.name for f in funds.ensure_funds()} == set(names)


def test_allocation_posts_one_balanced_transaction(fund):
    txn = ledger.allocate(fund=fund, county_code=COUNTY, year=YEAR, amount_fen=1_000_000)
    entries = list(txn.entries.values_list("account__kind", "amount_fen"))
    assert sorted(entries) == [("available", 1_000_000), ("source", -1_000_000)]
    assert txn.kind == EntryKind.ALLOCATE
    assert txn.amount_fen == 1_000_000
    assert _balances(fund) == {
        "source": -1_000_000,
        "available": 1_000_000,
        "committed": 0,
        "paid": 0,
    }
    assert verify.verify().ok


@pytest.mark.parametrize(
    ("amounts", "code"),
    [
        ([-100, 99], "ledger_unbalanced"),
        ([100], "ledger_too_few_entries"),
        ([0, 0], "ledger_zero_entry"),
        ([-1.5, 1.5], "ledger_amount_type"),
        ([-True, True], "ledger_amount_type"),
    ],
)
def test_post_refuses_a_malformed_transaction_and_writes_nothing(fund, amounts, code):
    accounts = funds.ensure_accounts(fund, COUNTY, YEAR)
    kinds = [AccountKind.SOURCE, AccountKind.AVAILABLE]
    lines = [Line(accounts[k], a) for k, a in zip(kinds, amounts, strict=False)]
    with pytest.raises(PaymentInvalid) as refused, transaction.atomic():
        ledger.post(kind=EntryKind.ALLOCATE, lines=lines)
    assert refused.value.code == code
    assert Transaction.objects.count() == 0
    assert Entry.objects.count() == 0


def test_post_refuses_entries_of_two_counties(fund):
    here = funds.ensure_accounts(fund, COUNTY, YEAR)
    there = funds.ensure_accounts(fund, "220781", YEAR)
    with pytest.raises(PaymentInvalid) as refused, transaction.atomic():
        ledger.post(
            kind=EntryKind.ALLOCATE,
            lines=[Line(here["source"], -5), Line(there["available"], 5)],
        )
    assert refused.value.code == "ledger_mixed_scope"
    assert Transaction.objects.count() == 0


def test_allocation_must_be_a_positive_integer(fund):
    for bad in (0, -5, 10.0):
        with pytest.raises(PaymentInvalid):
            ledger.allocate(fund=fund, county_code=COUNTY, year=YEAR, amount_fen=bad)  # type: ignore[arg-type]
    assert Transaction.objects.count() == 0


def test_posted_rows_cannot_be_changed_or_deleted(fund):
    txn = ledger.allocate(fund=fund, county_code=COUNTY, year=YEAR, amount_fen=500)
    entry = txn.entries.first()
    txn.memo = "改过"
    for attempt in (
        txn.save,
        txn.delete,
        entry.save,
        entry.delete,
        lambda: Transaction.objects.filter(pk=txn.pk).update(memo="x"),
        lambda: Entry.objects.filter(transaction=txn).update(amount_fen=1),
        lambda: Entry.objects.all().delete(),
    ):
        with pytest.raises(LedgerImmutable):
            attempt()
    assert Transaction.objects.get(pk=txn.pk).memo != "改过"
    assert Entry.objects.filter(transaction=txn).count() == 2


@pytest.mark.postgresql
def test_postgresql_refuses_changes_and_unbalanced_inserts_in_sql(fund):
    txn = ledger.allocate(fund=fund, county_code=COUNTY, year=YEAR, amount_fen=500)
    account = Account.objects.get(fund=fund, county_code=COUNTY, year=YEAR, kind="available")
    for sql, params in (
        ("UPDATE payments_entry SET amount_fen = 1 WHERE transaction_id = %s", [txn.pk]),
        ("DELETE FROM payments_transaction WHERE id = %s", [txn.pk]),
        (
            "INSERT INTO payments_entry (transaction_id, account_id, amount_fen) "
            "VALUES (%s, %s, 7)",
            [txn.pk, account.pk],
        ),
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
    assert list(txn.entries.values_list("amount_fen", flat=True).order_by("amount_fen")) == [
        -500,
        500,
    ]


def test_no_account_goes_below_zero_even_by_sql(fund):
    ledger.allocate(fund=fund, county_code=COUNTY, year=YEAR, amount_fen=500)
    account = Account.objects.get(fund=fund, county_code=COUNTY, year=YEAR, kind="available")
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE payments_account SET balance_fen = -1 WHERE id = %s", [account.pk])
    assert Account.objects.get(pk=account.pk).balance_fen == 500


def test_a_reversal_negates_once_and_is_never_reversed(fund):
    txn = ledger.allocate(fund=fund, county_code=COUNTY, year=YEAR, amount_fen=800)
    with pytest.raises(PaymentInvalid):
        reverse(transaction_id=txn.pk, reason=" ")
    back = reverse(transaction_id=txn.pk, reason="下达金额有误")
    assert back.reverses_id == txn.pk
    assert back.kind == EntryKind.REVERSAL
    assert sorted(back.entries.values_list("account__kind", "amount_fen")) == [
        ("available", -800),
        ("source", 800),
    ]
    assert _balances(fund)["available"] == 0
    with pytest.raises(PaymentConflict) as twice:
        reverse(transaction_id=txn.pk, reason="again")
    assert twice.value.code == "already_reversed"
    with pytest.raises(PaymentConflict) as of_reversal:
        reverse(transaction_id=back.pk, reason="again")
    assert of_reversal.value.code == "reverse_reversal"
    assert Transaction.objects.count() == 2
    assert verify.verify().ok


def test_verify_finds_a_snapshot_that_drifted(fund):
    ledger.allocate(fund=fund, county_code=COUNTY, year=YEAR, amount_fen=300)
    account = Account.objects.get(fund=fund, county_code=COUNTY, year=YEAR, kind="available")
    # given a snapshot changed behind the ledger's back
    Account.objects.filter(pk=account.pk).update(balance_fen=301)
    # then verify names the account and both figures
    report = verify.verify()
    assert not report.ok
    assert [p.code for p in report.problems] == ["snapshot_drift"]
    assert f"账户 #{account.pk} 快照 301 分，分录合计 300 分" in report.text()


def test_verify_finds_an_unbalanced_transaction_written_around_the_service(fund):
    txn = ledger.allocate(fund=fund, county_code=COUNTY, year=YEAR, amount_fen=300)
    if connection.vendor == "postgresql":  # its trigger refuses the insert (test above)
        with connection.cursor() as cursor:  # the test's transaction rolls this back
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE payments_entry DISABLE TRIGGER payments_entry_balanced")
    account = Account.objects.get(fund=fund, county_code=COUNTY, year=YEAR, kind="available")
    Entry.objects.bulk_create([Entry(transaction=txn, account=account, amount_fen=5)])
    report = verify.verify()
    codes = {p.code for p in report.problems}
    assert "unbalanced" in codes
    assert "snapshot_drift" in codes
    assert f"#{txn.pk} 分录合计 5 分" in report.text()


def test_report_shows_budget_and_available(world, fund):
    ledger.allocate(fund=fund, county_code=COUNTY, year=YEAR, amount_fen=1_000_000)
    ledger.allocate(fund=fund, county_code=COUNTY, year=YEAR, amount_fen=250_050)
    ledger.allocate(fund=fund, county_code="220781", year=YEAR, amount_fen=7)
    rows = fund_report(prefix=COUNTY, year=YEAR)
    assert len(rows) == 1
    row = rows[0]
    assert (row.budget, row.available, row.committed, row.paid, row.shortfall) == (
        1_250_050,
        1_250_050,
        0,
        0,
        0,
    )
    assert row.county == "宁江区"
    assert fund_report(prefix=None) == []
