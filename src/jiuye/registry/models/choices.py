"""Coded values of the registry. Codes that the rules engine also reads are the
engine's enum codes (``policies/songyuan_2018/facts.py``), so facts need no mapping.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuye.core.models import Source as CoreSource

# Where a write came from: one list for every history row (jiuye.core.models).
Source = CoreSource


class HukouType(models.TextChoices):
    URBAN = "urban", _("城镇户籍")
    RURAL = "rural", _("农村户籍")


class EducationLevel(models.TextChoices):
    PRIMARY = "primary", _("小学及以下")
    JUNIOR = "junior", _("初中")
    SENIOR = "senior", _("普通高中")
    VOCATIONAL = "vocational", _("中等职业学校（含技工学校）")
    JUNIOR_COLLEGE = "junior_college", _("大学专科")
    BACHELOR = "bachelor", _("大学本科")
    POSTGRADUATE = "postgraduate", _("研究生")


HIGHER_EDUCATION = (
    EducationLevel.JUNIOR_COLLEGE,
    EducationLevel.BACHELOR,
    EducationLevel.POSTGRADUATE,
)


class EmploymentForm(models.TextChoices):
    EMPLOYEE = "employee", _("单位就业")
    FLEXIBLE = "flexible", _("灵活就业")
    SELF_EMPLOYED = "self_employed", _("自主创业")
    INTERNSHIP = "internship", _("就业见习")


class HouseholdStatusKind(models.TextChoices):
    DIBAO = "dibao", _("低保家庭")
    JDLK = "jdlk", _("建档立卡贫困家庭")
    TEKUN = "tekun", _("特困供养")
    POOR_DISABLED = "poor_disabled", _("贫困残疾人家庭")


class Ownership(models.TextChoices):
    STATE_OWNED = "state_owned", _("国有企业")
    STATE_CONTROLLED = "state_controlled", _("国有控股企业")
    STATE_CAPITAL_DOMINANT = "state_capital_dominant", _("国有资本占主导地位的企业")
    PRIVATE = "private", _("民营企业")
    OTHER = "other", _("其他")


class EmployerKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("企业")
    SOCIAL_ORGANIZATION = "social_organization", _("社会组织")
    PUBLIC_SECTOR = "public_sector", _("机关事业单位")
    INDIVIDUAL_BUSINESS = "individual_business", _("个体工商户")


class SizeClass(models.TextChoices):
    MICRO = "micro", _("微型")
    SMALL = "small", _("小型")
    MEDIUM = "medium", _("中型")
    LARGE = "large", _("大型")


class BusinessKind(models.TextChoices):
    SMALL_MICRO = "small_micro_enterprise", _("小微企业")
    INDIVIDUAL = "individual_business", _("个体工商户")
    OTHER = "other", _("其他类型")


class BusinessStatus(models.TextChoices):
    OPERATING = "operating", _("正常经营")
    SUSPENDED = "suspended", _("停业")
    CLOSED = "closed", _("注销")


class TrainingKind(models.TextChoices):
    EMPLOYMENT_SKILLS = "employment_skills", _("就业技能培训")
    GUIDANCE = "guidance", _("引导性培训")
    ENTREPRENEURSHIP = "entrepreneurship", _("创业培训")
    ON_THE_JOB = "on_the_job", _("岗位技能提升培训")


class GrassrootsProgram(models.TextChoices):
    """基层服务项目 of 三（二）: the codes are the engine's ``grassroots_program`` values."""

    XUANDIAO = "xuandiao", _("选调生")
    SANZHI_YIFU = "sanzhi_yifu", _("三支一扶计划")
    XIBU = "xibu", _("志愿服务西部计划")
    TEGANG = "tegang", _("教师特岗计划")
    PUBLIC_SERVICE_POST = "public_service_post", _("基层公共服务项目")


class RecognitionKind(models.TextChoices):
    """Titles a government body confers on a person by a dated decision (认定)."""

    CITY_RETURN_ENTREPRENEUR_LEADER = "city_return_entrepreneur_leader", _("市级返乡创业带头人")
