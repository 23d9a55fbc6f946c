"""The import: valid roster rows upserted by key, set-based, with history rows.

One read of the existing records, a diff in Polars, one set-based insert of the new
records, one update of the changed ones and one insert of their history rows. A record
whose given cells equal the register writes nothing, so importing a file twice changes
nothing the second time. Identity numbers and names enter the history only masked;
sex and birth date (read from the identity number) do not enter it at all.

History (written through :func:`jiuye.core.audit.record_frames`, its JSON built by
:mod:`jiuye.core.audit_frames`): the records an import creates are one bulk event,
logged as one row per run of consecutive ids (``object_id`` .. ``object_id_last``)
naming the roster, the file, the fields given and the row count; their values at
creation are the record's own values with its later updates undone, since every update
logs ``{"old": ..., "new": ...}``. A record added to a person (employment, certificate,
...) logs ``{"employment": {...values}}`` on that person; a change logs old and new values.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import polars as pl
from django.db import connection, models

from jiuye.core import audit, audit_frames
from jiuye.core.encrypted import EncryptedField, MaskedField
from jiuye.geo.models import Division
from jiuye.identity.masking import mask_resident_id
from jiuye.registry import models as m
from jiuye.registry.rosters import specs as s
from jiuye.registry.rosters.sqlio import Pending, insert, read_copy, update_by_id
from jiuye.registry.rosters.validate import out_name

CHUNK = 5000
LOG_CHUNK = 100_000
LOG_COLUMNS = list(audit.COLUMNS)
# read from the identity number, which the history keeps masked: never logged
UNLOGGED = frozenset({"sex", "birth_date"})


@dataclass(frozen=True)
class Target:
    """One table to upsert: its key and value columns (database names).

    ``sealed``: the key is an encrypted column (:mod:`jiuye.core.encrypted`): the frame
    brings it in clear, the rows are matched by its blind index (``keys``) and a new
    row is written with its token and masked form.
    """

    model: type[models.Model]
    keys: tuple[str, ...]
    values: tuple[str, ...]
    entity: str
    owner: str = "id"
    record: str = ""
    sealed: EncryptedField | None = None


def sealed_key(model: type[models.Model], key: str) -> EncryptedField | None:
    """The encrypted field ``key`` of ``model``, if it is one."""
    field = next((f for f in model._meta.concrete_fields if f.attname == key), None)
    return field if isinstance(field, EncryptedField) else None


def target_of(roster: s.Roster) -> Target:
    keys = tuple(out_name(roster.column(k)) for k in roster.key)
    values = tuple(out_name(c) for c in roster.columns if c.field not in roster.key)
    if roster.kind == "person":
        values += ("sex", "birth_date")
    if roster.kind == "household":
        values = ("household_id", "relation")
    owner = roster.owner if roster.owner == "id" else roster.owner + "_id"
    sealed = sealed_key(roster.model, keys[0]) if len(keys) == 1 else None
    if sealed is not None:
        keys = (sealed.index_name,)
    return Target(roster.model, keys, values, roster.entity, owner, roster.record, sealed)


def with_blind_index(target: Target, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with the blind index of its encrypted key column (kept when it was
    computed under the current index key, e.g. by the preview)."""
    if target.sealed is None:
        return frame
    cipher = target.sealed.cipher()
    name, plain = target.keys[0], target.sealed.attname
    if name in frame.columns:
        first = frame[name].drop_nulls().head(1).to_list()
        if not first or first[0].startswith(cipher.index_key_id + ":"):
            return frame
    return frame.with_columns(
        pl.Series(name, cipher.index_many(frame[plain].to_list()), dtype=pl.String)
    )


def _sealed_columns(target: Target, created: pl.DataFrame) -> list[pl.Series]:
    """The token and masked form of each new row's encrypted key."""
    sealed = target.sealed
    if sealed is None:
        return []
    plains = created[sealed.attname].to_list()
    columns = [pl.Series(sealed.attname, sealed.cipher().encrypt_many(plains), dtype=pl.String)]
    if sealed.masked_name:
        masked = sealed.model._meta.get_field(sealed.masked_name)
        assert isinstance(masked, MaskedField)
        numbers = created[sealed.attname]
        if masked.mask is mask_resident_id and (numbers.str.len_chars() == 18).all():
            # the validated, canonical numbers: the mask as one expression (same text)
            form = _mask_id(pl.lit(numbers))
            columns.append(pl.select(form.alias(masked.attname)).to_series())
        else:
            columns.append(pl.Series(masked.attname, [masked.mask(p) for p in plains], pl.String))
    return columns


def _mask_id(value: pl.Expr) -> pl.Expr:
    """:func:`jiuye.identity.mask_resident_id` of canonical 18-character numbers."""
    return pl.concat_str(value.str.slice(0, 6), pl.lit("********"), value.str.slice(14, 4))


