from __future__ import annotations

from datetime import date

import pytest

from jiuye.core import clock

AS_OF = date(2019, 6, 1)


@pytest.fixture
def fixed_today(monkeypatch: pytest.MonkeyPatch) -> date:
    """Today is 1 June 2019 (Asia/Shanghai) for the self-check's as-of date.

    Only ``today`` moves: drafts keep real creation and expiry times, which the model's
    ``auto_now_add`` stamps (a fully frozen clock is the ``clock`` fixture).
    """
    monkeypatch.setattr(clock, "today", lambda: AS_OF)
    return AS_OF
