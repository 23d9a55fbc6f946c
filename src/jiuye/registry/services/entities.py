"""Upserts of people, households and employers, and their dated child records.

Each function runs in one transaction and writes one ``ChangeLog`` row describing
what changed; a call that changes nothing writes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import models, transaction

from jiuye.identity import IdentifierError, parse_credit_code, parse_resident_id
from jiuye.registry.models import (
    BenefitReceipt,
    Business,
    Certificate,
    DifficultyCertification,
    Employer,
    EmployerYear,
    EmploymentRecord,
    GrassrootsService,
    Household,
    HouseholdMember,
    HouseholdStatus,
    Person,
    Recognition,
    RuralTransferRegistration,
    Training,
    UnemploymentRegistration,
)
from jiuye.registry.services.common import (
    EMPLOYER_SENSITIVE,
    Actor,
    RegistryError,
    check_source,
    field_changes,
    json_value,
    log_change,
    pick,
    resolve_division,
)

PERSON_FIELDS = frozenset(
    {
        "resident_id",
        "name",
        "division",
        "hukou_type",
        "education_level",
        "graduation_date",
        "is_disabled",
        "is_veteran",
        "has_national_student_loan",
        "ui_contribution_months",
        "has_social_insurance",
        "pays_flexible_social_insurance",
    }
)
EMPLOYER_FIELDS = frozenset(
    {"credit_code", "name", "kind", "ownership", "size_class", "division", "pooling_region_code"}
)
EMPLOYER_YEAR_FIELDS = frozenset(
    f.name for f in EmployerYear._meta.get_fields() if f.name not in ("id", "employer")
)

# Child records of a person, by the name used in the history.
PERSON_RECORDS: dict[str, type[models.Model]] = {
    "employment": EmploymentRecord,
    "unemployment_registration": UnemploymentRegistration,
    "difficulty_certification": DifficultyCertification,
    "certificate": Certificate,
    "training": Training,
    "business": Business,
    "benefit": BenefitReceipt,
    "grassroots_service": GrassrootsService,
    "recognition": Recognition,
    "rural_transfer": RuralTransferRegistration,
}
# A dated record's (start, end) fields: an end before its start is refused.
PERIODS: dict[type[models.Model], tuple[str, str]] = {
    EmploymentRecord: ("start", "end"),
    UnemploymentRegistration: ("registered_on", "ended_on"),
    DifficultyCertification: ("start", "exit_on"),
    Training: ("start", "completed_on"),
    GrassrootsService: ("start", "end"),
    Recognition: ("recognised_on", "revoked_on"),
    RuralTransferRegistration: ("registered_on", "ended_on"),
}


def _identity_error(field: str, exc: IdentifierError) -> RegistryError:
    return RegistryError(exc.code, field, exc.message_zh, exc.message_en)


@transaction.atomic
def person_upsert(*, actor: Actor, source: str, data: Mapping[str, Any]) -> Person:
    """Create or update the person with ``data["resident_id"]``; sex and birth date follow it."""
    check_source(source)
    values = pick(data, PERSON_FIELDS, "人员")
    try:
        parsed = parse_resident_id(str(values.get("resident_id", "")))
    except IdentifierError as exc:
        raise _identity_error("resident_id", exc) from exc
    values["resident_id"] = parsed.number
    if "division" in values:
        values["division"] = resolve_division(values["division"])
    values.update(sex=parsed.sex, birth_date=parsed.birth_date)
    person = Person.objects.select_for_update().by_resident_id(parsed.number).first()
    creating = person is None
    if person is None:
        if "division" not in values or not values.get("name"):
            raise RegistryError(
                "required",
                "division" if values.get("name") else "name",
                "新登记人员须填写姓名和户籍所在地",
                "a new person needs a name and a division",
            )
        person = Person()
    changes = field_changes(person, values, creating=creating)
    if changes:
        person.full_clean(exclude=["division"], validate_unique=False)
        person.save()
        log_change(
            entity="person",
            object_id=person.pk,
            action="create" if creating else "update",
            source=source,
            actor=actor,
            changes=changes,
        )
    return person


def _check_period(record: models.Model) -> None:
    start, end = PERIODS.get(type(record), ("", ""))
    began, ended = getattr(record, start, None), getattr(record, end, None)
    if began is not None and ended is not None and ended < began:
        raise RegistryError("invalid_period", end, "结束日期早于开始日期", "end is before start")


@transaction.atomic
def person_add_record(
    *, actor: Actor, source: str, person: Person, kind: str, data: Mapping[str, Any]
) -> models.Model:
    """Add a dated record (``kind`` from ``PERSON_RECORDS``) to a person's file."""
    check_source(source)
    model = PERSON_RECORDS.get(kind)
    if model is None:
        raise RegistryError("unknown_record", "kind", "记录类型不正确", "unknown record kind")
    allowed = frozenset(f.name for f in model._meta.concrete_fields) - {"id", "person"}
    values = pick(data, allowed, "记录")
    if "division" in values:  # as in force on the record's own date
        dated = values.get(PERIODS.get(model, ("license_date",))[0])
        values["division"] = resolve_division(
            values["division"], on=dated if isinstance(dated, date) else None
        )
    record = model(person=person, **values)
    exclude = ["division", "employer", "person"]
    record.clean_fields(exclude=exclude)
    _check_period(record)
    record.full_clean(exclude=exclude)
    record.save()
    log_change(
        entity="person",
        object_id=person.pk,
        action="add",
        source=source,
        actor=actor,
        changes={kind: {k: json_value(v) for k, v in values.items()}},
    )
    return record


