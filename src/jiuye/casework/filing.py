"""Filing (受理): one application, anywhere in the city, routed to the competent office.

Any office may take any application (市内通办). The case is routed by the rule's level
and the applicant's registered division (an employer's registered location); the
staff member who takes it at a counter is its 首问责任人. The decision is frozen at
filing (:mod:`.decisions`). A one-time benefit already received, or an open case for the
same rule and subject, is refused; the partial unique constraint on (rule, subject)
makes two simultaneous filings one case.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction

from jiuye.casework import history
from jiuye.casework.chains import chain_for, copy_steps, office_at
from jiuye.casework.deadlines import add_working_days
from jiuye.casework.decisions import freeze
from jiuye.casework.errors import CaseConflict, CaseInvalid, CaseRefused
from jiuye.casework.models import Case, CaseState, CaseStep, Channel, Decision, Level, StepState
from jiuye.core import clock
from jiuye.eligibility.policy import bindings, package
from jiuye.geo.models import Division
from jiuye.identity import IdentifierError, parse_credit_code, parse_resident_id
from jiuye.registry.models import BenefitReceipt, Employer, Person
from jiuye.rules.model import received_fact

#: Entities that apply as a unit (统一社会信用代码); the rest are people.
UNIT_ENTITIES = ("employer", "organization")
_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_code(on: date) -> str:
    """A case code: date and 6 random characters (no 0/O, 1/I), e.g. ``SY20261202K7Q2MX``."""
    return f"SY{on:%Y%m%d}" + "".join(secrets.choice(_CODE_ALPHABET) for _ in range(6))


def benefit_rules(entity: str | None = None) -> list[Any]:
    """The rules a case can be filed for: the package's benefits (of ``entity``)."""
    pkg = package()
    return [
        r
        for r in pkg.rules.values()
        if r.kind == "benefit" and (entity is None or r.entity == entity)
    ]


def _rule(rule_id: str) -> Any:
    rule = package().rules.get(rule_id)
    if rule is None or rule.kind != "benefit":
        raise CaseInvalid("unknown_rule", "没有这项补贴或扶持事项", extra={"field": "rule"})
    return rule


def _subject(entity: str, subject_id: str) -> str:
    try:
        if entity in UNIT_ENTITIES:
            return parse_credit_code(subject_id).number
        return parse_resident_id(subject_id, today=clock.today()).number
    except IdentifierError as error:
        label = "统一社会信用代码" if entity in UNIT_ENTITIES else "居民身份证号码"
        raise CaseInvalid(
            "invalid_subject", f"{label}有误：{error.message}", extra={"field": "subject_id"}
        ) from error


def _mobile(mobile: str) -> str:
    mobile = (mobile or "").strip()
    if mobile and not (len(mobile) == 11 and mobile.isdigit() and mobile[0] == "1"):
        raise CaseInvalid(
            "invalid_mobile", "手机号码应为 11 位数字，以 1 开头", extra={"field": "mobile"}
        )
    return mobile


def _record(entity: str, number: str, name: str) -> Person | Employer | None:
    record: Person | Employer | None
    if entity == "person":
        record = Person.objects.filter(resident_id=number).select_related("division").first()
    else:
        record = Employer.objects.filter(credit_code=number).select_related("division").first()
    if record is not None and record.name.strip() != name.strip():
        raise CaseInvalid(
            "name_mismatch",
            "姓名（名称）与登记信息不一致，请核对后重新填写",
            extra={"field": "subject_name"},
        )
    return record


def _division(record: Person | Employer | None, division_code: str) -> Division:
    if record is not None:
        return record.division
    division = (
        Division.objects.filter(code=division_code, level__gte=3).order_by("-vintage").first()
        if division_code
        else None
    )
    if division is None or not division.code.startswith("2207"):
        raise CaseInvalid(
            "division_required",
            "登记信息中没有此申请人：请选择户籍（或注册）所在的松原市县（市、区）、乡镇或社区",
            extra={"field": "division_code"},
        )
    return division


def _refuse_received(
    rule: Any, record: Person | Employer | None, frozen_facts: Mapping[str, Any]
) -> None:
    if not rule.once:
        return
    received = frozen_facts.get(received_fact(rule.id)) is True
    if record is not None and not received:
        field = "person" if isinstance(record, Person) else "employer"
        received = BenefitReceipt.objects.filter(rule=rule.id, **{field: record}).exists()
    if received:
        raise CaseRefused(
            "already_received",
            f"已享受过{rule.title}（一次性补贴，不能重复申请）",
            extra={"rule": rule.id},
        )


