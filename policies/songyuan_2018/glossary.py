# ruff: noqa: E501  (one plain line per term: the data reads better unwrapped)
"""Plain words for the self-check: what the text's terms mean, and what would change
an answer that a condition decides.

``TERMS``: term → one line a resident understands (shown under every question whose
words use the term). ``CONDITION_HINTS``: ``rule.condition`` (or a condition id shared
by several rules) → what the person would have to do or be for that condition to hold,
for conditions whose own words do not say it plainly. ``POINTERS``: questions that do
not decide a rule but lead the person to measures to read (退役军人: 三（八） has no
benefit rule of its own, only an employer's obligation and services).
"""

from __future__ import annotations

from policies.model import Pointer

TERMS: dict[str, str] = {
    "建档立卡": "建档立卡贫困家庭：经村、乡审核登记进入国家扶贫信息系统的贫困户（家里有扶贫手册的即是）。",
    "低保": "低保家庭：正在领取城乡居民最低生活保障金的家庭。",
    "特困人员": "特困人员：无劳动能力、无生活来源、无法定赡养抚养人，由政府供养的人员。",
    "城镇失业登记": "城镇失业登记：失业后到户籍或常住地的公共就业服务机构登记（领取《就业失业登记证》）。",
    "农村转移就业劳动者": "农村转移就业劳动者：农村户籍、离开农业到城镇或非农产业务工的劳动者。",
    "就业困难人员": "就业困难人员：经人社部门认定的大龄、残疾、长期失业等难以就业的人员，本人持有认定证明。",
    "零就业家庭": "零就业家庭：城镇家庭中所有劳动年龄内、有劳动能力和就业愿望的成员都没有工作。",
    "离校未就业": "离校未就业高校毕业生：离开学校后还没有找到工作的高校毕业生。",
    "高校毕业生": "高校毕业生：取得大专及以上毕业证书的人（含技师学院高级工班、预备技师班）。",
    "毕业年度": "毕业年度：毕业当年的1月1日至12月31日。",
    "中职": "中职：中等职业学校（中专、职高、技工学校）。",
    "国家助学贷款": "国家助学贷款：上学期间经学校或生源地办理的国家助学贷款。",
    "下岗失业": "企业下岗失业人员：原在企业工作、因企业原因失去工作的人员。",
    "灵活就业": "灵活就业：没有和单位签劳动合同，打零工、做自由职业等。",
    "社会保险": "社会保险：养老、医疗、失业、工伤等保险；有社保缴费记录即为参加。",
    "失业保险": "失业保险：社会保险的一种，单位职工一般由单位和个人共同缴纳。",
    "就业见习": "就业见习：在人社部门认定的见习单位参加的岗位实践，单位按月发放生活补助。",
    "小微企业": "小微企业：按国家划型标准属于小型、微型的企业（人数、营业收入较少）。",
    "个体": "个体工商户：领取了个体工商户营业执照的经营者。",
    "营业执照": "营业执照：市场监管部门发给企业或个体户的登记证照，上面有成立日期。",
    "三支一扶": "三支一扶：高校毕业生到基层从事支教、支农、支医和扶贫的服务项目。",
    "选调生": "选调生：组织部门从高校毕业生中选拔到基层工作的人员。",
    "特岗": "教师特岗计划：到农村学校任教的特设岗位教师。",
    "返乡创业带头人": "返乡创业带头人：回乡创业、带动就业明显，经市里认定的创业者。",
    "就业技能培训": "就业技能培训：人社部门组织或认定的、帮助找工作的职业技能培训。",
    "结业": "结业：按培训计划学完并通过考核，拿到结业（合格）证明。",
    "统筹地区": "统筹地区：失业保险基金统一管理的地区，一般是企业参保所在的市或县。",
    "裁员": "裁员：企业单方面解除劳动合同减少的职工（员工自己辞职不算）。",
    "学徒制": "新型学徒制：企业和培训机构合作，以“师带徒”方式培养在职职工。",
    "职业资格证书": "职业资格证书、职业技能等级证书：通过鉴定或评价取得的技能证书，上面写着等级和颁发日期。",
    "劳动年龄": "劳动年龄：年满16周岁至法定退休年龄。",
    "退役军人": "退役军人：从部队退出现役的军人，含自主就业退役士兵、自主择业军队转业干部。",
}

#: What would change the answer, in plain words (key: ``rule.condition`` or ``condition``).
CONDITION_HINTS: dict[str, str] = {
    "completed": "完成培训并考核合格后可申请",
    "skills_training": "参加就业技能培训并结业后可申请",
    "operating_one_year": "营业执照上的成立日期（正常经营之日）满1年后可申请",
    "licensed": "领取营业执照后可申请",
    "social_insurance": "参加社会保险后可申请",
    "pays_si": "以灵活就业人员身份缴纳社会保险费后可申请",
    "employer_pays_si": "单位为您缴纳社会保险费后可申请",
    "contract_one_year": "与单位签订1年以上劳动合同后可申请",
    "served_two_years": "基层服务满2年后可申请",
    "assessment_passed": "服务期满考核合格后可申请",
    "ui_36_months": "累计缴纳失业保险费满36个月后可申请",
    "within_12_months": "须在证书颁发之日起12个月内申请，超过即不能再申请",
    "in_internship": "到人社部门认定的就业见习单位参加见习后可申请",
    "seeking": "有就业创业意愿并积极求职创业的可申请",
    "paid_in_full": "补缴欠缴的失业保险费后可申请",
    "layoff_rate_below": "上年度裁员率低于统筹地区上年度城镇登记失业率的可申请",
}

POINTERS: tuple[Pointer, ...] = (
    Pointer(
        name="veteran",
        entity="person",
        label="您是否为退役军人（含自主就业退役士兵、自主择业军队转业干部）",
        clauses=("三（八）",),
        note="退役军人就业创业服务、补贴政策和专场招聘会，请阅读下列措施或到就业服务大厅咨询：",
    ),
)
