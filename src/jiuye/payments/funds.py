"""The funds the policy package names, and their accounts per county and year.

A rule's fund is the package's (``Rule.fund``, e.g. 就业补助资金, 失业保险基金, the
county's own finance); the package is reached through :mod:`jiuye.eligibility.policy`
only. A rule without a fund cannot be paid until the package names one: that is said,
not guessed.
"""

from __future__ import annotations

from jiuye.eligibility.policy import package
from jiuye.payments.models import Account, AccountKind, Fund


def rule_fund_name(rule_id: str) -> str | None:
    """The fund the package names for ``rule_id`` (None: it names none)."""
    rule = package().rules.get(rule_id)
    return None if rule is None else rule.fund


def package_fund_names() -> list[str]:
    """Every fund the package's rules name, in the package's order."""
    names: dict[str, None] = {}
    for rule in package().rules.values():
        if rule.fund:
            names.setdefault(rule.fund, None)
    return list(names)


def rules_of_fund(name: str) -> list[str]:
    """The titles of the rules paid from the fund ``name``."""
    return [r.title for r in package().rules.values() if r.fund == name]


def ensure_fund(name: str) -> Fund:
    fund, _ = Fund.objects.get_or_create(
        name=name, defaults={"note": "政策包规则所列资金来源：" + "、".join(rules_of_fund(name))}
    )
    return fund


def ensure_funds() -> list[Fund]:
    """A Fund row for every fund the package names (idempotent)."""
    return [ensure_fund(name) for name in package_fund_names()]


def fund_for_rule(rule_id: str) -> Fund | None:
    name = rule_fund_name(rule_id)
    return None if name is None else ensure_fund(name)


def ensure_accounts(fund: Fund, county_code: str, year: int) -> dict[str, Account]:
    """The fund's four accounts for the county and year, created when first needed (two
    processes at once make them once: the unique constraint, conflicts ignored)."""
    found = {
        a.kind: a for a in Account.objects.filter(fund=fund, county_code=county_code, year=year)
    }
    if len(found) < len(AccountKind.values):
        Account.objects.bulk_create(
            [
                Account(fund=fund, county_code=county_code, year=year, kind=kind)
                for kind in AccountKind.values
                if kind not in found
            ],
            ignore_conflicts=True,
        )
        found = {
            a.kind: a for a in Account.objects.filter(fund=fund, county_code=county_code, year=year)
        }
    return found
