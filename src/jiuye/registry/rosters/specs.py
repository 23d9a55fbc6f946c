"""The six rosters: their Chinese headers, cell types, explanations and example rows.

An empty optional cell means "not given": an import keeps what the register already
has for it (a roster never erases a known fact by leaving a cell blank).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models

from jiuye.registry import models as m

# Column kinds understood by jiuye.registry.rosters.validate
RESIDENT_ID = "resident_id"  # 居民身份证号码, GB 11643
CREDIT_CODE = "credit_code"  # 统一社会信用代码, GB 32100
TEXT = "text"
DATE = "date"
INT = "int"
BOOL = "bool"  # 是 / 否
CHOICE = "choice"  # the Chinese label of a TextChoices value
DIVISION = "division"  # GB/T 2260 or statistical division code
MONEY = "money"  # yuan with at most two decimals, stored in fen
PERSON_REF = "person_ref"  # the ID number of a person already registered
EMPLOYER_REF = "employer_ref"  # the credit code of an employer already registered


@dataclass(frozen=True)
class Column:
    header: str
    field: str  # the model field (``division`` → ``division_id`` in SQL)
    kind: str
    required: bool = False
    explanation: str = ""
    example: str = ""
    max_length: int = 0
    minimum: int | None = None
    maximum: int | None = None
    choices: type[models.TextChoices] | None = None


@dataclass(frozen=True)
class Roster:
    kind: str
    title: str
    model: type[models.Model]
    columns: tuple[Column, ...]
    key: tuple[str, ...]  # fields that identify a record (after references)
    entity: str  # ChangeLog.entity
    owner: str = "id"  # the column whose value is ChangeLog.object_id
    record: str = ""  # name of a child record in the history ("" for owners)
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.field == name)


YES_NO = "填“是”或“否”；不清楚的留空"
DATE_HELP = "日期，格式 YYYY-MM-DD（如 2018-07-01），或 Excel 日期单元格"
ID_HELP = "18位居民身份证号码，请用文本格式填写（否则 Excel 会截断末位）"
DIVISION_HELP = "行政区划代码（6位县区、9位乡镇街道或12位社区村代码）"


def _labels(choices: type[models.TextChoices]) -> str:
    return "、".join(str(label) for label in choices.labels)


PERSON = Roster(
    kind="person",
    title="人员花名册",
    model=m.Person,
    key=("resident_id",),
    entity="person",
    columns=(
        Column("居民身份证号码", "resident_id", RESIDENT_ID, True, ID_HELP, "220702199001071234"),
        Column("姓名", "name", TEXT, True, "与身份证一致", "张三", max_length=50),
        Column("户籍所在地", "division", DIVISION, True, DIVISION_HELP, "220702001"),
        Column(
            "户籍类型",
            "hukou_type",
            CHOICE,
            False,
            _labels(m.HukouType),
            "城镇户籍",
            choices=m.HukouType,
        ),
        Column(
            "文化程度",
            "education_level",
            CHOICE,
            False,
            _labels(m.EducationLevel),
            "大学本科",
            choices=m.EducationLevel,
        ),
        Column("毕业日期", "graduation_date", DATE, False, DATE_HELP, "2012-07-01"),
        Column("残疾人（持证）", "is_disabled", BOOL, False, YES_NO, "否"),
        Column("退役军人", "is_veteran", BOOL, False, YES_NO, "否"),
        Column("获得国家助学贷款", "has_national_student_loan", BOOL, False, YES_NO, "否"),
        Column(
            "累计缴纳失业保险费月数",
            "ui_contribution_months",
            INT,
            False,
            "整数，0–600",
            "36",
            minimum=0,
            maximum=600,
        ),
        Column("已参加社会保险", "has_social_insurance", BOOL, False, YES_NO, "是"),
        Column(
            "以灵活就业人员身份缴纳社会保险费",
            "pays_flexible_social_insurance",
            BOOL,
            False,
            YES_NO,
            "否",
        ),
    ),
    notes=("性别和出生日期由身份证号码得出，无需填写。",),
)

EMPLOYER = Roster(
    kind="employer",
    title="用人单位花名册",
    model=m.Employer,
    key=("credit_code",),
    entity="employer",
    columns=(
        Column(
            "统一社会信用代码",
            "credit_code",
            CREDIT_CODE,
            True,
            "18位统一社会信用代码",
            "91220702MA0Y4XUQ3N",
        ),
        Column(
            "单位名称",
            "name",
            TEXT,
            True,
            "与营业执照或登记证书一致",
            "松原某某有限公司",
            max_length=200,
        ),
        Column(
            "单位类型",
            "kind",
            CHOICE,
            True,
            _labels(m.EmployerKind),
            "企业",
            choices=m.EmployerKind,
        ),
        Column("所在地", "division", DIVISION, True, DIVISION_HELP, "220702001"),
        Column(
            "所有制",
            "ownership",
            CHOICE,
            False,
            _labels(m.Ownership),
            "民营企业",
            choices=m.Ownership,
        ),
        Column(
            "规模", "size_class", CHOICE, False, _labels(m.SizeClass), "小型", choices=m.SizeClass
        ),
        Column(
            "失业保险统筹地区代码",
            "pooling_region_code",
            TEXT,
            False,
            "6位行政区划代码，如 220700",
            "220700",
            max_length=12,
        ),
    ),
)

HOUSEHOLD = Roster(
    kind="household",
    title="家庭花名册",
    model=m.HouseholdMember,
    key=("person",),
    entity="household",
    owner="household",
    record="member",
    columns=(
        Column(
            "家庭编号",
            "household",
            TEXT,
            True,
            "民政或扶贫登记给出的家庭编号",
            "MZ2207020010001",
            max_length=40,
        ),
        Column("家庭所在地", "division", DIVISION, True, DIVISION_HELP, "220702001"),
        Column(
            "成员居民身份证号码",
            "person",
            PERSON_REF,
            True,
            "家庭成员的身份证号码；该人员须已登记（先导入人员花名册）",
            "220702199001071234",
        ),
        Column(
            "与户主关系", "relation", TEXT, True, "户主、配偶、子女、父母等", "户主", max_length=20
        ),
    ),
    notes=("每行一名家庭成员；同一家庭编号的各行所在地应一致。",),
)

EMPLOYMENT = Roster(
    kind="employment",
    title="就业登记花名册",
    model=m.EmploymentRecord,
    key=("person", "form", "start"),
    entity="person",
    owner="person",
    record="employment",
    columns=(
        Column(
            "居民身份证号码", "person", PERSON_REF, True, "须为已登记人员", "220702199001071234"
        ),
        Column(
            "就业形式",
            "form",
            CHOICE,
            True,
            _labels(m.EmploymentForm),
            "单位就业",
            choices=m.EmploymentForm,
        ),
        Column("开始日期", "start", DATE, True, DATE_HELP, "2018-03-01"),
        Column("结束日期", "end", DATE, False, DATE_HELP + "；仍在岗的留空", ""),
        Column(
            "用人单位统一社会信用代码",
            "employer",
            EMPLOYER_REF,
            False,
            "单位就业、就业见习时填写；须为已登记单位",
            "91220702MA0Y4XUQ3N",
        ),
        Column(
            "劳动合同期限（月）",
            "contract_months",
            INT,
            False,
            "整数，0–600",
            "36",
            minimum=0,
            maximum=600,
        ),
        Column("单位缴纳社会保险费", "employer_pays_social_insurance", BOOL, False, YES_NO, "是"),
    ),
    notes=("同一人员、就业形式和开始日期视为同一条记录，再次导入时更新。",),
)

UNEMPLOYMENT_INSURANCE = Roster(
    kind="unemployment_insurance",
    title="失业保险参保缴费花名册",
    model=m.EmployerYear,
    key=("employer", "year"),
    entity="employer",
    owner="employer",
    record="year",
    columns=(
        Column(
            "统一社会信用代码",
            "employer",
            EMPLOYER_REF,
            True,
            "须为已登记单位",
            "91220702MA0Y4XUQ3N",
        ),
        Column("年度", "year", INT, True, "四位年份", "2018", minimum=2000, maximum=2100),
        Column("参加失业保险", "ui_insured", BOOL, False, YES_NO, "是"),
        Column(
            "实缴失业保险费（元）",
            "ui_premiums_fen",
            MONEY,
            False,
            "金额（元），最多两位小数",
            "12345.60",
        ),
        Column(
            "欠缴失业保险费（元）", "ui_arrears_fen", MONEY, False, "金额（元），最多两位小数", "0"
        ),
        Column(
            "月平均参保职工人数",
            "avg_insured",
            INT,
            False,
            "整数",
            "25",
            minimum=0,
            maximum=10_000_000,
        ),
    ),
    notes=("同一单位同一年度为一条记录，再次导入时更新。",),
)

CERTIFICATE = Roster(
    kind="certificate",
    title="职业证书花名册",
    model=m.Certificate,
    key=("person", "occupation", "level"),
    entity="person",
    owner="person",
    record="certificate",
    columns=(
        Column(
            "居民身份证号码", "person", PERSON_REF, True, "须为已登记人员", "220702199001071234"
        ),
        Column("职业（工种）", "occupation", TEXT, True, "如 电工、育婴员", "电工", max_length=100),
        Column(
            "等级",
            "level",
            INT,
            True,
            "1–5（五级为初级工，一级为高级技师）",
            "4",
            minimum=1,
            maximum=5,
        ),
        Column("颁发日期", "issue_date", DATE, True, DATE_HELP, "2017-06-30"),
        Column("市内紧缺急需工种", "shortage_trade", BOOL, False, YES_NO, "是"),
    ),
    notes=("同一人员、职业和等级视为同一证书，再次导入时更新。",),
)

ROSTERS: dict[str, Roster] = {
    r.kind: r
    for r in (PERSON, HOUSEHOLD, EMPLOYER, EMPLOYMENT, UNEMPLOYMENT_INSURANCE, CERTIFICATE)
}
EXAMPLE_MARK = "【示例】"
