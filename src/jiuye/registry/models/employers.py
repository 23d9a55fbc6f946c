from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuye.registry.models.choices import EmployerKind, Ownership, SizeClass


class Employer(models.Model):
    """A unit that employs people, keyed by 统一社会信用代码."""

    credit_code = models.CharField(_("统一社会信用代码"), max_length=18)
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("单位类型"), max_length=20, choices=EmployerKind.choices)
    ownership = models.CharField(
        _("所有制"), max_length=24, choices=Ownership.choices, blank=True, null=True
    )
    size_class = models.CharField(
        _("规模"), max_length=8, choices=SizeClass.choices, blank=True, null=True
    )
    division = models.ForeignKey(
        "geo.Division", verbose_name=_("所在地"), on_delete=models.PROTECT, related_name="+"
    )
    pooling_region_code = models.CharField(
        _("失业保险统筹地区代码"), max_length=12, blank=True, null=True
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("用人单位")
        verbose_name_plural = _("用人单位")
        ordering = ["id"]
        # a unique constraint, not unique=True: on PostgreSQL that adds a second
        # (pattern-ops) index no query uses, which every bulk insert would maintain
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], name="registry_employer_credit_code_uniq"
            )
        ]

    @property
    def state_owned_or_controlled(self) -> bool:
        return self.ownership in (Ownership.STATE_OWNED, Ownership.STATE_CONTROLLED)

    def __str__(self) -> str:
        return self.name


class EmployerYear(models.Model):
    """One employer's figures for one calendar year; money in fen."""

    employer = models.ForeignKey(Employer, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("年度"))
    ui_insured = models.BooleanField(_("参加失业保险"), blank=True, null=True)
    ui_premiums_fen = models.BigIntegerField(_("实缴失业保险费（分）"), blank=True, null=True)
    ui_arrears_fen = models.BigIntegerField(_("欠缴失业保险费（分）"), blank=True, null=True)
    avg_insured = models.PositiveIntegerField(_("月平均参保职工人数"), blank=True, null=True)
    layoffs = models.PositiveIntegerField(_("裁员人数"), blank=True, null=True)
    hires = models.PositiveIntegerField(_("新招用人数"), blank=True, null=True)
    graduate_hires = models.PositiveIntegerField(_("其中高校毕业生"), blank=True, null=True)
    veteran_hires = models.PositiveIntegerField(_("其中退役军人"), blank=True, null=True)
    recruitment_posts = models.PositiveIntegerField(_("新招聘岗位数"), blank=True, null=True)
    veteran_posts = models.PositiveIntegerField(_("择优招聘退役军人岗位数"), blank=True, null=True)
    stabilization_measures = models.BooleanField(_("采取稳岗措施"), blank=True, null=True)
    apprenticeship_pilot = models.BooleanField(_("新型学徒制试点"), blank=True, null=True)
    apprenticeship_training = models.BooleanField(_("开展新型学徒制培训"), blank=True, null=True)

    class Meta:
        verbose_name = _("用人单位年度情况")
        verbose_name_plural = _("用人单位年度情况")
        ordering = ["employer_id", "year"]
        constraints = [
            models.UniqueConstraint(fields=["employer", "year"], name="registry_employer_year"),
            models.CheckConstraint(
                condition=(models.Q(ui_premiums_fen__gte=0) | models.Q(ui_premiums_fen=None))
                & (models.Q(ui_arrears_fen__gte=0) | models.Q(ui_arrears_fen=None)),
                name="registry_employer_year_money_nonnegative",
            ),
        ]


class UnemploymentRate(models.Model):
    """城镇登记失业率 of a region (GB/T 2260 code or prefix) for a year, in 1/100 of a percent."""

    region_code = models.CharField(_("地区代码"), max_length=12)
    year = models.PositiveSmallIntegerField(_("年度"))
    rate_bp = models.PositiveIntegerField(_("失业率（万分之一）"))
    source = models.CharField(_("来源"), max_length=200)

    class Meta:
        verbose_name = _("城镇登记失业率")
        verbose_name_plural = _("城镇登记失业率")
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "year"], name="registry_rate_region_year"
            )
        ]
