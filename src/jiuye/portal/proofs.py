"""What a registry record can prove for an item of a guide's checklist.

``GuideItem.proved_by`` is empty (the item must be provided), :data:`RECORD` (the
applicant or unit is in the registry: their identity or registration is verified, so
an ID card or a credit-code certificate is not asked for), or the name of a fact of the
rule's entity that the registry derives (a business licence date, a certificate…): a
case whose registry record holds a value for it is not asked for the item.

The facts offered are those :func:`jiuye.eligibility.facts.facts_for` reads from the
registry for the entity, labelled from the policy package; nothing here knows a policy.
"""

from __future__ import annotations

from functools import cache

from jiuye.core import clock
from jiuye.eligibility.facts import facts_for
from jiuye.eligibility.policy import package

RECORD = "record"
RECORD_LABEL = "申请人（单位）已在登记信息中（身份或主体资格已核验）"
#: Entities with a registry record a case is linked to.
ENTITY_LABELS = {"person": "人员登记信息", "employer": "单位登记信息"}


@cache
def registry_facts(entity: str) -> tuple[tuple[str, str], ...]:
    """(fact name, label) of the facts the registry derives for ``entity``."""
    if entity not in ENTITY_LABELS:
        return ()
    columns = set(facts_for(entity, [], clock.today()).columns)
    return tuple(
        (spec.name, spec.label)
        for spec in package().facts.for_entity(entity)
        if spec.name in columns
    )


def proof_choices() -> list[tuple[str, object]]:
    """Choices of ``GuideItem.proved_by`` (grouped by entity) for the administrator."""
    choices: list[tuple[str, object]] = [
        ("", "—（不能由登记信息证明，须提交）"),
        (RECORD, RECORD_LABEL),
    ]
    for entity, label in ENTITY_LABELS.items():
        choices.append(
            (label, [(name, f"{text}（{name}）") for name, text in registry_facts(entity)])
        )
    return choices


def proof_label(key: str, entity: str) -> str:
    """The words that say what proves an item (empty: nothing, or a key unknown now)."""
    if key == RECORD:
        return "申请人已在登记信息中" if entity == "person" else "单位已在登记信息中"
    return dict(registry_facts(entity)).get(key, "")


def proof_problem(key: str, entity: str | None) -> str | None:
    """Why ``key`` cannot prove an item of a rule of ``entity`` (None: it can)."""
    if not key or key == RECORD:
        return None
    if entity is None or not any(name == key for name, _ in registry_facts(entity)):
        where = ENTITY_LABELS.get(entity or "", "该事项申请人的登记信息")
        return f"“{key}”不是{where}中的事实，不能用来证明这项材料"
    return None
