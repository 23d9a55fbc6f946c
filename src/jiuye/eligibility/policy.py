"""The one module of eligibility that names the policy package.

Everything policy-specific the derivation needs (the readings of registry terms, the
working-age figures, the 稳定就业 parameters) is reached through here, so switching to
the package loader (``policies.loader.policy()``) and to dated working-age parameters
is one line each.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from types import ModuleType

from jiuye.rules import PolicyPackage

from policies.songyuan_2018 import readings as _readings


def package() -> PolicyPackage:
    """The policy package in force."""
    from jiuye.evaluation import package as in_force

    return in_force()


def readings() -> ModuleType:
    """The package's readings of registry terms (``policies/<package>/readings.py``)."""
    return _readings


def working_age(as_of: date) -> Mapping[str, tuple[int, int]]:
    """Working age by sex on ``as_of``: (lowest, highest) full years, both inclusive."""
    return _readings.WORKING_AGE


def stability_months(as_of: date, params: Mapping[str, object] | None = None
                     ) -> tuple[int | None, int | None]:
    """The 稳定就业 figures in force on ``as_of``: (contract months, continuous months).

    Read from the policy package unless ``params`` (parameter name → value) is given;
    an unset figure is None.
    """
    values = package().params_at(as_of) if params is None else params
    figures = (values.get(_readings.STABLE_CONTRACT_MONTHS),
               values.get(_readings.STABLE_CONTINUOUS_MONTHS))
    contract, continuous = (v if isinstance(v, int) and not isinstance(v, bool) else None
                            for v in figures)
    return contract, continuous
