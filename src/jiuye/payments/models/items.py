"""Payable items: one per ready case (and per period where a benefit is periodic).

The item's amount is the frozen decision's, its fund the rule's (from the policy
package), its county the case's handling office and its year the budget year. Its state
moves only along :data:`jiuye.payments.states.EDGES`, each move a compare-and-swap on
(state, version); each move that moves money posts one ledger transaction tied to the
item's new version (unique), so a move can never post twice.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiuye.core import clock
from jiuye.payments.models.ledger import Fund


class ItemState(models.TextChoices):
    WAITING = "waiting", _("待预留")
    COMMITTED = "committed", _("已预留，待支付")
    BATCHED = "batched", _("已编入代发批次，待复核")
    SENT = "sent", _("已送银行代发，待结果")
    PAID = "paid", _("已拨付")
    RETURNED = "returned", _("银行退回，待重新支付")
    RECOVERED = "recovered", _("已追回")
    CANCELLED = "cancelled", _("已取消")


#: The reason a waiting item gives when the budget does not cover it (the report shows
#: the shortfall).
NO_BUDGET = "预算不足"


class PayableItem(models.Model):
    case = models.ForeignKey(
        "casework.Case", verbose_name=_("办件"), on_delete=models.PROTECT, related_name="+"
    )
    case_code = models.CharField(_("办件编号"), max_length=20)
    decision = models.ForeignKey(
        "casework.Decision",
        verbose_name=_("所依据的认定结论"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    period = models.CharField(
        _("所属期"), max_length=7, blank=True, default="", help_text=_("按月发放的为 YYYY-MM")
    )
    rule_id = models.CharField(_("规则"), max_length=80)
    title = models.CharField(_("事项"), max_length=200)
    once = models.BooleanField(_("一次性补贴"), default=False)
    # a one-time benefit holds its (rule, subject) slot for ever, unless cancelled
    once_slot = models.BooleanField(_("占用一次性名额"), default=False)
    subject_index = models.CharField(_("证件号码盲索引"), max_length=48)
    subject_masked = models.CharField(_("证件号码（脱敏）"), max_length=18)
    payee_name = models.CharField(_("收款人（单位）"), max_length=200)
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    employer = models.ForeignKey(
        "registry.Employer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fund = models.ForeignKey(Fund, verbose_name=_("资金来源"), on_delete=models.PROTECT)
    county_code = models.CharField(_("县（市、区）区划代码"), max_length=12)
    year = models.PositiveSmallIntegerField(_("预算年度"))
    amount_fen = models.BigIntegerField(_("金额（分）"))
    payee_account = models.ForeignKey(
        "registry.PayeeAccount",
        verbose_name=_("收款账户"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=ItemState.choices, default=ItemState.WAITING
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    waiting_reason = models.CharField(_("等待原因"), max_length=200, blank=True)
    bank_reason = models.CharField(_("银行退回原因"), max_length=200, blank=True)
    paid_on = models.DateField(_("拨付日期"), null=True, blank=True)
    # the registry's record of the benefit received, while the item stays paid: what the
    # engine's once-only conditions read
    receipt = models.ForeignKey(
        "registry.BenefitReceipt",
        verbose_name=_("已享受补贴记录"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("生成时间"), default=clock.now)
    updated_at = models.DateTimeField(_("更新时间"), default=clock.now)

    class Meta:
        verbose_name = _("应付款项")
        verbose_name_plural = _("应付款项")
        ordering = ["id"]
        permissions = [
            ("view_fund_report", "查看资金报表和拨付记录"),
            ("allocate_budget", "下达预算"),
            ("commit_payment", "预留资金和登记拨付"),
            ("approve_payee_account", "核准收款账户变更"),
            ("release_batch", "复核发出代发批次"),
        ]
        constraints = [
            # one payable item per case and period
            models.UniqueConstraint(
                fields=["case", "period"], name="payments_item_one_per_case_period"
            ),
            # a one-time benefit at most once per person (or unit) and rule, ever
            models.UniqueConstraint(
                fields=["rule_id", "subject_index"],
                condition=Q(once_slot=True),
                name="payments_item_once_per_subject_rule",
            ),
            models.CheckConstraint(
                condition=Q(amount_fen__gt=0), name="payments_item_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(once=True) | Q(once_slot=False), name="payments_item_slot_only_once"
            ),
        ]
        indexes = [
            models.Index(fields=["state", "fund", "county_code", "year"], name="payments_item_q"),
        ]

    def __str__(self) -> str:
        return f"{self.case_code} {self.period}".strip()


class ItemEvent(models.Model):
    """A state change of an item that moved no money, or the note of one that did (the
    money itself is in the ledger): the item's payment history with the transactions."""

    item = models.ForeignKey(PayableItem, on_delete=models.PROTECT, related_name="events")
    at = models.DateTimeField(_("时间"), default=clock.now)
    action = models.CharField(_("操作"), max_length=20)
    from_state = models.CharField(_("原状态"), max_length=10, blank=True)
    to_state = models.CharField(_("新状态"), max_length=10, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("款项记录")
        verbose_name_plural = _("款项记录")
        ordering = ["item", "at", "id"]
