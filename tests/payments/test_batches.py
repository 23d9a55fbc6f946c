"""代发 batches: maker–checker release, the bank file, the bank's result file."""

from __future__ import annotations

import csv
import hashlib
import io
import stat

import pytest
from django.contrib.auth.models import Permission

from jiuye.payments import bankfiles, batches, items, ledger, verify
from jiuye.payments.errors import PaymentConflict, PaymentRefused
from jiuye.payments.models import (
    BatchState,
    EntryKind,
    ItemState,
    PayableItem,
    ReturnImport,
    Transaction,
)
from jiuye.registry.models import BenefitReceipt
from tests.payments.world import STARTUP_FEN, give_account, person, ready_case

COUNTY, YEAR = "220702", 2026


def _grant(user, *codenames):
    for codename in codenames:
        user.user_permissions.add(Permission.objects.get(codename=codename))
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def staff(world):
    maker = _grant(world.staff["county"], "commit_payment")
    checker = _grant(world.staff["county2"], "release_batch", "commit_payment")
    return maker, checker


@pytest.fixture
def committed(world, fund, monkeypatch):
    """Three committed items; the first two payees have approved accounts."""
    made = []
    for n in (51, 52, 53):
        who = person(world, n)
        made.append(items.intake(case=ready_case(world, who, monkeypatch)))
        if n != 53:
            give_account(world, who, number=f"62220212345678{n}")
    ledger.allocate(fund=fund, county_code=COUNTY, year=YEAR, amount_fen=3 * STARTUP_FEN)
    items.commit_many()
    return made


def _assemble(fund, maker):
    return batches.assemble(fund=fund, county_code=COUNTY, year=YEAR, actor=maker)


def test_assemble_takes_items_with_an_approved_account(fund, committed, staff):
    maker, _ = staff
    made = _assemble(fund, maker)
    assert (made.lines, made.without_account) == (2, 1)
    batch = made.batch
    assert batch.state == BatchState.DRAFT
    assert batch.total_fen == 2 * STARTUP_FEN
    states = [PayableItem.objects.get(pk=i.pk).state for i in committed]
    assert states == [ItemState.BATCHED, ItemState.BATCHED, ItemState.COMMITTED]
    # no money moved yet; a batched item cannot be paid around the batch
    assert not Transaction.objects.filter(kind=EntryKind.PAY).exists()
    with pytest.raises(PaymentConflict):
        items.pay(item_id=committed[0].pk)
    assert verify.verify().ok


def test_the_maker_never_releases_and_the_checker_needs_the_right(world, fund, committed, staff):
    maker, checker = staff
    batch = _assemble(fund, maker).batch
    with pytest.raises(PaymentRefused) as same:
        batches.release(code=batch.code, actor=_grant(maker, "release_batch"))
    assert same.value.code == "same_person"
    with pytest.raises(PaymentRefused):
        batches.release(code=batch.code, actor=world.staff["lead"])
    assert type(batch).objects.get(pk=batch.pk).state == BatchState.DRAFT
    released = batches.release(code=batch.code, actor=checker)
    assert released.state == BatchState.RELEASED
    assert Transaction.objects.filter(kind=EntryKind.PAY, reference=batch.code).count() == 2
    with pytest.raises(PaymentConflict):
        batches.release(code=batch.code, actor=checker)
    assert Transaction.objects.filter(kind=EntryKind.PAY).count() == 2
    assert verify.verify().ok


