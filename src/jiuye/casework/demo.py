"""Demo review roles and chains (sample data, marked as such): every benefit rule of
the package gets a chain so that a new user can apply, review and announce after
``make run``. The working days are samples (【示例】), not the guides' figures."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction

from jiuye.casework.filing import benefit_rules
from jiuye.casework.models import ChainStep, Level, ReviewChain, ReviewRole

#: (code, name, senior)
ROLES: tuple[tuple[str, str, bool], ...] = (
    ("initial", "初审", False),
    ("second", "复审", False),
    ("approve", "审批", False),
    ("senior", "科长（上级审核）", True),
)
GROUP_PREFIX = "审核："
SINCE = date(2018, 4, 13)
SAMPLE_DAYS = 5

PERSON_CHAIN = (
    ("社区初审", "initial", Level.VILLAGE),
    ("县区复审", "second", Level.COUNTY),
    ("县区审批", "approve", Level.COUNTY),
)
UNIT_CHAIN = (("县区初审", "initial", Level.COUNTY), ("县区审批", "approve", Level.COUNTY))


def group_name(name: str) -> str:
    return GROUP_PREFIX + name


@transaction.atomic
def ensure_review_roles() -> dict[str, ReviewRole]:
    out = {}
    for code, name, senior in ROLES:
        group, _ = Group.objects.get_or_create(name=group_name(name))
        role, _ = ReviewRole.objects.update_or_create(
            code=code, defaults={"name": name, "group": group, "is_senior": senior}
        )
        out[code] = role
    return out


@transaction.atomic
def ensure_demo_chains() -> int:
    roles = ensure_review_roles()
    made = 0
    for rule in benefit_rules():
        if ReviewChain.objects.filter(rule_id=rule.id).exists():
            continue
        chain = ReviewChain.objects.create(
            rule_id=rule.id, valid_from=SINCE, note="【示例】演示审核流程", is_sample=True
        )
        steps = PERSON_CHAIN if rule.entity == "person" else UNIT_CHAIN
        ChainStep.objects.bulk_create(
            ChainStep(
                chain=chain,
                position=i,
                name=name,
                role=roles[code],
                level=level,
                working_days=SAMPLE_DAYS,
            )
            for i, (name, code, level) in enumerate(steps, start=1)
        )
        made += 1
    return made


def grant(user: Any, codes: tuple[str, ...]) -> None:
    roles = ensure_review_roles()
    for code in codes:
        user.groups.add(roles[code].group)
