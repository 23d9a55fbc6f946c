"""Set-based writes of a Polars frame: COPY on PostgreSQL, ``executemany`` on SQLite.

Called inside the import's transaction; nothing here commits. :class:`Pending` rows are
computed and encoded in a background thread while the connection is busy with other
writes of the same transaction (Polars and the socket release the GIL), so on
PostgreSQL the Python work overlaps the server's.
"""

from __future__ import annotations

import io
import queue
import threading
from collections.abc import Iterable, Iterator
from typing import Any

import polars as pl
from django.db import connection

_DONE = object()
COPY_SLICE = 100_000


class Pending:
    """Frames to insert, produced lazily by ``frames`` (all with the same columns).

    On PostgreSQL a thread starts at once, turning each frame into COPY CSV blocks
    (a few queued at a time); on SQLite the frames are produced when inserted.
    """

    def __init__(self, columns: list[str], frames: Iterable[pl.DataFrame]) -> None:
        self.columns = columns
        self._frames = frames
        self._queue: queue.Queue[object] = queue.Queue(maxsize=3)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if connection.vendor == "postgresql":
            self._thread = threading.Thread(target=self._work, name="roster-encode", daemon=True)
            self._thread.start()

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def _work(self) -> None:
        try:
            for frame in self._frames:
                if frame.is_empty():
                    continue
                if not self._put(_csv(frame.select(self.columns))):
                    return
            self._put(_DONE)
        except BaseException as exc:  # handed to the consumer, raised there
            self._put(exc)

    def frames(self) -> Iterator[pl.DataFrame]:
        for frame in self._frames:
            yield frame.select(self.columns)

    def blocks(self) -> Iterator[bytes]:
        while (item := self._queue.get()) is not _DONE:
            if isinstance(item, BaseException):
                raise item
            assert isinstance(item, bytes)
            yield item

    def close(self) -> None:
        """Stop the thread (after a failure: nothing more is wanted)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _rows(frame: pl.DataFrame) -> list[tuple[Any, ...]]:
    # sqlite3's default date adapter is deprecated: send dates as ISO text
    return frame.with_columns(pl.col(pl.Date).dt.to_string("%Y-%m-%d")).rows()


def _csv(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_csv(buffer, include_header=False, null_value="", quote_style="non_numeric")
    return buffer.getvalue()


def _copy_blocks(table: str, names: list[str], blocks: Iterable[bytes]) -> None:
    columns = ", ".join(_q(c) for c in names)
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {_q(table)} ({columns}) FROM STDIN (FORMAT csv)") as copy:
            for block in blocks:
                view = memoryview(block)
                for start in range(0, len(view), 1 << 20):
                    copy.write(view[start : start + (1 << 20)])


def _copy(table: str, frame: pl.DataFrame) -> None:
    _copy_blocks(table, frame.columns, [_csv(frame)])


def insert(table: str, frame: pl.DataFrame | Pending) -> None:
    """Append the rows of ``frame`` (columns named as in the table)."""
    if isinstance(frame, Pending):
        try:
            if connection.vendor == "postgresql":
                _copy_blocks(table, frame.columns, frame.blocks())
            else:
                for part in frame.frames():
                    insert(table, part)
        finally:
            frame.close()
        return
    if frame.is_empty():
        return
    if connection.vendor == "postgresql" and frame.height > COPY_SLICE:
        # encoded a slice at a time in the thread while the server takes the previous one
        insert(
            table,
            Pending(
                frame.columns,
                (frame.slice(start, COPY_SLICE) for start in range(0, frame.height, COPY_SLICE)),
            ),
        )
        return
    if connection.vendor == "postgresql":
        _copy(table, frame)
        return
    columns = ", ".join(_q(c) for c in frame.columns)
    marks = ", ".join(["%s"] * frame.width)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {_q(table)} ({columns}) VALUES ({marks})",  # noqa: S608
            _rows(frame),
        )


def read_copy(query: str, params: list[Any], schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """The rows of ``query`` through ``COPY … TO STDOUT`` (PostgreSQL), read by Polars.

    Booleans must arrive as 0/1 (cast to integer in the query).
    """
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY ({query}) TO STDOUT (FORMAT csv)", params) as copy:
            data = b"".join(bytes(block) for block in copy)
    if not data:
        return pl.DataFrame(schema=schema)
    read = {n: pl.Int8() if t == pl.Boolean else t for n, t in schema.items()}
    frame = pl.read_csv(
        io.BytesIO(data),
        has_header=False,
        new_columns=list(schema),
        schema=read,
        try_parse_dates=False,
    )
    return frame.cast(schema)  # type: ignore[arg-type]


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
            cursor.execute(
                f"CREATE TEMP TABLE {stage} ON COMMIT DROP AS "  # noqa: S608
                f"SELECT {columns} FROM {_q(table)} WITH NO DATA"
            )
        _copy(stage, frame)
        sets = ", ".join(f"{_q(c)} = s.{_q(c)}" for c in values)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {_q(table)} SET {sets} FROM {stage} s "  # noqa: S608
                f"WHERE {_q(table)}.id = s.id"
            )
            cursor.execute(f"DROP TABLE {stage}")
        return
    sets = ", ".join(f"{_q(c)} = %s" for c in values)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {_q(table)} SET {sets} WHERE id = %s",  # noqa: S608
            _rows(frame.select([*values, "id"])),
        )
