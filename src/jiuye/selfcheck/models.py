from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SelfCheckDraft(models.Model):
    """Self-check answers kept under an opaque token, to carry into an application later.

    Personal data: the self-check stores nothing by itself; a draft is written only when
    the person explicitly asks to keep the answers (按钮“保存，以后用于申请”), holds no
    name or ID number, and expires after ``DRAFT_DAYS`` days.
    """

    token = models.CharField(_("凭证"), max_length=64, unique=True)
    entity = models.CharField(_("对象类型"), max_length=20)
    answers = models.JSONField(_("回答"), default=dict)
    skipped = models.JSONField(_("跳过的问题"), default=list)
    created_at = models.DateTimeField(_("保存时间"), auto_now_add=True)
    expires_at = models.DateTimeField(_("失效时间"), db_index=True)

    class Meta:
        verbose_name = _("自助测评草稿")
        verbose_name_plural = _("自助测评草稿")

    def __str__(self) -> str:
        return f"{self.entity} {self.created_at:%Y-%m-%d}"
