"""Reads of one person, household or employer with the records its detail page shows.

The engine's facts are not derived here: they are defined once, over the registry's
tables, in :mod:`jiuye.eligibility.facts` (one record and a whole city alike).
"""

from __future__ import annotations

from django.db.models import QuerySet

from jiuye.registry.models import Employer, Household, Person


def person_queryset() -> QuerySet[Person]:
    """People with every record their page lists, in a fixed number of queries."""
    return Person.objects.select_related(
        "division", "membership__household__division"
    ).prefetch_related(
        "difficulty_certifications",
        "unemployment_registrations",
        "employments__employer",
        "businesses",
        "trainings",
        "certificates",
        "benefits",
        "grassroots_services__division",
        "recognitions",
        "rural_transfers__division",
    )


def household_queryset() -> QuerySet[Household]:
    """Households with their statuses and members, in a fixed number of queries."""
    return Household.objects.select_related("division").prefetch_related(
        "statuses", "members__person__division"
    )


def employer_queryset() -> QuerySet[Employer]:
    """Employers with their yearly figures and benefits received."""
    return Employer.objects.select_related("division").prefetch_related("years", "benefits")
