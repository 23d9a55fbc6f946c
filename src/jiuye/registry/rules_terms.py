"""How registry data reads as the engine's facts: the terms both paths share.

The single-record selectors (:mod:`jiuye.registry.selectors`) and the set-based frames
(:mod:`jiuye.registry.frames`) follow these same definitions, and a test keeps them equal.

Stated assumptions (no figure in shared/data/README.md or the policy text):

- working age is 16 to 59 for men and 16 to 54 for women (the statutory retirement
  ages of 60 for men and 55 for female cadres; the bureau may narrow it);
- a record is in force on day D when it started on or before D and has not ended on or
  before D (end dates are exclusive);
- "last year" for employer figures is the calendar year before the as-of date,
  "this year" the calendar year of the as-of date.
"""

from __future__ import annotations

import calendar
from datetime import date

from jiuye.registry.models.choices import HouseholdStatusKind, SizeClass

SONGYUAN_PREFIX = "2207"
WORKING_AGE = {"male": (16, 59), "female": (16, 54)}
# Person facts read from a household status of the person's household.
HOUSEHOLD_STATUS_FACTS = {
    "household_jdlk_poor": HouseholdStatusKind.JDLK,
    "household_dibao": HouseholdStatusKind.DIBAO,
    "household_poor_disabled": HouseholdStatusKind.POOR_DISABLED,
    "is_tekun": HouseholdStatusKind.TEKUN,
}
# One-time benefits whose receipt the engine reads as ``received_<rule>``.
RECEIPT_RULES = ("startup_subsidy", "job_seeking_subsidy")
SMALL_MICRO = (SizeClass.SMALL, SizeClass.MICRO)
ENGINE_FORMS = ("employee", "flexible", "self_employed")


def in_force(start: date | None, end: date | None, as_of: date) -> bool:
    return start is not None and start <= as_of and (end is None or end > as_of)


def hiring_unit_kind(kind: str | None, size_class: str | None) -> str | None:
    """The engine's ``hiring_unit_kind`` for an employer, or None when unknown."""
    if kind in ("public_sector", "social_organization"):
        return kind
    if size_class is None:
        return None
    return "small_micro_enterprise" if size_class in SMALL_MICRO else "other_enterprise"


def division_prefix(code: str, level: int) -> str:
    """The code prefix every division under this one shares (GB/T 2260 digits by level).

    >>> division_prefix("220700", 2), division_prefix("220702", 3), division_prefix("22", 1)
    ('2207', '220702', '22')
    """
    return code[: {1: 2, 2: 4, 3: 6, 4: 9}.get(level, 12)]


def anniversary_key(birth: date, year: int) -> int:
    """Month*100+day of the birthday in ``year`` (29 February → 28 in common years)."""
    day = min(birth.day, calendar.monthrange(year, birth.month)[1])
    return birth.month * 100 + day
