"""Files uploaded for a case (scans and photos of its checklist's items) and every look
at one of them.

The bytes live outside the database and the web root (``settings.CASE_FILES_ROOT``),
encrypted under a random key of their own; the row keeps that key wrapped by the
field-encryption keys (:class:`~jiuye.core.encrypted.EncryptedField`), so ``jiuye keys
rotate`` re-wraps it with every other encrypted column and a copy of the folder alone
reads as noise. See :mod:`jiuye.casework.materials`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuye.casework.models.cases import Case
from jiuye.casework.models.notices import Notice
from jiuye.core import clock
from jiuye.core.encrypted import BlindIndexField, EncryptedField


def size_text(size: int) -> str:
    """A size as people read it.

    >>> size_text(10 * 1024 * 1024), size_text(1536), size_text(900)
    ('10 MB', '1.5 KB', '900 字节')
    """
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:.1f}".rstrip("0").rstrip(".") + f" {unit}"
    return f"{size} 字节"


class FileKind(models.TextChoices):
    PDF = "pdf", "PDF"
    JPEG = "jpeg", "JPG"
    PNG = "png", "PNG"


class UploadChannel(models.TextChoices):
    PROGRESS = "progress", _("申请人在办理进度页上传")
    SUPPLEMENT = "supplement", _("申请人补正时上传")
    COUNTER = "counter", _("工作人员代为上传扫描件")


class CaseFile(models.Model):
    case = models.ForeignKey(
        Case, verbose_name=_("办件"), on_delete=models.PROTECT, related_name="files"
    )
    item = models.ForeignKey(
        "portal.GuideItem",
        verbose_name=_("材料清单项"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    item_name = models.CharField(_("材料名称"), max_length=100)
    kind = models.CharField(_("文件类型"), max_length=4, choices=FileKind.choices)
    size = models.PositiveIntegerField(_("大小（字节）"))
    storage = models.CharField(_("存储位置"), max_length=200, unique=True)
    data_key = EncryptedField(
        _("文件密钥（已加密）"), purpose="casework_casefile.data_key", index="data_key_index"
    )
    data_key_index = BlindIndexField(_("文件密钥盲索引"), source="data_key")
    channel = models.CharField(_("上传方式"), max_length=10, choices=UploadChannel.choices)
    by_applicant = models.BooleanField(_("申请人上传"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    notice = models.ForeignKey(
        Notice,
        verbose_name=_("所补正的一次性告知"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="files",
    )
    uploaded_at = models.DateTimeField(_("上传时间"), default=clock.now)

    class Meta:
        verbose_name = _("办件材料文件")
        verbose_name_plural = _("办件材料文件")
        ordering = ["case", "uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id}:{self.item_name}#{self.pk}"

    @property
    def size_label(self) -> str:
        return size_text(self.size)

    @property
    def extension(self) -> str:
        return {"pdf": "pdf", "jpeg": "jpg", "png": "png"}[self.kind]


class FileView(models.Model):
    """One look at a case file: who (a staff member, or the applicant's session), when."""

    file = models.ForeignKey(
        CaseFile, verbose_name=_("文件"), on_delete=models.PROTECT, related_name="views"
    )
    at = models.DateTimeField(_("查看时间"), default=clock.now)
    viewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("查看人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    by_applicant = models.BooleanField(_("申请人查看"), default=False)
    session = models.CharField(
        _("会话摘要"), max_length=16, blank=True, help_text=_("申请人会话标识的摘要（不可还原）")
    )

    class Meta:
        verbose_name = _("办件材料查看记录")
        verbose_name_plural = _("办件材料查看记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["file", "at"], name="casework_fileview_file_at")]
