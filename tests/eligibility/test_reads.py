"""One record's table reads are compiled once and rerun with its id and day: the rows
are the same as the ORM read of the same scope, whatever the record and the day."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from jiuye.registry import models as m
from jiuye.registry.frames import Scope, TableRead, in_force, read, read_tables
from tests.registry import factories as f

JOBS = TableRead(
    "jobs",
    lambda s, d: m.EmploymentRecord.objects.filter(s.q("person"), in_force("start", "end", d)),
    {"person_id": pl.Int64(), "form": pl.String(), "start": pl.Date()},
)


def test_a_compiled_read_gives_the_orm_rows_for_each_record_and_day(divisions):
    # given one job ending on 2019-01-01, another from that day
    first, second = f.AdultFactory(), f.AdultFactory()
    f.EmploymentRecordFactory(
        person=first, form="flexible", start=dt.date(2018, 1, 1), end=dt.date(2019, 1, 1)
    )
    f.EmploymentRecordFactory(person=second, form="employee", start=dt.date(2019, 1, 1))
    cases = [
        (p, day) for p in (first, second) for day in (dt.date(2018, 12, 31), dt.date(2019, 1, 1))
    ]
    # when
    compiled = [read_tables("test", [JOBS], Scope.of([p.pk]), day)["jobs"] for p, day in cases]
    orm = [read(JOBS.rows(Scope.of([p.pk]), day), JOBS.columns) for p, day in cases]
    # then
    assert [c.height for c in compiled] == [1, 0, 0, 1]
    assert all(c.equals(o) for c, o in zip(compiled, orm, strict=True))
    assert compiled[3].row(0) == (second.pk, "employee", dt.date(2019, 1, 1))


def test_a_read_that_ignores_the_scope_is_refused(divisions):
    # given
    everything = TableRead(
        "all", lambda s, d: m.EmploymentRecord.objects.all(), {"person_id": pl.Int64()}
    )
    # when
    with pytest.raises(ValueError, match="test.all: the read must filter on the scope's ids"):
        read_tables("test", [everything], Scope.of([1]), dt.date(2019, 1, 1))
