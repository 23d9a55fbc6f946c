"""The one loader of the policy packages in force: ``policy()``.

Every app reaches policy knowledge through here: the engine's package (rules, facts,
dated parameters, reference tables), the clause catalogue, the bindings (rule ids and
parameter keys the apps name), the audiences, the self-check's hints, the labels and
the readings of registry terms. No module outside ``policies/`` names a package path.

Which packages are in force is configured by ``JIUYE_POLICY_PACKAGES`` (module names,
comma-separated; default ``policies.songyuan_2018``). A package module declares
``NAME``, ``TITLE``, ``PRECEDENCE`` (higher wins where packages disagree: the closing
provision's "以本文件为准") and ``load_package()``; optionally ``CATALOGUE`` (the path of
its clause catalogue) and ``CATALOGUE_ADDITIONS`` (clause → implementations it adds to
the catalogue of another package). Its submodules ``bindings``, ``audiences``,
``questionnaire``, ``labels`` and ``readings`` are optional (or the package module
carries ``BINDINGS``, ``AUDIENCES``, ``QUESTIONNAIRE``, ``LABELS`` itself): the package
of highest precedence that has one gives it.

Framework-free (no Django import).

>>> current = policy()
>>> [p.name for p in current.packages], current.engine.name
(['songyuan_2018'], 'songyuan_2018')
>>> current.catalogue.by_number("四（四）").title
'落实职工技能提升补贴'
>>> current.bindings.receipt_rules
('startup_subsidy', 'job_seeking_subsidy')
>>> current.labels.entity("employer"), current.questionnaire.entities
('用人单位', ('person', 'employer'))
"""

from __future__ import annotations

import importlib
import importlib.util
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

from jiuye.core.errors import JiuyeError
from jiuye.rules import PolicyPackage, compose
from jiuye.rules.catalogue import Catalogue, Implementation, load_catalogue

from policies.model import Audiences, Bindings, Labels, Questionnaire

__all__ = [
    "DEFAULT_PACKAGES",
    "ENV",
    "PackageInfo",
    "Policy",
    "PolicyConfigError",
    "configured_modules",
    "holiday_calendar",
    "load_policy",
    "policy",
]

ENV = "JIUYE_POLICY_PACKAGES"
DEFAULT_PACKAGES = ("policies.songyuan_2018",)


class PolicyConfigError(JiuyeError):
    """The configured packages cannot be loaded or do not fit together."""

    http_status: ClassVar[int] = 500


@dataclass(frozen=True)
class PackageInfo:
    """One package in force: its name, the document it implements and its precedence."""

    name: str
    title: str
    precedence: int
    module: ModuleType

    @property
    def module_name(self) -> str:
        return self.module.__name__


@dataclass(frozen=True)
class Policy:
    """The policy in force: one engine package composed from ``packages``.

    ``packages`` are ordered by precedence, highest first; ``readings`` is the module of
    registry-term readings of the highest package that has one (``None`` if none has).
    """

    engine: PolicyPackage
    packages: tuple[PackageInfo, ...]
    catalogue: Catalogue
    bindings: Bindings
    audiences: Audiences
    questionnaire: Questionnaire
    labels: Labels
    readings: ModuleType | None

    def package(self, name: str) -> PackageInfo:
        """The package called ``name``; ``KeyError`` if it is not in force."""
        for info in self.packages:
            if info.name == name:
                return info
        raise KeyError(name)


def configured_modules() -> tuple[str, ...]:
    """The package modules named by ``JIUYE_POLICY_PACKAGES`` (or the default)."""
    raw = os.environ.get(ENV, "")
    names = tuple(part.strip() for part in raw.split(",") if part.strip())
    return names or DEFAULT_PACKAGES


def policy() -> Policy:
    """The policy in force, loaded once per process for each configuration."""
    return _cached(configured_modules())


@lru_cache(maxsize=4)
def _cached(modules: tuple[str, ...]) -> Policy:
    return load_policy(modules)


def _import(name: str) -> ModuleType:
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise PolicyConfigError(
            "policy_package_missing",
            f"找不到政策包 {name}",
            extra={"module": name, "detail": str(exc)},
        ) from exc


def _info(module: ModuleType) -> PackageInfo:
    missing = [a for a in ("NAME", "TITLE", "PRECEDENCE", "load_package") if not hasattr(module, a)]
    if missing:
        raise PolicyConfigError(
            "policy_package_invalid",
            f"政策包 {module.__name__} 缺少 {'、'.join(missing)}",
            extra={"module": module.__name__, "missing": missing},
        )
    return PackageInfo(str(module.NAME), str(module.TITLE), int(module.PRECEDENCE), module)


