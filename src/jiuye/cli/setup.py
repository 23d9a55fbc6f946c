"""Commands that set up and serve a local instance."""

from __future__ import annotations

import os

import typer
from rich.console import Console
from rich.table import Table

from jiuye.cli import app
from jiuye.cli.django import setup_django

console = Console()


@app.command("setup-demo")
def setup_demo(
    demo: bool = typer.Option(True, "--demo/--no-demo", help="是否创建演示账号和演示数据。"),
) -> None:
    """迁移数据库，导入参考数据和演示数据（可重复执行）。"""
    setup_django()
    from jiuye import bootstrap

    with console.status("正在迁移数据库……"):
        bootstrap.migrate()
    console.print("[green]✓[/] 数据库已迁移")
    for label, report in bootstrap.load_reference_data():
        console.print(f"[green]✓[/] 参考数据：{label}（{report}）")
    _purge_rosters()
    if not demo:
        return
    samples = bootstrap.ensure_demo_divisions()
    console.print(f"[green]✓[/] 演示社区：{samples} 个（标记为演示样例）")
    for label, report in bootstrap.load_demo_data():
        console.print(f"[green]✓[/] 演示数据：{label}（{report}）")
    from jiuye.registry.demo import DEMO_SPEC, ensure_demo_population

    with console.status("正在生成合成人口……"):
        loaded = ensure_demo_population()
    console.print(
        f"[green]✓[/] 合成演示人口：{DEMO_SPEC.persons} 人"
        + ("" if loaded else "（已存在，未重复写入）")
    )
    accounts = bootstrap.ensure_demo_accounts()
    table = Table(title="演示账号（仅供演示，切勿用于生产环境）")
    for column in ("用户名", "密码", "角色"):
        table.add_column(column)
    for account in accounts:
        table.add_row(account.username, account.password, account.role)
    console.print(table)


def _purge_rosters(hours: float | None = None) -> int:
    from jiuye.registry.rosters import batches

    removed = batches.purge(hours=hours)
    limit = batches.default_max_age_hours() if hours is None else hours
    console.print(f"[green]✓[/] 花名册上传：删除超过 {limit:g} 小时未处理的批次 {removed} 个")
    return removed


@app.command("rosters-purge")
def rosters_purge(
    hours: float | None = typer.Option(
        None,
        "--hours",
        min=0,
        help="删除早于该小时数的批次（默认取 JIUYE_ROSTER_MAX_AGE_HOURS，24）。",
    ),
) -> None:
    """删除 var/rosters/ 下过期的花名册上传批次（含完整身份证号码）；可由定时任务执行。"""
    setup_django()
    _purge_rosters(hours)


@app.command("rosters-recover")
def rosters_recover() -> None:
    """整理被中断的花名册上传和确认导入：恢复可再次确认或取消的批次，删除残留文件，收紧权限。"""
    setup_django()
    from jiuye.registry.rosters import batches

    counts = batches.recover()
    console.print(
        f"[green]✓[/] 花名册上传：恢复批次 {counts['restored']} 个，"
        f"删除残留 {counts['removed']} 个，收紧权限 {counts['fixed']} 处"
    )


@app.command("serve")
def serve(
    host: str = typer.Option("127.0.0.1", help="监听地址。"),
    port: int = typer.Option(8000, help="监听端口。"),
    reload: bool = typer.Option(True, "--reload/--no-reload", help="代码变更时自动重启。"),
) -> None:
    """启动开发服务器（DEBUG 需由环境变量开启）。"""
    setup_django()
    from django.core.management import call_command

    if os.environ.get("RUN_MAIN") != "true":  # once, not again in the reloader's child
        console.print(
            f"就业（Jiuye）正在运行：http://{host}:{port}/  "
            f"工作人员登录：http://{host}:{port}/accounts/login/  （Ctrl+C 停止）"
        )
    call_command("runserver", f"{host}:{port}", use_reloader=reload)
