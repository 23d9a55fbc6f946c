"""``jiuye audit``: check the security audit trail's hash chain, archive old rows.

    jiuye audit verify                  # the table, its head row, the head file, the last archive
    jiuye audit verify --changes        # also every write's digest of its change-history rows
    jiuye audit verify --archive FILE   # one archived segment on its own
    jiuye audit archive                 # rows past retention → VAR_DIR/audit/archive/
    jiuye audit reset-head              # after a deliberate rebuild: keep the old head file aside

``verify`` exits 1 when the chain does not match (naming the first row that does not),
0 when it does.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from jiuye.cli import app
from jiuye.cli.django import setup_django

console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)

#: The exit code of a chain that does not verify.
BROKEN_EXIT = 1

audit_app = typer.Typer(
    help="安全审计：核对审计链（哈希链）、归档超过保存期限的记录。", no_args_is_help=True
)
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def verify(
    changes: bool = typer.Option(
        False, "--changes", help="同时重算每次写入所记的变更记录摘要（变更记录多时较慢）。"
    ),
    archive: Annotated[
        list[Path] | None,
        typer.Option("--archive", help="只核对这个归档文件（可多次给出）。"),
    ] = None,
) -> None:
    """重算审计链，指出第一条不符的记录；与库外的链头文件比对，发现被截去的表尾。"""
    setup_django()
    from jiuye.core import trail_check

    verdicts = (
        [trail_check.verify_archive(path) for path in archive]
        if archive
        else [trail_check.verify(changes=changes)]
    )
    for verdict in verdicts:
        if verdict.ok:
            console.print(f"[green]✓[/] {verdict.message()}")
        else:
            errors.print(f"[red]✗[/] {verdict.message()}")
    if not all(verdict.ok for verdict in verdicts):
        raise typer.Exit(BROKEN_EXIT)


@audit_app.command("archive")
def archive() -> None:
    """把超过保存期限（JIUYE_AUDIT_RETENTION_DAYS，至少 186 天）的记录移入压缩归档文件。"""
    setup_django()
    from jiuye.core import trail_check

    report = trail_check.archive()
    if report is None:
        console.print(
            f"[green]✓[/] 没有超过 {trail_check.retention_days()} 天保存期限的审计记录，未归档。"
        )
        return
    console.print(
        f"[green]✓[/] 已归档第 {report.first} 至 {report.last} 号共 {report.count} 条审计记录"
        f"（早于 {report.cutoff:%Y-%m-%d %H:%M}）：{report.path}"
    )


@audit_app.command("reset-head")
def reset_head() -> None:
    """数据库经有意重建或恢复后：把旧的链头文件另存备查，按当前链头重写。"""
    setup_django()
    from jiuye.core import trail_check

    kept = trail_check.reset_head_file()
    if kept is not None:
        console.print(f"旧链头文件已另存为 {kept}")
    console.print("[green]✓[/] 链头文件已按当前审计链重写。")
