"""Applicant accounts, employer contacts and one-time codes.

Identity numbers and mobile numbers are encrypted at rest with a blind index
(:mod:`jiuye.core.encrypted`, docs/field-encryption.md), as the registry and the cases
keep them; names are kept as the registry keeps them. A one-time code is kept only as a
keyed digest, bound to the digest of the mobile number it was sent to.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuye.core import clock
from jiuye.core.encrypted import BlindIndexField, EncryptedField, MaskedField
from jiuye.identity import mask_name, mask_resident_id


def mask_mobile(value: str) -> str:
    """The first 3 and last 4 digits of a mobile number.

    >>> mask_mobile("13912345678"), mask_mobile("")
    ('139****5678', '')
    """
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


class SignInVia(models.TextChoices):
    SMS = "sms", _("身份证号码、姓名和短信验证码")
    OIDC = "oidc", _("省统一身份认证平台")


class Applicant(models.Model):
    """A real-name account of the 个人/单位办事 area (a resident, or an employer's
    contact acting through :class:`EmployerContact`). Not a Django user: see the
    package docstring."""

    resident_id = EncryptedField(
        _("居民身份证号码"),
        purpose="applicants_applicant.resident_id",
        index="resident_id_index",
        masked="resident_id_masked",
    )
    resident_id_index = BlindIndexField(_("身份证号码盲索引"), source="resident_id")
    resident_id_masked = MaskedField(
        _("身份证号码（脱敏）"), max_length=18, source="resident_id", mask=mask_resident_id
    )
    name = models.CharField(_("姓名"), max_length=50)
    mobile = EncryptedField(
        _("手机号码"),
        purpose="applicants_applicant.mobile",
        index="mobile_index",
        masked="mobile_masked",
        blank=True,
        help_text=_("首次登录时以短信验证码证明的号码；更换须经统一身份认证或到窗口办理"),
    )
    mobile_index = BlindIndexField(_("手机号码盲索引"), source="mobile")
    mobile_masked = MaskedField(
        _("手机号码（脱敏）"), max_length=11, source="mobile", mask=mask_mobile
    )
    is_active = models.BooleanField(_("有效"), default=True)
    # raised to end every session of the account at once (its sessions carry the epoch)
    session_epoch = models.PositiveIntegerField(_("会话代次"), default=1)
    created_at = models.DateTimeField(_("开户时间"), default=clock.now)
    last_signed_in_at = models.DateTimeField(_("最近登录时间"), null=True, blank=True)
    last_signed_in_via = models.CharField(
        _("最近登录方式"), max_length=10, choices=SignInVia.choices, blank=True
    )

    class Meta:
        verbose_name = _("办事账号")
        verbose_name_plural = _("办事账号")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["resident_id_index"], name="applicants_applicant_resident_id_uniq"
            )
        ]

    def __str__(self) -> str:
        return mask_name(self.name)

    @property
    def shown_name(self) -> str:
        return mask_name(self.name)


class ContactState(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    REFUSED = "refused", _("不予确认")


class ConfirmedVia(models.TextChoices):
    COUNTER = "counter", _("窗口核验营业执照和授权委托书")
    COLLEAGUE = "colleague", _("本单位已确认的经办人确认")
    DEMO = "demo", _("演示数据")


class EmployerContact(models.Model):
    """A 经办人 acting for the unit with ``credit_code``: who (the account, name and
    mobile at the time), for which unit, and how the right to act was confirmed."""

    applicant = models.ForeignKey(
        Applicant, verbose_name=_("经办人账号"), on_delete=models.PROTECT, related_name="contacts"
    )
    # public registration data (企业信用信息公示), kept in clear as the registry does
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, db_index=True)
    employer = models.ForeignKey(
        "registry.Employer",
        verbose_name=_("登记的用人单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    unit_name = models.CharField(_("单位名称"), max_length=200)
    contact_name = models.CharField(_("经办人姓名"), max_length=50)
    mobile = EncryptedField(
        _("经办人手机号码"),
        purpose="applicants_employercontact.mobile",
        index="mobile_index",
        masked="mobile_masked",
        blank=True,
    )
    mobile_index = BlindIndexField(_("手机号码盲索引"), source="mobile")
    mobile_masked = MaskedField(
        _("手机号码（脱敏）"), max_length=11, source="mobile", mask=mask_mobile
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=ContactState.choices, default=ContactState.PENDING
    )
    confirmed_via = models.CharField(
        _("确认方式"), max_length=10, choices=ConfirmedVia.choices, blank=True
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认的工作人员"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_by_contact = models.ForeignKey(
        "self",
        verbose_name=_("确认的经办人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("确认（不予确认）时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("申报时间"), default=clock.now)

    class Meta:
        verbose_name = _("单位经办人")
        verbose_name_plural = _("单位经办人")
        ordering = ["credit_code", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["applicant", "credit_code"], name="applicants_contact_one_per_unit"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_name}：{mask_name(self.contact_name)}"


class OneTimeCode(models.Model):
    """One code sent by SMS: its digest, the digest of the number it went to, when it
    expires, how many wrong tries it has had and whether it was used."""

    ticket = models.CharField(_("凭据"), max_length=64, unique=True)
    purpose = models.CharField(_("用途"), max_length=30)
    mobile_digest = models.CharField(_("手机号码摘要"), max_length=64)
    code_digest = models.CharField(_("验证码摘要"), max_length=64)
    created_at = models.DateTimeField(_("发送时间"), default=clock.now)
    expires_at = models.DateTimeField(_("失效时间"))
    attempts = models.PositiveSmallIntegerField(_("错误次数"), default=0)
    used_at = models.DateTimeField(_("使用时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        indexes = [models.Index(fields=["expires_at"], name="applicants_code_expiry_idx")]
