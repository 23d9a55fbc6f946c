"""Every write to the registry: atomic, validated, with a history row (STYLE.md)."""

from jiuye.registry.services.bulk import BulkPopulation, bulk_load
from jiuye.registry.services.common import RegistryError
from jiuye.registry.services.entities import (
    employer_upsert,
    employer_year_upsert,
    household_add_member,
    household_add_status,
    household_upsert,
    person_add_record,
    person_upsert,
)

__all__ = [
    "BulkPopulation",
    "RegistryError",
    "bulk_load",
    "employer_upsert",
    "employer_year_upsert",
    "household_add_member",
    "household_add_status",
    "household_upsert",
    "person_add_record",
    "person_upsert",
]
