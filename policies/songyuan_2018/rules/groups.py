"""Section 三: graduates, returning migrants, firms keeping jobs, rural labour, veterans."""

from __future__ import annotations

from jiuye.rules import AddMonths, AsOf, Fact, Lit, Param, Rate, Rule, Year
from jiuye.rules.money import DOWN

from policies.songyuan_2018.rules.common import (
    IN_GRADUATION_YEAR,
    LAYOFF_RATE_BELOW,
    ZERO_EMPLOYMENT,
    cond,
)

F = Fact
GRADUATE = cond("is_college_graduate", "高校毕业生", "三（一）", F("is_college_graduate"))
FUND_EMPLOYMENT = "就业补助资金（按规定）"

job_seeking_subsidy = Rule(
    id="job_seeking_subsidy",
    title="一次性求职创业补贴",
    entity="person",
    clause="三（一）",
    kind="benefit",
    once=True,
    fund=FUND_EMPLOYMENT,
    payee="毕业生本人",
    conditions=(
        GRADUATE,
        cond("in_graduation_year", "处于毕业年度", "三（一）", IN_GRADUATION_YEAR),
        cond("seeking", "有就业创业意愿并积极求职创业", "三（一）", F("seeking_work_or_business")),
        cond(
            "target_group",
            "属低保家庭、贫困残疾人家庭、建档立卡贫困家庭、特困人员，或本人残疾，或获得国家助学贷款",
            "三（一）",
            F("household_dibao")
            | F("household_poor_disabled")
            | F("household_jdlk_poor")
            | F("is_tekun")
            | F("is_disabled")
            | F("has_national_student_loan"),
        ),
    ),
    amount=Param("job_seeking_subsidy.amount_fen"),
    amount_text="标准待主管部门公布",
)

internship_subsidy = Rule(
    id="internship_subsidy",
    title="就业见习补贴",
    entity="person",
    clause="三（一）",
    kind="benefit",
    fund=FUND_EMPLOYMENT,
    payee="见习单位",
    conditions=(
        cond(
            "graduate_or_vocational",
            "高校毕业生或中职毕业生",
            "三（一）",
            F("is_college_graduate") | F("is_vocational_graduate"),
        ),
        cond(
            "in_internship",
            "在认定的就业见习单位参加就业见习",
            "三（一）",
            F("in_recognised_internship"),
        ),
    ),
    amount=Param("internship_subsidy.amount_fen"),
    amount_text="标准待主管部门公布",
    readings=(
        "补贴对象为吸纳见习的单位，按每名见习人员测评；"
        "补贴可用于见习人员人身意外伤害保险和指导管理费用。",
    ),
)

graduate_hiring_social_insurance_subsidy = Rule(
    id="graduate_hiring_social_insurance_subsidy",
    title="小微企业招用毕业年度高校毕业生社会保险补贴",
    entity="person",
    clause="三（一）",
    kind="benefit",
    fund=FUND_EMPLOYMENT,
    payee="招用单位",
    conditions=(
        GRADUATE,
        cond(
            "small_micro_or_social_org",
            "招用单位为小微企业或社会组织（社会组织同等享受）",
            "三（一）",
            F("hiring_unit_kind").isin(("small_micro_enterprise", "social_organization")),
        ),
        cond(
            "hired_in_graduation_year",
            "在毕业年度内被招用",
            "三（一）",
            Year(F("hire_date")).eq(Year(F("graduation_date"))),
        ),
        cond(
            "contract_one_year",
            "签订1年以上劳动合同",
            "三（一）",
            F("labor_contract_months")
            >= Param("graduate_hiring_social_insurance_subsidy.min_contract_months"),
        ),
        cond(
            "employer_pays_si",
            "单位为其缴纳社会保险费",
            "三（一）",
            F("employer_pays_social_insurance"),
        ),
    ),
    amount=Param("graduate_hiring_social_insurance_subsidy.amount_fen"),
    amount_text="按单位实际缴纳的社会保险费，标准待主管部门公布",
    readings=(
        "合同期限与缴费条件取国家规定：财社〔2017〕164号《就业补助资金管理办法》"
        "（签订1年以上劳动合同并缴纳社会保险费的小微企业）。",
    ),
    national_basis=("财社〔2017〕164号",),
)

