"""Who may see which part of the registry, and a record of every look at sensitive data.

A staff member sees the subtree of one administrative division (``StaffProfile``);
every reveal of a full identity number and every export of a staff list leaves a
``SensitiveAccessLog`` row. The rows name the record and the field, never the value.
The tables keep their first names (``registry_staffprofile``,
``registry_sensitiveaccesslog``): the models moved by state, no row was copied.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuye.core import clock


class StaffProfile(models.Model):
    """The jurisdiction of one staff account; a user without one sees no registry data."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="staff_profile",
    )
    division = models.ForeignKey(
        "geo.Division", verbose_name=_("辖区"), on_delete=models.PROTECT, related_name="+"
    )
    can_view_full_identity = models.BooleanField(
        _("可查看完整身份证号码"),
        default=False,
        help_text=_("可在详情页显示完整号码、导出未脱敏名单；每次查看都记入敏感信息访问记录。"),
    )

    class Meta:
        db_table = "registry_staffprofile"
        verbose_name = _("工作人员辖区")
        verbose_name_plural = _("工作人员辖区")

    def __str__(self) -> str:
        return f"{self.user} · {self.division}"


class AccessAction(models.TextChoices):
    REVEAL = "reveal", _("显示完整号码")
    EXPORT = "export", _("导出名单")


class AccessOutcome(models.TextChoices):
    SHOWN = "shown", _("已显示")
    REFUSED = "refused", _("已拒绝")


class SensitiveAccessLog(models.Model):
    """Who saw which sensitive field of which record (or which export), when and why.

    ``outcome`` says whether the look was granted; ``unmasked`` whether full values were
    shown or exported; ``filters`` the filter of an export; ``reason`` the stated reason
    (a refusal's reason names the limit).
    """

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("查看人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=10, choices=AccessAction.choices)
    outcome = models.CharField(
        _("结果"), max_length=10, choices=AccessOutcome.choices, default=AccessOutcome.SHOWN
    )
    unmasked = models.BooleanField(_("未脱敏"), default=False)
    entity = models.CharField(_("对象类型"), max_length=10)
    object_id = models.BigIntegerField(_("对象编号"), blank=True, null=True)
    field = models.CharField(_("字段"), max_length=40)
    reason = models.CharField(_("事由"), max_length=200, blank=True)
    filters = models.CharField(_("筛选条件"), max_length=200, blank=True)
    export_name = models.CharField(_("导出名称"), max_length=60, blank=True)
    row_count = models.PositiveIntegerField(_("行数"), blank=True, null=True)
    at = models.DateTimeField(_("时间"), default=clock.now)

    class Meta:
        db_table = "registry_sensitiveaccesslog"
        verbose_name = _("敏感信息访问记录")
        verbose_name_plural = _("敏感信息访问记录")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["entity", "object_id"], name="registry_se_entity_27b424_idx"),
            models.Index(fields=["actor", "action", "at"], name="staff_access_actor_action_at"),
        ]


class StaffSession(models.Model):
    """The index of signed-in sessions by user, so that ending all of one user's sessions
    (sign-out everywhere, a disabled account, a security administrator's kill) is one
    query and deletes the session rows on the server, not only a cookie.

    Kept by :mod:`jiuye.staff.sessions`: a row is written when a session is first seen
    signed in and moved when its key is cycled (sign-in, second factor, password change).
    """

    session_key = models.CharField(_("会话标识"), max_length=40, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    started_at = models.DateTimeField(_("登录时间"), default=clock.now)
    source_address = models.CharField(_("来源地址"), max_length=45, blank=True)

    class Meta:
        verbose_name = _("登录会话")
        verbose_name_plural = _("登录会话")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["user", "started_at"], name="staff_session_user")]

    def __str__(self) -> str:
        return f"{self.user} · {self.started_at:%Y-%m-%d %H:%M}"


class PasswordRecord(models.Model):
    """When a user's password was last set, and whether it was set by someone else (an
    administrator's reset or a new account: the owner must change it at next sign-in).

    Written by :class:`jiuye.staff.passwords.PasswordAgeValidator` whenever a password is
    saved, whatever the path (forms, admin, ``changepassword``, setup).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("用户"),
        on_delete=models.CASCADE,
        related_name="password_record",
    )
    changed_at = models.DateTimeField(_("密码修改时间"), default=clock.now)
    must_change = models.BooleanField(
        _("须在下次登录时修改"),
        default=False,
        help_text=_("由管理员设置或重置的密码，本人登录后须先修改。"),
    )

    class Meta:
        verbose_name = _("密码状态")
        verbose_name_plural = _("密码状态")

    def __str__(self) -> str:
        return f"{self.user} · {self.changed_at:%Y-%m-%d}"


class ExportState(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已批准")
    REFUSED = "refused", _("已拒绝")
    DOWNLOADED = "downloaded", _("已下载")


class ExportApproval(models.Model):
    """One request for an unmasked export of a staff list (maker–checker, issue 10).

    The requester states a reason for one filter of one list; another staff member with
    ``staff.approve_export`` whose jurisdiction covers the requester's approves or
    refuses it; the requester then downloads the file once before ``valid_until``. The
    rows asked for count against the requester's daily cap from the moment of the
    request (a refusal gives them back). The database refuses a decision by the
    requester (``staff_export_checker_not_maker``). Every step is in the security trail
    and the download in the access log.
    """

    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    # the requester's jurisdiction (division code prefix) when asking: the approver's
    # must cover it, and the download runs the filter in it
    scope = models.CharField(_("申请人辖区代码"), max_length=12)
    entity = models.CharField(_("对象类型"), max_length=10)
    export_name = models.CharField(_("导出名称"), max_length=60)
    field = models.CharField(_("未脱敏字段"), max_length=40)
    params = models.JSONField(_("筛选参数"), default=dict)
    filters = models.CharField(_("筛选条件"), max_length=200, blank=True)
    row_count = models.PositiveIntegerField(_("申请行数"))
    reason = models.CharField(_("事由"), max_length=200)
    state = models.CharField(
        _("状态"), max_length=12, choices=ExportState.choices, default=ExportState.PENDING
    )
    requested_at = models.DateTimeField(_("申请时间"), default=clock.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审批人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_note = models.CharField(_("审批意见"), max_length=200, blank=True)
    valid_until = models.DateTimeField(_("下载截止时间"), null=True, blank=True)
    downloaded_at = models.DateTimeField(_("下载时间"), null=True, blank=True)
    downloaded_rows = models.PositiveIntegerField(_("下载行数"), null=True, blank=True)

    class Meta:
        verbose_name = _("未脱敏导出审批")
        verbose_name_plural = _("未脱敏导出审批")
        ordering = ["-requested_at", "-id"]
        permissions = [("approve_export", _("审批未脱敏导出"))]
        indexes = [
            models.Index(fields=["requester", "requested_at"], name="staff_export_requester_at"),
            models.Index(fields=["state", "scope"], name="staff_export_state_scope"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(decided_by__isnull=True)
                | ~models.Q(decided_by=models.F("requester")),
                name="staff_export_checker_not_maker",
            ),
            models.CheckConstraint(
                condition=models.Q(row_count__gt=0), name="staff_export_rows_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.export_name} #{self.pk}"
