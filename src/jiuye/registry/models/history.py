from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiuye.registry.models.choices import Source


class ChangeLog(models.Model):
    """Who changed which fields of a person, household or employer, when, from where.

    ``changes`` maps a field (or a child record, e.g. ``"employment"``) to
    ``{"old": ..., "new": ...}``; identity numbers and names appear only masked.
    """

    entity = models.CharField(_("对象类型"), max_length=10)
    object_id = models.BigIntegerField(_("对象编号"))
    action = models.CharField(_("操作"), max_length=10)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"),
                              on_delete=models.PROTECT, blank=True, null=True,
                              related_name="+")
    changes = models.JSONField(_("变更内容"), default=dict)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["entity", "object_id"])]
