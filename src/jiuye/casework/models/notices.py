"""一次性告知: every missing or defective item of a case at once, with a deadline."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuye.casework.models.cases import Case
from jiuye.core import clock


class NoticeState(models.TextChoices):
    AWAITING_SENIOR = "senior", _("待上级批准")
    OPEN = "open", _("待补正")
    ANSWERED = "answered", _("已补正")
    LAPSED = "lapsed", _("逾期未补正")
    REFUSED = "refused", _("上级未批准")


class Notice(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notices")
    position = models.PositiveSmallIntegerField(_("环节"))
    items = models.JSONField(_("需补正事项"), help_text=_("[{item, problem}]"))
    deadline = models.DateField(_("补正期限"))
    state = models.CharField(_("状态"), max_length=10, choices=NoticeState.choices)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    issued_at = models.DateTimeField(_("告知时间"), default=clock.now)
    senior = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    senior_at = models.DateTimeField(_("上级批准时间"), null=True)
    response = models.TextField(_("补正说明"), blank=True)
    answered_at = models.DateTimeField(_("补正时间"), null=True)

    class Meta:
        verbose_name = _("一次性告知")
        verbose_name_plural = _("一次性告知")
        ordering = ["case", "issued_at", "id"]

    def item_names(self) -> set[str]:
        return {str(entry["item"]) for entry in self.items}
