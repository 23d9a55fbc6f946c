from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from jiuye.core import clock
from jiuye.geo.loaders import load_songyuan_2017
from jiuye.portal.demo import seed_guides, seed_offices
from jiuye.portal.models import Office, Slot


@pytest.fixture
def offices_and_slot(db) -> Slot:
    """The demo offices and guides, and one open slot tomorrow at the first office."""
    load_songyuan_2017()
    seed_offices()
    seed_guides()
    office = Office.objects.order_by("county__code").first()
    assert office is not None
    day = clock.today() + timedelta(days=1)
    start = timezone.make_aware(datetime.combine(day, time(9, 0)))
    return Slot.objects.create(
        office=office, starts_at=start, ends_at=start + timedelta(hours=1), capacity=5
    )
