"""Helpers of the audit-trail tests: a tamperer with raw SQL, committed batches."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection

from jiuye.core import trail
from jiuye.core.models import AuditEvent


@contextmanager
def triggers_off() -> Iterator[None]:
    """What a database superuser could do (PostgreSQL: run as a replica, which fires no
    ordinary trigger, until the end of the block; SQLite has no triggers)."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = origin")


def tamper(sql: str, params: Sequence[Any] = ()) -> None:
    """Run raw SQL on an audit table past every guard."""
    with triggers_off(), connection.cursor() as cursor:
        cursor.execute(sql, list(params))


def commit_batch(capture: Any, events: Sequence[str]) -> list[AuditEvent]:
    """Append ``events`` as one committed batch (the head file written after it);
    ``capture`` is pytest-django's ``django_capture_on_commit_callbacks``."""
    with capture(execute=True):
        return [trail.append(event, actor_label="tester") for event in events]


def swap_contents(first: int, second: int) -> None:
    """Exchange what two rows say (event, object, actor's name), chain fields left."""
    a = AuditEvent.objects.values("event", "object", "actor_label").get(sequence=first)
    b = AuditEvent.objects.values("event", "object", "actor_label").get(sequence=second)
    for sequence, values in ((first, b), (second, a)):
        tamper(
            "UPDATE core_auditevent SET event = %s, object = %s, actor_label = %s "
            "WHERE sequence = %s",
            [values["event"], values["object"], values["actor_label"], sequence],
        )