def test_the_bank_file_has_the_layout_and_a_checksum_line(fund, committed, staff, tmp_path):
    maker, checker = staff
    batch = batches.release(code=_assemble(fund, maker).batch.code, actor=checker)
    csv_path, xlsx_path = bankfiles.write(batch, tmp_path / "out")
    assert stat.S_IMODE(csv_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(xlsx_path.stat().st_mode) == 0o600
    text = csv_path.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["户名", "账号", "开户银行", "金额（元）", "业务参考号", "用途"]
    assert rows[1][:5] == [
        "申请人51",
        "6222021234567851",
        "中国工商银行松原分行",
        "5000.00",
        f"{batch.code}000001",
    ]
    checksum = rows[-1]
    body = "".join(text.splitlines(keepends=True)[:-1])
    assert checksum[:4] == ["合计", "2", "10000.00", "SHA-256"]
    assert checksum[4] == hashlib.sha256(body.encode("utf-8")).hexdigest() == batch.file_sha256


def _result_file(tmp_path, batch, rows, name="result.csv"):
    header = [
        "户名",
        "账号",
        "开户银行",
        "金额（元）",
        "业务参考号",
        "用途",
        "处理结果",
        "失败原因",
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    path = tmp_path / name
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def test_bank_results_pay_return_and_report_unmatched_rows_once(
    world, fund, committed, staff, tmp_path
):
    maker, checker = staff
    batch = batches.release(code=_assemble(fund, maker).batch.code, actor=checker)
    first, second = f"{batch.code}000001", f"{batch.code}000002"
    path = _result_file(
        tmp_path,
        batch,
        [
            ["a", "x", "b", "5000.00", first, "", "成功", ""],
            ["a", "x", "b", "5000.00", second, "", "失败", "户名与账号不符"],
            ["a", "x", "b", "5000.00", "PB-NOT-OURS", "", "成功", ""],
            ["a", "x", "b", "4999.99", first, "", "成功", ""],
        ],
    )
    report = batches.import_results(path=path, actor=maker)
    assert (report.paid, report.failed) == (1, 1)
    assert any("PB-NOT-OURS" in p and "没有对应" in p for p in report.problems)
    assert any("4999.99" in p for p in report.problems)
    paid, returned = (PayableItem.objects.get(pk=i.pk) for i in committed[:2])
    assert paid.state == ItemState.PAID
    assert BenefitReceipt.objects.get(pk=paid.receipt_id).amount_fen == STARTUP_FEN
    assert returned.state == ItemState.RETURNED
    assert returned.bank_reason == "户名与账号不符"
    assert type(batch).objects.get(pk=batch.pk).state == BatchState.CLOSED
    assert verify.verify().ok
    counts = Transaction.objects.count()
    # the same file again changes nothing
    again = batches.import_results(path=path, actor=maker)
    assert again.repeated
    assert Transaction.objects.count() == counts
    assert ReturnImport.objects.count() == 1
    # another file with the same rows: counted as already applied
    copy = _result_file(
        tmp_path, batch, [["a", "x", "b", "5000.00", first, "", "成功", ""]], name="copy.csv"
    )
    assert batches.import_results(path=copy, actor=maker).unchanged == 1
    assert Transaction.objects.count() == counts
    # the returned item goes into a new batch and is paid the second time
    rebatched = _assemble(fund, maker)
    assert rebatched.lines == 1
    batches.release(code=rebatched.batch.code, actor=checker)
    assert PayableItem.objects.get(pk=returned.pk).state == ItemState.SENT
    assert verify.verify().ok


def test_a_cancelled_draft_gives_its_items_back(fund, committed, staff):
    maker, _ = staff
    batch = _assemble(fund, maker).batch
    batches.cancel(code=batch.code, actor=maker, reason="制单有误")
    assert PayableItem.objects.get(pk=committed[0].pk).state == ItemState.COMMITTED
    assert _assemble(fund, maker).lines == 2


def test_a_result_workbook_is_read_after_the_file_checks(fund, committed, staff, tmp_path):
    from jiuye.core.xlsx import Book

    maker, checker = staff
    batch = batches.release(code=_assemble(fund, maker).batch.code, actor=checker)
    book = Book()
    sheet = book.sheet("结果")
    sheet.append(["业务参考号", "金额（元）", "处理结果", "失败原因"])
    sheet.append([f"{batch.code}000001", "5000.00", "失败", "账户已冻结"])
    path = tmp_path / "result.xlsx"
    book.save(path)
    report = batches.import_results(path=path, actor=maker)
    assert (report.paid, report.failed, report.problems) == (0, 1, [])
    assert PayableItem.objects.get(pk=committed[0].pk).bank_reason == "账户已冻结"
    renamed = tmp_path / "not-really.xlsx"
    renamed.write_text("业务参考号,金额（元）\n", encoding="utf-8")
    with pytest.raises(bankfiles.ResultFileError):
        batches.import_results(path=renamed, actor=maker)


def test_an_item_at_the_bank_takes_its_result_from_the_bank_file_only(fund, committed, staff):
    maker, checker = staff
    batches.release(code=_assemble(fund, maker).batch.code, actor=checker)
    with pytest.raises(PaymentConflict) as refused:
        items.bank_return(item_id=committed[0].pk, reason="手工退回")
    assert refused.value.code == "item_at_bank"
    assert PayableItem.objects.get(pk=committed[0].pk).state == ItemState.SENT
