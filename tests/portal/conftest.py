from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from jiuye.core import clock
from jiuye.geo.loaders import load_songyuan_2017
from jiuye.portal.demo import seed_guides, seed_offices
from jiuye.portal.models import Office, Slot


@pytest.fixture
def offices(db) -> list[Office]:
    load_songyuan_2017()
    seed_offices()
    seed_guides()
    return list(Office.objects.order_by("county__code"))


def tomorrow_at(hour: int) -> datetime:
    day = clock.today() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


@pytest.fixture
def slot(offices) -> Slot:
    return Slot.objects.create(
        office=offices[0], starts_at=tomorrow_at(9), ends_at=tomorrow_at(10), capacity=2
    )


def today() -> date:
    return clock.today()
