"""Administrative divisions: later township lists."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console

from jiuye.cli import app
from jiuye.cli.django import setup_django

console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)


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
    console.print(f"[green]✓[/] 松原市乡镇街道区划（{vintage} 年版，截至 "
                  f"{listing.vintage.isoformat()}）：{report}")

