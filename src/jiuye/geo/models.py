from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DivisionLevel(models.IntegerChoices):
    PROVINCE = 1, _("省")
    CITY = 2, _("市")
    COUNTY = 3, _("县（区）")
    TOWNSHIP = 4, _("乡镇街道")
    VILLAGE = 5, _("社区村")


class UrbanRural(models.TextChoices):
    """城乡分类代码 of a village/community (国家统计局《统计用区划代码和城乡划分代码编制规则》,
    under 《统计上划分城乡的规定》, 国函〔2008〕60号): 1xx urban, 2xx rural."""

    MAIN_URBAN = "111", _("主城区")
    URBAN_FRINGE = "112", _("城乡结合区")
    TOWN_CENTRE = "121", _("镇中心区")
    TOWN_FRINGE = "122", _("镇乡结合区")
    SPECIAL = "123", _("特殊区域")
    TOWNSHIP_CENTRE = "210", _("乡中心区")
    VILLAGE = "220", _("村庄")


class Division(models.Model):
    """One administrative division as published in one vintage of the code list.

    Codes are kept as published: 6 digits for province, city and county (GB/T 2260,
    e.g. 220000, 220700, 220702), 9 for townships and 12 for villages/communities
    (the statistical division codes). A code renamed or abolished in a later vintage
    keeps its old row, so decisions dated in the past still resolve to the names
    in force then.
    """

    code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("层级"), choices=DivisionLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级区划"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    vintage = models.DateField(_("版本日期"), help_text=_("代码表数据截止日期"))
    valid_from = models.DateField(_("生效日期"), null=True, blank=True)
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    source = models.CharField(_("来源"), max_length=200, blank=True)
    is_sample = models.BooleanField(_("演示样例"), default=False)
    urban_rural = models.CharField(
        _("城乡分类代码"),
        max_length=3,
        blank=True,
        default="",
        choices=UrbanRural.choices,
        help_text=_("社区村的城乡分类（111–220），不掌握时留空"),
    )

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code", "vintage"]
        constraints = [
            models.UniqueConstraint(fields=["code", "vintage"], name="geo_division_code_vintage"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"
