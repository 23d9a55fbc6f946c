"""References a roster cell makes to the register: divisions, people, employers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

import polars as pl

from jiuye.geo.models import Division
from jiuye.geo.selectors import abolished_message
from jiuye.registry import models as m

CHUNK = 5000
NOT_REGISTERED = {
    "person": "该人员尚未登记，请先导入人员花名册",
    "employer": "该单位尚未登记，请先导入用人单位花名册",
}

OUTSIDE = "不在您的管辖范围内"
# Employers are public registration data (企业信用信息公示): saying where one is
# registered tells nothing private.
OUTSIDE_EXISTING = "该记录已由管辖范围以外的地区登记，不能修改"
# No registration oracle (issue 10 §6): for an uploader with a jurisdiction, a person
# not registered inside it reads the same whether registered elsewhere or nowhere.
NOT_IN_JURISDICTION = (
    "您的管辖范围内没有该人员的登记，请先导入人员花名册（其他地区登记的人员由主管经办机构办理）"
)
# The column of a person roster's rows registered outside the uploader's jurisdiction:
# valid in the preview like a new person, routed to the competent office on import.
REFER = "_refer"
# a person roster's blind index of the identity number, computed once in the preview
INDEX_COLUMN = "resident_id_index"


def blind_indexes(numbers: pl.Series) -> pl.Series:
    """The blind index of each identity number (null stays null)."""
    cipher = m.Person._meta.get_field("resident_id").cipher()
    values = numbers.to_list()
    digests = iter(cipher.index_many([v for v in values if v is not None]))
    return pl.Series(
        numbers.name, [None if v is None else next(digests) for v in values], dtype=pl.String
    )


def _people(indexes: list[str]) -> dict[str, tuple[int, str]]:
    """``{blind index: (id, division code)}`` of the registered people among ``indexes``."""
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(indexes), CHUNK):
        chunk = indexes[start : start + CHUNK]
        for key, pk, code in m.Person.objects.filter(resident_id_index__in=chunk).values_list(
            "resident_id_index", "id", "division__code"
        ):
            found[key] = (pk, code)
    return found


def registered(entity: str, values: Iterable[str]) -> dict[str, tuple[int, str]]:
    """``{number: (id, division code)}`` of the registered people or employers (people
    found by the blind index of their number, never decrypted)."""
    wanted = list(values)
    if entity == "person":
        cipher = m.Person._meta.get_field("resident_id").cipher()
        by_index = dict(zip(cipher.index_many(wanted), wanted, strict=True))
        return {by_index[k]: v for k, v in _people(list(by_index)).items()}
    found: dict[str, tuple[int, str]] = {}
    for start in range(0, len(wanted), CHUNK):
        chunk = wanted[start : start + CHUNK]
        for key, pk, code in m.Employer.objects.filter(credit_code__in=chunk).values_list(
            "credit_code", "id", "division__code"
        ):
            found[key] = (pk, code)
    return found


def attach(
    frame: pl.DataFrame, name: str, err: str, entity: str, prefix: str | None
) -> pl.DataFrame:
    """Replace the canonical numbers in ``name`` by the ids of registered rows."""
    found = registered(entity, frame[name].drop_nulls().unique().to_list())
    if prefix is not None:
        outside = {k for k, (_, code) in found.items() if not code.startswith(prefix)}
        if entity == "person":  # outside the jurisdiction reads as not registered
            found = {k: v for k, v in found.items() if k not in outside}
            outside = set()
    else:
        outside = set()
    ids = pl.col(name).replace_strict(
        {k: v[0] for k, v in found.items()}, default=None, return_dtype=pl.Int64
    )
    missing = pl.col(name).is_not_null() & ids.is_null()
    not_registered = (
        NOT_IN_JURISDICTION if entity == "person" and prefix is not None else NOT_REGISTERED[entity]
    )
    return frame.with_columns(
        ids.alias(name),
        pl.when(pl.col(err).is_not_null())
        .then(pl.col(err))
        .when(missing)
        .then(pl.lit(not_registered))
        .when(pl.col(name).is_in(list(outside)))
        .then(pl.lit(OUTSIDE))
        .otherwise(pl.col(err))
        .alias(err),
    )


def check_existing(
    frame: pl.DataFrame, name: str, err: str, entity: str, prefix: str
) -> pl.DataFrame:
    """Keys already registered by a division outside the staff member's subtree.

    An employer's is an error (public data); a person's row is marked :data:`REFER`
    and nothing else: its preview is that of a person registered nowhere, and the
    import routes it to the competent office instead of writing it.
    """
    if entity == "person":
        index = INDEX_COLUMN
        people = _people(frame[index].drop_nulls().unique().to_list())
        away = [k for k, (_, code) in people.items() if not code.startswith(prefix)]
        return frame.with_columns(pl.col(index).is_in(away).fill_null(False).alias(REFER))
    found = registered(entity, frame[name].drop_nulls().unique().to_list())
    away = [k for k, (_, code) in found.items() if not code.startswith(prefix)]
    return frame.with_columns(
        pl.when(pl.col(err).is_null() & pl.col(name).is_in(away))
        .then(pl.lit(OUTSIDE_EXISTING))
        .otherwise(pl.col(err))
        .alias(err)
    )


def division_ids() -> dict[str, int]:
    """Each division code to the id of its newest vintage."""
    return {code: pk for code, pk, _ in _newest_divisions()}


def _newest_divisions() -> list[tuple[str, int, date | None]]:
    """(code, id, valid_to) of the newest vintage of each division code."""
    newest: dict[str, tuple[str, int, date | None]] = {}
    for code, pk, ends in Division.objects.order_by("code", "vintage").values_list(
        "code", "id", "valid_to"
    ):
        newest[code] = (code, pk, ends)
    return list(newest.values())


def attach_divisions(
    frame: pl.DataFrame,
    header: str,
    name: str,
    err: str,
    prefix: str | None,
    today: date | None = None,
) -> pl.DataFrame:
    """The division id of each code; a code unknown, abolished by ``today`` (its newest
    row has ``valid_to`` on or before it) or outside ``prefix`` is an error."""
    newest = _newest_divisions()
    codes = {code: pk for code, pk, _ in newest}
    refusals = (
        {code: abolished_message(ends, today) for code, _, ends in newest}
        if (today is not None)
        else {}
    )
    abolished = {code: message for code, message in refusals.items() if message is not None}
    code = pl.col(header).str.replace(r"\.0+$", "")
    ids = code.replace_strict(codes, default=None, return_dtype=pl.Int64)
    outside = pl.lit(False) if prefix is None else ~code.str.starts_with(prefix)
    return frame.with_columns(
        ids.alias(name),
        code.alias(name.removesuffix("_id") + "_code"),
        pl.when(code.is_not_null() & ids.is_null())
        .then(pl.lit("行政区划代码不存在"))
        .when(code.is_in(list(abolished)))
        .then(code.replace_strict(abolished, default=None, return_dtype=pl.String))
        .when(code.is_not_null() & outside)
        .then(pl.lit(OUTSIDE))
        .otherwise(pl.lit(None, pl.String))
        .alias(err),
    )
