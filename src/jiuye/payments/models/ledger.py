"""Funds, their accounts per county and year, and the double-entry ledger.

Every movement of money is a :class:`Transaction` of :class:`Entry` rows whose amounts
(integer fen) sum to zero. Posted rows are never changed or deleted: the models and
querysets here refuse it on every backend, PostgreSQL triggers refuse it as well
(migration ``0002``), and a correction is a new transaction that reverses the first.

Each fund has four accounts per county and year (:class:`AccountKind`):

=========  ====================================================  ===========
kind       what its balance is                                   sign
=========  ====================================================  ===========
source     minus the budget allocated (下达) to the county/year  ≤ 0
available  budget not yet committed                              ≥ 0
committed  committed (预留) to items not yet paid                ≥ 0
paid       paid out (支付), net of bank returns and recoveries   ≥ 0
=========  ====================================================  ===========

so budget = −source = available + committed + paid, always. The account's
``balance_fen`` is a snapshot kept in the posting's transaction (the row the budget
check locks); ``jiuye ledger verify`` recomputes it from the entries. The signs are
CHECK constraints: no account can go below zero, whatever the path.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiuye.core import clock
from jiuye.payments.errors import LedgerImmutable

ModelT = TypeVar("ModelT", bound=models.Model)


def _immutable(what: str) -> LedgerImmutable:
    return LedgerImmutable("ledger_immutable", f"已记账的{what}不能修改或删除：请做冲正")


class ImmutableQuerySet(models.QuerySet[ModelT]):
    """Rows are inserted, never updated or deleted."""

    def update(self, **kwargs: Any) -> int:
        raise _immutable(str(self.model._meta.verbose_name))

    def delete(self) -> tuple[int, dict[str, int]]:
        raise _immutable(str(self.model._meta.verbose_name))


class ImmutableModel(models.Model):
    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise _immutable(str(self._meta.verbose_name))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise _immutable(str(self._meta.verbose_name))


class Fund(models.Model):
    """A source of money the policy package names on its rules (``Rule.fund``)."""

    name = models.CharField(_("资金来源"), max_length=100)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("建立时间"), default=clock.now)

    class Meta:
        verbose_name = _("资金")
        verbose_name_plural = _("资金")
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["name"], name="payments_fund_name_uniq")]

    def __str__(self) -> str:
        return self.name


class AccountKind(models.TextChoices):
    SOURCE = "source", _("预算来源（下达）")
    AVAILABLE = "available", _("可用预算")
    COMMITTED = "committed", _("已预留待支付")
    PAID = "paid", _("已支付")


class Account(models.Model):
    """One of a fund's four accounts for one county (or the city) and one budget year."""

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="accounts")
    county_code = models.CharField(
        _("县（市、区）区划代码"), max_length=12, help_text=_("县（市、区）或市本级")
    )
    year = models.PositiveSmallIntegerField(_("预算年度"))
    kind = models.CharField(_("科目"), max_length=10, choices=AccountKind.choices)
    balance_fen = models.BigIntegerField(_("余额（分，快照）"), default=0)

    class Meta:
        verbose_name = _("资金账户")
        verbose_name_plural = _("资金账户")
        ordering = ["fund", "county_code", "year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["fund", "county_code", "year", "kind"], name="payments_account_uniq"
            ),
            # no account below zero (the source account holds minus the budget)
            models.CheckConstraint(
                condition=Q(kind=AccountKind.SOURCE, balance_fen__lte=0)
                | (~Q(kind=AccountKind.SOURCE) & Q(balance_fen__gte=0)),
                name="payments_account_sign",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fund} · {self.county_code} · {self.year} · {self.get_kind_display()}"


class EntryKind(models.TextChoices):
    ALLOCATE = "allocate", _("下达")
    COMMIT = "commit", _("预留")
    PAY = "pay", _("支付")
    BANK_RETURN = "bank_return", _("退回")
    RECOVER = "recover", _("追回")
    RELEASE = "release", _("释放预留")
    REVERSAL = "reversal", _("冲正")


