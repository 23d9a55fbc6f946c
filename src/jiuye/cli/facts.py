"""``jiuye facts-export``: the registry's facts of one jurisdiction as a Parquet file."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from jiuye.cli import app
from jiuye.cli.django import setup_django

console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)
ENTITIES = {"person": "人员", "household": "家庭", "employer": "用人单位"}


def _fail(message: str) -> NoReturn:
    errors.print(f"[red]错误[/]：{message}")
    raise typer.Exit(2)


@app.command("facts-export")
def facts_export(
    as_of: Annotated[str, typer.Option("--as-of", help="测评日期 YYYY-MM-DD（当日24时）。")],
    division: Annotated[str, typer.Option("--division", help="行政区划代码，导出该区划及其下级。")],
    entity: Annotated[
        str,
        typer.Option("--entity", help="person（人员）、household（家庭）或 employer（用人单位）。"),
    ],
    out: Annotated[Path, typer.Option("--out", help="写出的 Parquet 文件。")],
) -> None:
    """把登记台账中一个辖区的人员、家庭或用人单位事实导出为 Parquet（供批量测评）。"""
    try:
        on = dt.date.fromisoformat(as_of)
    except ValueError:
        _fail(f"日期格式不正确：“{as_of}”，应为 YYYY-MM-DD（如 2018-12-31）")
    if entity not in ENTITIES:
        _fail(
            f"对象类型“{entity}”不正确，应为 "
            + "、".join(f"{k}（{v}）" for k, v in ENTITIES.items())
        )
    setup_django()
    from jiuye.eligibility.facts import facts_for
    from jiuye.geo.selectors import newest_division

    where = newest_division(division) if division.isdigit() else None
    if where is None:
        _fail(f"行政区划代码“{division}”不存在")
    started = time.perf_counter()
    frame = facts_for(entity, where, on)
    out.parent.mkdir(parents=True, exist_ok=True)
    from jiuye.core.files import open_private

    with open_private(out) as handle:  # personal facts: readable by the owner only (0600)
        frame.write_parquet(handle)
    seconds = time.perf_counter() - started
    console.print(
        f"[green]✓[/] {where.code} {where.name} {ENTITIES[entity]}事实"
        f"（{on.isoformat()}）：{frame.height} 行，{len(frame.columns)} 列，"
        f"用时 {seconds:.2f} 秒 → {out}"
    )
