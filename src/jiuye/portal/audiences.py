"""Who each measure serves: the catalogue's audience filter, read from the policy package.

The package writes the audiences of every measure by hand (``policy().audiences``); for
measures that have rules, :func:`derived_audiences` reads the same tags off the rules
(their entity and the words of their conditions) and a test checks that the
hand-written mapping contains everything derived, so a new rule cannot silently drop
an audience.
"""

from __future__ import annotations

from collections.abc import Iterable

from jiuye.rules.model import Rule

from policies.loader import policy


def choices() -> tuple[tuple[str, str], ...]:
    """(key used in ``?who=``, Chinese label), in display order."""
    return policy().audiences.choices


def derived_audiences(rules: Iterable[Rule]) -> frozenset[str]:
    """The audiences a clause's rules name: by entity, then by the words of conditions.

    Status, obligation and target rules define terms or duties rather than serve
    someone, so only benefit rules count.
    """
    audiences = policy().audiences
    found: set[str] = set()
    for rule in rules:
        if rule.kind != "benefit":
            continue
        if rule.entity in audiences.by_entity:
            found.add(audiences.by_entity[rule.entity])
        for condition in rule.all_conditions():
            found |= {key for key, ws in audiences.words if any(w in condition.text for w in ws)}
    return frozenset(found)


def audiences_for(clause: str) -> tuple[tuple[str, str], ...]:
    return policy().audiences.for_clause(clause)