#: kind → (account debited, account credited): the entries of a transaction of that kind
#: (a reversal negates the entries of the transaction it reverses).
FLOWS: dict[str, tuple[str, str]] = {
    EntryKind.ALLOCATE: (AccountKind.SOURCE, AccountKind.AVAILABLE),
    EntryKind.COMMIT: (AccountKind.AVAILABLE, AccountKind.COMMITTED),
    EntryKind.PAY: (AccountKind.COMMITTED, AccountKind.PAID),
    EntryKind.BANK_RETURN: (AccountKind.PAID, AccountKind.COMMITTED),
    EntryKind.RECOVER: (AccountKind.PAID, AccountKind.AVAILABLE),
    EntryKind.RELEASE: (AccountKind.COMMITTED, AccountKind.AVAILABLE),
}


class Transaction(ImmutableModel):
    """A posted movement: its entries sum to zero; immutable once posted.

    ``item`` and ``item_version`` tie a posting to the payable item's state change that
    made it; the pair is unique, so two concurrent attempts at the same change of the
    same item can never both post (the loser's insert fails and rolls back)."""

    kind = models.CharField(_("业务类型"), max_length=12, choices=EntryKind.choices)
    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="+")
    county_code = models.CharField(_("县（市、区）区划代码"), max_length=12)
    year = models.PositiveSmallIntegerField(_("预算年度"))
    amount_fen = models.BigIntegerField(_("金额（分）"))
    item = models.ForeignKey(
        "payments.PayableItem",
        verbose_name=_("应付款项"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="transactions",
    )
    item_version = models.PositiveIntegerField(_("款项版本"), null=True, blank=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("冲正的交易"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversed_by",
    )
    payee_account = models.ForeignKey(
        "registry.PayeeAccount",
        verbose_name=_("收款账户"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reference = models.CharField(_("业务参考号"), max_length=60, blank=True)
    memo = models.CharField(_("摘要"), max_length=300, blank=True)
    posted_at = models.DateTimeField(_("记账时间"), default=clock.now)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记账人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = _("记账交易")
        verbose_name_plural = _("记账交易")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "item_version"],
                condition=Q(item__isnull=False),
                name="payments_txn_one_per_item_version",
            ),
            models.CheckConstraint(
                condition=Q(amount_fen__gt=0), name="payments_txn_amount_positive"
            ),
            models.CheckConstraint(
                condition=Q(item__isnull=True, item_version__isnull=True)
                | Q(item__isnull=False, item_version__isnull=False),
                name="payments_txn_item_version_pair",
            ),
            models.CheckConstraint(
                condition=Q(kind=EntryKind.REVERSAL, reverses__isnull=False)
                | (~Q(kind=EntryKind.REVERSAL) & Q(reverses__isnull=True)),
                name="payments_txn_reversal_names_original",
            ),
        ]
        indexes = [
            models.Index(fields=["fund", "county_code", "year", "kind"], name="payments_txn_fcy"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.amount_fen}"


class Entry(ImmutableModel):
    """One leg of a transaction: a signed amount on one account (debit negative)."""

    transaction = models.ForeignKey(Transaction, on_delete=models.PROTECT, related_name="entries")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="entries")
    amount_fen = models.BigIntegerField(_("金额（分）"))

    objects = ImmutableQuerySet.as_manager()

    class Meta:
        verbose_name = _("分录")
        verbose_name_plural = _("分录")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(amount_fen=0), name="payments_entry_amount_nonzero"
            ),
        ]


def sign_ok(kind: str, balance_fen: int) -> bool:
    """Whether an account of ``kind`` may hold ``balance_fen`` (the CHECK constraint).

    >>> sign_ok("source", -5), sign_ok("available", 0), sign_ok("paid", -1)
    (True, True, False)
    """
    return balance_fen <= 0 if kind == AccountKind.SOURCE else balance_fen >= 0


__all__ = [
    "FLOWS",
    "Account",
    "AccountKind",
    "Entry",
    "EntryKind",
    "Fund",
    "Transaction",
    "sign_ok",
]
