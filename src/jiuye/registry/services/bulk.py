"""Bulk loading of a whole population (synthetic data, data exchange), in batches.

One history row per person, household and employer created, as the single-record
services write (:func:`jiuye.core.audit.record_many`); child records are logged with their
owner's creation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db import models, transaction

from jiuye.core import audit
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
from jiuye.registry.services.common import EMPLOYER_SENSITIVE, Actor, check_source, logged

BATCH_SIZE = 1000


@dataclass
class BulkPopulation:
    """Unsaved model instances, parents before children (FKs may point at unsaved parents)."""

    employers: list[Employer] = field(default_factory=list)
    employer_years: list[EmployerYear] = field(default_factory=list)
    persons: list[Person] = field(default_factory=list)
    households: list[Household] = field(default_factory=list)
    members: list[HouseholdMember] = field(default_factory=list)
    household_statuses: list[HouseholdStatus] = field(default_factory=list)
    employments: list[EmploymentRecord] = field(default_factory=list)
    unemployment_registrations: list[UnemploymentRegistration] = field(default_factory=list)
    difficulty_certifications: list[DifficultyCertification] = field(default_factory=list)
    certificates: list[Certificate] = field(default_factory=list)
    trainings: list[Training] = field(default_factory=list)
    businesses: list[Business] = field(default_factory=list)
    benefits: list[BenefitReceipt] = field(default_factory=list)
    grassroots_services: list[GrassrootsService] = field(default_factory=list)
    recognitions: list[Recognition] = field(default_factory=list)
    rural_transfers: list[RuralTransferRegistration] = field(default_factory=list)

    def batches(self) -> list[tuple[str, Sequence[models.Model]]]:
        return [(name, getattr(self, name)) for name in self.__dataclass_fields__]


PERSON_LOGGED = ("resident_id", "name", "division", "hukou_type", "education_level")
EMPLOYER_LOGGED = ("credit_code", "name", "kind", "ownership", "size_class", "division")


def _creation_logs(
    entity: str,
    objects: Sequence[models.Model],
    fields: Sequence[str],
    sensitive: dict[str, Callable[[str], str]] | None = None,
) -> list[audit.Entry]:
    kwargs = {} if sensitive is None else {"sensitive": sensitive}
    return [
        audit.Entry(
            entity, obj.pk, "create", {f: logged(f, getattr(obj, f), **kwargs) for f in fields}
        )
        for obj in objects
    ]


def bulk_load(
    population: BulkPopulation,
    *,
    actor: Actor,
    source: str,
    progress: Callable[[str, int], None] | None = None,
) -> dict[str, int]:
    """Insert everything in one transaction; returns the count of rows per kind."""
    check_source(source)
    counts: dict[str, int] = {}
    with transaction.atomic():
        for name, objects in population.batches():
            if not objects:
                continue
            model = type(objects[0])
            for start in range(0, len(objects), BATCH_SIZE):
                chunk = list(objects[start : start + BATCH_SIZE])
                model._default_manager.bulk_create(chunk, batch_size=BATCH_SIZE)
                if progress is not None:
                    progress(name, len(chunk))
            counts[name] = len(objects)
        logs = (
            _creation_logs("person", population.persons, PERSON_LOGGED)
            + _creation_logs("employer", population.employers, EMPLOYER_LOGGED, EMPLOYER_SENSITIVE)
            + _creation_logs("household", population.households, ("number", "division"))
        )
        counts["change_logs"] = audit.record_many(
            logs, actor=actor, source=source, batch_size=BATCH_SIZE
        )
    return counts