def existing(target: Target, frame: pl.DataFrame) -> pl.DataFrame:
    """The stored rows whose first key column is among ``frame``'s, as a frame."""
    names = ["id", *target.keys, *target.values]
    schema = {n: pl.Int64() if n == "id" else frame.schema[n] for n in names}
    wanted = frame[target.keys[0]].drop_nulls().unique().to_list()
    rows: list[tuple[object, ...]] = []
    if connection.vendor == "postgresql":
        return _existing_pg(target, names, schema, wanted)
    else:
        manager = target.model._default_manager
        for start in range(0, len(wanted), CHUNK):
            rows.extend(
                manager.filter(
                    **{f"{target.keys[0]}__in": wanted[start : start + CHUNK]}
                ).values_list(*names)
            )
    return pl.DataFrame(rows, schema=schema, orient="row")


def _existing_pg(
    target: Target, names: list[str], schema: dict[str, pl.DataType], wanted: list[object]
) -> pl.DataFrame:
    """The keys go in by COPY to a temporary table, the rows come out by COPY (no
    per-row Python objects either way)."""
    q = connection.ops.quote_name
    table, key, stage = q(target.model._meta.db_table), q(target.keys[0]), "roster_keys"
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {stage}")
        cursor.execute(
            f"CREATE TEMP TABLE {stage} ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {key} FROM {table} WITH NO DATA"
        )
    insert(
        stage,
        pl.DataFrame({target.keys[0]: wanted}, schema={target.keys[0]: schema[target.keys[0]]}),
    )
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {stage}")
    columns = ", ".join(f"t.{q(n)}::int" if schema[n] == pl.Boolean else f"t.{q(n)}" for n in names)
    found = read_copy(
        f"SELECT {columns} FROM {table} t JOIN {stage} k "  # noqa: S608
        f"ON t.{key} = k.{key}",
        [],
        schema,
    )
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {stage}")
    return found


def _new_ids(target: Target, created: pl.DataFrame) -> pl.DataFrame:
    """Ids for the rows to create: drawn from the sequence on PostgreSQL (inserted with the
    rows, no read back); on SQLite read back after the insert."""
    if connection.vendor != "postgresql":
        return created
    if created.is_empty():
        return created
    table = target.model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
        sequence = str(cursor.fetchone()[0])
    literal = "'" + sequence.replace("'", "''") + "'"
    ids = read_copy(
        f"SELECT nextval({literal}::regclass) "  # noqa: S608
        f"FROM generate_series(1, {int(created.height)})",
        [],
        {"id": pl.Int64()},
    )
    return created.with_columns(id=ids["id"])


def upsert(
    target: Target,
    frame: pl.DataFrame,
    *,
    actor_id: int | None,
    now: datetime,
    source: str = m.Source.ROSTER,
    origin: Mapping[str, object] | None = None,
) -> dict[str, int]:
    """Create or update the rows of ``frame`` (keys and values); returns the counts.

    ``origin`` (e.g. the roster and file name) is recorded in the history of the records
    created.
    """
    frame = with_blind_index(target, frame)
    old = existing(target, frame).rename({v: f"{v}__old" for v in target.values})
    plain = (target.sealed.attname,) if target.sealed is not None else ()
    joined = frame.select(*target.keys, *plain, *target.values).join(
        old, on=list(target.keys), how="left", nulls_equal=False
    )
    creating = pl.col("id").is_null()
    changed = {
        v: pl.col(v).is_not_null() & (creating | pl.col(v).ne_missing(pl.col(f"{v}__old")))
        for v in target.values
    }
    joined = joined.with_columns(**{f"{v}__changed": e for v, e in changed.items()})
    any_changed = pl.any_horizontal(pl.col(f"{v}__changed") for v in target.values)
    created = joined.filter(creating)
    updated = joined.filter(~creating & any_changed)
    table = target.model._meta.db_table
    stamps = {f.name for f in target.model._meta.concrete_fields} & {"created_at", "updated_at"}
    stamp = _stamp(now)
    # new records in key order, ids ascending: every index of the table is then filled
    # at its right edge instead of at random pages
    created = _new_ids(target, created.sort(list(target.keys)))
    with_id = connection.vendor == "postgresql"
    rows = created.select(*(["id"] if with_id else []), *target.keys, *target.values)
    rows = rows.with_columns(_sealed_columns(target, created))
    if stamps:
        rows = rows.with_columns(**{n: pl.lit(stamp) for n in stamps})
    codes = (
        dict(Division.objects.values_list("id", "code")) if ("division_id" in target.values) else {}
    )
    stamped = {"source": str(source), "actor_id": actor_id, "at": stamp}
    # PostgreSQL: the ids are known, so the history is computed while the rows are written
    history = (
        Pending(LOG_COLUMNS, _history(target, created, updated, codes, stamped, origin))
        if with_id
        else None
    )
    try:
        insert(table, rows)
        if not created.is_empty() and not with_id:
            ids = existing(target, created).select(*target.keys, "id")
            created = created.drop("id").join(ids, on=list(target.keys), how="left")
        final = [pl.coalesce(v, f"{v}__old").alias(v) for v in target.values]
        changes = updated.select("id", *final)
        if "updated_at" in stamps:
            changes = changes.with_columns(updated_at=pl.lit(stamp))
        update_by_id(table, changes)
    except BaseException:
        if history is not None:
            history.close()
        raise
    if history is None:
        history = Pending(LOG_COLUMNS, _history(target, created, updated, codes, stamped, origin))
    try:
        audit.record_frames(history, write=insert, source=str(source))
    finally:
        history.close()
    return {
        "created": created.height,
        "updated": updated.height,
        "unchanged": frame.height - created.height - updated.height,
    }


