from __future__ import annotations

import csv
import stat

from django.contrib.auth.models import Permission
from typer.testing import CliRunner

from jiuye.cli import app
from jiuye.payments import ledger
from jiuye.payments.models import Account, ItemState, PayableItem, Transaction
from tests.payments.world import STARTUP_FEN, person, ready_case


def test_verify_exits_0_on_a_balanced_ledger_and_1_with_a_chinese_report(fund):
    ledger.allocate(fund=fund, county_code="220702", year=2026, amount_fen=100)
    ok = CliRunner().invoke(app, ["ledger", "verify"])
    assert ok.exit_code == 0, ok.output
    assert "账簿平衡" in ok.output
    Account.objects.filter(kind="available").update(balance_fen=99)
    bad = CliRunner().invoke(app, ["ledger", "verify"])
    assert bad.exit_code == 1
    assert "账户余额快照与分录合计不符" in bad.output
    assert "快照 99 分，分录合计 100 分" in bad.output


def test_report_csv_is_private_and_in_yuan(world, fund, tmp_path):
    ledger.allocate(fund=fund, county_code="220702", year=2026, amount_fen=123_456_789)
    out = tmp_path / "report.csv"
    result = CliRunner().invoke(app, ["ledger", "report", "--year", "2026", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[1][:4] == ["2026", "宁江区（220702）", "所在辖区政府财政", "1,234,567.89"]
    assert rows[1][9] == "1,234,567.89"
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_allocate_needs_the_right(world):
    args = ["ledger", "allocate", "--fund", "失业保险基金", "--county", "220702"]
    args += ["--year", "2026", "--yuan", "100.50", "--by", "county"]
    refused = CliRunner().invoke(app, args)
    assert refused.exit_code == 2
    assert Transaction.objects.count() == 0
    world.staff["county"].user_permissions.add(Permission.objects.get(codename="allocate_budget"))
    done = CliRunner().invoke(app, args)
    assert done.exit_code == 0, done.output
    assert Transaction.objects.get().amount_fen == 10_050
    unknown = CliRunner().invoke(app, [*args[:2], "--fund", "没有的资金", *args[4:]])
    assert unknown.exit_code == 2


def test_sweep_makes_items_and_commits_within_the_budget(world, fund, monkeypatch):
    ready_case(world, person(world, 11), monkeypatch)
    ledger.allocate(fund=fund, county_code="220702", year=2026, amount_fen=STARTUP_FEN)
    result = CliRunner().invoke(app, ["ledger", "sweep"])
    assert result.exit_code == 0, result.output
    assert "生成应付款项 1 笔；预留 1 笔" in result.output
    assert PayableItem.objects.get().state == ItemState.COMMITTED


def test_batch_release_and_bank_import_through_the_cli(world, fund, monkeypatch, tmp_path):
    from jiuye.payments import items
    from tests.payments.world import give_account

    who = person(world, 12)
    ready_case(world, who, monkeypatch)
    give_account(world, who)
    ledger.allocate(fund=fund, county_code="220702", year=2026, amount_fen=STARTUP_FEN)
    items.intake_ready()
    items.commit_many()
    for username, codenames in (
        ("county", ("commit_payment",)),
        ("county2", ("release_batch", "commit_payment")),
    ):
        for codename in codenames:
            world.staff[username].user_permissions.add(Permission.objects.get(codename=codename))
    runner = CliRunner()
    where = ["--fund", "所在辖区政府财政", "--county", "220702", "--year", "2026"]
    made = runner.invoke(app, ["ledger", "batch-assemble", *where, "--by", "county"])
    assert made.exit_code == 0, made.output
    code = made.output.split("已编制批次 ")[1].split("：")[0]
    same = runner.invoke(app, ["ledger", "batch-release", code, "--by", "county", "--out", "x"])
    assert same.exit_code == 2  # the maker does not release
    out = tmp_path / "bank"
    done = runner.invoke(
        app, ["ledger", "batch-release", code, "--by", "county2", "--out", str(out)]
    )
    assert done.exit_code == 0, done.output
    rows = list(csv.reader((out / f"{code}.csv").read_text(encoding="utf-8-sig").splitlines()))
    result = tmp_path / "result.csv"
    with result.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([*rows[0], "处理结果", "失败原因"])
        writer.writerow([*rows[1], "成功", ""])
        writer.writerow(rows[-1])  # the checksum line, as the bank keeps it
    imported = runner.invoke(app, ["ledger", "bank-import", str(result), "--by", "county"])
    assert imported.exit_code == 0, imported.output
    assert "成功 1 笔，失败退回 0 笔" in imported.output
    assert PayableItem.objects.get().state == ItemState.PAID
    again = runner.invoke(app, ["ledger", "bank-import", str(result), "--by", "county"])
    assert "该文件已导入过" in again.output
    assert runner.invoke(app, ["ledger", "verify"]).exit_code == 0
