"""Review chains as data: which roles, at which level, review a rule's cases, from a date.

A chain is copied onto each case when it is filed (:class:`~.cases.CaseStep`), so a chain
changed in the admin from a later date never touches open cases.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuye.geo.models import DivisionLevel


class Level(models.IntegerChoices):
    """The level of the office that does a step, counted from the applicant's division."""

    CITY = DivisionLevel.CITY, _("市级")
    COUNTY = DivisionLevel.COUNTY, _("县（市、区）级")
    TOWNSHIP = DivisionLevel.TOWNSHIP, _("乡镇（街道）级")
    VILLAGE = DivisionLevel.VILLAGE, _("社区（村）级")


class ReviewRole(models.Model):
    """A review role (初审, 复审, 审批, 科长…): held by the members of its group."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40)
    group = models.OneToOneField(
        Group, verbose_name=_("用户组"), on_delete=models.PROTECT, related_name="review_role"
    )
    is_senior = models.BooleanField(
        _("上级审核"),
        default=False,
        help_text=_("可批准第二次退回补正（一次性告知以外的事项）和对不符合条件结论的核准"),
    )

    class Meta:
        verbose_name = _("审核角色")
        verbose_name_plural = _("审核角色")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ReviewChain(models.Model):
    """The review chain of one rule from ``valid_from`` (the latest start in force wins)."""

    rule_id = models.CharField(_("规则"), max_length=80)
    valid_from = models.DateField(_("生效日期"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    is_sample = models.BooleanField(_("演示样例"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("设定人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("审核流程")
        verbose_name_plural = _("审核流程")
        ordering = ["rule_id", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule_id", "valid_from"], name="casework_chain_rule_from_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.rule_id}（{self.valid_from:%Y-%m-%d} 起）"


class ChainStep(models.Model):
    """One step of a chain: who (role), where (level), within how many working days."""

    chain = models.ForeignKey(
        ReviewChain, verbose_name=_("审核流程"), on_delete=models.CASCADE, related_name="steps"
    )
    position = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("环节名称"), max_length=40)
    role = models.ForeignKey(
        ReviewRole, verbose_name=_("审核角色"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices)
    working_days = models.PositiveSmallIntegerField(
        _("办理时限（工作日）"),
        null=True,
        blank=True,
        help_text=_("按办事指南填写；空：未设定，不计超期"),
    )

    class Meta:
        verbose_name = _("审核环节")
        verbose_name_plural = _("审核环节")
        ordering = ["chain", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["chain", "position"], name="casework_chainstep_position_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.name}"
