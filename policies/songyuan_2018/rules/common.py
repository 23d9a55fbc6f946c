"""Derived statuses the text defines, shared by several rules.

Each is also a rule of its own (kind ``status``), so screens can show it and other rules
reuse the very same expression object.
"""

from __future__ import annotations

from jiuye.rules import AsOf, Condition, Fact, Year

F = Fact

#: 毕业年度 is the calendar year of graduation (1 January to 31 December).
IN_GRADUATION_YEAR = Year(F("graduation_date")).eq(Year(AsOf()))

#: 三（五）: workers from rural Songyuan households registered as poor (建档立卡) count as
#: employment-difficulty persons for every employment support measure.
SONGYUAN_RURAL_JDLK = (F("hukou_type").eq("rural") & F("hukou_in_songyuan")
                       & F("household_jdlk_poor"))
EMPLOYMENT_DIFFICULTY = F("certified_difficulty") | SONGYUAN_RURAL_JDLK

#: 三（四）: the layoff rate (last year's layoffs over last year's average insured staff) is
#: strictly below the registered urban unemployment rate of the pooling region (低于 excludes
#: equality). Rates are in 1/10000 (3.46% → 346), so the test is exact integer arithmetic:
#: layoffs × 10000 < rate × average. No layoffs at all qualifies (人社部发〔2014〕76号:
#: "上年度未裁员或裁员率低于统筹地区城镇登记失业率").
LAYOFF_RATE_BELOW = (F("last_year_layoffs").eq(0)
                     | (F("last_year_layoffs") * 10000
                        < F("pooling_region_unemployment_rate") * F("last_year_avg_insured")))

#: 三（七）: a household with at least one member of working age able to work, none employed.
ZERO_EMPLOYMENT = (F("able_members") >= 1) & F("employed_members").eq(0)


def cond(id_: str, text: str, clause: str, expr: object) -> Condition:
    """A condition; ``expr`` is a rule expression (typed loosely to keep rule files terse)."""
    from jiuye.rules import Expr

    assert isinstance(expr, Expr)
    return Condition(id_, text, clause, expr)
