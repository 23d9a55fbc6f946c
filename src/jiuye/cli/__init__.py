"""The ``jiuye`` console script.

Command modules register their commands on ``app`` (``from jiuye.cli import app``);
list a new module in ``COMMAND_MODULES`` to load it. A command raises a
:class:`~jiuye.core.errors.JiuyeError` for bad input or a refusal: the one handler here
prints its Chinese message (and code) to stderr and exits with code 2.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import typer
from typer.core import TyperGroup

from jiuye.core.errors import JiuyeError

#: The exit code of every refused command (bad input, a refused action).
ERROR_EXIT = 2


def fail(error: JiuyeError) -> typer.Exit:
    """Print ``error`` the CLI's way; the caller raises the returned ``typer.Exit``."""
    sys.stderr.write(f"错误 / error [{error.code}]：{error.message}\n")
    return typer.Exit(ERROR_EXIT)


class JiuyeGroup(TyperGroup):
    """Typer's group with the one handler of :class:`JiuyeError`."""

    def invoke(self, ctx: Any) -> Any:  # a (vendored) click Context
        try:
            return super().invoke(ctx)
        except JiuyeError as error:
            raise fail(error) from error


app = typer.Typer(
    name="jiuye",
    cls=JiuyeGroup,
    help="就业：松原市公共就业服务“政策即代码”命令行工具。",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)

COMMAND_MODULES: tuple[str, ...] = (
    "jiuye.cli.setup",
    "jiuye.cli.rules",
    "jiuye.cli.synth",
    "jiuye.cli.geo",
    "jiuye.cli.reference",
    "jiuye.cli.facts",
    "jiuye.cli.backup",
    "jiuye.cli.audit",
    "jiuye.cli.keys",
    "jiuye.cli.accounts",
    "jiuye.cli.cases",
    "jiuye.cli.ledger",
)


@app.callback()
def _root() -> None:
    """就业（Jiuye）命令行。"""


def main() -> None:
    app()


for _module in COMMAND_MODULES:
    importlib.import_module(_module)
