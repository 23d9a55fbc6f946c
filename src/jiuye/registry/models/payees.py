"""Payee accounts (issue 12): where a benefit is paid, kept in the registry.

A person is paid to the financial account of their 社会保障卡, a unit to its basic
deposit account (基本存款账户). Payments never take an account typed at payment time:
they take the payee's *active* account here. An account (the first one too) becomes
active only when a second staff member approves it (``decided_by`` is never the
requester: a database constraint); approving supersedes the previous one. The number
is encrypted at rest like the identity numbers (docs/field-encryption.md), found by its
blind index, shown by its last four digits.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from jiuye.core import clock
from jiuye.core.encrypted import BlindIndexField, EncryptedField, MaskedField
from jiuye.identity.masking import mask_bank_account


class PayeeAccountKind(models.TextChoices):
    SOCIAL_SECURITY_CARD = "ss_card", _("社会保障卡金融账户")
    EMPLOYER_BASIC = "basic", _("单位基本存款账户")


class PayeeAccountState(models.TextChoices):
    PENDING = "pending", _("待核准")
    ACTIVE = "active", _("在用")
    SUPERSEDED = "superseded", _("已停用")
    REFUSED = "refused", _("未核准")


class PayeeAccount(models.Model):
    person = models.ForeignKey(
        "registry.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payee_accounts",
    )
    employer = models.ForeignKey(
        "registry.Employer",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="payee_accounts",
    )
    kind = models.CharField(_("账户类型"), max_length=8, choices=PayeeAccountKind.choices)
    holder_name = models.CharField(_("户名"), max_length=200)
    bank_name = models.CharField(_("开户银行"), max_length=100)
    bank_code = models.CharField(_("开户行行号"), max_length=20, blank=True)
    number = EncryptedField(
        _("账号"),
        purpose="registry_payeeaccount.number",
        index="number_index",
        masked="number_masked",
    )
    number_index = BlindIndexField(_("账号盲索引"), source="number")
    number_masked = MaskedField(
        _("账号（脱敏）"), max_length=40, source="number", mask=mask_bank_account
    )
    state = models.CharField(
        _("状态"),
        max_length=10,
        choices=PayeeAccountState.choices,
        default=PayeeAccountState.PENDING,
    )
    reason = models.CharField(_("变更事由"), max_length=300)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("申请时间"), default=clock.now)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核准人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("核准时间"), null=True, blank=True)
    decision_note = models.CharField(_("核准意见"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("收款账户")
        verbose_name_plural = _("收款账户")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False, employer__isnull=True)
                | Q(person__isnull=True, employer__isnull=False),
                name="registry_payee_one_owner",
            ),
            # maker–checker: the approver is never the requester
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="registry_payee_second_person",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(state=PayeeAccountState.ACTIVE, person__isnull=False),
                name="registry_payee_one_active_per_person",
            ),
            models.UniqueConstraint(
                fields=["employer"],
                condition=Q(state=PayeeAccountState.ACTIVE, employer__isnull=False),
                name="registry_payee_one_active_per_employer",
            ),
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(state=PayeeAccountState.PENDING, person__isnull=False),
                name="registry_payee_one_pending_per_person",
            ),
            models.UniqueConstraint(
                fields=["employer"],
                condition=Q(state=PayeeAccountState.PENDING, employer__isnull=False),
                name="registry_payee_one_pending_per_employer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bank_name} {self.number_masked}"

    @property
    def last_four(self) -> str:
        return str(self.number_masked or "")[-4:]
