"""Filing: routing, the frozen decision, refusals, 首问责任人."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from jiuye.casework.errors import CaseConflict, CaseInvalid, CaseRefused
from jiuye.casework.filing import file_case
from jiuye.casework.models import Case, CaseEvent, CaseState, Decision, ReviewChain, StepState
from jiuye.core.models import ChangeLog
from jiuye.registry.models import BenefitReceipt
from tests.casework.world import EMPLOYER_CODE, GRADUATE_ID, OTHER_ID, STARTUP_FACTS


def _file(**kw):
    args = {
        "rule_id": "startup_subsidy",
        "subject_id": GRADUATE_ID,
        "subject_name": "张小三",
        "channel": "online",
        "mobile": "13900001111",
        "declared": STARTUP_FACTS,
    }
    args.update(kw)
    return file_case(**args)


def test_online_filing_freezes_the_decision_and_routes_to_the_community(world):
    # when
    case = _file()
    # then
    assert case.state == CaseState.REVIEWING
    assert case.status == "eligible"
    assert case.amount_fen == 500000
    decision = Decision.objects.get(case=case)
    assert decision.kind == "filing"
    assert decision.as_of == dt.date(2026, 6, 1)
    assert decision.result["status"] == "eligible"
    assert decision.package == "songyuan_2018"
    assert {p["name"] for p in decision.parameters} >= {"startup_subsidy.amount_fen"}
    amount = next(p for p in decision.parameters if p["name"] == "startup_subsidy.amount_fen")
    assert amount["value"] == 500000
    assert "二（三）" in amount["source"]
    steps = list(case.steps.order_by("position"))
    assert [(s.name, s.division_code, s.state) for s in steps] == [
        ("社区初审", "220702001901", StepState.ACTIVE),
        ("县区复审", "220702", StepState.WAITING),
        ("县区审批", "220702", StepState.WAITING),
    ]
    # 5 working days from Monday 1 June 2026: Monday 8 June
    assert steps[0].due_on == dt.date(2026, 6, 8)
    assert case.handling_code == "220702"
    assert case.first_responder is None
    assert CaseEvent.objects.filter(case=case, action="file").count() == 1
    assert ChangeLog.objects.filter(entity="case", object_id=case.pk, action="create").exists()


def test_identifier_is_encrypted_and_masked(world):
    case = _file()
    with connection.cursor() as cursor:
        cursor.execute("SELECT subject_id, mobile FROM casework_case WHERE id = %s", [case.pk])
        raw, raw_mobile = cursor.fetchone()
    assert "13900001111" not in raw_mobile
    assert case.mobile_masked == "139****1111"
    assert GRADUATE_ID not in raw
    assert case.subject_id_masked == "220702********123X"
    assert Case.objects.filter(subject_id=GRADUATE_ID).count() == 1


def test_counter_clerk_of_another_county_files_for_a_ningjiang_resident(world):
    # given: a clerk of 扶余市
    clerk = world.staff["fuyu"]
    # when
    case = _file(
        channel="counter", actor=clerk, taken_office=world.fuyu_office, taken_code="220781"
    )
    # then: taken in 扶余市, handled by 宁江区, the clerk answers for it
    assert case.taken_office == world.fuyu_office
    assert case.handling_code == "220702"
    assert case.first_responder == clerk
    assert case.steps.get(position=1).division_code == "220702001901"
    assert CaseEvent.objects.get(case=case, action="file").office == "扶余市就业服务大厅"


def test_a_second_open_application_is_refused_and_nothing_is_written(world):
    first = _file()
    with pytest.raises(CaseConflict) as error:
        _file()
    assert first.code in error.value.message
    assert Case.objects.count() == 1


def test_a_one_time_benefit_already_received_is_refused(world):
    BenefitReceipt.objects.create(
        person=world.graduate,
        rule="startup_subsidy",
        paid_on=dt.date(2024, 1, 1),
        amount_fen=500000,
    )
    with pytest.raises(CaseRefused) as error:
        _file()
    assert error.value.code in {"already_received", "ineligible"}
    assert Case.objects.count() == 0


def test_online_ineligible_is_refused_with_the_failed_condition(world):
    facts = dict(STARTUP_FACTS, business_operating_since="2025-06-02")  # one day short of 1 year
    with pytest.raises(CaseRefused) as error:
        _file(declared=facts)
    assert "有正常经营行为1年以上" in error.value.message
    assert Case.objects.count() == 0


def test_exactly_one_year_of_operation_is_eligible(world):
    case = _file(declared=dict(STARTUP_FACTS, business_operating_since="2025-06-01"))
    assert case.status == "eligible"


def test_counter_may_file_an_ineligible_case(world):
    facts = dict(STARTUP_FACTS, business_operating_since="2025-06-02")
    case = _file(declared=facts, channel="counter", actor=world.staff["fuyu"])
    assert case.status == "ineligible"


@pytest.mark.parametrize(
    ("field", "value", "code"),
    [
        ("subject_id", "220702199801011234", "invalid_subject"),
        ("mobile", "1390000111", "invalid_mobile"),
        ("subject_name", "李四", "name_mismatch"),
        ("subject_name", "  ", "name_required"),
        ("rule_id", "employment_difficulty_person", "unknown_rule"),
    ],
)
def test_bad_input_gets_a_chinese_message_naming_the_field(world, field, value, code):
    with pytest.raises(CaseInvalid) as error:
        _file(**{field: value})
    assert error.value.code == code
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error.value.message)
    assert Case.objects.count() == 0


def test_an_unregistered_person_must_name_their_division(world):
    with pytest.raises(CaseInvalid) as error:
        _file(subject_id=OTHER_ID, subject_name="李四")
    assert error.value.code == "division_required"
    case = _file(subject_id=OTHER_ID, subject_name="李四", division_code="220702001901")
    assert case.division_code == "220702001901"
    assert case.person is None


def test_employer_files_job_stabilization_with_the_unit_chain(world):
    case = file_case(
        rule_id="job_stabilization_subsidy",
        subject_id=EMPLOYER_CODE,
        subject_name="松原市示例科技有限公司",
        contact_name="王经理",
        channel="online",
        declared={
            "ui_insured": True,
            "ui_premiums_paid_in_full": True,
            "stabilization_measures": True,
            "last_year_layoffs": 0,
        },
    )
    assert case.employer == world.employer
    assert [s.name for s in case.steps.order_by("position")] == ["县区初审", "县区审批"]
    assert case.steps.get(position=1).division_code == "220702"


def test_a_chain_changed_from_a_later_date_applies_to_new_cases_only(world):
    # given: an open case on the old chain
    old = _file()
    chain = ReviewChain.objects.get(rule_id="startup_subsidy")
    new = ReviewChain.objects.create(rule_id="startup_subsidy", valid_from=dt.date(2026, 6, 1))
    step = chain.steps.get(position=3)
    new.steps.create(position=1, name="县区审批", role=step.role, level=step.level, working_days=3)
    # when
    Case.objects.filter(pk=old.pk).update(state=CaseState.REJECTED, holds_slot=False)
    fresh = _file()
    # then
    assert old.steps.count() == 3
    assert [s.name for s in fresh.steps.all()] == ["县区审批"]


def test_a_rule_without_chain_cannot_be_filed(world):
    ReviewChain.objects.filter(rule_id="startup_subsidy").delete()
    with pytest.raises(CaseInvalid) as error:
        _file()
    assert error.value.code == "no_review_chain"
