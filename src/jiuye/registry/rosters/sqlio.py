"""Set-based writes of a Polars frame: COPY on PostgreSQL, ``executemany`` on SQLite.

Called inside the import's transaction; nothing here commits.
"""

from __future__ import annotations

import io
from typing import Any

import polars as pl
from django.db import connection


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _rows(frame: pl.DataFrame) -> list[tuple[Any, ...]]:
    # sqlite3's default date adapter is deprecated: send dates as ISO text
    return frame.with_columns(pl.col(pl.Date).dt.to_string("%Y-%m-%d")).rows()


def _copy(table: str, frame: pl.DataFrame) -> None:
    columns = ", ".join(_q(c) for c in frame.columns)
    buffer = io.BytesIO()
    frame.write_csv(buffer, include_header=False, null_value="", quote_style="non_numeric")
    buffer.seek(0)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {_q(table)} ({columns}) FROM STDIN (FORMAT csv)") as copy:
            while block := buffer.read(1 << 20):
                copy.write(block)


def insert(table: str, frame: pl.DataFrame) -> None:
    """Append the rows of ``frame`` (columns named as in the table)."""
    if frame.is_empty():
        return
    if connection.vendor == "postgresql":
        _copy(table, frame)
        return
    columns = ", ".join(_q(c) for c in frame.columns)
    marks = ", ".join(["%s"] * frame.width)
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {_q(table)} ({columns}) VALUES ({marks})",  # noqa: S608
                           _rows(frame))


def update_by_id(table: str, frame: pl.DataFrame) -> None:
    """Set the other columns of ``frame`` on the rows whose ``id`` it names."""
    if frame.is_empty():
        return
    values = [c for c in frame.columns if c != "id"]
    if connection.vendor == "postgresql":
        stage = "roster_stage"
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {stage}")
            # the stage takes the target's own column types
            columns = ", ".join(_q(c) for c in frame.columns)
            cursor.execute(f"CREATE TEMP TABLE {stage} ON COMMIT DROP AS "  # noqa: S608
                           f"SELECT {columns} FROM {_q(table)} WITH NO DATA")
        _copy(stage, frame)
        sets = ", ".join(f"{_q(c)} = s.{_q(c)}" for c in values)
        with connection.cursor() as cursor:
            cursor.execute(f"UPDATE {_q(table)} SET {sets} FROM {stage} s "  # noqa: S608
                           f"WHERE {_q(table)}.id = s.id")
            cursor.execute(f"DROP TABLE {stage}")
        return
    sets = ", ".join(f"{_q(c)} = %s" for c in values)
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {_q(table)} SET {sets} WHERE id = %s",  # noqa: S608
                           _rows(frame.select([*values, "id"])))
