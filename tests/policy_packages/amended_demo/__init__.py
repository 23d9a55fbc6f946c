"""A second policy package, for tests: a fictional amendment to the Songyuan notice.

It amends one parameter (the start-up subsidy from 2027-01-01), adds one rule
(``demo_graduate_relocation_subsidy`` under 三（一）) and replaces one rule from a date
(``job_seeking_subsidy`` without its target-group condition from 2027-01-01). Put it in
force with ``JIUYE_POLICY_PACKAGES=policies.songyuan_2018,tests.policy_packages.amended_demo``.
Every figure here is made up for the tests and marked so.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from jiuye.rules import PolicyPackage
from jiuye.rules.catalogue import Implementation
from jiuye.rules.model import Parameter
from jiuye.rules.params import load_parameters

HERE = Path(__file__).resolve().parent
NAME = "amended_demo"
TITLE = "（测试用）松原市就业创业政策措施修订示例"
IN_FORCE = date(2027, 1, 1)
#: Above the city's notice (100): a later amendment prevails where they disagree.
PRECEDENCE = 200
CATALOGUE_ADDITIONS = {
    "三（一）": (
        Implementation(
            "rule",
            "demo_graduate_relocation_subsidy",
            "（测试用）修订新增：高校毕业生来松就业补贴。",
        ),
    ),
}


def _amended(base: dict[str, Parameter], own: dict[str, Parameter]) -> list[Parameter]:
    """The amendment's parameters: its own, a base parameter with its later values added,
    and the base parameters its rules read unchanged (so the package stands alone)."""
    out = dict(base)
    for name, parameter in own.items():
        if name in base:
            values = tuple(sorted((*base[name].values, *parameter.values), key=lambda v: v.start))
            out[name] = Parameter(
                name,
                base[name].description,
                base[name].unit,
                base[name].clause,
                values,
                base[name].set_by,
                base[name].note,
            )
        else:
            out[name] = parameter
    return list(out.values())


def load_package() -> PolicyPackage:
    """The amendment as an engine package (the base facts, its rules and parameters)."""
    from tests.policy_packages.amended_demo.rules import rules

    from policies.songyuan_2018 import package as songyuan
    from policies.songyuan_2018.facts import FACTS

    own = {p.name: p for p in load_parameters(HERE / "parameters")}
    amended_rules = rules()
    read = {name for rule in amended_rules for name in rule.param_names()} | set(own)
    base = {n: p for n, p in songyuan().parameters.items() if n in read}
    return PolicyPackage(
        name=NAME,
        title=TITLE,
        in_force=IN_FORCE,
        facts=FACTS,
        rules=amended_rules,
        parameters=_amended(base, own),
    )