@transaction.atomic
def employer_upsert(*, actor: Actor, source: str, data: Mapping[str, Any]) -> Employer:
    check_source(source)
    values = pick(data, EMPLOYER_FIELDS, "用人单位")
    try:
        values["credit_code"] = parse_credit_code(str(values.get("credit_code", ""))).number
    except IdentifierError as exc:
        raise _identity_error("credit_code", exc) from exc
    if "division" in values:
        values["division"] = resolve_division(values["division"])
    employer = (
        Employer.objects.select_for_update().filter(credit_code=values["credit_code"]).first()
    )
    creating = employer is None
    if employer is None:
        if "division" not in values or not values.get("name") or not values.get("kind"):
            raise RegistryError(
                "required",
                "name",
                "新登记单位须填写名称、类型和所在地",
                "a new employer needs a name, kind and division",
            )
        employer = Employer()
    changes = field_changes(employer, values, creating=creating, sensitive=EMPLOYER_SENSITIVE)
    if changes:
        employer.full_clean(exclude=["division"], validate_unique=False)
        employer.save()
        log_change(
            entity="employer",
            object_id=employer.pk,
            action="create" if creating else "update",
            source=source,
            actor=actor,
            changes=changes,
        )
    return employer


@transaction.atomic
def employer_year_upsert(
    *, actor: Actor, source: str, employer: Employer, year: int, data: Mapping[str, Any]
) -> EmployerYear:
    check_source(source)
    values = pick(data, EMPLOYER_YEAR_FIELDS - {"year"}, "年度情况")
    row = EmployerYear.objects.select_for_update().filter(employer=employer, year=year).first()
    creating = row is None
    if row is None:
        row = EmployerYear(employer=employer, year=year)
    changes = field_changes(row, values, creating=creating)
    if changes or creating:
        row.full_clean(exclude=["employer"], validate_unique=False)
        row.save()
        log_change(
            entity="employer",
            object_id=employer.pk,
            action="year",
            source=source,
            actor=actor,
            changes={f"year_{year}": changes},
        )
    return row


@transaction.atomic
def household_upsert(*, actor: Actor, source: str, number: str, division: Any) -> Household:
    check_source(source)
    if not number:
        raise RegistryError("required", "number", "须填写家庭编号", "number is required")
    where = resolve_division(division)
    household = Household.objects.select_for_update().filter(number=number).first()
    creating = household is None
    if household is None:
        household = Household(number=number)
    changes = field_changes(household, {"division": where}, creating=creating)
    if changes:
        household.save()
        log_change(
            entity="household",
            object_id=household.pk,
            action="create" if creating else "update",
            source=source,
            actor=actor,
            changes=changes,
        )
    return household


@transaction.atomic
def household_add_member(
    *, actor: Actor, source: str, household: Household, person: Person, relation: str
) -> HouseholdMember:
    """Put a person in a household (moving them out of any other)."""
    check_source(source)
    member, created = HouseholdMember.objects.update_or_create(
        person=person, defaults={"household": household, "relation": relation}
    )
    log_change(
        entity="household",
        object_id=household.pk,
        action="member",
        source=source,
        actor=actor,
        changes={"member": {"person": person.pk, "relation": relation, "created": created}},
    )
    return member


@transaction.atomic
def household_add_status(
    *, actor: Actor, source: str, household: Household, data: Mapping[str, Any]
) -> HouseholdStatus:
    check_source(source)
    values = pick(data, frozenset({"kind", "start", "end"}), "家庭类别")
    status = HouseholdStatus(household=household, **values)
    status.full_clean(exclude=["household"])
    if status.end is not None and status.end < status.start:
        raise RegistryError("invalid_period", "end", "结束日期早于开始日期", "end is before start")
    status.save()
    log_change(
        entity="household",
        object_id=household.pk,
        action="add",
        source=source,
        actor=actor,
        changes={"status": {k: json_value(v) for k, v in values.items()}},
    )
    return status
