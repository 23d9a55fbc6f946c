from __future__ import annotations

import pytest

from jiuye.core import messages
from tests.casework.world import TODAY, build_world


@pytest.fixture
def world(db, clock):
    clock.set(TODAY)
    messages.outbox.clear()
    return build_world()
