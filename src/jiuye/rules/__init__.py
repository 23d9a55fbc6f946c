"""Jiuye's rules engine: facts, dated parameters, three-valued rules, explanations.

Framework-free (no Django): the web, CLI and batch layers all call this package.
"""

from jiuye.rules.amounts import Rate
from jiuye.rules.branches import Case as When
from jiuye.rules.branches import IsSet
from jiuye.rules.cases import Case
from jiuye.rules.compose import compose
from jiuye.rules.dates import AddMonths, AgeYears, Year
from jiuye.rules.engine import PolicyPackage, ReferenceTable
from jiuye.rules.errors import CaseError
from jiuye.rules.expr import AsOf, Expr, Fact, Lit, Param
from jiuye.rules.facts import FactSpec
from jiuye.rules.model import Condition, Parameter, ParamValue, Rule, RuleResult

__all__ = [
    "AddMonths",
    "AgeYears",
    "AsOf",
    "Case",
    "CaseError",
    "Condition",
    "Expr",
    "Fact",
    "FactSpec",
    "IsSet",
    "Lit",
    "Param",
    "ParamValue",
    "Parameter",
    "PolicyPackage",
    "Rate",
    "ReferenceTable",
    "Rule",
    "RuleResult",
    "When",
    "Year",
    "compose",
]
