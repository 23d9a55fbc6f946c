"""Derived statuses the text defines, shared by several rules.

Each is also a rule of its own (kind ``status``), so screens can show it and other rules
reuse the very same expression object.
"""

from __future__ import annotations

from pathlib import Path

from jiuye.rules import AgeYears, AsOf, Condition, Fact, Param, Year
from jiuye.rules.calendar import load_calendar

F = Fact

#: The State Council's holidays and make-up working days (民法典 第二百零三条), extended
#: by an administrator each year; every "within N months" deadline reads it.
HOLIDAYS = load_calendar(
    Path(__file__).resolve().parents[2] / "calendars" / "state_council_holidays.yaml"
)

#: 毕业年度 is the calendar year of graduation (1 January to 31 December).
IN_GRADUATION_YEAR = Year(F("graduation_date")).eq(Year(AsOf()))

#: 劳动年龄 in full years (周岁): 16 to 59 for men, 16 to 54 for women (dated parameters).
#: Written so that sex is asked only when it matters (an age between the two upper bounds):
#: at most the women's bound is working age for anyone (the women's bound is the lower).
_AGE = AgeYears(F("birth_date"))
WORKING_AGE = (_AGE >= Param("working_age.min_years")) & (
    (_AGE <= Param("working_age.max_years_female"))
    | (F("sex").eq("male") & (_AGE <= Param("working_age.max_years_male")))
)

#: 三（五）: workers (劳动者: of working age) from rural Songyuan households registered as
#: poor (建档立卡) count as employment-difficulty persons for every employment support measure.
SONGYUAN_RURAL_JDLK = (
    F("hukou_type").eq("rural") & F("hukou_in_songyuan") & F("household_jdlk_poor") & WORKING_AGE
)
EMPLOYMENT_DIFFICULTY = F("certified_difficulty") | SONGYUAN_RURAL_JDLK

#: The text's words for the status, cited where another clause applies it.
DIFFICULTY_TEXT = (
    "经认定的就业困难人员，或劳动年龄内的农村松原籍建档立卡贫困家庭劳动者（比照就业困难人员）"
)

#: 三（四）: the layoff rate (last year's layoffs over last year's average insured staff) is
#: strictly below the registered urban unemployment rate of the pooling region (低于 excludes
#: equality). Rates are in 1/10000 (3.46% → 346), so the test is exact integer arithmetic:
#: layoffs × 10000 < rate × average. No layoffs at all qualifies (人社部发〔2014〕76号:
#: "上年度未裁员或裁员率低于统筹地区城镇登记失业率").
LAYOFF_RATE_BELOW = F("last_year_layoffs").eq(0) | (
    F("last_year_layoffs") * 10000
    < F("pooling_region_unemployment_rate") * F("last_year_avg_insured")
)

#: 三（七）: a household with at least one member of working age able to work, none employed.
ZERO_EMPLOYMENT = (F("able_members") >= 1) & F("employed_members").eq(0)


def cond(
    id_: str, text: str, clause: str, expr: object, origins: tuple[str, ...] = ()
) -> Condition:
    """A condition; ``expr`` is a rule expression (typed loosely to keep rule files terse).

    ``origins`` names the clauses the condition's content comes from when ``clause``
    applies a definition made elsewhere (e.g. 二（三） applying 三（五）'s 比照).
    """
    from jiuye.rules import Expr

    assert isinstance(expr, Expr)
    return Condition(id_, text, clause, expr, origins)
