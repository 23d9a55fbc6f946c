"""Every benefit rule of the package can be filed at a counter of another county,
reviewed through its chain by the competent office and announced (issue 11, done when)."""

from __future__ import annotations

import pytest

from jiuye.casework import publicity, review
from jiuye.casework.errors import CaseRefused
from jiuye.casework.filing import benefit_rules, file_case
from jiuye.casework.models import Case, CaseState
from jiuye.casework.review import refusal_to_act
from tests.casework.world import EMPLOYER_CODE, GRADUATE_ID

RULES = [r.id for r in benefit_rules()]


def _override(case, world, acted):
    """A senior who did no step of the case records the override."""
    for name, user in world.staff.items():
        if name in acted:
            continue
        try:
            review.record_override(code=case.code, user=user, reason="经核实符合条件")
        except CaseRefused:
            continue
        return
    raise AssertionError(f"no senior may override {case.code}")


def _subject(rule, world):
    if rule.entity == "person":
        return GRADUATE_ID, world.graduate.name, ""
    if rule.entity == "employer":
        return EMPLOYER_CODE, world.employer.name, ""
    # an organization the registry does not hold: its registered division is given
    return "91220702MA0000002K", "松原市示例职业培训学校", "220702001"


def test_the_package_has_benefit_rules_of_each_entity():
    assert {r.entity for r in benefit_rules()} >= {"person", "employer"}
    assert len(RULES) >= 10


@pytest.mark.parametrize("rule_id", RULES)
def test_each_benefit_rule_is_filed_reviewed_and_announced(world, rule_id, monkeypatch):
    monkeypatch.setattr(publicity, "period_days", lambda rule_id, on: 5)
    rule = next(r for r in benefit_rules() if r.id == rule_id)
    subject_id, name, division = _subject(rule, world)
    # when: a clerk of 扶余市 takes it for a 宁江区 applicant
    case = file_case(
        rule_id=rule_id,
        subject_id=subject_id,
        subject_name=name,
        channel="counter",
        actor=world.staff["fuyu"],
        taken_office=world.fuyu_office,
        division_code=division,
        mobile="13900001111",
    )
    steps = list(case.steps.order_by("position"))
    acted: list[str] = []
    for step in steps:
        case = Case.objects.get(pk=case.pk)
        last = step.position == steps[-1].position
        if last and case.status == "ineligible":
            _override(case, world, acted)
        row = case.steps.get(pk=step.pk)
        actor = next(
            (
                (n, u)
                for n, u in world.staff.items()
                if n not in acted and refusal_to_act(u, case, row) is None
            ),
            None,
        )
        assert actor is not None, (
            f"nobody may do {row.name} ({row.role}) at {row.division_code}: "
            f"{ {n: refusal_to_act(u, case, row) for n, u in world.staff.items()} }"
        )
        review.approve(code=case.code, user=actor[1])
        acted.append(actor[0])
    # then: handled by 宁江区 (or the city), never by the 扶余市 counter; announced
    case = Case.objects.get(pk=case.pk)
    assert len(steps) >= 2
    assert all(s.division_code.startswith("2207") for s in steps)
    assert not any(s.division_code.startswith("220781") for s in steps)
    assert case.state == CaseState.ANNOUNCING
    assert case.first_responder == world.staff["fuyu"]
    assert len(set(acted)) == len(acted)
