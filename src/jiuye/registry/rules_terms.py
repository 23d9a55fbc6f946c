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

Stated readings of the person and household facts of 三（二）、三（三）、三（七）、四（三）
(the text defines none of these terms; the bureau may narrow or widen each one here):

- ``poor_family_child`` (贫困家庭子女): the person's household has a 建档立卡、低保、特困 or
  贫困残疾人 status in force on the as-of date (``POOR_FAMILY_STATUSES``: each is an
  official finding that the family is poor, by the poverty-alleviation office, civil
  affairs under 《社会救助暂行办法》 or the disabled persons' federation), and the
  person's relation to the household head is a child (``CHILD_RELATIONS``: the usual
  Chinese forms and the GB/T 4761-2008 家庭关系代码 20–27, 29, 30–37, 39; children-in-law
  and grandchildren are not children). Not in a household: unknown; household not poor on
  that day: false; poor but not a child of the head: false.
- ``school_leaver_not_continuing`` (城乡未继续升学的初高中毕业生): highest level 初中 or
  普通高中, graduated on or before the as-of date (an unknown graduation date counts as
  graduated, as for ``is_college_graduate``); a highest level of 中职 means the person
  did continue after 初中 and 中职 is not 普通高中, so false, as are 小学 and every higher
  level; unknown level: unknown. The registry knows no current enrolment: a person whose
  highest completed level is 初中 or 高中 is read as not continuing. The national
  "应届" limit (财社〔2017〕164号) is not in this text and is not applied.
- ``rural_transfer_worker`` (农村转移就业劳动者): a 农村劳动力转移就业登记 in force on the
  as-of date: true; otherwise rural hukou with an employment record in force in a
  non-farm form (employee, flexible, self-employed): true; urban hukou (and no
  registration): false; rural or unknown hukou without either: unknown, because workers
  who moved out of Songyuan have no local employment record, so the absence of one does
  not show that a rural worker has not transferred.
- ``grassroots_program``/``grassroots_service_start`` (三（二）): the latest 基层服务项目
  record started on or before the as-of date; ``grassroots_assessment_passed`` is its
  期满考核 result, known from its end date on (before that, or when not recorded:
  unknown). No record: all three unknown (选调生、西部计划、特岗 are run by other
  departments, so the registry's list is not known to be complete).
- ``city_return_entrepreneur_leader`` (三（三）): a 市级返乡创业带头人 认定 in force on the
  as-of date (recognised on or before it, not revoked on or before it): true; otherwise
  false, because the registry keeps the city's list of these recognitions as it keeps
  就业困难人员认定.
- ``stably_employed_members`` (三（七）“稳定就业”): an able working-age member is stably
  employed on the as-of date when an employment record in force is an employee job with
  a labour contract of at least ``STABLE_CONTRACT_MONTHS`` months, or flexible work or
  self-employment that started at least ``STABLE_CONTINUOUS_MONTHS`` months before (both
  inclusive, 民法典 第二百零二条); an internship is not stable employment; a member
  without a job in force who is registered unemployed is not. Both figures are dated
  parameters of the policy package, unset as shipped: a member whose answer depends on
  an unset figure or an unknown contract term is unknown, and the count is given only
  when no member is unknown (a household where nobody has a job counts 0 whatever the
  figures).
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping
from datetime import date, timedelta

from jiuye.registry.models.choices import EducationLevel, HouseholdStatusKind, SizeClass
from jiuye.rules.periods import add_months

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
# 贫困家庭: every household status the registry keeps is an official finding of poverty.
POOR_FAMILY_STATUSES = (HouseholdStatusKind.JDLK, HouseholdStatusKind.DIBAO,
                        HouseholdStatusKind.TEKUN, HouseholdStatusKind.POOR_DISABLED)
# 子女 of the household head, written out or as a GB/T 4761-2008 家庭关系代码.
CHILD_RELATIONS = frozenset({
    "子", "女", "子女", "儿子", "女儿", "儿女", "独生子", "独生女", "独子", "独女",
    "长子", "次子", "二子", "三子", "四子", "五子", "长女", "次女", "二女", "三女", "四女",
    "五女", "大儿子", "二儿子", "三儿子", "小儿子", "大女儿", "二女儿", "三女儿", "小女儿",
    "养子", "养女", "继子", "继女", "养子或继子", "养女或继女", "其他儿子", "其他女儿",
    "20", "21", "22", "23", "24", "25", "26", "27", "29",
    "30", "31", "32", "33", "34", "35", "36", "37", "39"})
# White space a relation may carry. Python's \s already has \x1c-\x1f (str.isspace);
# Polars' (Rust's) does not, so the class names them and both paths strip the same.
RELATION_SPACE = re.compile(r"[\s\x1c-\x1f]")
SCHOOL_LEAVER_LEVELS = (EducationLevel.JUNIOR, EducationLevel.SENIOR)
# Non-farm forms of work that show a rural worker has transferred.
TRANSFER_FORMS = ENGINE_FORMS
FLEXIBLE_FORMS = ("flexible", "self_employed")
STABLE_CONTRACT_MONTHS = "household_employment_assistance.stable_min_contract_months"
STABLE_CONTINUOUS_MONTHS = "household_employment_assistance.stable_min_continuous_months"


def in_force(start: date | None, end: date | None, as_of: date) -> bool:
    return start is not None and start <= as_of and (end is None or end > as_of)


def relation_key(text: str) -> str:
    """A relation as written, without any white space (half- or full-width).

    >>> relation_key(" 长\u3000女 ")
    '长女'
    """
    return RELATION_SPACE.sub("", text)


def is_child_relation(text: str) -> bool:
    return relation_key(text) in CHILD_RELATIONS


def stability_months(as_of: date, params: Mapping[str, object] | None = None
                     ) -> tuple[int | None, int | None]:
    """The 稳定就业 figures in force on ``as_of``: (contract months, continuous months).

    Read from the policy package unless ``params`` (parameter name → value) is given.
    """
    if params is None:
        from jiuye.evaluation import package

        params = package().params_at(as_of)
    values = (params.get(STABLE_CONTRACT_MONTHS), params.get(STABLE_CONTINUOUS_MONTHS))
    contract, continuous = (v if isinstance(v, int) and not isinstance(v, bool) else None
                            for v in values)
    return contract, continuous


def latest_start(as_of: date, months: int) -> date:
    """The latest start whose ``months``-month period is complete on ``as_of``.

    ``add_months`` grows with its start, so "complete on as_of" is ``start <= this day``:
    the set-based frames compare with it, the selectors call ``add_months`` directly.

    >>> latest_start(date(2019, 2, 28), 1), latest_start(date(2020, 8, 1), 24)
    (datetime.date(2019, 1, 31), datetime.date(2018, 8, 1))
    """
    day = add_months(as_of, -months)
    while add_months(day, months) > as_of:
        day -= timedelta(days=1)
    while add_months(day + timedelta(days=1), months) <= as_of:
        day += timedelta(days=1)
    return day


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
