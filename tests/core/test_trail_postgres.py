"""PostgreSQL: the application's role may insert into the audit tables but not update,
delete or truncate them; appends at once never fork the chain."""

from __future__ import annotations

import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction
from django.db.migrations.executor import MigrationExecutor

from jiuye.core import chain, trail, trail_check
from jiuye.core.models import AuditEvent, ChangeLog

pytestmark = pytest.mark.postgresql

AUDIT_TABLES = ("core_auditevent", "registry_changelog", "registry_sensitiveaccesslog")


def _raw(sql: str) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        # the test's own inserts leave their foreign-key checks pending (deferred), which
        # TRUNCATE would refuse before any trigger: check them now, as a commit would
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(sql)


@pytest.fixture
def rows(db, django_user_model):
    """A row in each audit table, written the application's way."""
    from jiuye.staff.models import SensitiveAccessLog

    user = django_user_model.objects.create_user("clerk")
    trail.append("auth.login", actor=user)
    with transaction.atomic():
        ChangeLog.objects.create(
            entity="person", object_id=1, action="create", source="screen", changes={}
        )
    SensitiveAccessLog.objects.create(actor=user, action="reveal", entity="person", field="id")
    return user


@pytest.mark.django_db
@pytest.mark.parametrize("table", AUDIT_TABLES)
@pytest.mark.parametrize(
    "statement",
    ["UPDATE {table} SET id = id", "DELETE FROM {table}", "TRUNCATE {table} CASCADE"],
)
def test_the_app_role_cannot_update_delete_or_truncate_an_audit_table(rows, table, statement):
    # given a row in each audit table, and the role the application connects with
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        role = cursor.fetchone()[0]
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
        before = cursor.fetchone()[0]

    # when / then
    with pytest.raises(DatabaseError, match=f"审计表 {table} 只能追加"):
        _raw(statement.format(table=table))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
        assert (role, cursor.fetchone()[0]) == (connection.settings_dict["USER"], before)


@pytest.mark.django_db
def test_an_update_by_the_app_role_is_refused_even_in_maintenance(rows):
    # given the archive's maintenance setting
    with pytest.raises(DatabaseError, match="不允许 UPDATE"), trail.maintenance():
        _raw("UPDATE core_auditevent SET outcome = 'failed'")

    # then
    assert list(AuditEvent.objects.values_list("outcome", flat=True)) == ["ok"]


@pytest.mark.django_db
def test_maintenance_lets_the_archive_delete_trail_rows_but_not_history(rows):
    # given / when
    with trail.maintenance(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent")
        deleted = cursor.rowcount

    # then
    assert deleted == 1
    with pytest.raises(DatabaseError, match="只能追加"), trail.maintenance():
        _raw("DELETE FROM registry_changelog")
    assert ChangeLog.objects.count() == 1


@pytest.mark.django_db
def test_the_maintenance_setting_lasts_only_its_transaction(rows):
    # given a maintenance transaction that ended
    with trail.maintenance():
        pass

    # when / then
    with pytest.raises(DatabaseError, match="只能追加"):
        _raw("DELETE FROM core_auditevent")


@pytest.mark.django_db(transaction=True)
def test_appends_at_once_never_fork_the_chain(settings, tmp_path):
    # given eight threads released together, each appending five events in its own
    # transactions (and one batch of three)
    settings.AUDIT_HEAD_FILE = tmp_path / "chain-head.json"
    threads, per_thread = 8, 5
    start = threading.Barrier(threads)
    failures: list[BaseException] = []

    def work(number: int) -> None:
        try:
            start.wait()
            for i in range(per_thread):
                trail.append("auth.login", actor_label=f"t{number}-{i}")
            with transaction.atomic():
                for i in range(3):
                    trail.append("auth.logout", actor_label=f"t{number}-batch{i}")
        except BaseException as error:  # reported below
            failures.append(error)
        finally:
            connections.close_all()

    # when
    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    # then one chain without gaps or forks, every event in it, the head file at its end
    assert failures == []
    total = threads * (per_thread + 3)
    sequences = list(AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True))
    assert sequences == list(range(1, total + 1))
    labels = set(AuditEvent.objects.values_list("actor_label", flat=True))
    assert len(labels) == total
    verdict = trail_check.verify()
    assert verdict.ok, verdict.message()
    assert trail.read_head_file()["sequence"] == total  # type: ignore[index]


@pytest.mark.django_db(transaction=True)
def test_rows_appended_before_the_chain_are_chained_by_the_migration(settings, tmp_path):
    # given the trail as it was before the chain (0003), with two plain rows
    settings.AUDIT_HEAD_FILE = tmp_path / "chain-head.json"
    executor = MigrationExecutor(connection)
    executor.migrate([("core", "0003_audit_event")])
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO core_auditevent (at, actor_label, event, object, outcome, "
            "source_address, detail) VALUES (now(), 'a', 'auth.login', '', 'ok', '', '{}'), "
            "(now(), 'b', 'auth.logout', '', 'ok', '', '{\"n\": 1}')"
        )

    # when
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())

    # then the old rows are the chain's first two, and it verifies
    rows = list(AuditEvent.objects.order_by("sequence").values("sequence", "previous", "event"))
    assert [(r["sequence"], r["event"]) for r in rows] == [(1, "auth.login"), (2, "auth.logout")]
    assert rows[0]["previous"] == chain.GENESIS
    trail.write_head_file()
    assert trail_check.verify().ok
