"""The ``jiuye`` console script.

Command modules register their commands on ``app`` (``from jiuye.cli import app``);
list a new module in ``COMMAND_MODULES`` to load it.
"""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="jiuye",
    help="就业：松原市公共就业服务“政策即代码”命令行工具。",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)

COMMAND_MODULES: tuple[str, ...] = ("jiuye.cli.setup", "jiuye.cli.rules", "jiuye.cli.synth",
                                     "jiuye.cli.geo", "jiuye.cli.reference", "jiuye.cli.facts")


@app.callback()
def _root() -> None:
    """就业（Jiuye）命令行。"""


def main() -> None:
    app()


for _module in COMMAND_MODULES:
    importlib.import_module(_module)
