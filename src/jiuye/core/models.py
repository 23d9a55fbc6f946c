"""The one change history of the project, written only through :mod:`jiuye.core.audit`.

The table is the registry's former ``registry_changelog`` (moved by state, no row lost):
the registry's people, households and employers, reference figures and the portal's
public content all keep their history in it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiuye.core import clock


class Source(models.TextChoices):
    """Where a write came from."""

    SCREEN = "screen", _("经办界面")
    ROSTER = "roster", _("花名册导入")
    EXCHANGE = "exchange", _("数据交换")
    SYNTHETIC = "synthetic", _("合成演示数据")


class ChangeLogQuerySet(models.QuerySet["ChangeLog"]):
    def of(self, entity: str, object_id: int) -> ChangeLogQuerySet:
        """The history of one record: its own rows and the bulk creations that include it."""
        return self.filter(
            Q(object_id=object_id) | Q(object_id__lt=object_id, object_id_last__gte=object_id),
            entity=entity,
        )


class ChangeLog(models.Model):
    """Who changed which fields of which record, when, from where.

    ``entity`` names the kind of record ("person", "household", "employer", "rate",
    "portal.guide", ...). ``changes`` maps a field (or a child record, e.g.
    ``"employment"``) to ``{"old": ..., "new": ...}``; identity numbers and names appear
    only masked, sex and birth date (read from the identity number) not at all. A record
    created on a screen logs its values (``action`` "create"); a record added to a person
    logs ``{"employment": {...}}`` ("add").

    A bulk creation (a roster import) is one event: one row per run of consecutive ids,
    ``object_id`` to ``object_id_last``, whose ``changes`` name the roster, the file, the
    fields given and the number of records. The values a record was created with are its
    values with its later updates undone (every update logs the old value).
    """

    entity = models.CharField(_("对象类型"), max_length=20)
    object_id = models.BigIntegerField(_("对象编号"))
    object_id_last = models.BigIntegerField(
        _("批量新建的最后对象编号"),
        blank=True,
        null=True,
        help_text=_("批量导入新建的一段连续编号的记录：从对象编号到此编号"),
    )
    action = models.CharField(_("操作"), max_length=10)
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        blank=True,
        null=True,
        related_name="+",
    )
    changes = models.JSONField(_("变更内容"), default=dict)
    at = models.DateTimeField(_("时间"), default=clock.now)

    objects = ChangeLogQuerySet.as_manager()

    class Meta:
        db_table = "registry_changelog"
        verbose_name = _("变更记录")
        verbose_name_plural = _("变更记录")
        ordering = ["at", "id"]
        indexes = [
            models.Index(fields=["entity", "object_id"], name="registry_ch_entity_1a5f9d_idx"),
            models.Index(
                fields=["entity", "object_id_last"],
                condition=Q(object_id_last__isnull=False),
                name="registry_changelog_runs",
            ),
        ]


class AuditEvent(models.Model):
    """One row of the security audit trail (安全审计): security events (sign-in, failure,
    lockout, unlock, session end, role change), sensitive reads and every write recorded
    through :mod:`jiuye.core.audit`. Written only by :func:`jiuye.core.trail.append`.

    ``event`` is a dotted name ("auth.login", "auth.failure", "access.reveal",
    "write.update", ...); ``object`` names what it concerns ("person:12", "user:3");
    ``outcome`` is "ok", "refused" or "failed"; ``detail`` never holds a personal value
    in clear.
    """

    at = models.DateTimeField(_("时间"), default=clock.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        on_delete=models.PROTECT,
        blank=True,
        null=True,
        related_name="+",
    )
    actor_label = models.CharField(
        _("操作人名称"), max_length=150, blank=True, help_text=_("如未登录时所填用户名")
    )
    event = models.CharField(_("事件"), max_length=40)
    object = models.CharField(_("对象"), max_length=80, blank=True)
    outcome = models.CharField(_("结果"), max_length=10, default="ok")
    source_address = models.CharField(_("来源地址"), max_length=45, blank=True)
    detail = models.JSONField(_("详情"), default=dict)

    class Meta:
        verbose_name = _("安全审计记录")
        verbose_name_plural = _("安全审计记录")
        ordering = ["id"]
        indexes = [models.Index(fields=["event", "at"], name="core_audit_event_at")]
