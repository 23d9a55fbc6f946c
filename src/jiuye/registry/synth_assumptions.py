"""The stated assumptions of the synthetic population (see :mod:`jiuye.registry.synth`).

Figures with a source are marked in the generator's docstring; every other share here is
an assumption chosen only to exercise every rule path, describing no real population.
"""

from __future__ import annotations

COUNTY_WEIGHTS = {
    "220702": 612816,
    "220721": 607640,
    "220722": 639205,
    "220723": 301438,
    "220781": 718987,
}
URBAN_SHARE = 0.4689
ZONE = "220771"
POOLING_REGION = "220700"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红宇浩然欣怡子涵梓轩"
P_EDUCATION = {
    "primary": 15,
    "junior": 35,
    "senior": 15,
    "vocational": 10,
    "junior_college": 12,
    "bachelor": 11,
    "postgraduate": 2,
}
GRADUATION_AGE = {"vocational": 18, "junior_college": 21, "bachelor": 22, "postgraduate": 25}
P_EMPLOYED, P_REGISTERED = 0.60, 0.08
P_FORM = {"employee": 70, "flexible": 17, "self_employed": 10, "internship": 3}
P_DISABLED, P_DISABILITY_UNKNOWN = 0.06, 0.05
P_DIFFICULTY_AMONG_REGISTERED = 0.3
P_CERTIFICATE, P_TRAINING, P_EXTRA_BUSINESS = 0.10, 0.10, 0.02
P_HOUSEHOLD_STATUS = {"dibao": 0.05, "jdlk": 0.03, "tekun": 0.01, "poor_disabled": 0.01}
OCCUPATIONS = ("电工", "焊工", "育婴员", "养老护理员", "中式烹调师", "汽车维修工", "农机修理工")
DIFFICULTY_CATEGORIES = ("大龄失业人员", "残疾人", "低保家庭成员", "长期失业人员", "零就业家庭成员")
SIZE_RANGES = {"micro": (1, 9), "small": (10, 99), "medium": (100, 299), "large": (300, 1000)}
MIN_WAGE_PERCENT_FEN = 1680
P_RURAL_TRANSFER, P_TRANSFER_ENDED = 0.25, 0.1
P_GRASSROOTS, GRASSROOTS_MONTHS = 0.1, 24
P_PROGRAM = {"xuandiao": 15, "sanzhi_yifu": 35, "xibu": 15, "tegang": 25, "public_service_post": 10}
P_ASSESSMENT = {"passed": 90, "failed": 5, "unknown": 5}
P_LEADER, P_REVOKED = 0.1, 0.1
LEADER_OFFICE = "松原市农民工等人员返乡创业工作推进领导小组办公室"
OPERATING_DELAY_DAYS, P_OPERATING_UNKNOWN = 90, 0.05
CHILD_WORDS = {"male": ("儿子", "子", "长子", "次子"), "female": ("女儿", "女", "长女", "次女")}