graduate_flexible_employment_social_insurance_subsidy = Rule(
    id="graduate_flexible_employment_social_insurance_subsidy",
    title="高校毕业生灵活就业（自主创业）社会保险补贴",
    entity="person",
    clause="三（一）",
    kind="benefit",
    fund=FUND_EMPLOYMENT,
    payee="毕业生本人",
    conditions=(
        GRADUATE,
        cond(
            "flexible_or_self_employed",
            "灵活就业或自主创业",
            "三（一）",
            F("employment_form").isin(("flexible", "self_employed")),
        ),
        cond(
            "pays_si",
            "以灵活就业人员身份缴纳社会保险费",
            "三（一）",
            F("pays_flexible_social_insurance"),
        ),
    ),
    amount=Param("graduate_flexible_employment_social_insurance_subsidy.amount_fen"),
    amount_text="标准待主管部门公布",
    readings=(
        "离校后期限：本文件未规定；本条所落实的国家规定（财社〔2017〕164号《就业补助资金"
        "管理办法》）的期限未能以原文核实（所见转载有“离校1年内”与“离校2年内”两种），"
        "故不设离校期限条件，按高校毕业生灵活就业（自主创业）并缴费判断；主管部门核实后"
        "可自其日期起增设规则版本。",
    ),
    national_basis=("财社〔2017〕164号",),
)

grassroots_service_establishment = Rule(
    id="grassroots_service_establishment",
    title="基层服务期满考核合格落实编制",
    entity="person",
    clause="三（二）",
    kind="benefit",
    payer="当地政府",
    conditions=(
        GRADUATE,
        cond(
            "in_program",
            "参加“选调生”“三支一扶计划”“志愿者服务西部计划”或“教师特岗计划”",
            "三（二）",
            F("grassroots_program").isin(("xuandiao", "sanzhi_yifu", "xibu", "tegang")),
        ),
        cond(
            "served_two_years",
            "服务基层满2年（含本数）",
            "三（二）",
            AsOf()
            >= AddMonths(
                F("grassroots_service_start"),
                Param("grassroots_service_establishment.min_service_months"),
            ),
        ),
        cond("assessment_passed", "经考核合格", "三（二）", F("grassroots_assessment_passed")),
    ),
    amount_text="按规定程序落实编制（非现金）",
    readings=("“满2年”按《民法典》第二百零二条计算：开始日加2年的对应日当日满。",),
)

return_home_entrepreneurship_support = Rule(
    id="return_home_entrepreneurship_support",
    title="市级返乡创业带头人资金补助",
    entity="person",
    clause="三（三）",
    kind="benefit",
    payer="市政府",
    conditions=(
        cond(
            "city_leader",
            "经认定的市级返乡创业带头人",
            "三（三）",
            F("city_return_entrepreneur_leader"),
        ),
    ),
    amount=Param("return_home_entrepreneurship_support.amount_fen"),
    amount_text="适当资金补助，标准待主管部门公布",
)

job_stabilization_subsidy = Rule(
    id="job_stabilization_subsidy",
    title="稳岗补贴",
    entity="employer",
    clause="三（四）",
    kind="benefit",
    fund="失业保险基金",
    payee="企业",
    conditions=(
        cond("ui_insured", "依法参加失业保险", "三（四）", F("ui_insured")),
        cond("paid_in_full", "足额缴纳失业保险费", "三（四）", F("ui_premiums_paid_in_full")),
        cond("measures", "采取有效措施稳定就业岗位", "三（四）", F("stabilization_measures")),
        cond(
            "layoff_rate_below",
            "上年度裁员率低于统筹地区上年度城镇登记失业率（未裁员视为满足；相等不满足）",
            "三（四）",
            LAYOFF_RATE_BELOW,
        ),
    ),
    amount=Rate(
        F("last_year_ui_premiums"),
        Param("job_stabilization_subsidy.premium_share_percent"),
        Lit(100),
        rounding=DOWN,
    ),
    amount_text="上年度企业及其职工实际缴纳失业保险费总额的50%（不足1分舍去）",
    readings=(
        "“低于”不含本数：裁员率等于失业率时不符合。",
        "裁员率 = 上年度裁员人数 ÷ 上年度月平均参保职工人数；上年度未裁员的视为满足"
        "（人社部发〔2014〕76号）。",
        "统筹地区失业率取参考表（按地区和年度），案例也可自带该数。",
    ),
    national_basis=("人社部发〔2014〕76号",),
)

