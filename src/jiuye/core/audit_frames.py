"""History rows built set-based, as Polars expressions: the bulk side of :mod:`jiuye.core.audit`.

A roster import of a million rows cannot build a million dicts: it builds the
``changes`` JSON text of every row at once, with the same shape ``audit.record`` keeps
(``{field: value}`` for values given, ``{field: {"old", "new"}}`` for a change), and
writes the frames through :func:`jiuye.core.audit.record_frames`.

>>> import polars as pl
>>> frame = pl.DataFrame({"a": ["松原", None], "b": [1, 2]})
>>> frame.select(json_object([field_json("a", pl.col("a")),
...     change_json("b", pl.col("b") - 1, pl.col("b"))]).alias("c"))["c"].to_list()
['{"a":"松原","b":{"old":0,"new":1}}', '{"b":{"old":1,"new":2}}']
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import polars as pl

from jiuye.core.audit import COLUMNS

__all__ = ["change_json", "field_json", "json_object", "json_text", "runs_frame", "stamped"]

#: The schema of a history frame before :func:`stamped` adds source, actor and time.
SCHEMA: dict[str, pl.DataType] = {
    "entity": pl.String(),
    "object_id": pl.Int64(),
    "object_id_last": pl.Int64(),
    "action": pl.String(),
    "changes": pl.String(),
}


def json_text(expr: pl.Expr) -> pl.Expr:
    """The JSON text of one value (strings escaped, dates ISO, null as null)."""
    return pl.struct(expr.alias("v")).struct.json_encode().str.slice(5).str.head(-1)


def field_json(name: str, value: pl.Expr, when: pl.Expr | None = None) -> pl.Expr:
    """``"name":value`` where ``when`` holds (default: the value is not null), else null."""
    flag = value.is_not_null() if when is None else when
    return pl.when(flag).then(pl.concat_str(pl.lit(f'"{name}":'), json_text(value)))


def change_json(name: str, old: pl.Expr, new: pl.Expr, when: pl.Expr | None = None) -> pl.Expr:
    """``"name":{"old":…,"new":…}`` where ``when`` holds (default: always)."""
    part = pl.concat_str(
        pl.lit(f'"{name}":{{"old":'), json_text(old), pl.lit(',"new":'), json_text(new), pl.lit("}")
    )
    return part if when is None else pl.when(when).then(part)


def json_object(parts: Sequence[pl.Expr]) -> pl.Expr:
    """``{…}`` of the non-null parts, in order."""
    inner = pl.concat_list(list(parts)).list.drop_nulls().list.join(",")
    return pl.concat_str(pl.lit("{"), inner, pl.lit("}"))


def runs_frame(
    entity: str, ids: pl.Series, changes: Mapping[str, object], action: str = "create"
) -> pl.DataFrame:
    """One history row per run of consecutive ``ids``: ``changes`` and the run's ``rows``
    (what :func:`jiuye.core.audit.record_runs` writes, set-based)."""
    if ids.is_empty():
        return pl.DataFrame(schema=SCHEMA)
    runs = (
        pl.DataFrame({"id": ids.sort()})
        .with_columns(run=(pl.col("id").diff().fill_null(1) != 1).cum_sum())
        .group_by("run", maintain_order=True)
        .agg(first=pl.col("id").first(), last=pl.col("id").last(), rows=pl.len())
    )
    prefix = json.dumps(dict(changes), ensure_ascii=False)[:-1]
    prefix += ', "rows": ' if changes else '"rows": '
    return runs.select(
        entity=pl.lit(entity),
        object_id="first",
        object_id_last="last",
        action=pl.lit(action),
        changes=pl.concat_str(pl.lit(prefix), pl.col("rows").cast(pl.String), pl.lit("}")),
    ).cast(SCHEMA)  # type: ignore[arg-type]


def stamped(frame: pl.DataFrame, *, source: str, actor_id: int | None, at: str) -> pl.DataFrame:
    """A history frame with the write's source, actor and time (``at`` as the backend
    stores it), its columns in :data:`jiuye.core.audit.COLUMNS` order."""
    return frame.with_columns(
        source=pl.lit(str(source)), actor_id=pl.lit(actor_id, pl.Int64), at=pl.lit(at)
    ).select(COLUMNS)
