"""The one audit function: inside the write's transaction, side effects after commit."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.db import transaction

from jiuye.core import audit
from jiuye.core.models import ChangeLog
from jiuye.testing.pytest_plugin import FrozenClock


@pytest.mark.django_db
def test_record_keeps_who_what_which_record_when_and_from_where(clock: FrozenClock) -> None:
    # given
    user = User.objects.create_user("clerk")

    # when
    row = audit.record(
        actor=user,
        action="update",
        entity="person",
        object_id=7,
        changes={"name": {"old": "张*", "new": "李*"}},
        source="screen",
    )

    # then
    stored = ChangeLog.objects.get(pk=row.pk)
    assert (
        stored.actor,
        stored.action,
        stored.entity,
        stored.object_id,
        stored.source,
        stored.changes,
        stored.at,
    ) == (
        user,
        "update",
        "person",
        7,
        "screen",
        {"name": {"old": "张*", "new": "李*"}},
        clock.now(),
    )


@pytest.mark.django_db(transaction=True)
def test_record_outside_a_transaction_is_refused_and_writes_nothing() -> None:
    # given / when
    with pytest.raises(RuntimeError, match="inside the write's transaction"):
        audit.record(
            actor=None, action="create", entity="rate", object_id=1, changes={}, source="exchange"
        )

    # then
    assert ChangeLog.objects.count() == 0


@pytest.mark.django_db
def test_an_unknown_source_is_refused() -> None:
    # given / when / then
    with pytest.raises(ValueError, match="unknown history source"):
        audit.record(
            actor=None, action="create", entity="rate", object_id=1, changes={}, source="telepathy"
        )
    assert ChangeLog.objects.count() == 0


@pytest.mark.django_db
def test_record_runs_writes_one_row_per_run_of_consecutive_ids() -> None:
    # given
    ids = [10, 11, 12, 20, 22, 21]

    # when
    written = audit.record_runs(
        actor=None, entity="person", ids=ids, source="roster", changes={"file": "a.xlsx"}
    )

    # then
    rows = list(
        ChangeLog.objects.order_by("object_id").values_list(
            "object_id", "object_id_last", "changes"
        )
    )
    assert written == 2
    assert rows == [
        (10, 12, {"file": "a.xlsx", "rows": 3}),
        (20, 22, {"file": "a.xlsx", "rows": 3}),
    ]
    assert list(ChangeLog.objects.of("person", 21).values_list("object_id", flat=True)) == [20]


@pytest.mark.django_db
def test_record_many_stamps_every_row_with_the_same_actor_source_and_time(
    clock: FrozenClock,
) -> None:
    # given
    entries = [audit.Entry("household", n, "create", {"number": str(n)}) for n in (1, 2)]

    # when
    count = audit.record_many(entries, actor=None, source="synthetic")

    # then
    assert count == 2
    assert set(ChangeLog.objects.values_list("source", "actor", "at")) == {
        ("synthetic", None, clock.now())
    }


@pytest.mark.django_db(transaction=True)
def test_a_side_effect_runs_after_commit_and_never_after_a_rollback() -> None:
    # given
    effects: list[str] = []

    # when
    with transaction.atomic():
        audit.record(
            actor=None, action="create", entity="rate", object_id=1, changes={}, source="exchange"
        )
        audit.after_commit(lambda: effects.append("committed"))
        assert effects == []
    with pytest.raises(ZeroDivisionError):
        _write_then_fail(effects)

    # then
    assert effects == ["committed"]
    assert list(ChangeLog.objects.values_list("object_id", flat=True)) == [1]


def _write_then_fail(effects: list[str]) -> None:
    with transaction.atomic():
        audit.record(
            actor=None, action="create", entity="rate", object_id=2, changes={}, source="exchange"
        )
        audit.after_commit(lambda: effects.append("rolled back"))
        _ = 1 / 0


def test_diff_keeps_only_changed_fields_in_the_history_shape() -> None:
    # given / when
    changes = audit.diff({"a": 1, "b": "x"}, {"a": 1, "b": "y"})

    # then
    assert changes == {"b": {"old": "x", "new": "y"}}
