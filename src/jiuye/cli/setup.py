"""Commands that set up and serve a local instance."""

from __future__ import annotations

import os
from typing import Any

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
    _print_demo_accounts(accounts)
    _print_demo_applicant()


def _print_demo_applicant() -> None:
    from jiuye.applicants.demo import ensure_demo_applicant

    demo = ensure_demo_applicant()
    if demo is None:
        return
    console.print(
        "[bold]个人/单位办事演示[/]（页眉“个人/单位办事”，/banshi/）：居民身份证号码 "
        f"[bold]{demo.resident_id}[/]，姓名 [bold]{demo.name}[/]，手机号 [bold]{demo.mobile}[/]"
        "（演示账号已绑定此号码）→ 获取短信验证码：验证码显示在控制台和 "
        "[bold]/banshi/dev/messages/[/]（仅 DEBUG）。"
        f"该账号已是 {demo.unit_name}（{demo.credit_code}）的已确认经办人，可在自助测评结果中"
        "为单位申请稳岗补贴；新申报的单位由工作人员在 工作台 → 单位经办人确认 中确认。"
    )


def _print_review_roles(accounts: tuple[Any, ...]) -> None:
    from jiuye.casework.demo import ROLES

    names = {code: name for code, name, _ in ROLES}
    table = Table(
        title="演示审核角色（受理审核：社区初审 → 县区复审 → 县区审批；单位事项县区初审 → 审批）"
    )
    for column in ("用户名", "辖区", "审核角色"):
        table.add_column(column, no_wrap=True)
    for account in accounts:
        if account.review_roles or account.username == "fuyu_staff":
            roles = "、".join(names[c] for c in account.review_roles) or "窗口受理（市内通办）"
            table.add_row(account.username, account.division or "", roles)
    console.print(table)


def _print_demo_accounts(accounts: tuple[Any, ...]) -> None:
    from django.conf import settings

    table = Table(title="演示账号（仅供演示，切勿用于生产环境）")
    for column in ("用户名", "密码", "角色"):
        table.add_column(column, no_wrap=column != "角色")
    for account in accounts:
        table.add_row(account.username, account.password, account.role)
    console.print(table)
    secrets = Table(title="演示账号的动态口令密钥（TOTP，已绑定；公开，仅供演示）")
    for column in ("用户名", "密钥（Base32）"):
        secrets.add_column(column, no_wrap=True)
    for account in accounts:
        secrets.add_row(account.username, account.totp_secret)
    console.print(secrets)
    _print_review_roles(accounts)
    console.print(
        "登录：用户名和密码，再输入动态验证码（6 位）。演示账号已绑定上表的密钥："
        "用身份验证器扫描 [bold]jiuye demo-otp 用户名 --qr[/] 显示的二维码，"
        "或运行 [bold]jiuye demo-otp 用户名[/] 查看当前验证码。"
    )
    console.print(
        "管理员各用各的页面：系统管理员 /admin/system/，安全管理员 /admin/security/，"
        "审计管理员 /admin/audit/（同一账号只能担任其中一个角色）。"
    )
    state = "当前已允许（DEBUG 开启）" if settings.SUPERUSER_LOGIN else "当前已禁用"
    console.print(
        f"[yellow]超级用户仅用于安装[/]：生产设置（DEBUG 关闭）下超级用户不能登录"
        f"（JIUYE_SUPERUSER_LOGIN，{state}）；日常管理使用上面的管理员角色账号，"
        "生产环境用 [bold]jiuye admin-create[/] 创建。"
    )


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
    host: str = typer.Option("127.0.0.1", envvar="JIUYE_HOST", help="监听地址。"),
    port: int = typer.Option(8000, envvar="JIUYE_PORT", help="监听端口。"),
    reload: bool = typer.Option(True, "--reload/--no-reload", help="代码变更时自动重启（开发）。"),
    prod: bool = typer.Option(
        False,
        "--prod",
        help="以 gunicorn 运行生产服务器（DEBUG 须关闭；静态文件由 WhiteNoise 提供）。",
    ),
    bind: str = typer.Option(
        "",
        envvar="JIUYE_BIND",
        help="生产：监听的地址，如 unix:/run/jiuye.sock（默认取 host:port）。",
    ),
    workers: int = typer.Option(
        0, envvar="JIUYE_WORKERS", min=0, help="生产：工作进程数（0：CPU 核数 + 1）。"
    ),
    threads: int = typer.Option(4, envvar="JIUYE_THREADS", min=1, help="生产：每个进程的线程数。"),
    timeout: int = typer.Option(30, envvar="JIUYE_TIMEOUT", min=1, help="生产：请求超时秒数。"),
    collect: bool = typer.Option(
        True, "--collectstatic/--no-collectstatic", help="生产：启动前收集静态文件。"
    ),
) -> None:
    """启动服务器：默认为开发服务器（DEBUG 需由环境变量开启）；--prod 为 gunicorn。"""
    if prod:
        _serve_prod(
            bind=bind or f"{host}:{port}",
            workers=workers,
            threads=threads,
            timeout=timeout,
            collect=collect,
        )
        return
    setup_django()
    from django.core.management import call_command

    if os.environ.get("RUN_MAIN") != "true":  # once, not again in the reloader's child
        console.print(
            f"就业（Jiuye）正在运行：http://{host}:{port}/  "
            f"工作人员登录：http://{host}:{port}/accounts/login/  （Ctrl+C 停止）"
        )
    call_command("runserver", f"{host}:{port}", use_reloader=reload)


def _serve_prod(*, bind: str, workers: int, threads: int, timeout: int, collect: bool) -> None:
    # each worker thread keeps its database connection (CONN_MAX_AGE seconds) instead of
    # opening one per request; the environment may still say otherwise
    os.environ.setdefault("CONN_MAX_AGE", "60")
    setup_django()
    from django.conf import settings
    from django.core.management import call_command

    from jiuye.cli import prod
    from jiuye.core.errors import JiuyeError

    if settings.DEBUG:
        raise JiuyeError("debug_on", "生产服务器不能在 DEBUG 开启时运行：请取消 DEBUG 环境变量。")
    if collect:
        with console.status("正在收集静态文件……"):
            call_command("collectstatic", interactive=False, verbosity=0)
        console.print(f"[green]✓[/] 静态文件：{settings.STATIC_ROOT}")
    workers = workers or prod.default_workers()
    console.print(
        f"就业（Jiuye）生产服务器（gunicorn）：{bind}，{workers} 个进程 × {threads} 个线程"
        "（Ctrl+C 停止）"
    )
    prod.run(bind=bind, workers=workers, threads=threads, timeout=timeout)
