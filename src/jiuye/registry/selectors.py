"""One person, household or employer as the engine's case facts on a date.

Values are the engine's JSON forms (dates ISO, money in yuan strings, percent "3.46");
what the registry does not know is left out, never defaulted (DESIGN.md, "unknowns").
The definitions are in :mod:`jiuye.registry.rules_terms`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db.models import QuerySet

from jiuye.identity import age_on
from jiuye.registry import rules_terms as t
from jiuye.registry.models import Employer, EmployerYear, Household, Person, UnemploymentRate
from jiuye.registry.models.choices import (
    HIGHER_EDUCATION,
    EducationLevel,
    HouseholdStatusKind,
    RecognitionKind,
)
from jiuye.rules.money import fen_to_yuan
from jiuye.rules.periods import completed

Facts = dict[str, Any]


def person_queryset() -> QuerySet[Person]:
    """People with everything ``person_facts`` reads, fetched in a fixed number of queries."""
    return Person.objects.select_related("division", "membership__household").prefetch_related(
        "membership__household__statuses", "difficulty_certifications",
        "unemployment_registrations", "employments__employer", "businesses", "trainings",
        "certificates", "benefits", "grassroots_services__division", "recognitions",
        "rural_transfers__division")


def household_queryset() -> QuerySet[Household]:
    return Household.objects.prefetch_related(
        "statuses", "members__person__employments", "members__person__unemployment_registrations")


def _jobs_in_force(person: Person, as_of: date) -> list[Any]:
    return [j for j in person.employments.all() if t.in_force(j.start, j.end, as_of)]


def _put(facts: Facts, name: str, value: Any) -> None:
    if value is None:
        return
    facts[name] = value.isoformat() if isinstance(value, date) else value


def _latest(records: list[Any], when: str, as_of: date) -> Any:
    started = [r for r in records if getattr(r, when) <= as_of]
    return max(started, key=lambda r: (getattr(r, when), r.pk), default=None)


def _active_statuses(household: Household | None, as_of: date) -> set[str] | None:
    if household is None:
        return None
    return {s.kind for s in household.statuses.all() if t.in_force(s.start, s.end, as_of)}


def _current_job(person: Person, as_of: date) -> Any:
    return max(_jobs_in_force(person, as_of), key=lambda j: (j.start, j.pk), default=None)


def _registration(person: Person, as_of: date) -> Any:
    regs = [r for r in person.unemployment_registrations.all()
            if t.in_force(r.registered_on, r.ended_on, as_of)]
    return max(regs, key=lambda r: (r.registered_on, r.pk), default=None)


def person_facts(person: Person, as_of: date) -> Facts:
    facts: Facts = {"resident_id": person.resident_id}
    _put(facts, "hukou_type", person.hukou_type)
    facts["hukou_in_songyuan"] = person.division.code.startswith(t.SONGYUAN_PREFIX)
    level = person.education_level
    if level is not None:
        graduated = person.graduation_date is None or person.graduation_date <= as_of
        facts["is_college_graduate"] = level in HIGHER_EDUCATION and graduated
        facts["is_vocational_graduate"] = level == EducationLevel.VOCATIONAL and graduated
        facts["school_leaver_not_continuing"] = level in t.SCHOOL_LEAVER_LEVELS and graduated
    _put(facts, "graduation_date", person.graduation_date)
    facts["certified_difficulty"] = any(
        t.in_force(c.start, c.exit_on, as_of) for c in person.difficulty_certifications.all())
    membership = getattr(person, "membership", None)
    statuses = _active_statuses(membership.household if membership else None, as_of)
    if statuses is not None and membership is not None:
        for name, kind in t.HOUSEHOLD_STATUS_FACTS.items():
            facts[name] = kind in statuses
        facts["poor_family_child"] = (not statuses.isdisjoint(t.POOR_FAMILY_STATUSES)
                                      and t.is_child_relation(membership.relation))
    for name in ("is_disabled", "has_national_student_loan", "has_social_insurance",
                 "pays_flexible_social_insurance", "ui_contribution_months"):
        _put(facts, name, getattr(person, name))
    registration = _registration(person, as_of)
    facts["registered_unemployed"] = registration is not None
    if registration is not None:
        facts["seeking_work_or_business"] = True
        _put(facts, "laid_off_enterprise_worker", registration.laid_off_enterprise_worker)
    _job_facts(facts, _current_job(person, as_of), registration is not None)
    _business_facts(facts, person, as_of)
    training = _latest(list(person.trainings.all()), "start", as_of)
    if training is not None:
        facts["training_kind"] = training.kind
        facts["training_class_hours"] = training.class_hours
        facts["training_completed"] = (training.completed_on is not None
                                       and training.completed_on <= as_of)
    certificate = _latest(list(person.certificates.all()), "issue_date", as_of)
    if certificate is not None:
        facts["certificate_level"] = certificate.level
        _put(facts, "certificate_issue_date", certificate.issue_date)
        _put(facts, "certificate_shortage_trade", certificate.shortage_trade)
    received = {b.rule for b in person.benefits.all() if b.paid_on <= as_of}
    for rule in t.RECEIPT_RULES:
        facts[f"received_{rule}"] = rule in received
    _put(facts, "rural_transfer_worker", _rural_transfer_worker(person, as_of))
    _grassroots_facts(facts, person, as_of)
    facts["city_return_entrepreneur_leader"] = any(
        r.kind == RecognitionKind.CITY_RETURN_ENTREPRENEUR_LEADER
        and t.in_force(r.recognised_on, r.revoked_on, as_of) for r in person.recognitions.all())
    return facts


def _rural_transfer_worker(person: Person, as_of: date) -> bool | None:
    if any(t.in_force(r.registered_on, r.ended_on, as_of) for r in person.rural_transfers.all()):
        return True
    if person.hukou_type == "urban":
        return False
    if person.hukou_type == "rural" and any(
            j.form in t.TRANSFER_FORMS for j in _jobs_in_force(person, as_of)):
        return True
    return None


def _grassroots_facts(facts: Facts, person: Person, as_of: date) -> None:
    service = _latest(list(person.grassroots_services.all()), "start", as_of)
    if service is None:
        return
    facts["grassroots_program"] = service.program
    _put(facts, "grassroots_service_start", service.start)
    if service.end is not None and service.end <= as_of:
        _put(facts, "grassroots_assessment_passed", service.assessment_passed)


def _job_facts(facts: Facts, job: Any, registered: bool) -> None:
    if job is None:
        if registered:
            facts.update(employed=False, employment_form="unemployed",
                         hiring_unit_kind="none", is_enterprise_employee=False)
        return
    facts["employed"] = True
    facts["in_recognised_internship"] = job.form == "internship"
    if job.form in t.ENGINE_FORMS:
        facts["employment_form"] = job.form
    employer = job.employer
    kind = employer.kind if employer is not None else None
    if job.form != "employee" or employer is not None:
        facts["is_enterprise_employee"] = job.form == "employee" and kind == "enterprise"
    if employer is not None:
        _put(facts, "hiring_unit_kind", t.hiring_unit_kind(kind, employer.size_class))
    if job.form == "employee":
        _put(facts, "hire_date", job.start)
        _put(facts, "labor_contract_months", job.contract_months)
        _put(facts, "employer_pays_social_insurance", job.employer_pays_social_insurance)


def _business_facts(facts: Facts, person: Person, as_of: date) -> None:
    founded = [b for b in person.businesses.all() if b.license_date <= as_of]
    latest = _latest(founded, "license_date", as_of)
    if latest is None:
        return
    facts["business_kind"] = latest.kind
    facts["is_first_business"] = len(founded) == 1
    _put(facts, "business_license_date", latest.license_date)
    facts["business_operating_normally"] = latest.status == "operating"


def is_working_age(person: Person, as_of: date) -> bool:
    low, high = t.WORKING_AGE[person.sex]
    return person.birth_date <= as_of and low <= age_on(person.birth_date, as_of) <= high


def _stable_job(job: Any, contract: int | None, continuous: int | None,
                as_of: date) -> bool | None:
    """Whether one job in force is 稳定就业 (rules_terms); None when a figure is unknown."""
    if job.form == "employee":
        if contract is None or job.contract_months is None:
            return None
        return bool(job.contract_months >= contract)
    if job.form in t.FLEXIBLE_FORMS:
        return None if continuous is None else completed(job.start, months=continuous, on=as_of)
    return False


def _stably_employed(jobs: list[Any], registered: bool, contract: int | None,
                     continuous: int | None, as_of: date) -> bool | None:
    if not jobs:
        return False if registered else None
    answers = {_stable_job(j, contract, continuous, as_of) for j in jobs}
    return True if True in answers else None if None in answers else False


def household_facts(household: Household, as_of: date, *,
                    params: Mapping[str, object] | None = None) -> Facts:
    """``params`` (parameter name → value) replaces the package's values on ``as_of``."""
    statuses = _active_statuses(household, as_of) or set()
    facts: Facts = {"is_dibao_household": HouseholdStatusKind.DIBAO in statuses}
    members = [m.person for m in household.members.all()]
    working = [p for p in members if is_working_age(p, as_of)]
    if any(p.is_disabled is None for p in working):
        return facts
    able = [p for p in working if p.is_disabled is False]
    facts["able_members"] = len(able)
    contract, continuous = t.stability_months(as_of, params)
    employed: list[bool | None] = []
    stable: list[bool | None] = []
    for p in able:
        jobs = _jobs_in_force(p, as_of)
        registered = _registration(p, as_of) is not None
        employed.append(True if jobs else False if registered else None)
        stable.append(_stably_employed(jobs, registered, contract, continuous, as_of))
    if None not in employed:
        facts["employed_members"] = sum(1 for e in employed if e)
    if None not in stable:
        facts["stably_employed_members"] = sum(1 for e in stable if e)
    return facts


