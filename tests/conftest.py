from __future__ import annotations

import pytest

from tests.factories import StaffUserFactory


@pytest.fixture
def staff_user(db):
    return StaffUserFactory(username="city_tester", first_name="王经办")
