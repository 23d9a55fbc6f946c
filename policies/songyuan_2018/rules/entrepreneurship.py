"""Section 二 and the statuses of section 三 that everything else builds on."""

from __future__ import annotations

from jiuye.rules import AddMonths, AsOf, Fact, Param, Rule

from policies.songyuan_2018.rules.common import (
    DIFFICULTY_TEXT,
    EMPLOYMENT_DIFFICULTY,
    IN_GRADUATION_YEAR,
    cond,
)

F = Fact

employment_difficulty_person = Rule(
    id="employment_difficulty_person",
    title="就业困难人员（含比照享受）",
    entity="person",
    clause="三（五）",
    kind="status",
    conditions=(
        cond(
            "difficulty_or_songyuan_rural_jdlk", DIFFICULTY_TEXT, "三（五）", EMPLOYMENT_DIFFICULTY
        ),
    ),
    readings=(
        "“农村松原籍”读作户籍类型为农村且户籍在松原市。",
        "“劳动者”读作劳动年龄内的人：男16至59周岁、女16至54周岁（周岁按生日对应日计，"
        "参数 working_age.*）；建档立卡家庭的未成年子女不因此成为就业困难人员。",
    ),
    doc="三（五）“将农村松原籍建档立卡贫困家庭劳动者比照就业困难人员享受各项就业扶持政策”。",
)

graduation_year_status = Rule(
    id="graduation_year_status",
    title="毕业年度高校毕业生",
    entity="person",
    clause="三（一）",
    kind="status",
    conditions=(
        cond("is_college_graduate", "高校毕业生", "三（一）", F("is_college_graduate")),
        cond(
            "in_graduation_year",
            "测评日期在毕业当年（1月1日至12月31日）",
            "三（一）",
            IN_GRADUATION_YEAR,
        ),
    ),
    readings=("毕业年度读作毕业日期所在的自然年（1月1日至12月31日）。",),
)

startup_subsidy = Rule(
    id="startup_subsidy",
    title="一次性初创企业补贴",
    entity="person",
    clause="二（三）",
    kind="benefit",
    once=True,
    fund="所在辖区政府财政",
    payer="所在辖区政府",
    payee="创业者本人",
    conditions=(
        cond(
            "graduate_or_difficulty",
            "高校毕业生或就业困难人员（含比照就业困难人员的劳动年龄内农村松原籍建档立卡贫困家庭"
            "劳动者）",
            "二（三）",
            F("is_college_graduate") | EMPLOYMENT_DIFFICULTY,
            ("三（五）",),
        ),
        cond("first_business", "首次创办", "二（三）", F("is_first_business")),
        cond(
            "small_micro_or_individual",
            "创办小微企业或从事个体经营",
            "二（三）",
            F("business_kind").isin(("small_micro_enterprise", "individual_business")),
        ),
        cond("licensed", "已领取工商营业执照", "二（三）", F("business_license_date") <= AsOf()),
        cond(
            "operating_one_year",
            "有正常经营行为1年以上（自开始正常经营之日起满1年，含本数）",
            "二（三）",
            AsOf()
            >= AddMonths(
                F("business_operating_since"), Param("startup_subsidy.min_operating_months")
            ),
        ),
        cond("operating_normally", "目前仍正常经营", "二（三）", F("business_operating_normally")),
        cond("social_insurance", "参加社会保险", "二（三）", F("has_social_insurance")),
    ),
    amount=Param("startup_subsidy.amount_fen"),
    amount_text="一次性5000元",
    readings=(
        "“有正常经营行为1年以上”读作正常经营满1年：自开始正常经营之日（事实 "
        "business_operating_since）起算，而非领取执照之日；执照领取多年但正常经营仅两个月的"
        "尚不符合。",
        "“1年以上”含本数（《民法典》第一千二百五十九条）；期间自开始正常经营次日起算，"
        "到期月的对应日为最后一日（第二百零一、二百零二条），测评日期指当日24时的状态，"
        "故开始日期加1年的当日即满足。",
        "“符合条件的高校毕业生”：文件未另设毕业年限，按高校毕业生身份判断。",
    ),
)

guarantee_fund_target = Rule(
    id="guarantee_fund_target",
    title="县级创业担保贷款担保基金总额达标",
    entity="region",
    clause="二（二）",
    kind="target",
    conditions=(
        cond("is_county", "各县（市、区）", "二（二）", F("region_level").eq("county")),
        cond(
            "fund_at_least",
            "担保基金总额不低于1000万元（含本数）",
            "二（二）",
            F("guarantee_fund_total") >= Param("guarantee_fund_target.min_total_fen"),
        ),
    ),
    readings=(
        "“不低于”含本数；期限为发布之日起2年（参数 guarantee_fund_target.deadline），"
        "逾期未达标由监测预警使用。",
    ),
)

RULES = (
    employment_difficulty_person,
    graduation_year_status,
    startup_subsidy,
    guarantee_fund_target,
)
