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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q

from jiuye.casework import history
from jiuye.casework.chains import chain_for, office_at
from jiuye.casework.deadlines import add_working_days
from jiuye.casework.decisions import freeze
from jiuye.casework.errors import CaseConflict, CaseInvalid, CaseRefused
from jiuye.casework.models import (
    Case,
    CaseState,
    CaseStep,
    ChainStep,
    Channel,
    Decision,
    Level,
    ReviewChain,
    StepState,
)
from jiuye.core import clock
from jiuye.core.errors import JiuyeError
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


def _record(record: Person | Employer | None, name: str) -> Person | Employer | None:
    if record is not None and record.name.strip() != name.strip():
        raise CaseInvalid(
            "name_mismatch",
            "姓名（名称）与登记信息不一致，请核对后重新填写",
            extra={"field": "subject_name"},
        )
    return record


def _division(record: Person | Employer | None, found: Division | None) -> Division:
    if record is not None:
        return record.division
    if found is None or not found.code.startswith("2207"):
        raise CaseInvalid(
            "division_required",
            "登记信息中没有此申请人：请选择户籍（或注册）所在的松原市县（市、区）、乡镇或社区",
            extra={"field": "division_code"},
        )
    return found


def _refuse_received(
    rule: Any, record: Person | Employer | None, frozen_facts: Mapping[str, Any], paid: bool
) -> None:
    if not rule.once:
        return
    received = frozen_facts.get(received_fact(rule.id)) is True
    if record is not None and not received:
        received = paid
    if received:
        raise CaseRefused(
            "already_received",
            f"已享受过{rule.title}（一次性补贴，不能重复申请）",
            extra={"rule": rule.id},
        )


def _refuse_open(open_case: tuple[str, str] | None) -> None:
    """``open_case``: (code, state) of the case holding the slot of this rule and subject."""
    if open_case is not None:
        code, state = open_case
        what = "正在办理中的" if state != CaseState.READY else "已核准的"
        raise CaseConflict(
            "case_exists",
            f"已有{what}同一事项申请（办件编号 {code}），不能重复申请",
            extra={"code": code},
        )


@dataclass(frozen=True)
class Application:
    """One application as its form or file gives it (see :func:`file_case`)."""

    rule_id: str
    subject_id: str
    subject_name: str
    mobile: str = ""
    contact_name: str = ""
    declared: Mapping[str, Any] | None = None
    division_code: str = ""

    def fields(self) -> dict[str, Any]:
        """The application as :func:`file_case`'s keyword arguments."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


@dataclass
class _Parsed:
    application: Application
    rule: Any
    number: str
    name: str
    phone: str


@dataclass
class _Prepared:
    case: Case
    decision: Decision
    steps: list[CaseStep]


class _Lookups:
    """What filing reads, for every application of a batch in a few queries: registry
    records, divisions, the cases holding a slot, benefits paid, chains, offices."""

    def __init__(self, parsed: list[_Parsed], today: date) -> None:
        self.today = today
        people = [p.number for p in parsed if p.rule.entity == "person"]
        units = [p.number for p in parsed if p.rule.entity != "person"]
        self.records: dict[tuple[str, str], Person | Employer] = {}
        if people:
            for person in Person.objects.filter(resident_id__in=people).select_related("division"):
                self.records[("person", person.resident_id)] = person
        if units:
            for employer in Employer.objects.filter(credit_code__in=units).select_related(
                "division"
            ):
                self.records[("employer", employer.credit_code)] = employer
        codes = {
            p.application.division_code
            for p in parsed
            if p.application.division_code and self.record(p) is None
        }
        self.divisions: dict[str, Division] = {}
        for division in Division.objects.filter(code__in=codes, level__gte=3).order_by("vintage"):
            self.divisions[division.code] = division  # the latest vintage last
        self.open: dict[tuple[str, str], tuple[str, str]] = {
            (rule_id, subject): (code, state)
            for rule_id, subject, code, state in Case.objects.filter(
                holds_slot=True, subject_id__in=[p.number for p in parsed]
            ).values_list("rule_id", "subject_id", "code", "state")
        }
        once = sorted({p.rule.id for p in parsed if p.rule.once})
        self.paid: set[tuple[str, str, int]] = set()
        if once:
            receipts = BenefitReceipt.objects.filter(rule__in=once)
            person_ids = [r.pk for k, r in self.records.items() if k[0] == "person"]
            employer_ids = [r.pk for k, r in self.records.items() if k[0] == "employer"]
            for rule_id, person_id, employer_id in receipts.filter(
                Q(person_id__in=person_ids) | Q(employer_id__in=employer_ids)
            ).values_list("rule", "person_id", "employer_id"):
                if person_id is not None:
                    self.paid.add((rule_id, "person", person_id))
                if employer_id is not None:
                    self.paid.add((rule_id, "employer", employer_id))
        self._chains: dict[str, tuple[ReviewChain, list[ChainStep]]] = {}
        self._offices: dict[tuple[int, int], Division] = {}
        self._due: dict[int | None, tuple[date | None, str]] = {}

    def record(self, parsed: _Parsed) -> Person | Employer | None:
        kind = "person" if parsed.rule.entity == "person" else "employer"
        return self.records.get((kind, parsed.number))

    def was_paid(self, rule_id: str, record: Person | Employer | None) -> bool:
        if record is None:
            return False
        kind = "person" if isinstance(record, Person) else "employer"
        return (rule_id, kind, record.pk) in self.paid

    def chain(self, rule_id: str) -> tuple[ReviewChain, list[ChainStep]]:
        if rule_id not in self._chains:
            chain = chain_for(rule_id, self.today)
            steps = list(
                ChainStep.objects.filter(chain=chain).select_related("role").order_by("position")
            )
            self._chains[rule_id] = (chain, steps)
        return self._chains[rule_id]

    def office(self, division: Division, level: int) -> Division:
        key = (division.pk, level)
        if key not in self._offices:
            self._offices[key] = office_at(division, level)
        return self._offices[key]

    def due(self, working_days: int | None) -> tuple[date | None, str]:
        """The first step's due day (as :func:`start_step` sets it)."""
        if working_days not in self._due:
            self._due[working_days] = (
                (None, "办理时限未设定")
                if working_days is None
                else add_working_days(self.today, working_days)
            )
        return self._due[working_days]


