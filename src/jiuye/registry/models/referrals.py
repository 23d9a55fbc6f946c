"""Roster rows routed to the competent office instead of being written (issue 10 §6).

A person roster's row about someone registered outside the uploader's jurisdiction is
neither refused nor written: its preview reads like a new person's (so the preview
never tells whether a number is registered elsewhere), and the import leaves it here,
for the office whose jurisdiction holds the record (``person.division``) to act on.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuye.registry.models.people import DIVISION, Person


class Referral(models.Model):
    """转交主管经办机构: what a roster row said about a person another office keeps."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="referrals")
    division = models.ForeignKey(
        DIVISION, verbose_name=_("申报的户籍所在地"), on_delete=models.PROTECT, related_name="+"
    )
    # the row's other cells as given (database names; no identity number: see person)
    values = models.JSONField(_("申报内容"), default=dict)
    roster = models.CharField(_("花名册"), max_length=40)
    filename = models.CharField(_("文件名"), max_length=200, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        on_delete=models.SET_NULL,
        blank=True,
        null=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    handled_at = models.DateTimeField(_("办结时间"), blank=True, null=True)

    class Meta:
        verbose_name = _("转交主管机构的登记")
        verbose_name_plural = _("转交主管机构的登记")
        ordering = ["submitted_at", "id"]
