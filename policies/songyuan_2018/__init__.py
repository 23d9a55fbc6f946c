"""Songyuan 2018: 松原市关于做好当前和今后一段时期就业创业工作若干政策措施.

``load_package()`` joins the facts, the dated parameters (``parameters/``), the rules
(``rules/``) and the reference tables (``reference/``) into one ``PolicyPackage``. The
apps read it, with the catalogue (``CATALOGUE``), ``bindings``, ``audiences``,
``questionnaire``, ``labels`` and ``readings``, through ``policies.loader.policy()``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from jiuye.rules import PolicyPackage, ReferenceTable
from jiuye.rules.params import load_parameters

HERE = Path(__file__).resolve().parent
NAME = "songyuan_2018"
TITLE = "松原市关于做好当前和今后一段时期就业创业工作若干政策措施（2018年4月13日）"
IN_FORCE = date(2018, 4, 13)
#: Where packages disagree, the higher precedence wins. The city's notice says "以本文件为准"
#: against the province's (附则), so a provincial package sits below 100 and the city's
#: later amendments above it.
PRECEDENCE = 100
CATALOGUE = HERE / "catalogue.yaml"


def _load_reference(path: Path) -> ReferenceTable:
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8"))
    values: dict[tuple[str, int], int] = {}
    sources: dict[tuple[str, int], str] = {}
    for row in data["values"]:
        key = (str(row["region"]), int(row["year"]))
        scaled = Decimal(str(row["rate_percent"])) * 100
        if scaled != scaled.to_integral_value():
            raise ValueError(f"{path}: {key} 最多两位小数 / at most two decimals")
        values[key] = int(scaled)
        sources[key] = str(row["source"])
    return ReferenceTable(
        path.stem,
        str(data["title"]),
        str(data["key"]),
        str(data["target"]),
        int(data["year_offset"]),
        values,
        sources,
    )


def load_package(root: Path | None = None) -> PolicyPackage:
    """Build the package; ``root`` may point at a copy whose YAML an administrator edited."""
    from policies.songyuan_2018.facts import FACTS
    from policies.songyuan_2018.rules import RULES

    base = root or HERE
    return PolicyPackage(
        name=NAME,
        title=TITLE,
        in_force=IN_FORCE,
        facts=FACTS,
        rules=RULES,
        parameters=load_parameters(base / "parameters"),
        references=[_load_reference(p) for p in sorted((base / "reference").glob("*.yaml"))],
    )


@lru_cache(maxsize=1)
def package() -> PolicyPackage:
    """The package as shipped, loaded once per process (apps use ``policies.loader``)."""
    return load_package()