def _parse(application: Application, channel: str, actor: Any) -> _Parsed:
    """The checks that need no database, in the order the form's fields are read."""
    rule = _rule(application.rule_id)
    if channel not in Channel.values:
        raise CaseInvalid("invalid_channel", "受理渠道有误", extra={"field": "channel"})
    name = (application.subject_name or "").strip()
    if not name or len(name) > 200:
        raise CaseInvalid(
            "name_required", "请填写申请人姓名（单位名称）", extra={"field": "subject_name"}
        )
    if channel == Channel.COUNTER and actor is None:
        raise CaseRefused("counter_needs_staff", "窗口受理须由工作人员办理")
    number = _subject(rule.entity, application.subject_id)
    return _Parsed(application, rule, number, name, _mobile(application.mobile))


def _prepare(
    parsed: _Parsed,
    lookups: _Lookups,
    *,
    channel: str,
    actor: Any,
    taken_office: Any,
    taken_code: str,
) -> _Prepared:
    """Every check of one application, the frozen decision and the rows to write."""
    rule, number, today = parsed.rule, parsed.number, lookups.today
    application = parsed.application
    record = _record(lookups.record(parsed), parsed.name)
    division = _division(record, lookups.divisions.get(application.division_code))
    _refuse_open(lookups.open.get((rule.id, number)))
    record_id = record.pk if record is not None and rule.entity != "organization" else None
    declared = dict(application.declared or {})
    frozen = freeze(
        rule_id=rule.id, entity=rule.entity, as_of=today, record_id=record_id, declared=declared
    )
    _refuse_received(rule, record, frozen.facts, lookups.was_paid(rule.id, record))
    if frozen.result.status == "ineligible" and channel == Channel.ONLINE:
        failed = "；".join(r.text for r in frozen.result.reasons if r.value is False)
        raise CaseRefused(
            "ineligible",
            f"根据登记信息和您填写的情况，暂不符合条件：{failed}。如有不同意见，可到窗口申请复核",
            extra={"rule": rule.id},
        )
    _, chain_steps = lookups.chain(rule.id)
    city_handled = rule.id in bindings().city_handled_rules
    handling = lookups.office(division, Level.CITY if city_handled else Level.COUNTY)
    case = Case(
        code=new_code(today),
        rule_id=rule.id,
        title=rule.title,
        clause=rule.clause,
        entity=rule.entity,
        subject_id=number,
        subject_name=parsed.name,
        contact_name=(application.contact_name or "").strip()[:50],
        mobile=parsed.phone,
        person=record if isinstance(record, Person) else None,
        employer=record if isinstance(record, Employer) and rule.entity == "employer" else None,
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
        declared=declared,
    )
    decision = Decision(
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
    steps = []
    for step in chain_steps:
        # the chain's steps as the case's own rows, each bound to its office; a rule the
        # package has handled by the city moves its county steps to the city
        level = Level.CITY if city_handled and step.level == Level.COUNTY else step.level
        office = lookups.office(division, level)
        first = step is chain_steps[0]
        due, note = lookups.due(step.working_days) if first else (None, "")
        steps.append(
            CaseStep(
                case=case,
                position=step.position,
                name=step.name,
                role=step.role,
                level=level,
                division_code=office.code,
                division_name=office.name,
                working_days=step.working_days,
                state=StepState.ACTIVE if first else StepState.WAITING,
                started_on=today if first else None,
                due_on=due,
                due_note=note,
            )
        )
    return _Prepared(case, decision, steps)


def _unique_codes(cases: list[Case], today: date) -> None:
    """Give each case a code no other case has (six random characters a day can repeat)."""
    taken: set[str] = set()
    while True:
        wanted = [c.code for c in cases]
        taken |= set(Case.objects.filter(code__in=wanted).values_list("code", flat=True))
        seen: set[str] = set()
        again = False
        for case in cases:
            if case.code in taken or case.code in seen:
                case.code, again = new_code(today), True
            seen.add(case.code)
        if not again:
            return


def _write(
    prepared: list[_Prepared], *, actor: Any, taken_office: Any, source: str, today: date
) -> None:
    """The rows of the cases in bulk: cases, decisions, steps, then each case's filing
    event and audit row (one trail row for the batch)."""
    cases = [p.case for p in prepared]
    _unique_codes(cases, today)
    Case.objects.bulk_create(cases)
    for p in prepared:
        p.decision.case = p.case
        for step in p.steps:
            step.case = p.case
    Decision.objects.bulk_create([p.decision for p in prepared])
    CaseStep.objects.bulk_create([s for p in prepared for s in p.steps])
    office = taken_office.name if taken_office is not None else "网上办事大厅"
    history.filed(cases, actor=actor, by_applicant=actor is None, office=office, source=source)


def file_cases(
    applications: Iterable[Application],
    *,
    channel: str,
    actor: Any = None,
    taken_office: Any = None,
    taken_code: str = "",
    source: str = "screen",
) -> list[Case | JiuyeError]:
    """File many applications in one transaction, each checked as :func:`file_case`
    checks it: per application, its case or its refusal (nothing of it written).

    The reads are batched (:class:`_Lookups`) and the rows written in bulk; two
    applications of one rule and subject make one case, the second refused. A filing
    that meets the one-open-case constraint (another transaction filed the same rule
    and subject meanwhile) makes the batch file its applications one by one instead.
    """
    items = list(applications)
    today = clock.today()
    out: list[Case | JiuyeError | None] = [None] * len(items)
    parsed: dict[int, _Parsed] = {}
    for i, application in enumerate(items):
        try:
            parsed[i] = _parse(application, channel, actor)
        except JiuyeError as error:
            out[i] = error
    with transaction.atomic():
        lookups = _Lookups(list(parsed.values()), today)
        prepared: dict[int, _Prepared] = {}
        for i, one in parsed.items():
            try:
                prepared[i] = _prepare(
                    one,
                    lookups,
                    channel=channel,
                    actor=actor,
                    taken_office=taken_office,
                    taken_code=taken_code,
                )
            except JiuyeError as error:
                out[i] = error
                continue
            # the slot is this application's now: a second one in the batch is refused
            lookups.open[(one.rule.id, one.number)] = (prepared[i].case.code, CaseState.REVIEWING)
        try:
            with transaction.atomic():
                _write(
                    list(prepared.values()),
                    actor=actor,
                    taken_office=taken_office,
                    source=source,
                    today=today,
                )
        except IntegrityError:
            for i in prepared:
                try:
                    with transaction.atomic():
                        out[i] = file_case(
                            **items[i].fields(),
                            channel=channel,
                            actor=actor,
                            taken_office=taken_office,
                            taken_code=taken_code,
                            source=source,
                        )
                except JiuyeError as error:
                    out[i] = error
        else:
            for i, ready in prepared.items():
                out[i] = ready.case
    done = [r for r in out if r is not None]
    assert len(done) == len(items)
    return done


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
    application = Application(
        rule_id=rule_id,
        subject_id=subject_id,
        subject_name=subject_name,
        mobile=mobile,
        contact_name=contact_name,
        declared=declared,
        division_code=division_code,
    )
    parsed = _parse(application, channel, actor)
    today = clock.today()
    prepared = _prepare(
        parsed,
        _Lookups([parsed], today),
        channel=channel,
        actor=actor,
        taken_office=taken_office,
        taken_code=taken_code,
    )
    try:
        with transaction.atomic():
            _write([prepared], actor=actor, taken_office=taken_office, source=source, today=today)
    except IntegrityError as error:
        # the codes were checked: another filing of this rule and subject won the slot
        raise CaseConflict("case_exists", "已有正在办理中的同一事项申请，不能重复申请") from error
    return prepared.case


def start_step(step: CaseStep, today: date) -> None:
    """Make ``step`` the active one, with its due day in working days."""
    due, note = (None, "办理时限未设定")
    if step.working_days is not None:
        due, note = add_working_days(today, step.working_days)
    CaseStep.objects.filter(pk=step.pk).update(
        state=StepState.ACTIVE, started_on=today, due_on=due, due_note=note
    )
    step.state, step.started_on, step.due_on, step.due_note = StepState.ACTIVE, today, due, note