def employer_facts(employer: Employer, as_of: date) -> Facts:
    facts: Facts = {"credit_code": employer.credit_code}
    _put(facts, "ownership", employer.ownership)
    _put(facts, "pooling_region_code", employer.pooling_region_code)
    years = {y.year: y for y in EmployerYear.objects.filter(
        employer=employer, year__in=(as_of.year - 1, as_of.year))}
    last, this = years.get(as_of.year - 1), years.get(as_of.year)
    if employer.pooling_region_code:
        rate = UnemploymentRate.objects.filter(region_code=employer.pooling_region_code,
                                               year=as_of.year - 1).first()
        if rate is not None:
            whole, frac = divmod(rate.rate_bp, 100)
            facts["pooling_region_unemployment_rate"] = f"{whole}.{frac:02d}"
    if last is not None:
        _put(facts, "last_year_layoffs", last.layoffs)
        _put(facts, "last_year_avg_insured", last.avg_insured)
        if last.ui_premiums_fen is not None:
            facts["last_year_ui_premiums"] = fen_to_yuan(last.ui_premiums_fen)
    if this is not None:
        _put(facts, "ui_insured", this.ui_insured)
        if this.ui_arrears_fen is not None:
            facts["ui_premiums_paid_in_full"] = this.ui_arrears_fen == 0
        _put(facts, "stabilization_measures", this.stabilization_measures)
        if this.recruitment_posts is not None:
            facts["recruiting_new_staff"] = this.recruitment_posts > 0
        _put(facts, "new_recruitment_posts", this.recruitment_posts)
        _put(facts, "veteran_recruitment_posts", this.veteran_posts)
        _put(facts, "apprenticeship_pilot", this.apprenticeship_pilot)
        _put(facts, "apprenticeship_training_conducted", this.apprenticeship_training)
    return facts
