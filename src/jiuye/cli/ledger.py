"""``jiuye ledger``: verify the ledger, the fund report, budgets and the daily sweep.

jiuye ledger verify                        # recompute every balance; exit 1 on a discrepancy
jiuye ledger report [--year Y] [--county C] [--out F.csv]
jiuye ledger funds                         # the funds the policy package names
jiuye ledger allocate --fund NAME --county C --year Y --yuan 100000.00 --by USERNAME
jiuye ledger sweep                         # items for ready cases; commit waiting items
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from jiuye.cli import app
from jiuye.cli.django import setup_django

console = Console(soft_wrap=True)
ledger_app = typer.Typer(
    help="资金拨付：核对账簿、资金报表、下达预算、生成并预留应付款项。", no_args_is_help=True
)
app.add_typer(ledger_app, name="ledger")

#: The exit code of ``verify`` when the ledger does not hold.
DISCREPANCY_EXIT = 1

COLUMNS = (
    "年度",
    "县（市、区）",
    "资金来源",
    "预算",
    "累计预留",
    "其中待支付",
    "已支付",
    "退回",
    "追回",
    "可用",
    "预算不足待预留（笔）",
    "预算不足待预留（元）",
    "缺口",
)


@ledger_app.command("verify")
def verify() -> None:
    """重新计算每个账户余额，核对每笔交易借贷平衡（有不符时退出码为 1）。"""
    setup_django()
    from jiuye.payments import verify as ledger_verify

    report = ledger_verify.verify()
    console.print(report.text(), markup=False)
    if not report.ok:
        raise typer.Exit(DISCREPANCY_EXIT)


@ledger_app.command("report")
def report(
    year: int | None = typer.Option(None, "--year", help="预算年度。"),
    county: str = typer.Option("", "--county", help="县（市、区）区划代码或其前缀。"),
    out: Annotated[
        Path | None, typer.Option("--out", help="写出 CSV（UTF-8，权限 0600）。")
    ] = None,
) -> None:
    """资金报表：每个资金来源、县（市、区）和年度的预算、预留、支付、退回、可用和缺口（元）。"""
    setup_django()
    from jiuye.payments.reports import fen, fund_report

    rows = [
        [
            str(r.year),
            f"{r.county}（{r.county_code}）",
            r.fund,
            fen(r.budget),
            fen(r.committed),
            fen(r.outstanding),
            fen(r.paid),
            fen(r.returned),
            fen(r.recovered),
            fen(r.available),
            str(r.waiting_count),
            fen(r.waiting_fen),
            fen(r.shortfall),
        ]
        for r in fund_report(prefix=county, year=year)
    ]
    if out is None:
        table = Table(title=f"资金报表（{len(rows)} 行，单位：元）")
        for column in COLUMNS:
            table.add_column(column)
        for row in rows:
            table.add_row(*row)
        console.print(table)
        return
    from jiuye.core.files import open_private

    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    with open_private(out) as handle:
        handle.write(buffer.getvalue().encode("utf-8-sig"))
    console.print(f"已写出 {len(rows)} 行：{out}")


@ledger_app.command("funds")
def funds_list() -> None:
    """政策包列明的资金来源及其事项。"""
    setup_django()
    from jiuye.payments import funds

    table = Table(title="资金来源（来自政策包各规则的 fund）")
    table.add_column("资金来源")
    table.add_column("事项")
    for name in funds.package_fund_names():
        table.add_row(name, "、".join(funds.rules_of_fund(name)))
    console.print(table)


@ledger_app.command("allocate")
def allocate(
    fund: str = typer.Option(..., "--fund", help="资金来源名称（见 jiuye ledger funds）。"),
    county: str = typer.Option(..., "--county", help="县（市、区）或市本级区划代码。"),
    year: int = typer.Option(..., "--year", help="预算年度。"),
    yuan: str = typer.Option(..., "--yuan", help="下达金额（元，至多两位小数）。"),
    by: str = typer.Option(..., "--by", help="下达人账号（须有“下达预算”权限）。"),
    memo: str = typer.Option("", "--memo", help="摘要，如文号。"),
) -> None:
    """下达预算（记一笔“下达”交易）。"""
    setup_django()
    from django.contrib.auth import get_user_model

    from jiuye.payments import funds, ledger
    from jiuye.payments.errors import PaymentInvalid, PaymentNotFound, PaymentRefused
    from jiuye.payments.models import Fund
    from jiuye.rules.money import yuan_to_fen

    user = get_user_model().objects.filter(username=by, is_active=True).first()
    if user is None:
        raise PaymentNotFound("user_not_found", f"没有账号 {by}")
    if not user.has_perm("payments.allocate_budget"):
        raise PaymentRefused("not_allocator", f"账号 {by} 没有下达预算的权限")
    if fund not in funds.package_fund_names() and not Fund.objects.filter(name=fund).exists():
        raise PaymentNotFound("fund_not_found", f"没有资金来源“{fund}”（见 jiuye ledger funds）")
    try:
        amount = yuan_to_fen(yuan)
    except ValueError as error:
        raise PaymentInvalid("amount_yuan", "金额应为元，至多两位小数，如 100000.00") from error
    txn = ledger.allocate(
        fund=funds.ensure_fund(fund),
        county_code=county,
        year=year,
        amount_fen=amount,
        actor=user,
        memo=memo,
        source="task",
    )
    console.print(f"已下达：交易 #{txn.pk}，{fund} {county} {year} 年 {yuan} 元")


@ledger_app.command("sweep")
def sweep() -> None:
    """为公示期满待发放的办件生成应付款项，并在预算内预留资金（每日运行）。"""
    setup_django()
    from jiuye.payments import items

    intake = items.intake_ready()
    committed = items.commit_many()
    console.print(
        f"生成应付款项 {len(intake.created)} 笔；预留 {committed.committed} 笔；"
        f"预算不足待预留 {committed.waiting} 笔",
        markup=False,
    )
    for code, why in intake.refused:
        console.print(f"- {code}：{why}", markup=False)
