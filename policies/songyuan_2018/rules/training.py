"""Section 三（六） and section 四: training subsidies, skill upgrading, targets."""

from __future__ import annotations

from jiuye.rules import AsOf, Fact, IsSet, Param, Rule, When
from jiuye.rules.calendar import WithinDeadline

from policies.songyuan_2018.rules.common import HOLIDAYS, IN_GRADUATION_YEAR, cond

F = Fact
FUND_EMPLOYMENT = "就业补助资金（按规定）"
COMPLETED = cond("completed", "培训结业（考核合格）", "四（三）", F("training_completed"))

rural_skills_training_subsidy = Rule(
    id="rural_skills_training_subsidy",
    title="农村劳动力技能培训补贴（每学时8元）",
    entity="person",
    clause="三（六）",
    kind="benefit",
    fund=FUND_EMPLOYMENT,
    conditions=(
        cond("rural_labor", "农村劳动力（农村户籍）", "三（六）", F("hukou_type").eq("rural")),
        cond(
            "skills_training",
            "参加就业技能培训",
            "三（六）",
            F("training_kind").eq("employment_skills"),
        ),
        cond("completed", "培训结业（考核合格）", "三（六）", F("training_completed")),
    ),
    amount=F("training_class_hours")
    * Param("rural_skills_training_subsidy.rate_fen_per_class_hour"),
    amount_text="每学时8元 × 培训学时",
    readings=(
        "“农村劳动力”读作农村户籍劳动者；每学时8元适用于技能培训，"
        "引导性培训纳入职业培训补贴范围（见 vocational_training_subsidy）。",
    ),
)

vocational_training_subsidy = Rule(
    id="vocational_training_subsidy",
    title="职业培训补贴",
    entity="person",
    clause="四（三）",
    kind="benefit",
    fund=FUND_EMPLOYMENT,
    conditions=(
        cond(
            "target_group",
            "企业下岗失业人员、建档立卡贫困劳动力，或贫困家庭子女、毕业年度高校毕业生、"
            "城乡未继续升学的初高中毕业生、农村转移就业劳动者、城镇登记失业人员",
            "四（三）",
            F("laid_off_enterprise_worker")
            | F("household_jdlk_poor")
            | F("poor_family_child")
            | (F("is_college_graduate") & IN_GRADUATION_YEAR)
            | F("school_leaver_not_continuing")
            | F("rural_transfer_worker")
            | F("registered_unemployed"),
        ),
        cond(
            "skills_training",
            "参加就业技能培训（含纳入补贴范围的引导性培训）",
            "四（三）",
            F("training_kind").isin(("employment_skills", "guidance")),
        ),
        COMPLETED,
    ),
    amount=Param("vocational_training_subsidy.amount_fen"),
    amount_text="按规定，标准待主管部门公布",
    readings=("引导性培训（农民工市民化、安全生产教育等）依三（六）纳入职业培训补贴范围。",),
)

_LEVEL = F("certificate_level")
_SHORTAGE = F("certificate_shortage_trade")
_P = "skill_upgrade_subsidy."


def _level_amount(level: int) -> object:
    raised = f"{_P}shortage_level{level}_amount_fen"
    base = Param(f"{_P}level{level}_amount_fen")
    return When([(IsSet(raised) & _SHORTAGE, Param(raised))], base)


skill_upgrade_subsidy = Rule(
    id="skill_upgrade_subsidy",
    title="职工技能提升补贴",
    entity="person",
    clause="四（四）",
    kind="benefit",
    fund="失业保险基金",
    payee="职工本人",
    conditions=(
        cond("enterprise_employee", "企业职工", "四（四）", F("is_enterprise_employee")),
        cond(
            "ui_36_months",
            "依法参加失业保险3年以上（累计缴费36个月以上，含本数）",
            "四（四）",
            F("ui_contribution_months") >= Param(f"{_P}min_ui_months"),
        ),
        cond(
            "certificate_since_2017",
            "自2017年1月1日起取得证书",
            "四（四）",
            (F("certificate_issue_date") >= Param(f"{_P}certificates_from"))
            & (F("certificate_issue_date") <= AsOf()),
        ),
        cond(
            "within_12_months",
            "在证书颁发之日起12个月内申请（含第12个月的对应日；该日为法定休假日的，顺延至"
            "休假日结束的次日）",
            "四（四）",
            WithinDeadline(
                F("certificate_issue_date"), Param(f"{_P}apply_within_months"), HOLIDAYS
            ),
        ),
        cond(
            "level_3_to_5",
            "证书为初级（五级）、中级（四级）或高级（三级）",
            "四（四）",
            _LEVEL.isin((3, 4, 5)),
        ),
    ),
    amount=When(
        [(_LEVEL.eq(5), _level_amount(5)), (_LEVEL.eq(4), _level_amount(4))],  # type: ignore[list-item]
        _level_amount(3),  # type: ignore[arg-type]
    ),
    amount_text="初级1000元、中级1500元、高级2000元；紧缺急需工种可提高（标准待公布）",
    readings=(
        "“3年以上”按人社部发〔2017〕40号读作累计缴纳失业保险费36个月（含）以上。",
        "“12个月内”含本数：颁发日次日起算，到期月对应日为最后一日（《民法典》第二百零一、"
        "二百零二条），无对应日的取月末；最后一日是法定休假日（国务院办公厅当年节假日安排"
        "所列放假日，及未调为上班日的周六、周日）的，以休假日结束的次日为最后一日（第二百零三条）；"
        "节假日安排未收录的年份答“还需了解”（calendar.年份）；测评日期视为申请日。",
        "技师（二级）、高级技师（一级）证书文件未列标准，不予测评为符合。",
        "紧缺急需工种提高后的标准未设定前，按基本标准。",
    ),
    national_basis=("人社部发〔2017〕40号",),
)

apprenticeship_training_subsidy = Rule(
    id="apprenticeship_training_subsidy",
    title="新型学徒制培训补贴",
    entity="employer",
    clause="四（三）",
    kind="benefit",
    fund=FUND_EMPLOYMENT,
    payee="试点企业",
    conditions=(
        cond("pilot", "新型学徒制试点企业", "四（三）", F("apprenticeship_pilot")),
        cond("conducted", "开展新型学徒制培训", "四（三）", F("apprenticeship_training_conducted")),
    ),
    amount=Param("apprenticeship_training_subsidy.amount_fen"),
    amount_text="标准待主管部门公布",
)

training_base_target = Rule(
    id="training_base_target",
    title="示范性实习实训基地建设目标（到2020年建成5个）",
    entity="region",
    clause="四（一）",
    kind="target",
    conditions=(
        cond("is_city", "全市", "四（一）", F("region_level").eq("city")),
        cond(
            "built_enough",
            "建成示范性实习实训基地5个以上（含本数）",
            "四（一）",
            F("practice_bases_built") >= Param("training_base_target.min_count"),
        ),
    ),
)

RULES = (
    rural_skills_training_subsidy,
    vocational_training_subsidy,
    skill_upgrade_subsidy,
    apprenticeship_training_subsidy,
    training_base_target,
)
