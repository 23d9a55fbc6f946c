"""A state machine appends to the trail and tampers with it (a field updated, a row
deleted, two rows swapped, the tail truncated); after every step ``verify`` must name
exactly the first damaged row, or pass when nothing is damaged."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from jiuye.core import trail, trail_check
from jiuye.core.models import AuditEvent
from tests.core.trail_support import swap_contents, tamper

#: What a row says that the tamperer changes.
SAID = ("event", "object", "actor_label", "outcome", "detail")
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=12,
)


class TrailMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        folder = Path(tempfile.mkdtemp(prefix="jiuye-trail-machine-"))
        self._settings = override_settings(
            AUDIT_HEAD_FILE=folder / "chain-head.json", AUDIT_ARCHIVE_DIR=folder / "archive"
        )
        self._settings.enable()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.present: list[int] = []  # sequences in the table
        self.gone: set[int] = set()  # sequences deleted
        self.written: dict[int, dict[str, object]] = {}  # what each row said when appended
        self.now: dict[int, dict[str, object]] = {}  # what it says now
        self.count = 0

    @property
    def damaged(self) -> set[int]:
        changed = {s for s in self.present if self.now[s] != self.written[s]}
        return changed | self.gone

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)
        self._settings.disable()

    @rule(
        size=st.integers(min_value=1, max_value=3),
        label=TEXT,
        detail=st.dictionaries(TEXT, st.integers() | TEXT | st.none(), max_size=3),
    )
    def append_batch(self, size: int, label: str, detail: dict[str, object]) -> None:
        with transaction.atomic():
            for _ in range(size):
                self.count += 1
                row = trail.append("auth.login", actor_label=f"{label}#{self.count}", detail=detail)
                self.present.append(row.sequence)
                said = {name: getattr(row, name) for name in SAID}
                self.written[row.sequence], self.now[row.sequence] = said, dict(said)
        trail.write_head_file()  # what the commit of the batch does

    @precondition(lambda self: self.present)
    @rule(data=st.data(), column=st.sampled_from(["event", "outcome", "object", "detail"]))
    def update_a_field(self, data: st.DataObject, column: str) -> None:
        sequence = data.draw(st.sampled_from(self.present))
        value = '{"forged": true}' if column == "detail" else "forged"
        sql = f"UPDATE core_auditevent SET {column} = %s WHERE sequence = %s"  # noqa: S608
        tamper(sql, [value, sequence])
        self.now[sequence][column] = {"forged": True} if column == "detail" else value

    @precondition(lambda self: self.present)
    @rule(data=st.data())
    def delete_a_row(self, data: st.DataObject) -> None:
        sequence = data.draw(st.sampled_from(self.present))
        tamper("DELETE FROM core_auditevent WHERE sequence = %s", [sequence])
        self.present.remove(sequence)
        self.gone.add(sequence)

    @precondition(lambda self: len(self.present) >= 2)
    @rule(data=st.data())
    def swap_two_rows(self, data: st.DataObject) -> None:
        first, second = data.draw(
            st.lists(st.sampled_from(self.present), min_size=2, max_size=2, unique=True)
        )
        swap_contents(first, second)
        for name in ("event", "object", "actor_label"):
            self.now[first][name], self.now[second][name] = (
                self.now[second][name],
                self.now[first][name],
            )

    @precondition(lambda self: self.present)
    @rule(data=st.data())
    def truncate_the_tail(self, data: st.DataObject) -> None:
        cut = data.draw(st.integers(min_value=1, max_value=len(self.present)))
        gone = self.present[-cut:]
        tamper("DELETE FROM core_auditevent WHERE sequence >= %s", [gone[0]])
        del self.present[-cut:]
        self.gone.update(gone)

    @invariant()
    def verify_names_the_first_damaged_row(self) -> None:
        verdict = trail_check.verify()
        if not self.damaged:
            assert verdict.ok, verdict.message()
            assert verdict.last == self.count
            return
        assert verdict.problem is not None, "verify passed a tampered chain"
        assert verdict.problem.sequence == min(self.damaged), verdict.message()
        assert list(AuditEvent.objects.values_list("sequence", flat=True)) == self.present


@pytest.mark.django_db
def test_verify_names_the_first_row_damaged_whatever_was_done():
    run_state_machine_as_test(
        TrailMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=12,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
