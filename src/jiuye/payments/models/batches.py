"""Payment batches (代发), bank file layouts as data, and the bank's result files.

A staff member assembles committed items of one fund, county and year into a
:class:`Batch`; a second staff member with ``payments.release_batch`` releases it
(never its maker: a CHECK constraint), which posts the payments and fixes the bank
file's digest. Each :class:`BatchLine` carries the reference the bank returns; an item
is on at most one open line (partial unique). :class:`ReturnImport` keeps each result
file imported (by digest: the same file twice is one import) and what it did.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from jiuye.core import clock
from jiuye.payments.models.items import PayableItem
from jiuye.payments.models.ledger import Fund

#: The fields a bank file's column may hold (a layout orders and names them).
LAYOUT_FIELDS = {
    "payee_name": "户名",
    "account": "账号",
    "bank": "开户银行",
    "amount_yuan": "金额（元）",
    "reference": "业务参考号",
    "purpose": "用途",
}
#: The extra columns of the bank's result file.
RESULT_FIELDS = {"status": "处理结果", "reason": "失败原因"}


def default_columns() -> list[list[str]]:
    return [[field, header] for field, header in LAYOUT_FIELDS.items()]


class BankLayout(models.Model):
    """One bank's 代发 file layout: the columns (field, header) in order, the encoding of
    the .csv, and the words of its result file. Data, so a bank is added without code."""

    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    bank_name = models.CharField(_("银行"), max_length=100, blank=True)
    columns = models.JSONField(_("列（字段, 表头）"), default=default_columns)
    csv_encoding = models.CharField(
        _("CSV 编码"),
        max_length=10,
        default="utf-8-sig",
        choices=[("utf-8-sig", "UTF-8（带 BOM）"), ("gb18030", "GB18030")],
    )
    status_header = models.CharField(_("结果列表头"), max_length=40, default="处理结果")
    reason_header = models.CharField(_("原因列表头"), max_length=40, default="失败原因")
    paid_words = models.JSONField(_("表示成功的结果"), default=list)
    failed_words = models.JSONField(_("表示失败的结果"), default=list)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("代发文件格式")
        verbose_name_plural = _("代发文件格式")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def headers(self) -> list[str]:
        return [str(header) for _, header in self.columns]

    def header_of(self, field: str) -> str | None:
        return next((str(h) for f, h in self.columns if f == field), None)


class BatchState(models.TextChoices):
    DRAFT = "draft", _("待复核发出")
    RELEASED = "released", _("已发出，待银行结果")
    CLOSED = "closed", _("银行结果已全部导入")
    CANCELLED = "cancelled", _("已作废")


class Batch(models.Model):
    code = models.CharField(_("批次号"), max_length=24, unique=True)
    fund = models.ForeignKey(Fund, verbose_name=_("资金来源"), on_delete=models.PROTECT)
    county_code = models.CharField(_("县（市、区）区划代码"), max_length=12)
    year = models.PositiveSmallIntegerField(_("预算年度"))
    layout = models.ForeignKey(BankLayout, verbose_name=_("文件格式"), on_delete=models.PROTECT)
    state = models.CharField(
        _("状态"), max_length=10, choices=BatchState.choices, default=BatchState.DRAFT
    )
    version = models.PositiveIntegerField(_("版本"), default=1)
    line_count = models.PositiveIntegerField(_("笔数"), default=0)
    total_fen = models.BigIntegerField(_("合计（分）"), default=0)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("制单人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    made_at = models.DateTimeField(_("制单时间"), default=clock.now)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("复核发出人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    released_at = models.DateTimeField(_("发出时间"), null=True, blank=True)
    file_sha256 = models.CharField(_("代发文件摘要（SHA-256）"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("代发批次")
        verbose_name_plural = _("代发批次")
        ordering = ["-made_at", "-id"]
        constraints = [
            # maker–checker: the releaser is never the maker
            models.CheckConstraint(
                condition=Q(released_by__isnull=True) | ~Q(released_by=F("made_by")),
                name="payments_batch_checker_not_maker",
            )
        ]

    def __str__(self) -> str:
        return self.code


class LineResult(models.TextChoices):
    NONE = "", _("待银行结果")
    PAID = "paid", _("成功")
    FAILED = "failed", _("失败")


class BatchLine(models.Model):
    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="lines")
    item = models.ForeignKey(PayableItem, on_delete=models.PROTECT, related_name="batch_lines")
    seq = models.PositiveIntegerField(_("序号"))
    reference = models.CharField(_("业务参考号"), max_length=40, unique=True)
    amount_fen = models.BigIntegerField(_("金额（分）"))
    payee_account = models.ForeignKey(
        "registry.PayeeAccount",
        verbose_name=_("收款账户"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_open = models.BooleanField(_("未了结"), default=True)
    result = models.CharField(
        _("银行结果"), max_length=6, choices=LineResult.choices, default="", blank=True
    )
    bank_reason = models.CharField(_("银行原因"), max_length=200, blank=True)
    result_at = models.DateTimeField(_("结果时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("代发明细")
        verbose_name_plural = _("代发明细")
        ordering = ["batch", "seq"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "seq"], name="payments_line_seq_uniq"),
            # an item is on at most one open line: never sent twice at once
            models.UniqueConstraint(
                fields=["item"], condition=Q(is_open=True), name="payments_line_one_open_per_item"
            ),
        ]


class ReturnImport(models.Model):
    """One result file imported: the same file (by digest) is imported once."""

    file_sha256 = models.CharField(_("文件摘要（SHA-256）"), max_length=64, unique=True)
    filename = models.CharField(_("文件名"), max_length=200)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("导入时间"), default=clock.now)
    paid = models.PositiveIntegerField(_("成功"), default=0)
    failed = models.PositiveIntegerField(_("失败退回"), default=0)
    unchanged = models.PositiveIntegerField(_("已导入过"), default=0)
    problems = models.JSONField(_("未匹配或不符的行"), default=list)

    class Meta:
        verbose_name = _("银行结果导入")
        verbose_name_plural = _("银行结果导入")
        ordering = ["-imported_at", "-id"]
