"""factory_boy factories for the registry, with Faker zh_CN names.

Identity numbers are built with ``make_resident_id`` / ``make_credit_code`` from a
sequence, so every one is valid and unique.
"""

from __future__ import annotations

import datetime as dt

import factory

from jiuye.geo.models import Division, DivisionLevel
from jiuye.identity import make_credit_code, make_resident_id
from jiuye.registry import models as m


def _division(code: str) -> Division:
    return Division.objects.filter(code=code).order_by("-vintage").first() or DivisionFactory(
        code=code
    )


class DivisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Division
        django_get_or_create = ("code", "vintage")

    code = "220702001"
    name = factory.Faker("street_name", locale="zh_CN")
    level = DivisionLevel.TOWNSHIP
    vintage = dt.date(2017, 10, 31)


def _resident_id(n: int) -> str:
    birth = dt.date(1970, 1, 1) + dt.timedelta(days=(n * 397) % 14000)
    sequence = (n * 2 + 1) % 1000
    return make_resident_id("220702", birth, sequence, "male")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Person

    resident_id = factory.Sequence(_resident_id)
    name = factory.Faker("name", locale="zh_CN")
    sex = "male"
    birth_date = factory.LazyAttribute(
        lambda o: dt.date(
            int(o.resident_id[6:10]), int(o.resident_id[10:12]), int(o.resident_id[12:14])
        )
    )
    division = factory.LazyFunction(lambda: _division("220702001"))
    hukou_type = "urban"


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Employer

    credit_code = factory.Sequence(lambda n: make_credit_code("9", "1", "220702", f"MA{n:06d}"))
    name = factory.Faker("company", locale="zh_CN")
    kind = m.EmployerKind.ENTERPRISE
    ownership = m.Ownership.PRIVATE
    size_class = m.SizeClass.SMALL
    division = factory.LazyFunction(lambda: _division("220702001"))


def _adult_id(n: int) -> str:
    # Born 1975–1994 (working age in 2018–2024), in another county than PersonFactory's
    # numbers, so the two sequences never collide.
    birth = dt.date(1975, 1, 1) + dt.timedelta(days=(n * 397) % 7000)
    return make_resident_id("220721", birth, (n * 2 + 1) % 1000, "male")


class AdultFactory(PersonFactory):
    """A man of working age (16–59) on any date from 2018 to 2024."""

    resident_id = factory.Sequence(_adult_id)


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Household

    number = factory.Sequence(lambda n: f"H-{n:06d}")
    division = factory.LazyFunction(lambda: _division("220702001"))


class HouseholdMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.HouseholdMember

    household = factory.SubFactory(HouseholdFactory)
    person = factory.SubFactory(AdultFactory)
    relation = "户主"


class HouseholdStatusFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.HouseholdStatus

    household = factory.SubFactory(HouseholdFactory)
    kind = m.HouseholdStatusKind.DIBAO
    start = dt.date(2016, 1, 1)


class EmploymentRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.EmploymentRecord

    person = factory.SubFactory(AdultFactory)
    form = m.EmploymentForm.EMPLOYEE
    start = dt.date(2016, 1, 1)


class UnemploymentRegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.UnemploymentRegistration

    person = factory.SubFactory(AdultFactory)
    division = factory.LazyFunction(lambda: _division("220702001"))
    registered_on = dt.date(2016, 1, 1)


class GrassrootsServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.GrassrootsService

    person = factory.SubFactory(AdultFactory)
    division = factory.LazyFunction(lambda: _division("220702001"))
    program = m.GrassrootsProgram.SANZHI_YIFU
    start = dt.date(2016, 8, 1)


class RecognitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Recognition

    person = factory.SubFactory(AdultFactory)
    kind = m.RecognitionKind.CITY_RETURN_ENTREPRENEUR_LEADER
    recognised_on = dt.date(2017, 5, 1)
    recognised_by = "松原市农民工等人员返乡创业工作推进领导小组办公室"
    document_number = factory.Sequence(lambda n: f"测试认〔2017〕{n + 1}号")


class RuralTransferRegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.RuralTransferRegistration

    person = factory.SubFactory(AdultFactory)
    division = factory.LazyFunction(lambda: _division("220702001"))
    registered_on = dt.date(2016, 3, 1)
