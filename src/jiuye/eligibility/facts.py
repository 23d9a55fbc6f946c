"""The facts of registry records on a date: one derivation for one record and for a city.

:func:`facts_for` gives a frame (``id`` and the engine's fact columns in the engine's
types: dates, fen, 1/10000 fractions; null where the registry does not know) for a
division's subtree or for some ids; :func:`case_for` is the same function over one
record's rows, as an engine ``Case`` with the unknown facts left out. The detail pages,
casework (one applicant) and screening (a whole city) all call these.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, ClassVar

import polars as pl

from jiuye.core.errors import JiuyeError
from jiuye.core.files import open_private
from jiuye.eligibility.employers import employer_facts
from jiuye.eligibility.households import household_facts
from jiuye.eligibility.people import person_facts
from jiuye.eligibility.policy import package
from jiuye.geo.models import Division
from jiuye.registry.frames import Scope
from jiuye.rules import Case, CaseError
from jiuye.rules.facts import MAX_FEN, MAX_INT, FactSpec, Value

__all__ = ["ENTITIES", "RecordNotFound", "case_for", "facts_for", "row_case", "write_parquet"]

ENTITIES = ("person", "household", "employer")
Where = Division | Iterable[int]


class RecordNotFound(JiuyeError):
    """No registry record of that entity has that id."""

    http_status: ClassVar[int] = 404


def facts_for(
    entity: str, where: Where, as_of: date, *, params: Mapping[str, object] | None = None
) -> pl.DataFrame:
    """The facts of every ``entity`` ("person", "household", "employer") in ``where``.

    ``where`` is a division (its whole subtree) or ids of the entity. ``params``
    (parameter name → value) replaces the package's values on ``as_of``. One row per
    record found, sorted by id.
    """
    scope = Scope.of(where)
    if entity == "person":
        return person_facts(scope, as_of)
    if entity == "household":
        return household_facts(scope, as_of, params=params)
    if entity == "employer":
        return employer_facts(scope, as_of)
    raise ValueError(f"entity must be one of {ENTITIES}")


def case_for(
    entity: str, record_id: int, as_of: date, *, params: Mapping[str, object] | None = None
) -> Case:
    """One record's facts on ``as_of`` as the engine's ``Case`` (engine values).

    The same definitions as :func:`facts_for`, over the record's rows. Only facts the
    package knows for the entity and the registry knows are given. Raises
    :class:`RecordNotFound`, or ``CaseError`` when a stored value is outside what the
    engine accepts (a registry code the package does not list, say).
    """
    frame = facts_for(entity, [record_id], as_of, params=params)
    if frame.height == 0:
        raise RecordNotFound(
            "record_not_found", "登记记录不存在", extra={"entity": entity, "id": record_id}
        )
    return row_case(frame.row(0, named=True), entity, as_of)


def row_case(row: Mapping[str, Any], entity: str, as_of: date) -> Case:
    """One frame row as a ``Case``: the package's facts of ``entity``, unknowns left out."""
    pkg = package()
    specs = {s.name: s for s in pkg.facts.for_entity(entity)}
    facts = {
        name: _checked(specs[name], value)
        for name, value in row.items()
        if name in specs and value is not None
    }
    return Case(entity, pkg.check_as_of(as_of), facts)


def write_parquet(entity: str, as_of: date, division: Division, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{entity}_facts_{division.code}_{as_of.isoformat()}.parquet"
    with open_private(path) as handle:  # personal facts: readable by the owner only (0600)
        facts_for(entity, division, as_of).write_parquet(handle)
    return path


def _checked(spec: FactSpec, value: Value) -> Value:
    """The value if the engine accepts it for ``spec`` (as ``parse_case`` would)."""
    at = f"facts.{spec.name}"
    if spec.type == "date":
        if isinstance(value, date):
            return value
    elif spec.type in ("money", "percent"):
        top = MAX_FEN if spec.type == "money" else 10000
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= top:
            return value
    else:
        # bool, int, enum and code values are their own JSON forms
        return spec.coerce(value, where=at)
    raise CaseError(
        "invalid_value",
        at,
        "登记数据不符合事实项的类型或取值范围",
        f"a registry value outside the fact's type or range (max {MAX_INT})",
    )
