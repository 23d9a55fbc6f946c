"""A person and the dated records the bureau keeps about them.

Unknown is NULL, never a default: a Boolean the registry has not been told is ``None``
and the facts leave it out, so the engine reports it as missing.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuye.core.encrypted import BlindIndexField, EncryptedField, MaskedField
from jiuye.identity.masking import mask_resident_id
from jiuye.registry.models.choices import (
    BusinessKind,
    BusinessStatus,
    EducationLevel,
    EmploymentForm,
    HukouType,
    TrainingKind,
)

DIVISION = "geo.Division"


class PersonQuerySet(models.QuerySet["Person"]):
    def by_resident_id(self, number: str) -> PersonQuerySet:
        """The person with this identity number (any case of ``x``), by its blind index."""
        return self.filter(resident_id=number)

    def by_resident_ids(self, numbers: list[str]) -> PersonQuerySet:
        return self.filter(resident_id__in=numbers)


class Person(models.Model):
    """One resident, keyed by 居民身份证号码; sex and birth date come from the number.

    The number is stored encrypted (:mod:`jiuye.core.encrypted`): found and kept unique
    through its blind index, listed and searched (last 4) through its masked form.
    """

    resident_id = EncryptedField(
        _("居民身份证号码"),
        purpose="registry_person.resident_id",
        index="resident_id_index",
        masked="resident_id_masked",
    )
    resident_id_index = BlindIndexField(_("身份证号码盲索引"), source="resident_id")
    resident_id_masked = MaskedField(
        _("身份证号码（脱敏）"), max_length=18, source="resident_id", mask=mask_resident_id
    )
    name = models.CharField(_("姓名"), max_length=50)
    sex = models.CharField(
        _("性别"), max_length=6, choices=[("male", _("男")), ("female", _("女"))]
    )
    birth_date = models.DateField(_("出生日期"))
    division = models.ForeignKey(
        DIVISION, verbose_name=_("户籍所在地"), on_delete=models.PROTECT, related_name="+"
    )
    hukou_type = models.CharField(
        _("户籍类型"), max_length=8, choices=HukouType.choices, blank=True, null=True
    )
    education_level = models.CharField(
        _("文化程度"), max_length=16, blank=True, null=True, choices=EducationLevel.choices
    )
    graduation_date = models.DateField(_("毕业日期"), blank=True, null=True)
    is_disabled = models.BooleanField(_("残疾人（持证）"), blank=True, null=True)
    is_veteran = models.BooleanField(_("退役军人"), blank=True, null=True)
    has_national_student_loan = models.BooleanField(_("获得国家助学贷款"), blank=True, null=True)
    ui_contribution_months = models.PositiveIntegerField(
        _("累计缴纳失业保险费月数"), blank=True, null=True
    )
    has_social_insurance = models.BooleanField(_("已参加社会保险"), blank=True, null=True)
    pays_flexible_social_insurance = models.BooleanField(
        _("以灵活就业人员身份缴纳社会保险费"), blank=True, null=True
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["id"]
        # a unique constraint, not unique=True: on PostgreSQL that adds a second
        # (pattern-ops) index no query uses, which every bulk insert would maintain
        constraints = [
            models.UniqueConstraint(
                fields=["resident_id_index"], name="registry_person_resident_id_index_uniq"
            )
        ]

    objects = PersonQuerySet.as_manager()

    def __str__(self) -> str:
        from jiuye.identity import mask_name

        return mask_name(self.name)

    def verified_resident_id(self) -> str:
        """The full number, checked against this row's blind index (a token moved from
        another row is refused): what a reveal or an unmasked export shows."""
        field = self._meta.get_field("resident_id")
        assert isinstance(field, EncryptedField)
        return str(field.verified(self))


class EmploymentRecord(models.Model):
    """就业登记: a job (or internship, flexible work, own business) from ``start`` to ``end``."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="employments")
    employer = models.ForeignKey(
        "registry.Employer",
        verbose_name=_("用人单位"),
        on_delete=models.PROTECT,
        blank=True,
        null=True,
        related_name="employments",
    )
    form = models.CharField(_("就业形式"), max_length=16, choices=EmploymentForm.choices)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"), blank=True, null=True)
    contract_months = models.PositiveIntegerField(_("劳动合同期限（月）"), blank=True, null=True)
    employer_pays_social_insurance = models.BooleanField(
        _("单位缴纳社会保险费"), blank=True, null=True
    )

    class Meta:
        verbose_name = _("就业登记")
        verbose_name_plural = _("就业登记")
        ordering = ["person_id", "start", "id"]


