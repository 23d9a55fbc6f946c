"""``jiuye synth``: a reproducible synthetic Songyuan population, into the DB or Parquet."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import Progress

from jiuye.cli import app
from jiuye.cli.django import setup_django

console = Console()


@app.command("synth")
def synth(
    persons: int = typer.Option(5000, "--persons", min=1, help="人数。"),
    firms: int = typer.Option(300, "--firms", min=0, help="用人单位数。"),
    seed: int = typer.Option(2018, "--seed", help="随机种子（同一种子生成相同数据）。"),
    as_of: str = typer.Option("2018-12-31", "--as-of", help="数据截止日期 YYYY-MM-DD。"),
    db: bool = typer.Option(False, "--db", help="写入数据库（同一种子只写入一次）。"),
    parquet: str | None = typer.Option(None, "--parquet", help="写为 Parquet 文件的目录。"),
) -> None:
    """生成可复现的合成人口（全部通过身份证号码、信用代码校验；仅供演示和测试）。"""
    if db == (parquet is not None):
        console.print("[red]请选择 --db 或 --parquet DIR 之一[/] / choose --db or --parquet DIR")
        raise typer.Exit(2)
    setup_django()
    from jiuye import bootstrap
    from jiuye.registry.demo import load_population, write_population_parquet
    from jiuye.registry.synth import SynthSpec, generate

    bootstrap.migrate()
    bootstrap.load_reference_data()
    spec = SynthSpec(persons=persons, firms=firms, seed=seed, as_of=date.fromisoformat(as_of))
    if parquet is not None:
        with console.status("正在生成……"):
            paths = write_population_parquet(generate(spec), Path(parquet))
        console.print(f"[green]✓[/] 已写入 {len(paths)} 个文件：{parquet}")
        return
    with Progress(console=console) as progress:
        task = progress.add_task("写入数据库", total=None)

        def advance(name: str, count: int) -> None:
            progress.update(task, advance=count, description=f"写入 {name}")

        counts = load_population(spec, progress=advance)
    if not counts:
        console.print(f"种子 {seed} 的合成人口已在数据库中，未重复写入。")
        return
    summary = "，".join(f"{name} {n}" for name, n in counts.items())
    console.print(f"[green]✓[/] 已写入：{summary}")
