"""The one place the self-check reads the clock (tests replace ``today``).

The as-of date of a self-check is today in Asia/Shanghai, whatever the server's zone.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def today() -> date:
    """Today's date in Asia/Shanghai."""
    return datetime.now(SHANGHAI).date()
