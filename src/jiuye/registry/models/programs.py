"""Programmes and recognitions a person takes part in or holds, each with its dates.

Like every dated record of the registry, a period runs from its start until its end
(exclusive); an end left empty means still running.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuye.registry.models.choices import GrassrootsProgram, RecognitionKind
from jiuye.registry.models.people import DIVISION, Person


class GrassrootsService(models.Model):
    """基层服务项目 (三（二）): 选调生、三支一扶、西部计划、特岗教师 or a 基层公共服务 post.

    ``assessment_passed`` is the result of the 期满考核 held when the service ends; the
    facts read it from ``end`` on (None: not assessed or not told).
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="grassroots_services")
    division = models.ForeignKey(
        DIVISION, verbose_name=_("服务地"), on_delete=models.PROTECT, related_name="+"
    )
    program = models.CharField(_("服务项目"), max_length=24, choices=GrassrootsProgram.choices)
    start = models.DateField(_("服务开始日期"))
    end = models.DateField(_("服务结束日期"), blank=True, null=True)
    assessment_passed = models.BooleanField(_("期满考核合格"), blank=True, null=True)

    class Meta:
        verbose_name = _("基层服务项目")
        verbose_name_plural = _("基层服务项目")
        ordering = ["person_id", "start", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="registry_grassroots_end_after_start",
            )
        ]


class Recognition(models.Model):
    """认定: a title conferred on ``recognised_on`` by ``recognised_by`` (document
    ``document_number``), held until ``revoked_on`` (exclusive)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="recognitions")
    kind = models.CharField(_("认定类别"), max_length=40, choices=RecognitionKind.choices)
    recognised_on = models.DateField(_("认定日期"))
    revoked_on = models.DateField(_("撤销日期"), blank=True, null=True)
    recognised_by = models.CharField(_("认定机关"), max_length=100, blank=True)
    document_number = models.CharField(_("认定文号"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("认定")
        verbose_name_plural = _("认定")
        ordering = ["person_id", "recognised_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(revoked_on__isnull=True)
                | models.Q(revoked_on__gte=models.F("recognised_on")),
                name="registry_recognition_revoked_after",
            )
        ]


class RuralTransferRegistration(models.Model):
    """农村劳动力转移就业登记: registered as a rural worker in non-farm work, until
    ``ended_on`` (exclusive)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="rural_transfers")
    division = models.ForeignKey(
        DIVISION, verbose_name=_("登记地"), on_delete=models.PROTECT, related_name="+"
    )
    registered_on = models.DateField(_("登记日期"))
    ended_on = models.DateField(_("注销日期"), blank=True, null=True)

    class Meta:
        verbose_name = _("农村劳动力转移就业登记")
        verbose_name_plural = _("农村劳动力转移就业登记")
        ordering = ["person_id", "registered_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True)
                | models.Q(ended_on__gte=models.F("registered_on")),
                name="registry_rural_transfer_ended_after",
            )
        ]
