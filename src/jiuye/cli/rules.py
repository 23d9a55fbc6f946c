"""``jiuye evaluate``, ``facts``, ``rules``, ``parameters`` and ``packages``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from jiuye.cli import app
from jiuye.rules import CaseError


def _emit(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _fail(error: CaseError) -> None:
    sys.stderr.write(
        f"错误 / error [{error.code}] {error.field}: {error.message_zh} / {error.message_en}\n"
    )
    raise typer.Exit(code=2)


@app.command()
def evaluate(
    case_file: Annotated[str, typer.Argument(help="案例 JSON 文件，- 表示标准输入")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="测评日期 YYYY-MM-DD")] = None,
    rule: Annotated[list[str] | None, typer.Option("--rule", help="只测评这些规则")] = None,
) -> None:
    """按政策规则测评一个案例，输出结果 JSON（与 POST /api/v1/evaluate 相同）。"""
    from jiuye.evaluation import evaluate_json, load_json, parse_as_of

    try:
        if case_file == "-":
            text = sys.stdin.read()
        else:
            path = Path(case_file)
            if not path.is_file():
                raise CaseError(
                    "file_not_found",
                    "CASE",
                    f"找不到文件：{case_file}",
                    f"no such file: {case_file}",
                )
            text = path.read_text(encoding="utf-8")
        result = evaluate_json(load_json(text), as_of=parse_as_of(as_of, "--as-of"), rule_ids=rule)
    except CaseError as error:
        _fail(error)
        return
    _emit(result)


@app.command()
def facts() -> None:
    """输出案例可含的全部事实项的 JSON Schema（含中文名称）。"""
    from jiuye.evaluation import facts_schema

    _emit(facts_schema())


@app.command()
def rules() -> None:
    """列出全部规则及其条件、条款和解读。"""
    from jiuye.evaluation import rules_json

    _emit(rules_json())


@app.command()
def parameters(
    as_of: Annotated[str | None, typer.Option("--as-of", help="取值日期 YYYY-MM-DD")] = None,
) -> None:
    """列出全部分日期参数及来源；--as-of 给出该日的取值。"""
    from jiuye.evaluation import parameters_json, parse_as_of

    try:
        when = parse_as_of(as_of, "--as-of")
    except CaseError as error:
        _fail(error)
        return
    _emit(parameters_json(when))


@app.command()
def packages() -> None:
    """列出施行中的政策包（按优先级从高到低），与 GET /api/v1/package 相同。"""
    from jiuye.evaluation import package_info

    _emit(package_info())
