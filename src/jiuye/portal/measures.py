"""Selectors for the public policy pages: measures, their rules, amounts as of a date.

Everything here is read from the policy in force (``policies.loader.policy()``:
catalogue, rules, dated parameters, labels): nothing about who qualifies or how much is
copied by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from jiuye.core.errors import JiuyeError
from jiuye.evaluation import package, who_sets
from jiuye.portal.audiences import audiences_for
from jiuye.rules.catalogue import Catalogue, Clause, Section
from jiuye.rules.errors import CaseError
from jiuye.rules.expr import Param
from jiuye.rules.model import Parameter, Rule

from policies.loader import policy

UNSET = "标准待主管部门公布"
_NUMERALS = "一二三四五六七八九十"


def catalogue() -> Catalogue:
    return policy().catalogue


def slug(clause: str) -> str:
    """URL name of a measure: ``"四（四）"`` → ``"4-4"``.

    >>> slug("三（一）"), slug("六（四）")
    ('3-1', '6-4')
    """
    section, item = clause.rstrip("）").split("（")
    return f"{_NUMERALS.index(section) + 1}-{_NUMERALS.index(item) + 1}"


def clause_for_slug(value: str) -> Clause | None:
    for clause in catalogue().clauses:
        if slug(clause.clause) == value:
            return clause
    return None


def section_of(clause: Clause) -> Section:
    return next(s for s in catalogue().sections if s.section == clause.section)


def rules_of(clause: Clause, on: date | None = None) -> tuple[Rule, ...]:
    """The rules implementing a measure: the newest versions, or those in force ``on``."""
    pkg = package()
    ids = [i.id for i in clause.implemented_by if i.type == "rule" and i.id in pkg.rules]
    return tuple(pkg.rules[i] if on is None else pkg.rule_at(i, on) for i in ids)


def benefit_rules(clause: Clause, on: date | None = None) -> tuple[Rule, ...]:
    """The rules of a measure that pay or grant something (the versions in force ``on``)."""
    return tuple(rule for rule in rules_of(clause, on) if rule.kind == "benefit")


def rule_version(rule: Rule) -> str:
    """The label of a rule version, e.g. "2018-04-13 起"."""
    return package().version_label(rule)


def format_value(value: object, unit: str) -> str:
    """A parameter value in words.

    >>> format_value(500000, "fen"), format_value(12345, "fen")
    ('5000元', '123.45元')
    >>> format_value(800, "fen_per_class_hour")
    '每学时8元'
    >>> format_value(None, "fen"), format_value(12, "months"), format_value(50, "percent")
    ('标准待主管部门公布', '12个月', '50%')
    """
    if value is None:
        return UNSET
    if unit in {"fen", "fen_per_class_hour"} and isinstance(value, int):
        yuan = (Decimal(value) / 100).quantize(Decimal(1) if value % 100 == 0 else Decimal("0.01"))
        text = f"{yuan}元"
        return f"每学时{text}" if unit == "fen_per_class_hour" else text
    if unit == "months":
        return f"{value}个月"
    if unit == "percent":
        return f"{value}%"
    if unit == "count":
        return f"{value}个"
    if isinstance(value, date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value)


@dataclass(frozen=True)
class AmountLine:
    name: str
    label: str
    value: str
    since: date | None
    source: str
    #: While unset: what it is and who must set it.
    who: str = ""


@dataclass(frozen=True)
class Amount:
    headline: str
    lines: tuple[AmountLine, ...]


def _line(parameter: Parameter, on: date) -> AmountLine:
    current = parameter.at(on)
    return AmountLine(
        name=parameter.name,
        label=parameter.description,
        value=format_value(None if current is None else current.value, parameter.unit),
        since=None if current is None else current.start,
        source="" if current is None else (current.source or current.note),
        who=who_sets(parameter.name) if current is None or current.value is None else "",
    )


def amount_on(rule: Rule, on: date) -> Amount:
    """How much a benefit is worth on a date, from the dated parameters.

    A plain parameter gives the headline itself; a formula (hours × rate, a share of
    premiums, amounts by certificate level) shows the rule's wording and every
    parameter value it uses on that date.
    """
    parameters = package().parameters
    names = sorted(rule.amount.params()) if rule.amount is not None else []
    lines = tuple(_line(parameters[name], on) for name in names)
    if isinstance(rule.amount, Param):
        return Amount(lines[0].value, lines)
    if rule.amount is None:
        return Amount(rule.amount_text or "非现金待遇", lines)
    if all(parameters[name].unit == "fen" for name in names):
        return Amount("；".join(f"{line.label}{line.value}" for line in lines), lines)
    return Amount(rule.amount_text, lines)


def who_qualifies(rule: Rule) -> tuple[str, tuple[str, ...]]:
    """(applicant, conditions that must all hold), in the words of the rule."""
    return policy().labels.entity(rule.entity), tuple(c.text for c in rule.all_conditions())


@dataclass(frozen=True)
class Version:
    package: str
    title: str
    on: date
    parameters_from: date
    #: Every package in force (name, document title), highest precedence first.
    packages: tuple[tuple[str, str], ...] = ()

    @property
    def label(self) -> str:
        return f"{self.package} · 参数取值截至 {self.parameters_from.isoformat()}"


def version_on(on: date) -> Version:
    """The packages and the latest start date among the parameter values in force."""
    pkg = package()
    starts = [v.start for p in pkg.parameters.values() if (v := p.at(on)) is not None]
    packages = tuple((p.name, p.title) for p in policy().packages)
    return Version(pkg.name, pkg.title, on, max(starts, default=pkg.in_force), packages)


class DateError(JiuyeError, ValueError):
    """A ``?date=`` the page cannot show, with its Chinese message."""

    http_status = 422

    def __init__(self, message: str) -> None:
        super().__init__("date_invalid", message)


def parse_date(text: str | None, today: date) -> date:
    """The ``?date=`` of a page: today when absent; a Chinese message when unusable."""
    if not text:
        return today
    try:
        on = date.fromisoformat(text)
    except ValueError as exc:
        raise DateError(f"日期“{text[:20]}”无效，请按“年-月-日”填写，例如 2019-06-01。") from exc
    try:
        package().check_as_of(on)
    except CaseError as exc:
        first = package().in_force
        raise DateError(
            f"{on.year}年{on.month}月{on.day}日本政策尚未施行：本政策自"
            f"{first.year}年{first.month}月{first.day}日起施行，请选择此后的日期。"
        ) from exc
    return on


def search(query: str, who: str) -> list[Clause]:
    """Measures whose title, text, rule titles or conditions contain every word of the query."""
    words = query.split()
    found = []
    for clause in catalogue().clauses:
        if who and who not in dict(audiences_for(clause.clause)):
            continue
        haystack = " ".join(
            [clause.title, clause.text, *clause.lead_departments]
            + [r.title for r in rules_of(clause)]
            + [c.text for r in benefit_rules(clause) for c in r.all_conditions()]
        )
        if all(word in haystack for word in words):
            found.append(clause)
    return found