class UnemploymentRegistration(models.Model):
    """失业登记 at a public employment service, open until ``ended_on``."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="unemployment_registrations"
    )
    division = models.ForeignKey(
        DIVISION, verbose_name=_("登记地"), on_delete=models.PROTECT, related_name="+"
    )
    registered_on = models.DateField(_("登记日期"))
    ended_on = models.DateField(_("注销日期"), blank=True, null=True)
    laid_off_enterprise_worker = models.BooleanField(_("企业下岗失业人员"), blank=True, null=True)

    class Meta:
        verbose_name = _("失业登记")
        verbose_name_plural = _("失业登记")
        ordering = ["person_id", "registered_on", "id"]


class DifficultyCertification(models.Model):
    """就业困难人员认定: category, start, review and exit dates."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="difficulty_certifications"
    )
    division = models.ForeignKey(
        DIVISION, verbose_name=_("认定地"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("认定类别"), max_length=50)
    start = models.DateField(_("认定日期"))
    review_on = models.DateField(_("复核日期"), blank=True, null=True)
    exit_on = models.DateField(_("退出日期"), blank=True, null=True)

    class Meta:
        verbose_name = _("就业困难人员认定")
        verbose_name_plural = _("就业困难人员认定")
        ordering = ["person_id", "start", "id"]


class Certificate(models.Model):
    """职业资格证书或职业技能等级证书 (level 1–5: 五级=初级 … 一级=高级技师)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="certificates")
    level = models.PositiveSmallIntegerField(_("等级"))
    occupation = models.CharField(_("职业（工种）"), max_length=100)
    issue_date = models.DateField(_("颁发日期"))
    shortage_trade = models.BooleanField(_("市内紧缺急需工种"), blank=True, null=True)

    class Meta:
        verbose_name = _("职业证书")
        verbose_name_plural = _("职业证书")
        ordering = ["person_id", "issue_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(level__gte=1, level__lte=5),
                name="registry_certificate_level_1_5",
            )
        ]


class Training(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="trainings")
    kind = models.CharField(_("培训类型"), max_length=20, choices=TrainingKind.choices)
    class_hours = models.PositiveIntegerField(_("学时数"))
    start = models.DateField(_("开班日期"))
    completed_on = models.DateField(_("结业日期"), blank=True, null=True)

    class Meta:
        verbose_name = _("培训")
        verbose_name_plural = _("培训")
        ordering = ["person_id", "start", "id"]


class Business(models.Model):
    """An entity the person founded, as licensed by market regulation."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="businesses")
    division = models.ForeignKey(
        DIVISION, verbose_name=_("登记地"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("经营实体类型"), max_length=24, choices=BusinessKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    license_date = models.DateField(_("营业执照日期"))
    # 二（三）“有正常经营行为1年以上”: a licence alone does not show when operation began
    operating_since = models.DateField(_("开始正常经营日期"), blank=True, null=True)
    status = models.CharField(_("经营状态"), max_length=10, choices=BusinessStatus.choices)

    class Meta:
        verbose_name = _("创办经营实体")
        verbose_name_plural = _("创办经营实体")
        ordering = ["person_id", "license_date", "id"]


class BenefitReceipt(models.Model):
    """A benefit paid under a rule (rule id as in the policy package), amount in fen."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, blank=True, null=True, related_name="benefits"
    )
    employer = models.ForeignKey(
        "registry.Employer",
        on_delete=models.CASCADE,
        blank=True,
        null=True,
        related_name="benefits",
    )
    rule = models.CharField(_("规则"), max_length=80)
    paid_on = models.DateField(_("发放日期"))
    amount_fen = models.BigIntegerField(_("金额（分）"))

    class Meta:
        verbose_name = _("已享受补贴")
        verbose_name_plural = _("已享受补贴")
        ordering = ["paid_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False, employer__isnull=True)
                | models.Q(person__isnull=True, employer__isnull=False),
                name="registry_benefit_one_payee",
            ),
            models.CheckConstraint(
                condition=models.Q(amount_fen__gte=0), name="registry_benefit_amount_nonnegative"
            ),
        ]