def _history(
    target: Target,
    created: pl.DataFrame,
    updated: pl.DataFrame,
    codes: dict[int, str],
    stamped: dict[str, Any],
    origin: Mapping[str, object] | None,
) -> Iterator[pl.DataFrame]:
    """The history rows, a chunk at a time: the runs of created records (records added to
    a person: one row each), then one row per changed record."""
    if not target.record:
        yield audit_frames.stamped(_created_runs(target, created, origin), **stamped)
    parts = (("add", created),) if target.record else ()
    for action, part in (*parts, ("update", updated)):
        for start in range(0, part.height, LOG_CHUNK):
            yield audit_frames.stamped(
                _logs(target, part.slice(start, LOG_CHUNK), action, codes), **stamped
            )


def _created_runs(
    target: Target, created: pl.DataFrame, origin: Mapping[str, object] | None
) -> pl.DataFrame:
    """One history row per run of consecutive new ids: the bulk creation as one event."""
    if created.is_empty():
        return pl.DataFrame(schema=audit_frames.SCHEMA)
    given = [
        column
        for column in (*target.keys, *target.values)
        if column not in UNLOGGED and created[column].null_count() < created.height
    ]
    named = {target.keys[0]: target.sealed.name} if target.sealed is not None else {}
    fields = [_logged(named.get(column, column), pl.col(column), {})[0] for column in given]
    return audit_frames.runs_frame(
        target.entity, created["id"], {**(origin or {}), "fields": fields}
    )


def _stamp(now: datetime) -> str:
    """A timestamp as the backend stores it (SQLite: Django's UTC text)."""
    if connection.vendor == "postgresql":
        return now.isoformat()
    return str(connection.ops.adapt_datetimefield_value(now))


def _logged(column: str, value: pl.Expr, codes: dict[int, str]) -> tuple[str, pl.Expr]:
    """The history's field name and value: masked identity, division by its code."""
    if column == "resident_id":
        return column, _mask_id(value)
    if column == "credit_code":
        return column, pl.concat_str(
            value.str.slice(0, 4), pl.lit("**********"), value.str.slice(14, 4)
        )
    if column == "name":
        return column, value.map_batches(_mask_names, return_dtype=pl.String)
    if column == "division_id":
        return "division", value.replace_strict(codes, default=None, return_dtype=pl.String)
    return column.removesuffix("_id"), value


def _mask_names(names: pl.Series) -> pl.Series:
    from jiuye.identity import mask_name

    unique = names.drop_nulls().unique().to_list()
    return names.replace_strict(
        {n: mask_name(n) for n in unique}, default=None, return_dtype=pl.String
    )


def _logs(target: Target, frame: pl.DataFrame, action: str, codes: dict[int, str]) -> pl.DataFrame:
    if frame.is_empty():
        return pl.DataFrame(schema=audit_frames.SCHEMA)
    updating = action == "update"
    old_parts: list[pl.Expr] = []
    new_parts: list[pl.Expr] = []
    pair_parts: list[pl.Expr] = []
    columns = target.values if updating else (*target.keys, *target.values)
    for column in (c for c in columns if c not in UNLOGGED):
        name, new = _logged(column, pl.col(column), codes)
        if not updating:  # an added record: every given value, nothing to compare
            new_parts.append(audit_frames.field_json(name, new, pl.col(column).is_not_null()))
            continue
        flag = pl.col(f"{column}__changed")
        old = _logged(column, pl.col(f"{column}__old"), codes)[1]
        old_parts.append(audit_frames.field_json(name, old, flag))
        new_parts.append(audit_frames.field_json(name, new, flag))
        pair_parts.append(audit_frames.change_json(name, old, new, flag))
    obj = audit_frames.json_object
    if not updating:  # a record added to its owner (owners' creations: _created_runs)
        changes = pl.concat_str(pl.lit(f'{{"{target.record}":'), obj(new_parts), pl.lit("}"))
    elif target.record:
        changes = pl.concat_str(
            pl.lit(f'{{"{target.record}":{{"old":'),
            obj(old_parts),
            pl.lit(',"new":'),
            obj(new_parts),
            pl.lit("}}"),
        )
    else:
        changes = obj(pair_parts)
    return frame.select(
        entity=pl.lit(target.entity),
        object_id=pl.col(target.owner),
        object_id_last=pl.lit(None, pl.Int64),
        action=pl.lit(action),
        changes=changes,
    ).cast(audit_frames.SCHEMA)  # type: ignore[arg-type]
