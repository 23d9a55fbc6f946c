"""django-ratelimit reads the wall clock (``time.time()``) for its windows: a test that
makes N requests could straddle a window's edge and see the count start again. The
fixture makes the library read :mod:`jiuye.core.clock` instead, frozen by the ``clock``
fixture, so windows are exact and ``clock.advance`` moves into the next one.
"""

from __future__ import annotations

from types import SimpleNamespace

import django_ratelimit.core
import pytest

from jiuye.core import clock as core_clock


@pytest.fixture
def ratelimit_clock(clock, monkeypatch) -> object:
    monkeypatch.setattr(
        django_ratelimit.core, "time", SimpleNamespace(time=lambda: core_clock.now().timestamp())
    )
    return clock
