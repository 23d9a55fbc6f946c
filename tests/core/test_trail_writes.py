"""Every call of the core audit function appends one trail row summarising the history
rows it wrote (a bulk write too: one row, with the id range, the count and a digest)."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from typer.testing import CliRunner

from jiuye.cli import app
from jiuye.core import audit, audit_trail, chain, trail_check
from jiuye.core.models import AuditEvent, ChangeLog
from jiuye.registry import models as m
from jiuye.registry.rosters import batches
from jiuye.testing.pytest_plugin import FrozenClock
from tests.core.trail_support import tamper
from tests.registry.conftest import divisions  # noqa: F401 - a fixture
from tests.registry.rosterkit import ID_A, ID_B, NOW, TODAY, people_file, person_row

pytestmark = pytest.mark.django_db


@pytest.fixture
def files(settings, tmp_path):
    settings.AUDIT_HEAD_FILE = tmp_path / "audit" / "chain-head.json"
    settings.AUDIT_ARCHIVE_DIR = tmp_path / "audit" / "archive"
    settings.VAR_DIR = tmp_path / "var"
    return settings


def _recomputed(row: AuditEvent) -> audit_trail.Summary | None:
    first, last = row.detail["changelog"]
    return audit_trail.summarise(
        first=first,
        last=last,
        source=row.detail["source"],
        actor_id=row.actor_id,
        stamp=datetime.fromisoformat(row.detail["stamp"]),
        algorithm=row.algorithm,
    )


def test_record_appends_one_trail_row_naming_the_write(clock: FrozenClock):
    # given
    user = User.objects.create_user("clerk")

    # when
    with transaction.atomic():
        log = audit.record(
            actor=user,
            action="update",
            entity="person",
            object_id=7,
            changes={"name": {"old": "张*", "new": "李*"}},
            source="screen",
        )

    # then
    row = AuditEvent.objects.get()
    assert (row.event, row.object, row.actor, row.actor_label, row.outcome) == (
        "write.update",
        "person:7",
        user,
        "clerk",
        "ok",
    )
    assert {k: v for k, v in row.detail.items() if k != "digest"} == {
        "source": "screen",
        "rows": 1,
        "changelog": [log.pk, log.pk],
        "stamp": chain.utc_text(clock.now()),
        "entities": ["person"],
        "actions": ["update"],
        "objects": [7, 7],
    }
    recomputed = _recomputed(row)
    assert recomputed is not None
    assert row.detail["digest"] == recomputed.digest


def test_a_history_row_rolled_back_leaves_no_trail_row():
    # given / when
    with pytest.raises(RuntimeError, match="fails"):
        _record_then_fail()

    # then
    assert (ChangeLog.objects.count(), AuditEvent.objects.count()) == (0, 0)


def _record_then_fail() -> None:
    with transaction.atomic():
        audit.record(
            actor=None, action="create", entity="rate", object_id=1, changes={}, source="exchange"
        )
        raise RuntimeError("the write fails")


def test_record_many_is_one_trail_row_for_the_whole_call():
    # given
    entries = [
        audit.Entry("person", 3, "create"),
        audit.Entry("person", 9, "update", {"name": {"old": "甲", "new": "乙"}}),
        audit.Entry("household", 4, "create"),
    ]

    # when
    with transaction.atomic():
        written = audit.record_many(entries, actor=None, source="synthetic")

    # then
    row = AuditEvent.objects.get()
    ids = list(ChangeLog.objects.order_by("id").values_list("id", flat=True))
    assert written == 3
    assert (row.event, row.object) == ("write.bulk", "household+person:3-9")
    assert (row.detail["rows"], row.detail["changelog"]) == (3, [ids[0], ids[-1]])
    assert row.detail["actions"] == ["create", "update"]
    assert row.detail["digest"] == _recomputed(row).digest  # type: ignore[union-attr]


def test_record_runs_of_many_ids_is_one_trail_row():
    # given
    ids = list(range(100, 400)) + list(range(500, 700))

    # when
    with transaction.atomic():
        audit.record_runs(actor=None, entity="person", ids=ids, source="roster", changes={})

    # then two history rows (two runs), one trail row over ids 100 to 699
    row = AuditEvent.objects.get()
    assert ChangeLog.objects.count() == 2
    assert (row.event, row.object, row.detail["rows"]) == ("write.create", "person:100-699", 2)


def test_record_many_of_nothing_appends_nothing():
    # given / when
    with transaction.atomic():
        audit.record_many([], actor=None, source="synthetic")

    # then
    assert AuditEvent.objects.count() == 0


def test_a_roster_import_is_one_trail_row_with_the_range_and_count(divisions, files):  # noqa: F811
    # given a roster of two people
    user = User.objects.create_user("importer")
    path = people_file(
        files.VAR_DIR.parent / "p.xlsx", [person_row(ID_A), person_row(ID_B, "李四", "220721100")]
    )
    batch = batches.preview(
        path, "person", filename=path.name, user_id=user.pk, today=TODAY, now=NOW
    )

    # when
    batches.confirm(batch, actor_id=user.pk, now=NOW)

    # then one trail row for the import's history (the runs of created people)
    first, second = m.Person.objects.order_by("id").values_list("id", flat=True)
    row = AuditEvent.objects.get()
    log = ChangeLog.objects.get()
    assert (row.event, row.object, row.actor_id) == (
        "write.create",
        f"person:{first}-{second}",
        user.pk,
    )
    assert (row.detail["rows"], row.detail["changelog"]) == (1, [log.pk, log.pk])
    assert row.detail["stamp"] == chain.utc_text(NOW)
    assert row.detail["digest"] == _recomputed(row).digest  # type: ignore[union-attr]


def test_verify_changes_names_a_history_row_edited_after_the_write(
    files, django_capture_on_commit_callbacks
):
    # given two writes, the history of the first edited with raw SQL
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        first = audit.record(
            actor=None,
            action="create",
            entity="rate",
            object_id=1,
            changes={"v": 1},
            source="exchange",
        )
        audit.record(
            actor=None,
            action="create",
            entity="rate",
            object_id=2,
            changes={"v": 2},
            source="exchange",
        )
    assert CliRunner().invoke(app, ["audit", "verify", "--changes"]).exit_code == 0
    tamper(
        "UPDATE registry_changelog SET changes = %s WHERE id = %s",
        ['{"v": 100}', first.pk],
    )

    # when
    plain = CliRunner().invoke(app, ["audit", "verify"])
    deep = CliRunner().invoke(app, ["audit", "verify", "--changes"])

    # then the chain itself is whole; the history's digest names the first write
    assert plain.exit_code == 0, plain.output
    assert deep.exit_code == 1
    trail_row = AuditEvent.objects.get(sequence=1)
    assert f"第 1 号记录（id {trail_row.pk}）" in deep.output
    assert f"ChangeLog id {first.pk}–{first.pk}" in deep.output


def test_verify_changes_names_a_history_row_deleted(files, django_capture_on_commit_callbacks):
    # given
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        audit.record_many(
            [audit.Entry("person", i, "create") for i in range(1, 4)],
            actor=None,
            source="synthetic",
        )
    middle = ChangeLog.objects.order_by("id")[1]

    # when
    tamper("DELETE FROM registry_changelog WHERE id = %s", [middle.pk])
    verdict = trail_check.verify(changes=True)

    # then
    assert not verdict.ok
    assert "3 条）与表中（2 条）不符" in verdict.message()