def _refuse_open(rule: Any, number: str) -> None:
    open_case = Case.objects.filter(rule_id=rule.id, subject_id=number, holds_slot=True).first()
    if open_case is not None:
        what = "正在办理中的" if open_case.state != CaseState.READY else "已核准的"
        raise CaseConflict(
            "case_exists",
            f"已有{what}同一事项申请（办件编号 {open_case.code}），不能重复申请",
            extra={"code": open_case.code},
        )


@transaction.atomic
def file_case(
    *,
    rule_id: str,
    subject_id: str,
    subject_name: str,
    channel: str,
    mobile: str = "",
    contact_name: str = "",
    declared: Mapping[str, Any] | None = None,
    division_code: str = "",
    actor: Any = None,
    taken_office: Any = None,
    taken_code: str = "",
    source: str = "screen",
) -> Case:
    """File one application; raise a :class:`~jiuye.core.errors.JiuyeError` with a
    Chinese message for anything refused (nothing is written then)."""
    rule = _rule(rule_id)
    entity = rule.entity
    if channel not in Channel.values:
        raise CaseInvalid("invalid_channel", "受理渠道有误", extra={"field": "channel"})
    subject_name = (subject_name or "").strip()
    if not subject_name or len(subject_name) > 200:
        raise CaseInvalid(
            "name_required", "请填写申请人姓名（单位名称）", extra={"field": "subject_name"}
        )
    if channel == Channel.COUNTER and actor is None:
        raise CaseRefused("counter_needs_staff", "窗口受理须由工作人员办理")
    number = _subject(entity, subject_id)
    phone = _mobile(mobile)
    record = _record("person" if entity == "person" else "employer", number, subject_name)
    division = _division(record, division_code)
    today = clock.today()
    _refuse_open(rule, number)
    record_id = record.pk if record is not None and entity != "organization" else None
    frozen = freeze(
        rule_id=rule.id,
        entity=entity,
        as_of=today,
        record_id=record_id,
        declared=declared or {},
    )
    _refuse_received(rule, record, frozen.facts)
    if frozen.result.status == "ineligible" and channel == Channel.ONLINE:
        failed = "；".join(r.text for r in frozen.result.reasons if r.value is False)
        raise CaseRefused(
            "ineligible",
            f"根据登记信息和您填写的情况，暂不符合条件：{failed}。如有不同意见，可到窗口申请复核",
            extra={"rule": rule.id},
        )
    chain = chain_for(rule.id, today)
    city_handled = rule.id in bindings().city_handled_rules
    handling = office_at(division, Level.CITY if city_handled else Level.COUNTY)
    case = Case(
        code=new_code(today),
        rule_id=rule.id,
        title=rule.title,
        clause=rule.clause,
        entity=entity,
        subject_id=number,
        subject_name=subject_name,
        contact_name=(contact_name or "").strip()[:50],
        mobile=phone,
        person=record if isinstance(record, Person) else None,
        employer=record if isinstance(record, Employer) and entity == "employer" else None,
        division=division,
        division_code=division.code,
        handling_code=handling.code,
        channel=channel,
        taken_office=taken_office,
        taken_code=taken_code,
        first_responder=actor if channel == Channel.COUNTER else None,
        state=CaseState.REVIEWING,
        position=1,
        filed_on=today,
        status=frozen.result.status,
        amount_fen=frozen.result.amount_fen,
        declared=dict(declared or {}),
    )
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError as error:
        raise CaseConflict("case_exists", "已有正在办理中的同一事项申请，不能重复申请") from error
    Decision.objects.create(
        case=case,
        kind=Decision.Kind.FILING,
        as_of=today,
        status=frozen.result.status,
        amount_fen=frozen.result.amount_fen,
        result=frozen.result_json,
        facts=frozen.facts,
        parameters=frozen.parameters,
        package=frozen.result.package,
        rule_version=frozen.result.version,
        created_by=actor,
    )
    steps = copy_steps(case, chain, division, city_handled=city_handled)
    start_step(steps[0], today)
    office = taken_office.name if taken_office is not None else "网上办事大厅"
    history.event(
        case, "file", actor=actor, by_applicant=actor is None, office=office, source=source
    )
    return case


def start_step(step: CaseStep, today: date) -> None:
    """Make ``step`` the active one, with its due day in working days."""
    due, note = (None, "办理时限未设定")
    if step.working_days is not None:
        due, note = add_working_days(today, step.working_days)
    CaseStep.objects.filter(pk=step.pk).update(
        state=StepState.ACTIVE, started_on=today, due_on=due, due_note=note
    )
    step.state, step.started_on, step.due_on, step.due_note = StepState.ACTIVE, today, due, note
