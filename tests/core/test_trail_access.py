"""Sensitive reads are in the one audit trail: every reveal and export, with its outcome."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from jiuye.core.models import AuditEvent
from jiuye.staff.access import AccessRefused, record_export, record_reveal
from jiuye.staff.models import SensitiveAccessLog

pytestmark = pytest.mark.django_db


def _trail() -> list[tuple[str, str, str, dict[str, object]]]:
    return list(
        AuditEvent.objects.order_by("sequence").values_list("event", "object", "outcome", "detail")
    )


def test_a_reveal_shown_and_one_refused_are_both_in_the_trail(settings):
    # given a limit of one full number an hour
    settings.REVEAL_LIMIT_PER_HOUR = 1
    user = User.objects.create_user("checker")

    # when
    shown = record_reveal(
        viewer_user=user, entity="person", object_id=5, field="resident_id", reason="核对"
    )
    with pytest.raises(AccessRefused):
        record_reveal(
            viewer_user=user, entity="person", object_id=6, field="resident_id", reason="核对"
        )

    # then
    refused = SensitiveAccessLog.objects.get(outcome="refused")
    assert _trail() == [
        ("access.reveal", "person:5", "ok", {"field": "resident_id", "access_log": shown.pk}),
        (
            "access.reveal",
            "person:6",
            "refused",
            {"field": "resident_id", "access_log": refused.pk},
        ),
    ]
    assert set(AuditEvent.objects.values_list("actor", flat=True)) == {user.pk}


def test_exports_masked_unmasked_and_refused_are_in_the_trail_without_the_filter():
    # given
    user = User.objects.create_user("exporter")

    # when
    masked = record_export(
        viewer_user=user,
        entity="person",
        export_name="people",
        field="",
        row_count=3,
        filters="张三",
    )
    full = record_export(
        viewer_user=user, entity="person", export_name="people", field="resident_id", row_count=3
    )
    refused = record_export(
        viewer_user=user,
        entity="person",
        export_name="people",
        field="",
        row_count=99999,
        refused=True,
    )

    # then the trail names each, and never the filter's text (a search may hold a name)
    assert _trail() == [
        ("access.export", "person:people", "ok",
         {"field": "", "rows": 3, "unmasked": False, "access_log": masked.pk}),
        ("access.export", "person:people", "ok",
         {"field": "resident_id", "rows": 3, "unmasked": True, "access_log": full.pk}),
        ("access.export", "person:people", "refused",
         {"field": "", "rows": 99999, "unmasked": False, "access_log": refused.pk}),
    ]  # fmt: skip
    assert "张三" not in str(list(AuditEvent.objects.values()))
