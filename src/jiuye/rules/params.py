"""Dated parameters from YAML files: ``parameters/<topic>/<name>.yaml`` → ``<topic>.<name>``.

A file::

    description: 一次性初创企业补贴标准
    unit: fen
    clause: 二（三）
    set_by: 文件原文
    values:
      - from: 2018-04-13
        value: 500000
        source: 松政发〔2018〕… 二（三）“给予一次性5000元初创企业补贴”

``value: null`` (or no values at all) means the text leaves the figure open; the
administrator adds a dated entry with its source, and results change from that date on.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import yaml

from jiuye.rules.model import Parameter, ParamValue

__all__ = ["load_parameter", "load_parameters"]

_UNITS = {
    "fen",
    "months",
    "years",
    "percent",
    "count",
    "date",
    "fen_per_class_hour",
    "working_days",
}


def load_parameter(path: Path, name: str) -> Parameter:
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict):
        raise ValueError(f"{path}: 参数文件应为映射 / a parameter file is a mapping")
    for key in ("description", "unit", "clause"):
        if key not in data:
            raise ValueError(f"{path}: 缺少字段 {key} / missing field {key}")
    if data["unit"] not in _UNITS:
        raise ValueError(f"{path}: 未知单位 {data['unit']} / unknown unit")
    values: list[ParamValue] = []
    for i, item in enumerate(data.get("values") or []):
        start = item.get("from") if isinstance(item, dict) else None
        if not isinstance(start, date):
            raise ValueError(f"{path}: values[{i}].from 应为日期 / must be a date")
        value = item.get("value")
        if value is not None and not isinstance(value, (int, date)) or isinstance(value, bool):
            raise ValueError(f"{path}: values[{i}].value 应为整数或日期 / must be int or date")
        source = item.get("source")
        if value is not None and not source:
            raise ValueError(f"{path}: values[{i}] 缺少来源 / a value needs its source")
        values.append(ParamValue(start, value, str(source or ""), str(item.get("note", ""))))
    values.sort(key=lambda v: v.start)
    if len({v.start for v in values}) != len(values):
        raise ValueError(f"{path}: 同一日期有两个取值 / two values from the same date")
    return Parameter(
        name,
        str(data["description"]),
        str(data["unit"]),
        str(data["clause"]),
        tuple(values),
        str(data.get("set_by", "")),
        str(data.get("note", "")),
    )


def load_parameters(root: Path) -> list[Parameter]:
    """Every ``*.yaml`` under ``root``, named ``<folder>.<file stem>``."""
    params = []
    for path in sorted(root.rglob("*.yaml")):
        rel = path.relative_to(root).with_suffix("")
        params.append(load_parameter(path, ".".join(rel.parts)))
    return params
