"""The chain of a rule in force on a date, and its copy onto a new case."""

from __future__ import annotations

from datetime import date

from jiuye.casework.errors import CaseInvalid
from jiuye.casework.models import Case, CaseStep, ChainStep, Level, ReviewChain
from jiuye.geo.models import Division


def chain_for(rule_id: str, on: date) -> ReviewChain:
    """The chain of ``rule_id`` with the latest start on or before ``on``."""
    chain = (
        ReviewChain.objects.filter(rule_id=rule_id, valid_from__lte=on)
        .order_by("-valid_from")
        .first()
    )
    if chain is None or not chain.steps.exists():
        raise CaseInvalid(
            "no_review_chain",
            "该事项尚未设定审核流程，暂不能受理：请系统管理员在“审核流程”中设定",
            extra={"rule": rule_id},
        )
    return chain


def office_at(division: Division, level: int) -> Division:
    """The ancestor of ``division`` at ``level`` (itself if already at or above it)."""
    node = division
    while node.level > level and node.parent is not None:
        node = node.parent
    return node


def copy_steps(
    case: Case, chain: ReviewChain, division: Division, *, city_handled: bool
) -> list[CaseStep]:
    """The chain's steps as the case's own rows, each bound to its office."""
    rows = []
    for step in ChainStep.objects.filter(chain=chain).select_related("role").order_by("position"):
        level = step.level
        if city_handled and level == Level.COUNTY:
            level = Level.CITY
        office = office_at(division, level)
        rows.append(
            CaseStep(
                case=case,
                position=step.position,
                name=step.name,
                role=step.role,
                level=level,
                division_code=office.code,
                division_name=office.name,
                working_days=step.working_days,
            )
        )
    return CaseStep.objects.bulk_create(rows)
