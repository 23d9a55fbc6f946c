"""The one place the project reads the clock.

Everything else asks :func:`today` or :func:`now`; a lint rule bans ``date.today``,
``datetime.now`` and ``timezone.now`` elsewhere. Dates are Asia/Shanghai dates whatever
the server's time zone. Tests freeze the clock with :func:`frozen` (or the ``clock``
fixture of the pytest plugin).

Framework-free (no Django import), so the engine's callers and the CLI may use it.

>>> from datetime import date, datetime
>>> with frozen(datetime(2019, 6, 30, 23, 59, tzinfo=SHANGHAI)):
...     today()
datetime.date(2019, 6, 30)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

__all__ = ["SHANGHAI", "advance", "frozen", "now", "today"]

SHANGHAI = ZoneInfo("Asia/Shanghai")

_frozen: datetime | None = None


def now() -> datetime:
    """The current moment, aware, in Asia/Shanghai."""
    if _frozen is not None:
        return _frozen
    return datetime.now(SHANGHAI)


def today() -> date:
    """Today's date in Asia/Shanghai."""
    return now().date()


@contextmanager
def frozen(moment: datetime | date) -> Iterator[None]:
    """Freeze :func:`now` at ``moment`` (a date means its midnight in Shanghai)."""
    global _frozen
    if not isinstance(moment, datetime):
        moment = datetime(moment.year, moment.month, moment.day, tzinfo=SHANGHAI)
    if moment.tzinfo is None:
        raise ValueError("a frozen moment must be aware")
    before, _frozen = _frozen, moment.astimezone(SHANGHAI)
    try:
        yield
    finally:
        _frozen = before


def advance(delta: timedelta) -> None:
    """Move a frozen clock forward (for idle and absolute timeouts in tests)."""
    global _frozen
    if _frozen is None:
        raise RuntimeError("the clock is not frozen")
    _frozen = _frozen + delta
