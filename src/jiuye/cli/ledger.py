"""``jiuye ledger``: verify the ledger, the fund report, budgets and the daily sweep.

jiuye ledger verify                        # recompute every balance; exit 1 on a discrepancy
jiuye ledger report [--year Y] [--county C] [--out F.csv]
jiuye ledger funds                         # the funds the policy package names
jiuye ledger allocate --fund NAME --county C --year Y --yuan 100000.00 --by USERNAME
jiuye ledger sweep                         # items for ready cases; commit waiting items
jiuye ledger batch-assemble --fund NAME --county C --year Y --by MAKER
jiuye ledger batch-release CODE --by CHECKER --out DIR   # posts payments, writes the files
jiuye ledger batch-file CODE --out DIR     # the bank files again (digest checked)
jiuye ledger bank-import FILE --by USERNAME   # the bank's results (idempotent)
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


def _user(username: str):  # type: ignore[no-untyped-def]
    from django.contrib.auth import get_user_model

    from jiuye.payments.errors import PaymentNotFound

    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise PaymentNotFound("user_not_found", f"没有账号 {username}")
    return user


@ledger_app.command("batch-assemble")
def batch_assemble(
    fund: str = typer.Option(..., "--fund", help="资金来源名称。"),
    county: str = typer.Option(..., "--county", help="县（市、区）或市本级区划代码。"),
    year: int = typer.Option(..., "--year", help="预算年度。"),
    by: str = typer.Option(..., "--by", help="制单人账号（须有“预留资金和登记拨付”权限）。"),
    limit: int | None = typer.Option(None, "--limit", help="至多编入的笔数。"),
) -> None:
    """编制代发批次（制单）：已预留且收款账户已核准的款项。"""
    setup_django()
    from jiuye.payments import batches
    from jiuye.payments.errors import PaymentNotFound
    from jiuye.payments.models import Fund
    from jiuye.payments.reports import fen

    found = Fund.objects.filter(name=fund).first()
    if found is None:
        raise PaymentNotFound("fund_not_found", f"没有资金来源“{fund}”")
    made = batches.assemble(fund=found, county_code=county, year=year, actor=_user(by), limit=limit)
    if made.batch is None:
        console.print(f"没有可编入的款项（收款账户未核准 {made.without_account} 笔）")
        return
    console.print(
        f"已编制批次 {made.batch.code}：{made.lines} 笔，合计 {fen(made.batch.total_fen)} 元；"
        f"收款账户未核准未编入 {made.without_account} 笔。请由另一名工作人员复核发出。",
        markup=False,
    )


@ledger_app.command("batch-release")
def batch_release(
    code: Annotated[str, typer.Argument(help="批次号。")],
    by: Annotated[
        str, typer.Option("--by", help="复核人账号（须有“复核发出代发批次”权限，非制单人）。")
    ],
    out: Annotated[
        Path, typer.Option("--out", help="写出代发文件的目录（权限 0700，文件 0600）。")
    ],
) -> None:
    """复核发出代发批次：记支付，写出 .csv 和 .xlsx 代发文件。"""
    setup_django()
    from jiuye.payments import bankfiles, batches

    batch = batches.release(code=code, actor=_user(by))
    paths = bankfiles.write(batch, out)
    console.print(f"已发出 {batch.code}，摘要 {batch.file_sha256}")
    for path in paths:
        console.print(f"- {path}")


@ledger_app.command("batch-file")
def batch_file(
    code: Annotated[str, typer.Argument(help="批次号。")],
    out: Annotated[Path, typer.Option("--out", help="写出目录。")],
) -> None:
    """重新写出已发出批次的代发文件（与发出时的摘要核对）。"""
    setup_django()
    from jiuye.payments import bankfiles
    from jiuye.payments.errors import PaymentConflict
    from jiuye.payments.models import Batch, BatchState

    batch = Batch.objects.select_related("layout").filter(code=code).first()
    if batch is None or batch.state == BatchState.DRAFT or batch.state == BatchState.CANCELLED:
        raise PaymentConflict("batch_not_released", f"批次 {code} 不存在或尚未发出")
    for path in bankfiles.write(batch, out):
        console.print(f"- {path}")


@ledger_app.command("bank-import")
def bank_import(
    path: Annotated[Path, typer.Argument(help="银行返回文件（.csv 或 .xlsx）。")],
    by: Annotated[str, typer.Option("--by", help="导入人账号。")],
) -> None:
    """导入银行代发结果：按业务参考号匹配；成功记拨付完成，失败记退回；同一文件只导入一次。"""
    setup_django()
    from jiuye.payments import batches

    report = batches.import_results(path=path, actor=_user(by))
    if report.repeated:
        console.print("该文件已导入过，本次未作任何更改。", markup=False)
    console.print(
        f"成功 {report.paid} 笔，失败退回 {report.failed} 笔，已导入过 {report.unchanged} 笔；"
        f"未处理 {len(report.problems)} 行",
        markup=False,
    )
    for problem in report.problems:
        console.print(f"- {problem}", markup=False)
