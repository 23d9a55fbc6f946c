"""公示: an approved case announced per measure and county, and objections to it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuye.casework.models.cases import Case
from jiuye.core import clock


class AnnouncementState(models.TextChoices):
    RUNNING = "running", _("公示中")
    HELD = "held", _("异议处理中")
    PASSED = "passed", _("公示期满无异议")
    WITHDRAWN = "withdrawn", _("已撤下")


class Announcement(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="announcements")
    rule_id = models.CharField(_("规则"), max_length=80)
    county_code = models.CharField(_("县（市、区）"), max_length=12)
    public_name = models.CharField(_("公示姓名（脱敏）"), max_length=200)
    public_id = models.CharField(_("公示证件号（脱敏）"), max_length=18)
    amount_fen = models.BigIntegerField(_("金额（分）"), null=True)
    starts_on = models.DateField(_("公示开始"))
    ends_on = models.DateField(_("公示截止"))
    working_days = models.PositiveSmallIntegerField(_("公示期（工作日）"))
    state = models.CharField(_("状态"), max_length=10, choices=AnnouncementState.choices)

    class Meta:
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        ordering = ["rule_id", "county_code", "-starts_on", "id"]
        indexes = [
            models.Index(fields=["rule_id", "county_code", "state"], name="casework_pub_idx")
        ]


class ObjectionState(models.TextChoices):
    OPEN = "open", _("待处理")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")


class Objection(models.Model):
    announcement = models.ForeignKey(
        Announcement, on_delete=models.CASCADE, related_name="objections"
    )
    name = models.CharField(_("异议人"), max_length=50)
    contact = models.CharField(_("联系方式"), max_length=50)
    text = models.TextField(_("异议内容"), max_length=2000)
    filed_at = models.DateTimeField(_("提出时间"), default=clock.now)
    state = models.CharField(_("状态"), max_length=10, choices=ObjectionState.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True)
    outcome = models.CharField(_("处理结果"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("公示异议")
        verbose_name_plural = _("公示异议")
        ordering = ["filed_at", "id"]
