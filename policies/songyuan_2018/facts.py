"""Facts the Songyuan 2018 measures need, by entity, with their Chinese labels.

The names are stable API names; the Chinese labels live here once and every screen,
questionnaire and export takes them from here.
"""

from __future__ import annotations

from jiuye.rules.facts import FactSpec


def _validated_id(text: str) -> str:
    from jiuye.identity import parse_resident_id

    return parse_resident_id(text).number


def _validated_credit_code(text: str) -> str:
    from jiuye.identity import parse_credit_code

    return parse_credit_code(text).number


def _region_code(text: str) -> str:
    if not (text.isdigit() and len(text) in (2, 4, 6, 9, 12)):
        raise ValueError("region code must be 2, 4, 6, 9 or 12 digits")
    return text


P, E, H, ORG, R = "person", "employer", "household", "organization", "region"

FACTS: tuple[FactSpec, ...] = (
    # ---- person: identity and status -------------------------------------------------------
    FactSpec(
        "resident_id",
        "code",
        P,
        "居民身份证号码",
        "18位，按 GB 11643 校验",
        validator=_validated_id,
    ),
    FactSpec("birth_date", "date", P, "出生日期", "用于判断是否处于劳动年龄（周岁）"),
    FactSpec("sex", "enum", P, "性别", choices={"male": "男", "female": "女"}),
    FactSpec(
        "hukou_type", "enum", P, "户籍类型", choices={"urban": "城镇户籍", "rural": "农村户籍"}
    ),
    FactSpec("hukou_in_songyuan", "bool", P, "户籍是否在松原市"),
    FactSpec(
        "is_college_graduate", "bool", P, "是否为高校毕业生", "普通高等学校专科、本科、研究生毕业"
    ),
    FactSpec(
        "is_vocational_graduate", "bool", P, "是否为中职毕业生", "中等职业学校（含技工学校）毕业"
    ),
    FactSpec("graduation_date", "date", P, "毕业日期"),
    FactSpec("certified_difficulty", "bool", P, "是否经认定的就业困难人员"),
    FactSpec("household_jdlk_poor", "bool", P, "是否属于建档立卡贫困家庭"),
    FactSpec("household_dibao", "bool", P, "是否属于低保家庭"),
    FactSpec("household_poor_disabled", "bool", P, "是否属于贫困残疾人家庭"),
    FactSpec("is_tekun", "bool", P, "是否为特困人员"),
    FactSpec("is_disabled", "bool", P, "是否为残疾人（持残疾人证）"),
    FactSpec("has_national_student_loan", "bool", P, "是否获得国家助学贷款"),
    FactSpec("seeking_work_or_business", "bool", P, "是否有就业创业意愿并积极求职创业"),
    FactSpec("employed", "bool", P, "目前是否已就业（含灵活就业、自主创业）"),
    FactSpec("registered_unemployed", "bool", P, "是否进行了城镇失业登记"),
    FactSpec("laid_off_enterprise_worker", "bool", P, "是否为企业下岗失业人员"),
    FactSpec("poor_family_child", "bool", P, "是否为贫困家庭子女"),
    FactSpec("school_leaver_not_continuing", "bool", P, "是否为城乡未继续升学的初高中毕业生"),
    FactSpec("rural_transfer_worker", "bool", P, "是否为农村转移就业劳动者"),
    # ---- person: business founded ---------------------------------------------------------
    FactSpec(
        "business_kind",
        "enum",
        P,
        "所创办经营实体类型",
        choices={
            "small_micro_enterprise": "小微企业",
            "individual_business": "个体工商户",
            "other": "其他类型",
            "none": "未创业",
        },
    ),
    FactSpec("is_first_business", "bool", P, "是否为首次创办"),
    FactSpec("business_license_date", "date", P, "营业执照领取（成立）日期"),
    FactSpec("business_operating_normally", "bool", P, "是否有正常经营行为"),
    FactSpec(
        "business_operating_since",
        "date",
        P,
        "开始正常经营的日期",
        "持续正常经营的起始日；“有正常经营行为1年以上”自此日起算",
    ),
    FactSpec("has_social_insurance", "bool", P, "是否已参加社会保险"),
    # ---- person: graduates' jobs ------------------------------------------------------------
    FactSpec("in_recognised_internship", "bool", P, "是否在认定的就业见习单位参加就业见习"),
    FactSpec(
        "hiring_unit_kind",
        "enum",
        P,
        "招用单位类型",
        choices={
            "small_micro_enterprise": "小微企业",
            "social_organization": "社会组织",
            "other_enterprise": "其他企业",
            "public_sector": "机关事业单位",
            "none": "未被招用",
        },
    ),
    FactSpec("hire_date", "date", P, "被招用（入职）日期"),
    FactSpec("labor_contract_months", "int", P, "劳动合同期限（月）"),
    FactSpec("employer_pays_social_insurance", "bool", P, "招用单位是否为其缴纳社会保险费"),
    FactSpec(
        "employment_form",
        "enum",
        P,
        "就业形式",
        choices={
            "employee": "单位就业",
            "flexible": "灵活就业",
            "self_employed": "自主创业",
            "unemployed": "未就业",
        },
    ),
    FactSpec("pays_flexible_social_insurance", "bool", P, "是否以灵活就业人员身份缴纳社会保险费"),
    FactSpec(
        "grassroots_program",
        "enum",
        P,
        "参加的基层服务项目",
        choices={
            "xuandiao": "选调生",
            "sanzhi_yifu": "三支一扶计划",
            "xibu": "志愿服务西部计划",
            "tegang": "教师特岗计划",
            "public_service_post": "基层公共服务项目",
            "none": "未参加",
        },
    ),
    FactSpec("grassroots_service_start", "date", P, "基层服务开始日期"),
    FactSpec("grassroots_assessment_passed", "bool", P, "服务期满考核是否合格"),
    FactSpec("city_return_entrepreneur_leader", "bool", P, "是否经认定为市级返乡创业带头人"),
    # ---- person: training and certificates --------------------------------------------------
    FactSpec(
        "training_kind",
        "enum",
        P,
        "参加的培训类型",
        choices={
            "employment_skills": "就业技能培训",
            "guidance": "引导性培训（市民化、安全生产教育等）",
            "entrepreneurship": "创业培训",
            "on_the_job": "岗位技能提升培训",
            "none": "未参加",
        },
    ),
    FactSpec("training_completed", "bool", P, "培训是否已结业（考核合格）"),
    FactSpec("training_class_hours", "int", P, "培训学时数"),
    FactSpec("is_enterprise_employee", "bool", P, "是否为企业在职职工"),
    FactSpec("ui_contribution_months", "int", P, "累计缴纳失业保险费月数"),
    FactSpec(
        "certificate_level",
        "int",
        P,
        "证书等级（五级=初级，四级=中级，三级=高级）",
        "职业资格证书或职业技能等级证书的等级，1–5",
    ),
    FactSpec("certificate_issue_date", "date", P, "证书颁发日期"),
    FactSpec("certificate_shortage_trade", "bool", P, "证书工种是否属市内紧缺急需工种"),
    # ---- employer ----------------------------------------------------------------------------
    FactSpec(
        "credit_code",
        "code",
        E,
        "统一社会信用代码",
        "18位，按 GB 32100 校验",
        validator=_validated_credit_code,
    ),
    FactSpec(
        "ownership",
        "enum",
        E,
        "企业所有制",
        choices={
            "state_owned": "国有企业",
            "state_controlled": "国有控股企业",
            "state_capital_dominant": "国有资本占主导地位的企业",
            "private": "民营企业",
            "other": "其他",
        },
    ),
    FactSpec("ui_insured", "bool", E, "是否依法参加失业保险"),
    FactSpec("ui_premiums_paid_in_full", "bool", E, "是否足额缴纳失业保险费（无欠费）"),
    FactSpec("stabilization_measures", "bool", E, "是否采取有效措施稳定就业岗位"),
    FactSpec("last_year_layoffs", "int", E, "上年度裁员人数"),
    FactSpec("last_year_avg_insured", "int", E, "上年度月平均参保职工人数"),
    FactSpec("last_year_ui_premiums", "money", E, "上年度企业及职工实际缴纳失业保险费总额（元）"),
    FactSpec("pooling_region_code", "code", E, "失业保险统筹地区代码", validator=_region_code),
    FactSpec(
        "pooling_region_unemployment_rate",
        "percent",
        E,
        "统筹地区上年度城镇登记失业率（%）",
        "不填时按统筹地区代码从参考表取得",
        derived_from=("pooling_region_code",),
    ),
    FactSpec("recruiting_new_staff", "bool", E, "本年度是否新招聘员工"),
    FactSpec("new_recruitment_posts", "int", E, "本年度新招聘岗位数"),
    FactSpec("veteran_recruitment_posts", "int", E, "其中拿出择优招聘符合政府安置退役军人的岗位数"),
    FactSpec("apprenticeship_pilot", "bool", E, "是否为新型学徒制试点企业"),
    FactSpec("apprenticeship_training_conducted", "bool", E, "是否开展了新型学徒制培训"),
    # ---- household ---------------------------------------------------------------------------
    FactSpec("able_members", "int", H, "劳动年龄内有劳动能力的成员数"),
    FactSpec("employed_members", "int", H, "其中已就业的人数"),
    FactSpec("stably_employed_members", "int", H, "其中稳定就业的人数"),
    FactSpec("is_dibao_household", "bool", H, "是否为低保家庭"),
    # ---- organization -------------------------------------------------------------------------
    FactSpec(
        "org_type",
        "enum",
        ORG,
        "机构类型",
        choices={
            "incubation_base": "创业孵化基地或创业园区",
            "home_service_training_base": "家庭服务职业培训基地",
            "hr_service_agency": "人力资源服务机构",
            "labor_broker": "劳务经纪人",
            "return_entrepreneurship_base": "农民工返乡创业基地",
            "other": "其他",
        },
    ),
    FactSpec("legally_registered", "bool", ORG, "是否依法注册"),
    FactSpec(
        "founder_type",
        "enum",
        ORG,
        "创办主体",
        choices={
            "government": "各级政府",
            "city_university": "市内高校",
            "enterprise": "企业",
            "other": "其他",
        },
    ),
    FactSpec("meets_incubator_conditions", "bool", ORG, "是否符合孵化基地认定条件"),
    FactSpec(
        "rated_city_home_service_demo_base", "bool", ORG, "是否被评为市级家庭服务职业培训示范基地"
    ),
    FactSpec(
        "rated_city_return_entrepreneurship_base", "bool", ORG, "是否被认定为市级农民工返乡创业基地"
    ),
    FactSpec("organized_out_of_county_export", "bool", ORG, "是否开展了县域外有组织劳务输出"),
    FactSpec("exported_workers", "int", ORG, "有组织输出的劳动者人数"),
    # ---- region --------------------------------------------------------------------------------
    FactSpec(
        "region_level", "enum", R, "地区层级", choices={"county": "县（市、区）", "city": "市"}
    ),
    FactSpec("guarantee_fund_total", "money", R, "创业担保贷款担保基金总额（元）"),
    FactSpec("practice_bases_built", "int", R, "已建成的示范性实习实训基地数"),
)
