"""Vectorised validation of a roster: every bad cell as (row, column header, message).

Input is the sheet as text (:func:`jiuye.registry.rosters.reading.read_sheet`); output
is the valid rows in database types and the list of errors. Row numbers are Excel's
(the header is row 1).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl

from jiuye.registry.rosters import lookups
from jiuye.registry.rosters import specs as s
from jiuye.registry.rosters.container import SheetScan, column_letter
from jiuye.registry.rosters.identifiers import credit_codes, resident_ids
from jiuye.registry.rosters.lookups import INDEX_COLUMN

ROW = "_row"
ERROR_SCHEMA: dict[Any, pl.DataType] = {
    "row": pl.Int64(),
    "column": pl.String(),
    "message": pl.String(),
}
TRUE_WORDS = ("是", "TRUE", "true", "True", "Y", "y")
FALSE_WORDS = ("否", "FALSE", "false", "False", "N", "n")


@dataclass
class Validated:
    raw: pl.DataFrame  # every non-blank row as text, with ``_row``
    clean: pl.DataFrame  # the valid rows in database types, with ``_row``
    errors: pl.DataFrame  # row, column, message (sorted by row)

    @property
    def bad_rows(self) -> int:
        return self.errors["row"].n_unique() if self.errors.height else 0


def out_name(column: s.Column) -> str:
    """The database column a roster column fills."""
    if column.kind in (s.DIVISION, s.PERSON_REF, s.EMPLOYER_REF):
        return column.field + "_id"
    return column.field


def _err(name: str) -> str:
    return f"err::{name}"


def validate(
    raw: pl.DataFrame, roster: s.Roster, scan: SheetScan, today: date, prefix: str | None = None
) -> Validated:
    """``prefix``: the division-code prefix of the uploader's jurisdiction (None: all)."""
    text = raw.select(
        pl.col(h).cast(pl.String).str.strip_chars().replace("", None) for h in roster.headers
    )
    text = text.with_row_index(ROW, offset=2).with_columns(pl.col(ROW).cast(pl.Int64))
    first = roster.headers[0]
    text = text.filter(
        ~pl.all_horizontal(pl.col(h).is_null() for h in roster.headers)
        & ~pl.col(first).fill_null("").str.starts_with(s.EXAMPLE_MARK)
    )
    frame = text
    for column in roster.columns:
        frame = _check_column(frame, column, today, prefix)
    frame = _cross_checks(frame, roster)
    errors = _errors(frame, roster, scan)
    bad = errors["row"].unique()
    keep = [ROW] + [out_name(c) for c in roster.columns] + _extra_outputs(roster, prefix)
    clean = frame.filter(~pl.col(ROW).is_in(bad.implode())).select(keep)
    return Validated(raw=text, clean=clean, errors=errors)


def _extra_outputs(roster: s.Roster, prefix: str | None) -> list[str]:
    extra = [c.field + "_code" for c in roster.columns if c.kind == s.DIVISION]
    if roster.kind == "person":
        extra += ["sex", "birth_date", INDEX_COLUMN]
    if roster.kind == "person" and prefix is not None:
        extra.append(lookups.REFER)
    return extra


def _check_column(
    frame: pl.DataFrame, column: s.Column, today: date, prefix: str | None
) -> pl.DataFrame:
    v = pl.col(column.header)
    name, err = out_name(column), _err(column.header)
    missing = pl.when(v.is_null()).then(pl.lit("必填项为空")) if column.required else None
    kind = column.kind
    if kind in (s.RESIDENT_ID, s.PERSON_REF, s.CREDIT_CODE, s.EMPLOYER_REF):
        ids = (
            resident_ids(frame[column.header], today)
            if kind in (s.RESIDENT_ID, s.PERSON_REF)
            else credit_codes(frame[column.header])
        )
        frame = frame.with_columns(ids["number"].alias(name), ids["error"].alias(err))
        if kind == s.PERSON_REF:
            frame = lookups.attach(frame, name, err, "person", prefix)
        elif kind == s.EMPLOYER_REF:
            frame = lookups.attach(frame, name, err, "employer", prefix)
        if kind == s.RESIDENT_ID:
            frame = frame.with_columns(lookups.blind_indexes(frame[name]).alias(INDEX_COLUMN))
        if kind in (s.RESIDENT_ID, s.CREDIT_CODE) and prefix is not None:
            entity = "person" if kind == s.RESIDENT_ID else "employer"
            frame = lookups.check_existing(frame, name, err, entity, prefix)
        if kind == s.RESIDENT_ID:
            frame = frame.with_columns(
                sex=pl.when(pl.col(name).str.slice(16, 1).cast(pl.Int32, strict=False) % 2 == 1)
                .then(pl.lit("male"))
                .otherwise(pl.lit("female")),
                birth_date=pl.col(name).str.slice(6, 8).str.to_date("%Y%m%d", strict=False),
            )
    elif kind == s.DIVISION:
        frame = lookups.attach_divisions(frame, column.header, name, err, prefix, today)
    else:
        value, problem = _simple(v, column, today)
        frame = frame.with_columns(value.alias(name), problem.alias(err))
    if missing is not None:
        frame = frame.with_columns(missing.otherwise(pl.col(err)).alias(err))
    return frame


