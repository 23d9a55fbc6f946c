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
    return Division.objects.filter(code=code).order_by("-vintage").first() or \
        DivisionFactory(code=code)


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
        lambda o: dt.date(int(o.resident_id[6:10]), int(o.resident_id[10:12]),
                          int(o.resident_id[12:14])))
    division = factory.LazyFunction(lambda: _division("220702001"))
    hukou_type = "urban"


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.Employer

    credit_code = factory.Sequence(
        lambda n: make_credit_code("9", "1", "220702", f"MA{n:06d}"))
    name = factory.Faker("company", locale="zh_CN")
    kind = m.EmployerKind.ENTERPRISE
    ownership = m.Ownership.PRIVATE
    size_class = m.SizeClass.SMALL
    division = factory.LazyFunction(lambda: _division("220702001"))
