"""``jiuye cases``: exports of queues and states, and the daily sweep.

jiuye cases states                       # the transition graph (every edge and its cause)
jiuye cases queue USERNAME [--out F.csv] # a staff member's 待办 (masked identifiers)
jiuye cases list [--state S] [--rule R] [--out F.csv]
jiuye cases sweep                        # 公示 start/end, overdue notices (run daily)
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
cases_app = typer.Typer(
    help="受理审核：导出待办和办件状态，每日公示与补正期限处理。", no_args_is_help=True
)
app.add_typer(cases_app, name="cases")

OutFile = Annotated[Path | None, typer.Option("--out", help="写出 CSV（UTF-8，权限 0600）。")]
COLUMNS = (
    "办件编号",
    "事项",
    "状态",
    "当前环节",
    "办理机构",
    "期限",
    "证件号码（脱敏）",
    "申请日期",
)


def _write(rows: list[list[str]], out: Path | None, title: str) -> None:
    if out is None:
        table = Table(title=title)
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
    with open_private(out) as handle:  # masked, still personal: owner-only (0600)
        handle.write(buffer.getvalue().encode("utf-8-sig"))
    console.print(f"已写出 {len(rows)} 行：{out}")


def _row(case, step) -> list[str]:  # type: ignore[no-untyped-def]
    due = "" if step is None else (step.due_on.isoformat() if step.due_on else step.due_note)
    return [
        case.code,
        case.title,
        case.get_state_display(),
        "" if step is None else step.name,
        "" if step is None else step.division_name,
        due,
        case.subject_id_masked,
        case.filed_on.isoformat(),
    ]


@cases_app.command("states")
def states() -> None:
    """办件状态流转表。"""
    setup_django()
    from jiuye.casework.states import ACTION_LABELS, EDGES

    table = Table(title="办件状态流转")
    for column in ("原状态", "操作", "新状态"):
        table.add_column(column)
    for (frm, action), to in EDGES.items():
        table.add_row(str(frm), f"{action}（{ACTION_LABELS.get(action, action)}）", str(to))
    console.print(table)


@cases_app.command("queue")
def queue(
    username: str,
    out: OutFile = None,
) -> None:
    """某工作人员的待办。"""
    setup_django()
    from django.contrib.auth import get_user_model

    from jiuye.casework import queues
    from jiuye.casework.errors import CaseNotFound

    user = get_user_model().objects.filter(username=username, is_active=True).first()
    if user is None:
        raise CaseNotFound("user_not_found", f"没有账号 {username}")
    rows = [_row(s.case, s) for s in queues.queue(user)]
    _write(rows, out, f"{username} 的待办（{len(rows)} 件）")


@cases_app.command("list")
def list_cases(
    state: str = typer.Option("", "--state", help="状态，如 reviewing、announcing。"),
    rule: str = typer.Option("", "--rule", help="规则 id。"),
    out: OutFile = None,
) -> None:
    """办件及其状态。"""
    setup_django()
    from jiuye.casework.models import Case

    cases = Case.objects.all().order_by("filed_at")
    if state:
        cases = cases.filter(state=state)
    if rule:
        cases = cases.filter(rule_id=rule)
    rows = []
    for case in cases.iterator():
        step = case.steps.filter(position=case.position).first()
        rows.append(_row(case, step))
    _write(rows, out, f"办件（{len(rows)} 件）")


@cases_app.command("sweep")
def sweep() -> None:
    """开始或结束公示、终止逾期未补正的办件（每日运行）。"""
    setup_django()
    from jiuye.casework import publicity, review

    result = publicity.sweep()
    lapsed = review.lapse_overdue()
    console.print(
        f"开始公示 {result['announced']} 件，公示期满 {result['passed']} 件，逾期未补正 {lapsed} 件"
    )
