"""The one change history of the project, written only through :mod:`jiuye.core.audit`,
and the security audit trail, written only through :mod:`jiuye.core.trail`.

The change history's table is the registry's former ``registry_changelog`` (moved by
state, no row lost): the registry's people, households and employers, reference figures
and the portal's public content all keep their history in it.

Both are append-only. Here (every backend) a saved row cannot be saved again or deleted
and their querysets refuse ``update`` and ``delete`` (the trail's archive alone deletes,
inside :func:`jiuye.core.trail.maintenance`); on PostgreSQL triggers refuse UPDATE,
DELETE and TRUNCATE as well (migration ``core/0005``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiuye.core import clock
from jiuye.core.errors import JiuyeError

ModelT = TypeVar("ModelT", bound=models.Model)

_maintenance: ContextVar[bool] = ContextVar("jiuye_audit_maintenance", default=False)


class AppendOnly(JiuyeError):
    """A change or deletion of an audit row (refused)."""

    http_status: ClassVar[int] = 403


def _refuse(what: str) -> AppendOnly:
    return AppendOnly("append_only", f"审计记录只能追加，不能{what}")


@contextmanager
def deletions_allowed() -> Iterator[None]:
    """Let audit querysets delete (the archive of rows past retention, nothing else)."""
    token = _maintenance.set(True)
    try:
        yield
    finally:
        _maintenance.reset(token)


class AppendOnlyQuerySet(models.QuerySet[ModelT]):
    """Rows are inserted, never updated; deleted only by the archive."""

    def update(self, **kwargs: Any) -> int:
        raise _refuse("修改")

    def delete(self) -> tuple[int, dict[str, int]]:
        if not _maintenance.get():
            raise _refuse("删除")
        return super().delete()


class AppendOnlyModel(models.Model):
    """A model whose saved rows cannot be saved again or deleted one by one."""

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise _refuse("修改")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise _refuse("删除")


class Source(models.TextChoices):
    """Where a write came from."""

    SCREEN = "screen", _("经办界面")
    ROSTER = "roster", _("花名册导入")
    EXCHANGE = "exchange", _("数据交换")
    SYNTHETIC = "synthetic", _("合成演示数据")
    PORTAL = "portal", _("网上办事")
    API = "api", _("接口")
    TASK = "task", _("系统任务")


class ChangeLogQuerySet(AppendOnlyQuerySet["ChangeLog"]):
    def of(self, entity: str, object_id: int) -> ChangeLogQuerySet:
        """The history of one record: its own rows and the bulk creations that include it."""
        return self.filter(
            Q(object_id=object_id) | Q(object_id__lt=object_id, object_id_last__gte=object_id),
            entity=entity,
        )


class ChangeLog(AppendOnlyModel):
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


class AuditEvent(AppendOnlyModel):
    """One row of the security audit trail (安全审计): security events (sign-in, failure,
    lockout, unlock, session end, role change), sensitive reads and every write recorded
    through :mod:`jiuye.core.audit`. Written only by :func:`jiuye.core.trail.append`.

    ``event`` is a dotted name ("auth.login", "auth.failure", "access.reveal",
    "write.update", ...); ``object`` names what it concerns ("person:12", "user:3");
    ``outcome`` is "ok", "refused" or "failed"; ``detail`` never holds a personal value
    in clear.

    The rows form a hash chain (:mod:`jiuye.core.chain`): ``sequence`` counts from 1
    without a gap, ``previous`` is the digest of the row before, ``digest`` covers
    ``previous`` and the row's content, hashed with ``algorithm``.
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
    sequence = models.BigIntegerField(_("链序号"), unique=True)
    previous = models.CharField(_("前一条摘要"), max_length=64)
    digest = models.CharField(_("摘要"), max_length=64)
    algorithm = models.CharField(_("摘要算法"), max_length=10)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = _("安全审计记录")
        verbose_name_plural = _("安全审计记录")
        ordering = ["sequence"]
        indexes = [models.Index(fields=["event", "at"], name="core_audit_event_at")]


class AuditChainHead(models.Model):
    """The head of the trail's chain, one row (``chain`` "trail"), locked by every
    append: the last sequence and digest, and where the rows still in the table start
    (``archived_sequence`` and ``archived_digest``: the last row archived, 0 and the
    genesis digest before any). ``chain_id`` names this chain in the head file and the
    archives, so that a file of another database is never taken for this one's."""

    chain = models.CharField(_("链"), max_length=20, primary_key=True)
    chain_id = models.CharField(_("链标识"), max_length=32)
    sequence = models.BigIntegerField(_("链头序号"), default=0)
    digest = models.CharField(_("链头摘要"), max_length=64)
    algorithm = models.CharField(_("摘要算法"), max_length=10, blank=True)
    at = models.DateTimeField(_("链头时间"), blank=True, null=True)
    archived_sequence = models.BigIntegerField(_("已归档至序号"), default=0)
    archived_digest = models.CharField(_("已归档链头摘要"), max_length=64)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")


class IdempotencyKey(models.Model):
    """The first answer to a request with an ``Idempotency-Key`` (jiuye.core.idempotency)."""

    scope = models.CharField(_("范围"), max_length=60)
    key = models.CharField(_("幂等键"), max_length=100)
    body_digest = models.CharField(_("请求摘要"), max_length=64)
    status = models.PositiveSmallIntegerField(_("状态码"))
    answer = models.JSONField(_("应答"))
    created_at = models.DateTimeField(_("时间"), default=clock.now)

    class Meta:
        verbose_name = _("幂等键")
        verbose_name_plural = _("幂等键")
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="core_idempotency_scope_key_uniq")
        ]
