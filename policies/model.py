"""What a policy package tells the apps besides its rules: the shapes the loader returns.

Framework-free (no Django). A package module declares ``NAME``, ``TITLE``,
``PRECEDENCE`` and ``load_package()``; its submodules ``bindings``, ``audiences``,
``questionnaire`` and ``labels`` each export one object of the classes below
(``BINDINGS``, ``AUDIENCES``, ``QUESTIONNAIRE``, ``LABELS``), and ``readings`` (the
readings of registry terms) is handed to the registry as the module itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["Audiences", "Bindings", "Labels", "Pointer", "Questionnaire"]


@dataclass(frozen=True)
class Bindings:
    """Rule ids and parameter keys an app must name, declared once by the package.

    ``registers`` maps a catalogue register id to the Django model that keeps it
    (``"app_label.ModelName"``); ``services`` maps a catalogue service or watch id to
    the URL name of the page that carries it out. A register or service with no entry,
    or whose model or URL does not exist, is still planned.
    """

    #: One-time benefits whose receipt the registry reports as ``received_<rule>``.
    receipt_rules: tuple[str, ...]
    #: 稳定就业 of a household member: months of a labour contract (parameter key).
    stable_min_contract_months: str
    #: 稳定就业 of a household member: months of flexible work or self-employment.
    stable_min_continuous_months: str
    #: The start-up subsidy: its rule and its amount (the synthetic city pays it).
    startup_subsidy_rule: str
    startup_subsidy_amount: str
    #: 劳动年龄: lowest full years, and highest by sex (parameter keys, dated values).
    working_age_min_years: str = "working_age.min_years"
    working_age_max_years: Mapping[str, str] = field(
        default_factory=lambda: {
            "male": "working_age.max_years_male",
            "female": "working_age.max_years_female",
        }
    )
    registers: Mapping[str, str] = field(default_factory=dict)
    services: Mapping[str, str] = field(default_factory=dict)
    #: Benefits handled by the city rather than the county of the applicant (casework
    #: routes their last review steps to the city).
    city_handled_rules: tuple[str, ...] = ()
    #: The announcement period (公示期, working days) of a benefit: a parameter per rule.
    announcement_parameter: str = "announcement.{rule}"

    def announcement_days(self, rule_id: str) -> str:
        """The parameter key of ``rule_id``'s announcement period.

        >>> Bindings((), "", "", "", "").announcement_days("startup_subsidy")
        'announcement.startup_subsidy'
        """
        return self.announcement_parameter.format(rule=rule_id)


@dataclass(frozen=True)
class Audiences:
    """Who each measure serves: the filter of the public catalogue.

    ``choices`` are (key used in ``?who=``, Chinese label) in display order;
    ``words`` the words of a condition that name an audience; ``by_entity`` the
    audience a benefit rule of an entity serves whatever its words; ``by_clause`` the
    audiences of each measure, written by hand for every clause.
    """

    choices: tuple[tuple[str, str], ...]
    words: tuple[tuple[str, tuple[str, ...]], ...]
    by_clause: Mapping[str, tuple[str, ...]]
    by_entity: Mapping[str, str] = field(default_factory=dict)

    @property
    def labels(self) -> dict[str, str]:
        return dict(self.choices)

    def for_clause(self, clause: str) -> tuple[tuple[str, str], ...]:
        """(key, label) of the audiences of a measure; none for an unknown clause."""
        labels = self.labels
        return tuple((key, labels[key]) for key in self.by_clause.get(clause, ()))


@dataclass(frozen=True)
class Pointer:
    """A yes/no question that decides no rule but leads to measures to read."""

    name: str
    entity: str
    label: str
    clauses: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class Questionnaire:
    """Hints for the self-check: who may use it, how codes of regions read, plain words."""

    #: Entities offered on the self-check's first page, in display order.
    entities: tuple[str, ...]
    #: Region code → name, for the regions of the package's reference tables.
    region_names: Mapping[str, str] = field(default_factory=dict)
    #: Term → one plain line, shown under every question whose words use the term.
    glossary: Mapping[str, str] = field(default_factory=dict)
    #: ``rule.condition`` or ``condition`` → what would make that condition hold.
    condition_hints: Mapping[str, str] = field(default_factory=dict)
    #: Questions that lead to measures to read (no rule decides on them).
    pointers: tuple[Pointer, ...] = ()

    def explain(self, *texts: str) -> tuple[str, ...]:
        """The glossary lines of the terms the texts use, longest term first, once each."""
        joined = "".join(texts)
        return tuple(
            line
            for term, line in sorted(self.glossary.items(), key=lambda kv: -len(kv[0]))
            if term in joined
        )

    def hint(self, rule: str, condition: str) -> str:
        return self.condition_hints.get(f"{rule}.{condition}") or self.condition_hints.get(
            condition, ""
        )


@dataclass(frozen=True)
class Labels:
    """The Chinese names the apps show for the engine's entity kinds."""

    entities: Mapping[str, str]

    def entity(self, key: str) -> str:
        return self.entities.get(key, key)
