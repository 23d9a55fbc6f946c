from __future__ import annotations

from datetime import date

import pytest

from jiuye.selfcheck import clock

AS_OF = date(2019, 6, 1)


@pytest.fixture
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> date:
    """The self-check's clock stopped at 1 June 2019 (Asia/Shanghai)."""
    monkeypatch.setattr(clock, "today", lambda: AS_OF)
    return AS_OF
