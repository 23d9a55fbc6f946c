"""Administrative divisions: later township lists and the bureau's community files."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from jiuye.cli import app
from jiuye.cli.django import setup_django

console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)
TEMPLATE_NAME = Path("社区村区划模板.xlsx")


def _fail(message: str, code: int = 2) -> NoReturn:
    errors.print(f"[red]错误[/]：{message}")
    raise typer.Exit(code)


@app.command("geo-load")
def geo_load(
    vintage: str = typer.Option(..., "--vintage", help="区划表版本：2017 或 2023。"),
) -> None:
    """导入一个版本的松原市乡镇街道区划表（与已有版本并存，可重复执行）。"""
    setup_django()
    from jiuye import bootstrap
    from jiuye.geo.loaders import TOWNSHIP_LISTS, load_vintage

    if vintage not in TOWNSHIP_LISTS:
        _fail(f"没有 {vintage} 年版的区划表；可选：{'、'.join(TOWNSHIP_LISTS)}")
    bootstrap.migrate()
    report = load_vintage(vintage)
    listing = TOWNSHIP_LISTS[vintage]
    console.print(
        f"[green]✓[/] 松原市乡镇街道区划（{vintage} 年版，截至 "
        f"{listing.vintage.isoformat()}）：{report}"
    )


@app.command("geo-load-communities")
def geo_load_communities(
    file: Annotated[Path, typer.Argument(help="社区村区划文件（.csv 或 .xlsx）。")],
    vintage: str | None = typer.Option(
        None, "--vintage", help="版本日期 YYYY-MM-DD（默认：已导入的最新乡镇街道区划表的日期）。"
    ),
    source: str | None = typer.Option(None, "--source", help="来源（默认：文件名）。"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只校验，不写入。"),
) -> None:
    """导入统计部门提供的社区（居委会）、村（村委会）区划代码：任何一行有误则整个文件不导入。"""
    on = _date(vintage) if vintage else None
    if not file.is_file():
        _fail(f"找不到文件：{file}")
    setup_django()
    from jiuye import bootstrap
    from jiuye.geo.communities import load_communities

    bootstrap.migrate()
    # a file refused as a whole (DivisionFileError) reaches the CLI's one handler: exit 2
    report = load_communities(
        file, source=source or f"区划代码文件 {file.name}", vintage=on, dry_run=dry_run
    )
    if report.problems:
        for problem in report.problems:
            errors.print(str(problem))
        _fail(f"{len(report.problems)} 处错误，整个文件未导入；改正后重新导入", 1)
    if report.dry_run:
        console.print(f"校验通过（未写入）：{report}")
        return
    console.print(f"[green]✓[/] 社区村区划：{report}")


@app.command("geo-communities-template")
def geo_communities_template(
    out: Annotated[Path, typer.Argument(help="写出的 .xlsx 文件。")] = TEMPLATE_NAME,
) -> None:
    """写出社区村区划文件的 Excel 模板（表头和填写说明）。"""
    setup_django()
    from jiuye.geo.community_files import write_template

    if out.suffix.lower() != ".xlsx":
        _fail("模板文件名应以 .xlsx 结尾")
    write_template(out)
    console.print(f"[green]✓[/] 已写出模板：{out}")


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        _fail(f"日期格式不正确：“{text}”，应为 YYYY-MM-DD（如 2023-06-30）")
