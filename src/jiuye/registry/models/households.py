from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuye.registry.models.choices import HouseholdStatusKind


class Household(models.Model):
    """A household (户), keyed by the number the civil-affairs or poverty register gives it."""

    number = models.CharField(_("家庭编号"), max_length=40)
    division = models.ForeignKey(
        "geo.Division", verbose_name=_("所在地"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("家庭")
        verbose_name_plural = _("家庭")
        ordering = ["id"]
        # a unique constraint, not unique=True: on PostgreSQL that adds a second
        # (pattern-ops) index no query uses, which every bulk insert would maintain
        constraints = [
            models.UniqueConstraint(fields=["number"], name="registry_household_number_uniq")
        ]

    def __str__(self) -> str:
        return self.number


class HouseholdMember(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    person = models.OneToOneField(
        "registry.Person", on_delete=models.CASCADE, related_name="membership"
    )
    relation = models.CharField(_("与户主关系"), max_length=20)

    class Meta:
        verbose_name = _("家庭成员")
        verbose_name_plural = _("家庭成员")


class HouseholdStatus(models.Model):
    """低保、建档立卡、特困、贫困残疾人 status from ``start`` until ``end`` (exclusive)."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="statuses")
    kind = models.CharField(_("类别"), max_length=16, choices=HouseholdStatusKind.choices)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"), blank=True, null=True)

    class Meta:
        verbose_name = _("家庭困难类别")
        verbose_name_plural = _("家庭困难类别")
        ordering = ["household_id", "start", "id"]
