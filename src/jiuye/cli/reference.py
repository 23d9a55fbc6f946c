"""Reference figures an administrator adds: 城镇登记失业率 from a CSV, with their source."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from jiuye.cli import app
from jiuye.cli.django import setup_django

console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)


def _fail(message: str, code: int) -> NoReturn:
    errors.print(f"[red]错误[/]：{message}")
    raise typer.Exit(code)


@app.command("rates-load")
def rates_load(
    file: Annotated[Path, typer.Argument(help="CSV：地区代码, 年度, 城镇登记失业率(%), 来源。")],
    replace: bool = typer.Option(False, "--replace", help="替换库中同一地区、年度的不同取值。"),
    dry_run: bool = typer.Option(False, "--dry-run", help="只校验，不写入。"),
) -> None:
    """导入城镇登记失业率（每行须注明来源）；与库中已有取值不同时，须加 --replace 才替换。"""
    if not file.is_file():
        _fail(f"找不到文件：{file}", 2)
    setup_django()
    from jiuye import bootstrap
    from jiuye.registry.reference import load_rate_file, percent_text

    bootstrap.migrate()
    # a file refused as a whole (RateFileError) reaches the CLI's one handler: exit 2
    report = load_rate_file(file, replace=replace, dry_run=dry_run)
    if report.problems:
        for problem in report.problems:
            errors.print(problem)
        _fail(f"{len(report.problems)} 处错误，整个文件未导入；改正后重新导入", 1)
    for stored, offered in report.conflicts:
        console.print(
            f"{stored.region_code} {stored.year} 年：库中 {percent_text(stored.rate_bp)}%"
            f"（{stored.source}），文件 {percent_text(offered.rate_bp)}%（{offered.source}）"
            + ("，已替换" if replace and not dry_run else "")
        )
    if report.conflicts and not replace:
        _fail(
            f"{len(report.conflicts)} 条与库中已有取值不同，整个文件未导入；"
            "确认以文件为准时加 --replace",
            1,
        )
    if dry_run:
        console.print(f"校验通过（未写入）：{report}")
        return
    console.print(f"[green]✓[/] 城镇登记失业率：{report}")