layoff_rate_below_unemployment_rate = Rule(
    id="layoff_rate_below_unemployment_rate",
    title="上年度裁员率低于统筹地区城镇登记失业率",
    entity="employer",
    clause="三（四）",
    kind="status",
    conditions=(
        cond(
            "layoff_rate_below",
            "上年度裁员率低于统筹地区上年度城镇登记失业率",
            "三（四）",
            LAYOFF_RATE_BELOW,
        ),
    ),
)

labor_export_service_subsidy = Rule(
    id="labor_export_service_subsidy",
    title="有组织劳务输出就业创业服务补贴",
    entity="organization",
    clause="三（五）",
    kind="benefit",
    payer="所在地政府",
    fund=FUND_EMPLOYMENT,
    conditions=(
        cond(
            "market_body",
            "人力资源服务机构、劳务经纪人等市场主体",
            "三（五）",
            F("org_type").isin(("hr_service_agency", "labor_broker")),
        ),
        cond(
            "out_of_county",
            "开展县域外有组织劳务输出",
            "三（五）",
            F("organized_out_of_county_export"),
        ),
        cond("workers_exported", "有组织输出劳动者1人以上", "三（五）", F("exported_workers") >= 1),
    ),
    amount=Param("labor_export_service_subsidy.amount_fen"),
    amount_text="标准待主管部门公布",
)

zero_employment_household = Rule(
    id="zero_employment_household",
    title="零就业家庭",
    entity="household",
    clause="三（七）",
    kind="status",
    conditions=(
        cond(
            "zero_employment",
            "有劳动能力的劳动年龄成员至少1人，且均未就业",
            "三（七）",
            ZERO_EMPLOYMENT,
        ),
    ),
)

household_employment_assistance = Rule(
    id="household_employment_assistance",
    title="家庭就业援助对象（确保至少1人稳定就业）",
    entity="household",
    clause="三（七）",
    kind="status",
    conditions=(
        cond(
            "zero_or_dibao",
            "零就业家庭，或有劳动能力成员的低保家庭",
            "三（七）",
            ZERO_EMPLOYMENT | (F("is_dibao_household") & (F("able_members") >= 1)),
        ),
        cond("none_stable", "尚无成员稳定就业", "三（七）", F("stably_employed_members").eq(0)),
    ),
)

soe_veteran_hiring_quota = Rule(
    id="soe_veteran_hiring_quota",
    title="国有企业招聘退役军人岗位比例",
    entity="employer",
    clause="三（八）",
    kind="obligation",
    conditions=(
        cond(
            "state_owned",
            "国有、国有控股或国有资本占主导地位的企业",
            "三（八）",
            F("ownership").isin(("state_owned", "state_controlled", "state_capital_dominant")),
        ),
        cond("recruiting", "本年度新招聘员工", "三（八）", F("recruiting_new_staff")),
        cond(
            "share_at_least",
            "拿出10%以上（含本数）工作岗位择优招聘符合政府安置的退役军人",
            "三（八）",
            F("veteran_recruitment_posts") * 100
            >= Param("soe_veteran_hiring_quota.min_share_percent") * F("new_recruitment_posts"),
        ),
    ),
    readings=(
        "“10%以上”含本数（《民法典》第一千二百五十九条），按岗位数精确比较。",
        "结果“达标”指适用且达标；不适用（非国有企业或未招聘）与未达标都为“不适用或未达标”，"
        "理由中可见是哪一条。",
    ),
)

RULES = (
    job_seeking_subsidy,
    internship_subsidy,
    graduate_hiring_social_insurance_subsidy,
    graduate_flexible_employment_social_insurance_subsidy,
    grassroots_service_establishment,
    return_home_entrepreneurship_support,
    job_stabilization_subsidy,
    layoff_rate_below_unemployment_rate,
    labor_export_service_subsidy,
    zero_employment_household,
    household_employment_assistance,
    soe_veteran_hiring_quota,
)
