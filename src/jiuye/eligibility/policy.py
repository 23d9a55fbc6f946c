"""The one module of eligibility that names the policy package.

Everything policy-specific the derivation needs (the readings of registry terms, the
working-age figures, the 稳定就业 parameters) is reached through here, all through the
package loader (``policies.loader.policy()``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import ModuleType

from jiuye.rules import PolicyPackage

from policies.loader import policy
from policies.model import Bindings


def package() -> PolicyPackage:
    """The engine package in force (composed from every package configured)."""
    return policy().engine


def readings() -> ModuleType:
    """The package's readings of registry terms (``policies/<package>/readings.py``)."""
    found = policy().readings
    if found is None:
        raise LookupError("the policy in force has no readings of registry terms")
    return found


def bindings() -> Bindings:
    """The rule ids and parameter keys the derivation names, declared by the package."""
    return policy().bindings


def working_age(as_of: date) -> Mapping[str, tuple[int, int]]:
    """Working age by sex on ``as_of``: (lowest, highest) full years, both inclusive."""
    keys = bindings()
    values = package().params_at(as_of)
    low = values.get(keys.working_age_min_years)
    ages: dict[str, tuple[int, int]] = {}
    for sex, key in keys.working_age_max_years.items():
        high = values.get(key)
        if not isinstance(low, int) or not isinstance(high, int):
            raise LookupError(f"working age is not set on {as_of.isoformat()}: {key}")
        ages[sex] = (low, high)
    return ages


def stability_months(
    as_of: date, params: Mapping[str, object] | None = None
) -> tuple[int | None, int | None]:
    """The 稳定就业 figures in force on ``as_of``: (contract months, continuous months).

    Read from the policy package unless ``params`` (parameter name → value) is given;
    an unset figure is None.
    """
    values = package().params_at(as_of) if params is None else params
    keys = bindings()
    figures = (
        values.get(keys.stable_min_contract_months),
        values.get(keys.stable_min_continuous_months),
    )
    contract, continuous = (
        v if isinstance(v, int) and not isinstance(v, bool) else None for v in figures
    )
    return contract, continuous
