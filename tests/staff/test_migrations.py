"""The moves of issue 9 keep every row: staff models and ChangeLog by state, portal content
history copied into ChangeLog, the access log's conventions turned into columns."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("registry", "0006_clock_defaults"), ("portal", "0001_initial")]
AT = dt.datetime(2019, 6, 1, 2, 0, tzinfo=dt.UTC)


def _migrate(targets: list[tuple[str, str]]):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def _latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True)
def test_the_moves_keep_every_row_and_fill_the_access_log_columns() -> None:
    # given rows written before the moves
    old = _migrate(BEFORE)
    user = old.get_model("auth", "User").objects.create(username="clerk")
    division = old.get_model("geo", "Division").objects.create(
        code="220700", name="松原市", level=2, vintage=dt.date(2017, 12, 31)
    )
    old.get_model("registry", "StaffProfile").objects.create(user=user, division=division)
    log = old.get_model("registry", "SensitiveAccessLog").objects
    log.create(
        actor=user,
        action="reveal",
        entity="person",
        object_id=1,
        field="resident_id",
        reason="核对",
        row_count=1,
        at=AT,
    )
    log.create(
        actor=user,
        action="reveal",
        entity="person",
        object_id=1,
        field="resident_id",
        reason="已拒绝（超出每小时 3 个的上限）：核对",
        row_count=0,
        at=AT,
    )
    log.create(
        actor=user,
        action="export",
        entity="person",
        field="",
        export_name="人员名单",
        reason="筛选：姓名含张",
        row_count=9,
        at=AT,
    )
    log.create(
        actor=user,
        action="export",
        entity="person",
        field="resident_id",
        export_name="人员名单",
        reason="已拒绝（9 行，超过导出上限 5 行）；筛选：无",
        row_count=9,
        at=AT,
    )
    old.get_model("registry", "ChangeLog").objects.create(
        entity="person", object_id=1, action="create", source="screen", changes={"a": 1}, at=AT
    )
    old.get_model("portal", "ContentChange").objects.create(
        model="portal.guide",
        object_id=3,
        object_repr="指南",
        changed_by=user,
        changes={"time_limit": ["20个工作日", "10个工作日"]},
    )

    # when
    try:
        new = _migrate(_latest())

        # then
        staff_log = new.get_model("staff", "SensitiveAccessLog").objects.order_by("id")
        assert list(staff_log.values_list("action", "outcome", "unmasked", "filters")) == [
            ("reveal", "shown", True, ""),
            ("reveal", "refused", False, ""),
            ("export", "shown", False, "姓名含张"),
            ("export", "refused", False, ""),
        ]
        assert new.get_model("staff", "StaffProfile").objects.get().user_id == user.pk
        history = new.get_model("core", "ChangeLog").objects.order_by("id")
        assert list(
            history.values_list("entity", "object_id", "action", "actor_id", "changes")
        ) == [
            ("person", 1, "create", None, {"a": 1}),
            (
                "portal.guide",
                3,
                "update",
                user.pk,
                {"time_limit": {"old": "20个工作日", "new": "10个工作日"}},
            ),
        ]
    finally:
        _migrate(_latest())
