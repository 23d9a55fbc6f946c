"""How the registry's terms read as the facts of the Songyuan 2018 measures.

Plain data (codes and strings, no registry import: policy packages sit below the
registry). The derivation in :mod:`jiuye.eligibility` reads these and nothing else of
the policy's meaning; the codes are the registry's stored values.

Stated assumptions (no figure in shared/data/README.md or the policy text):

- working age is 16 to 59 for men and 16 to 54 for women (the statutory retirement
  ages of 60 for men and 55 for female cadres; the bureau may narrow it);
- a record is in force on day D when it started on or before D and has not ended on or
  before D (end dates are exclusive);
- "last year" for employer figures is the calendar year before the as-of date,
  "this year" the calendar year of the as-of date.

Stated readings of the person and household facts of 二（三）、三（二）、三（三）、三（七）、
四（三） (the text defines none of these terms; the bureau may narrow or widen each one):

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
- ``business_operating_since`` (二（三）“有正常经营行为1年以上”): the 开始正常经营日期
  recorded on the latest business licensed on or before the as-of date, as recorded
  (a date after the as-of date says that normal operation had not begun on it); not
  recorded: unknown. The licence date alone does not show when operation began.
- ``birth_date`` and ``sex``: the person record's, as read from the identity number.
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

#: 户籍在松原: the division code of the person's hukou begins with Songyuan's (GB/T 2260).
SONGYUAN_PREFIX = "2207"
# Working age by sex is a set of dated parameters (parameters/working_age/), the same
# figures the rules of 三（五） read; the keys are bindings of the package.
#: Person facts read from a household status (registry code) of the person's household.
HOUSEHOLD_STATUS_FACTS: dict[str, str] = {
    "household_jdlk_poor": "jdlk",
    "household_dibao": "dibao",
    "household_poor_disabled": "poor_disabled",
    "is_tekun": "tekun",
}
#: The household status that makes ``is_dibao_household``.
DIBAO_STATUS = "dibao"
#: 贫困家庭: every household status the registry keeps is an official finding of poverty.
POOR_FAMILY_STATUSES: tuple[str, ...] = ("jdlk", "dibao", "tekun", "poor_disabled")
#: 子女 of the household head, written out or as a GB/T 4761-2008 家庭关系代码.
CHILD_RELATIONS: frozenset[str] = frozenset(
    {
        "子",
        "女",
        "子女",
        "儿子",
        "女儿",
        "儿女",
        "独生子",
        "独生女",
        "独子",
        "独女",
        "长子",
        "次子",
        "二子",
        "三子",
        "四子",
        "五子",
        "长女",
        "次女",
        "二女",
        "三女",
        "四女",
        "五女",
        "大儿子",
        "二儿子",
        "三儿子",
        "小儿子",
        "大女儿",
        "二女儿",
        "三女儿",
        "小女儿",
        "养子",
        "养女",
        "继子",
        "继女",
        "养子或继子",
        "养女或继女",
        "其他儿子",
        "其他女儿",
        "20",
        "21",
        "22",
        "23",
        "24",
        "25",
        "26",
        "27",
        "29",
        "30",
        "31",
        "32",
        "33",
        "34",
        "35",
        "36",
        "37",
        "39",
    }
)
#: 高校毕业生: these highest levels (普通高等学校专科、本科、研究生).
COLLEGE_LEVELS: tuple[str, ...] = ("junior_college", "bachelor", "postgraduate")
#: 中职毕业生: this highest level (中等职业学校，含技工学校).
VOCATIONAL_LEVEL = "vocational"
#: 初高中毕业生: these highest levels (初中, 普通高中).
SCHOOL_LEAVER_LEVELS: tuple[str, ...] = ("junior", "senior")
#: Registry forms of work that are the engine's ``employment_form`` values as they are.
ENGINE_FORMS: tuple[str, ...] = ("employee", "flexible", "self_employed")
#: The registry form that is a recognised internship (就业见习).
INTERNSHIP_FORM = "internship"
#: Non-farm forms of work that show a rural worker has transferred.
TRANSFER_FORMS: tuple[str, ...] = ENGINE_FORMS
#: Forms of work that are stable after ``STABLE_CONTINUOUS_MONTHS`` months.
FLEXIBLE_FORMS: tuple[str, ...] = ("flexible", "self_employed")
#: Employer kinds that are the engine's ``hiring_unit_kind`` values as they are.
UNIT_KINDS: tuple[str, ...] = ("public_sector", "social_organization")
#: Size classes (registry codes) of a 小微企业.
SMALL_MICRO: tuple[str, ...] = ("small", "micro")
#: The employer kind that makes an employee an 企业在职职工.
ENTERPRISE_KIND = "enterprise"
#: The business status that is 正常经营.
OPERATING_STATUS = "operating"
#: The recognition kind behind ``city_return_entrepreneur_leader``.
CITY_LEADER_RECOGNITION = "city_return_entrepreneur_leader"
# The one-time benefits read as ``received_<rule>`` and the two 稳定就业 parameter keys
# are bindings of the package (``bindings.py``), declared once there.