def _simple(v: pl.Expr, column: s.Column, today: date) -> tuple[pl.Expr, pl.Expr]:
    none = pl.lit(None, pl.String)
    if column.kind == s.TEXT:
        too_long = v.str.len_chars() > column.max_length
        return v, pl.when(too_long).then(pl.lit(f"超过{column.max_length}个字")).otherwise(none)
    if column.kind == s.INT:
        number = v.str.replace(r"\.0+$", "").cast(pl.Int64, strict=False)
        low, high = column.minimum, column.maximum
        problem = (
            pl.when(v.is_not_null() & number.is_null())
            .then(pl.lit("应为整数"))
            .when((number < low) | (number > high))
            .then(pl.lit(f"应在{low}–{high}之间"))
            .otherwise(none)
        )
        return number, problem
    if column.kind == s.BOOL:
        value = (
            pl.when(v.is_in(TRUE_WORDS))
            .then(pl.lit(True))
            .when(v.is_in(FALSE_WORDS))
            .then(pl.lit(False))
            .otherwise(pl.lit(None, pl.Boolean))
        )
        return value, pl.when(v.is_not_null() & value.is_null()).then(
            pl.lit("应填“是”或“否”")
        ).otherwise(none)
    if column.kind == s.CHOICE:
        assert column.choices is not None
        mapping = {str(label): value for value, label in column.choices.choices}
        mapping.update({value: value for value in column.choices.values})
        value = v.replace_strict(mapping, default=None, return_dtype=pl.String)
        allowed = "、".join(str(label) for label in column.choices.labels)
        return value, pl.when(v.is_not_null() & value.is_null()).then(
            pl.lit(f"应为以下之一：{allowed}")
        ).otherwise(none)
    if column.kind == s.DATE:
        return _date(v, today)
    if column.kind == s.MONEY:
        ok = v.str.contains(r"^[0-9]{1,13}(\.[0-9]{1,2})?$")
        yuan = v.str.extract(r"^([0-9]+)", 1).cast(pl.Int64, strict=False)
        cents = v.str.extract(r"\.([0-9]+)$", 1).str.pad_end(2, "0").cast(pl.Int64, strict=False)
        value = pl.when(ok).then(yuan * 100 + cents.fill_null(0))
        return value, pl.when(v.is_not_null() & ~ok).then(
            pl.lit("金额应为非负数，单位元，最多两位小数")
        ).otherwise(none)
    raise ValueError(f"unknown column kind {column.kind}")


def _date(v: pl.Expr, today: date) -> tuple[pl.Expr, pl.Expr]:
    # Excel date cells arrive as "2018-07-01 00:00:00"; typed text as 2018-7-1 or 2018/7/1.
    tidy = (
        v.str.replace(r" 00:00:00$", "").str.replace_all(r"[/.年月]", "-").str.replace(r"日$", "")
    )
    shaped = tidy.str.contains(r"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}$")
    value = pl.when(shaped).then(tidy.str.to_date("%Y-%m-%d", strict=False))
    problem = (
        pl.when(v.is_not_null() & ~shaped)
        .then(pl.lit("日期格式应为 YYYY-MM-DD"))
        .when(v.is_not_null() & value.is_null())
        .then(pl.lit("日期不存在（如2月30日）"))
        .when(value < date(1900, 1, 1))
        .then(pl.lit("日期早于1900年"))
        .when(value > date(today.year + 10, 12, 31))
        .then(pl.lit("日期过远，请核对"))
        .otherwise(pl.lit(None, pl.String))
    )
    return value, problem


def _cross_checks(frame: pl.DataFrame, roster: s.Roster) -> pl.DataFrame:
    key_columns = [c for c in roster.columns if c.field in roster.key]
    keys = [out_name(c) for c in key_columns]
    header = key_columns[0].header
    count = pl.len().over(keys)
    dup = pl.all_horizontal(pl.col(k).is_not_null() for k in keys) & (count > 1)
    rows = pl.col(ROW).min().over(keys).cast(pl.String)
    frame = frame.with_columns(
        pl.when(dup)
        .then(pl.format("文件内重复：与第{}行的记录相同（共{}行），请只保留一行", rows, count))
        .otherwise(pl.col(_err(header)))
        .alias(_err(header))
    )
    if roster.kind == "employment":
        end = _err("结束日期")
        frame = frame.with_columns(
            pl.when(pl.col("end") < pl.col("start"))
            .then(pl.lit("结束日期早于开始日期"))
            .otherwise(pl.col(end))
            .alias(end)
        )
    if roster.kind == "household":
        where = _err("家庭所在地")
        mixed = pl.col("division_id").n_unique().over("household") > 1
        frame = frame.with_columns(
            pl.when(mixed & pl.col("household").is_not_null())
            .then(pl.lit("同一家庭编号的各行所在地不一致"))
            .otherwise(pl.col(where))
            .alias(where)
        )
    return frame


def _errors(frame: pl.DataFrame, roster: s.Roster, scan: SheetScan) -> pl.DataFrame:
    parts = [
        frame.filter(pl.col(_err(h)).is_not_null()).select(
            row=pl.col(ROW), column=pl.lit(h), message=pl.col(_err(h))
        )
        for h in roster.headers
    ]
    letters = {column_letter(i): h for i, h in enumerate(roster.headers)}
    found = [
        (row, letters.get(col, f"{col}列"), "单元格含公式，请复制后“粘贴为数值”")
        for col, row in scan.formulas
        if row > 1
    ]
    found += [
        (row, letters.get(col, f"{col}列"), f"合并单元格（{ref}），请取消合并并逐格填写")
        for col, row, ref in scan.merged
        if row > 1
    ]
    errors = pl.concat([p.cast(dict(ERROR_SCHEMA)) for p in parts])
    if found:
        # a formula or a merged cell explains whatever else is wrong with that cell
        cells = pl.DataFrame(found, schema=ERROR_SCHEMA, orient="row")
        errors = pl.concat([errors.join(cells, on=["row", "column"], how="anti"), cells])
    order = {h: i for i, h in enumerate(roster.headers)}
    position = pl.col("column").replace_strict(order, default=len(order), return_dtype=pl.Int64)
    return errors.unique().sort(pl.col("row"), position)
