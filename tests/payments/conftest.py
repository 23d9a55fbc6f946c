from __future__ import annotations

import pytest

from jiuye.core import messages
from jiuye.payments import funds
from jiuye.payments.models import Fund
from tests.casework.world import TODAY, build_world


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """The test city's nine staff accounts hash their passwords in microseconds (the
    default hasher takes a third of a second each; no test here signs in by password)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db, clock):
    clock.set(TODAY)
    messages.outbox.clear()
    return build_world()


@pytest.fixture
def fund(db) -> Fund:
    """The fund of the start-up subsidy (二（三）: the county's own finance)."""
    found = funds.fund_for_rule("startup_subsidy")
    assert found is not None
    return found
