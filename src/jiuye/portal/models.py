"""Offices, service guides (materials, procedure, time limits), their change history,
appointment slots and bookings, and the counters behind the public forms' rate limits."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Office(models.Model):
    """A service office where residents and employers go (服务大厅、窗口)."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    county = models.ForeignKey(
        "geo.Division",
        verbose_name=_("所在县（市、区）"),
        on_delete=models.PROTECT,
        limit_choices_to={"level": 3},
        related_name="+",
    )
    address = models.CharField(_("地址"), max_length=200)
    hours = models.CharField(_("办公时间"), max_length=200)
    phone = models.CharField(_("咨询电话"), max_length=50)
    is_active = models.BooleanField(_("对外服务"), default=True)
    is_sample = models.BooleanField(_("示例内容"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("服务网点")
        verbose_name_plural = _("服务网点")
        ordering = ["county__code", "name"]

    def __str__(self) -> str:
        return self.name


class Guide(models.Model):
    """What to bring, the steps and the time limits for one benefit rule.

    The materials are a checklist of :class:`GuideItem` rows in order; an item may name
    the registry fact that proves it (``proved_by``), and a case whose registry record
    holds that fact is not asked for it. The text form still works both ways:
    ``Guide(materials="居民身份证\\n营业执照")`` makes one item a line (names already there
    keep their settings) and ``guide.materials`` reads the names one a line.
    """

    rule_id = models.CharField(_("规则"), max_length=100, unique=True)
    procedure = models.TextField(_("办理流程"), help_text=_("每行一步"))
    time_limit = models.CharField(_("办理时限"), max_length=200)
    is_sample = models.BooleanField(_("示例内容"), default=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("办事指南")
        verbose_name_plural = _("办事指南")
        ordering = ["rule_id"]

    def __str__(self) -> str:
        return self.rule_id

    @property
    def materials(self) -> str:
        pending: list[str] | None = getattr(self, "_pending_items", None)
        return "\n".join(pending if pending is not None else self.material_list())

    @materials.setter
    def materials(self, text: str) -> None:
        names = material_lines(text)
        if self.pk is not None:
            self.replace_items(names)
        else:
            self._pending_items: list[str] | None = names

    def save(self, *args: Any, **kwargs: Any) -> None:
        super().save(*args, **kwargs)
        pending: list[str] | None = getattr(self, "_pending_items", None)
        if pending is not None:
            self._pending_items = None
            self.replace_items(pending)

    def checklist(self) -> list[GuideItem]:
        """The items in order (prefetched ``items`` are used as they are)."""
        if self.pk is None:
            return []
        return sorted(self.items.all(), key=lambda item: (item.position, item.pk))

    def material_list(self) -> list[str]:
        return [item.name for item in self.checklist()]

    def replace_items(self, names: list[str]) -> None:
        """Make the checklist ``names`` in that order; an item whose name stays keeps its
        proof and notes, one whose name goes is deleted (uploaded files keep its name)."""
        old = {item.name: item for item in self.items.all()}
        for position, name in enumerate(names, start=1):
            item = old.pop(name, None) or GuideItem(guide=self, name=name)
            item.position = position
            item.save()
        GuideItem.objects.filter(pk__in=[item.pk for item in old.values()]).delete()

    def procedure_list(self) -> list[str]:
        return [line.strip() for line in self.procedure.splitlines() if line.strip()]


ITEM_NAME_LENGTH = 100


def material_lines(text: str) -> list[str]:
    """The item names of a free-text list, one a line (blank and repeated lines dropped,
    each at most :data:`ITEM_NAME_LENGTH` characters).

    >>> material_lines(" 居民身份证 \\n\\n营业执照\\n居民身份证")
    ['居民身份证', '营业执照']
    """
    names: list[str] = []
    for line in (text or "").splitlines():
        name = line.strip()[:ITEM_NAME_LENGTH]
        if name and name not in names:
            names.append(name)
    return names


class GuideItem(models.Model):
    """One item of a guide's checklist of materials (申请材料清单)."""

    guide = models.ForeignKey(
        Guide, verbose_name=_("办事指南"), on_delete=models.CASCADE, related_name="items"
    )
    position = models.PositiveSmallIntegerField(_("顺序"), default=1)
    name = models.CharField(_("材料名称"), max_length=ITEM_NAME_LENGTH)
    note = models.CharField(
        _("说明"), max_length=200, blank=True, help_text=_("份数、原件查验、格式等要求")
    )
    required = models.BooleanField(
        _("必须提交"), default=True, help_text=_("不勾选：有则提交（如有）")
    )
    proved_by = models.CharField(
        _("登记信息可证明"),
        max_length=60,
        blank=True,
        help_text=_(
            "选择后，登记信息中已有此项的申请人不再被要求提交此材料（显示“已由登记信息证明”）"
        ),
    )

    class Meta:
        verbose_name = _("申请材料")
        verbose_name_plural = _("申请材料清单")
        ordering = ["guide", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["guide", "name"], name="portal_guideitem_name_uniq")
        ]

    def __str__(self) -> str:
        return self.name


class Slot(models.Model):
    """A time slot of an office with a capacity; ``booked`` counts active bookings."""

    office = models.ForeignKey(
        Office, verbose_name=_("服务网点"), on_delete=models.CASCADE, related_name="slots"
    )
    starts_at = models.DateTimeField(_("开始时间"))
    ends_at = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveSmallIntegerField(_("可预约人数"))
    booked = models.PositiveSmallIntegerField(_("已预约人数"), default=0, editable=False)

    class Meta:
        verbose_name = _("预约时段")
        verbose_name_plural = _("预约时段")
        ordering = ["starts_at", "office"]
        constraints = [
            models.UniqueConstraint(fields=["office", "starts_at"], name="portal_slot_unique"),
            # the last line of defence against overbooking, on every database
            models.CheckConstraint(
                condition=Q(booked__lte=F("capacity")), name="portal_slot_not_overbooked"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="portal_slot_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def remaining(self) -> int:
        return max(self.capacity - self.booked, 0)


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("已预约")
    CANCELLED = "cancelled", _("已取消")


class Booking(models.Model):
    """An appointment. Name and phone are personal data: masked in lists, never logged."""

    slot = models.ForeignKey(
        Slot, verbose_name=_("预约时段"), on_delete=models.PROTECT, related_name="bookings"
    )
    clause = models.CharField(_("办理事项（条款）"), max_length=20)
    code = models.CharField(_("预约码"), max_length=12, unique=True)
    name = models.CharField(_("姓名或单位名称"), max_length=100)
    phone = models.CharField(_("联系电话"), max_length=20)
    status = models.CharField(
        _("状态"), max_length=20, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    created_at = models.DateTimeField(_("预约时间"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    # wrong phone endings given to cancel it; at settings.CANCEL_FAILURES_PER_BOOKING the
    # booking can no longer be cancelled online (the office can)
    cancel_failures = models.PositiveSmallIntegerField(
        _("取消验证失败次数"), default=0, editable=False
    )

    class Meta:
        verbose_name = _("预约")
        verbose_name_plural = _("预约")
        ordering = ["slot__starts_at", "created_at"]
        permissions = [("view_booking_contact", _("查看预约人完整姓名和电话"))]

    def __str__(self) -> str:
        return self.code


class BookingContact(models.Model):
    """One row per phone number that ever booked, keyed by a keyed hash (HMAC) of its
    digits, never the number: the row is locked while a booking with that number is
    made, so the limit of open bookings per number holds under simultaneous requests."""

    key = models.CharField(_("号码摘要"), max_length=64, unique=True)

    class Meta:
        verbose_name = _("预约联系号码")
        verbose_name_plural = _("预约联系号码")


class RateCounter(models.Model):
    """A counter of :mod:`jiuye.portal.ratecache` (the rate limits of the public forms):
    a hashed key, a count and when it lapses. Rows hold no personal value."""

    key = models.CharField(_("键"), max_length=250, unique=True)
    count = models.BigIntegerField(_("计数"), default=0)
    expires_at = models.DateTimeField(_("失效时间"), db_index=True)

    class Meta:
        verbose_name = _("频率计数")
        verbose_name_plural = _("频率计数")