def _part(infos: Sequence[PackageInfo], submodule: str, attribute: str | None) -> Any:
    """The part of the highest package that has it: ``<package>.ATTRIBUTE`` if the
    package module carries it, else ``<package>.<submodule>[.ATTRIBUTE]``; or None."""
    for info in infos:
        if attribute is not None and hasattr(info.module, attribute):
            return getattr(info.module, attribute)
        name = f"{info.module_name}.{submodule}"
        try:
            found = importlib.util.find_spec(name)
        except (ImportError, ValueError):  # a module made in memory has no submodules
            found = None
        if found is None:
            continue
        module = importlib.import_module(name)
        return module if attribute is None else getattr(module, attribute)
    return None


def _require(value: Any, what: str, infos: Sequence[PackageInfo]) -> Any:
    if value is None:
        names = "、".join(i.name for i in infos)
        raise PolicyConfigError(
            "policy_part_missing", f"政策包（{names}）都没有 {what}", extra={"part": what}
        )
    return value


def _catalogue(infos: Sequence[PackageInfo]) -> Catalogue:
    """The catalogue of the highest package that has one, with what the others add."""
    path = next((Path(i.module.CATALOGUE) for i in infos if hasattr(i.module, "CATALOGUE")), None)
    catalogue = load_catalogue(_require(path, "条款目录 CATALOGUE", infos))
    additions: dict[str, list[Implementation]] = {}
    for info in reversed(infos):
        extra: Mapping[str, Iterable[Implementation]] = getattr(
            info.module, "CATALOGUE_ADDITIONS", {}
        )
        for clause, items in extra.items():
            catalogue.by_number(clause)  # KeyError for a clause the text does not have
            additions.setdefault(clause, []).extend(items)
    if not additions:
        return catalogue
    clauses = tuple(
        replace(c, implemented_by=(*c.implemented_by, *additions.get(c.clause, ())))
        for c in catalogue.clauses
    )
    return replace(catalogue, clauses=clauses)


def _engine(infos: Sequence[PackageInfo]) -> PolicyPackage:
    """One engine package: a single package as loaded, several through ``compose``."""
    loaded: list[PolicyPackage] = []
    for info in reversed(infos):
        engine = info.module.load_package()
        # The module's PRECEDENCE is the one statement of it; the engine orders by it.
        engine.precedence = info.precedence
        loaded.append(engine)
    if len(loaded) == 1:
        return loaded[0]
    return compose(loaded)


def load_policy(modules: Sequence[str | ModuleType] = DEFAULT_PACKAGES) -> Policy:
    """Load the given package modules (names or modules) into one ``Policy``, uncached.

    Several packages are composed with ``jiuye.rules.compose``, lowest precedence first,
    so that each later one overrides the earlier where they disagree.
    """
    infos = sorted(
        (_info(m if isinstance(m, ModuleType) else _import(m)) for m in modules),
        key=lambda i: -i.precedence,
    )
    names = [i.name for i in infos]
    if len(set(names)) != len(names):
        raise PolicyConfigError(
            "policy_package_duplicate", "同一个政策包不能施行两次", extra={"packages": names}
        )
    precedences = [i.precedence for i in infos]
    if len(set(precedences)) != len(precedences):
        raise PolicyConfigError(
            "policy_precedence_tie",
            "政策包的优先级不能相同",
            extra={"packages": names, "precedence": precedences},
        )
    return Policy(
        engine=_engine(infos),
        packages=tuple(infos),
        catalogue=_catalogue(infos),
        bindings=_require(_part(infos, "bindings", "BINDINGS"), "bindings", infos),
        audiences=_require(_part(infos, "audiences", "AUDIENCES"), "audiences", infos),
        questionnaire=_require(
            _part(infos, "questionnaire", "QUESTIONNAIRE"), "questionnaire", infos
        ),
        labels=_require(_part(infos, "labels", "LABELS"), "labels", infos),
        readings=_part(infos, "readings", None),
    )


#: The State Council's holiday notices (reference data shared by every package).
CALENDAR_PATH = Path(__file__).resolve().parent / "calendars" / "state_council_holidays.yaml"


@lru_cache(maxsize=1)
def holiday_calendar() -> Any:
    """The statutory rest days (``jiuye.rules.calendar.HolidayCalendar``): what counts
    as a working day for time limits (办理时限) and announcement periods (公示期)."""
    from jiuye.rules.calendar import load_calendar

    return load_calendar(CALENDAR_PATH)
