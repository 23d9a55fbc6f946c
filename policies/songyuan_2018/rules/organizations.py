"""Bodies the text supports: incubators, training bases, return-home bases."""

from __future__ import annotations

from jiuye.rules import Fact, Param, Rule

from policies.songyuan_2018.rules.common import cond

F = Fact

incubation_base_support = Rule(
    id="incubation_base_support",
    title="创业孵化基地和创业园区资金扶持",
    entity="organization",
    clause="二（三）",
    kind="benefit",
    fund="受益财政",
    conditions=(
        cond(
            "incubator", "创业孵化基地或创业园区", "二（三）", F("org_type").eq("incubation_base")
        ),
        cond("registered", "依法注册", "二（三）", F("legally_registered")),
        cond(
            "founder",
            "由各级政府、市内高校或企业创办",
            "二（三）",
            F("founder_type").isin(("government", "city_university", "enterprise")),
        ),
        cond("conditions", "符合认定条件", "二（三）", F("meets_incubator_conditions")),
    ),
    amount=Param("incubation_base_support.amount_fen"),
    amount_text="按规定给予一定资金扶持",
)

home_service_training_base_subsidy = Rule(
    id="home_service_training_base_subsidy",
    title="市级家庭服务职业培训示范基地建设补助",
    entity="organization",
    clause="四（五）",
    kind="benefit",
    once=True,
    conditions=(
        cond(
            "home_service_base",
            "家庭服务职业培训基地",
            "四（五）",
            F("org_type").eq("home_service_training_base"),
        ),
        cond(
            "rated",
            "被评为市级家庭服务职业培训示范基地",
            "四（五）",
            F("rated_city_home_service_demo_base"),
        ),
    ),
    amount=Param("home_service_training_base_subsidy.amount_fen"),
    amount_text="每户5万元",
    readings=("“每户5万元”按每个被评定的基地一次性给予。",),
)

return_home_base_support = Rule(
    id="return_home_base_support",
    title="市级农民工返乡创业基地资金补助",
    entity="organization",
    clause="三（三）",
    kind="benefit",
    payer="市政府",
    conditions=(
        cond(
            "return_base",
            "农民工返乡创业基地",
            "三（三）",
            F("org_type").eq("return_entrepreneurship_base"),
        ),
        cond(
            "city_level",
            "经认定为市级返乡创业基地",
            "三（三）",
            F("rated_city_return_entrepreneurship_base"),
        ),
    ),
    amount=Param("return_home_entrepreneurship_support.amount_fen"),
    amount_text="适当资金补助，标准待主管部门公布",
)

RULES = (incubation_base_support, home_service_training_base_subsidy, return_home_base_support)
