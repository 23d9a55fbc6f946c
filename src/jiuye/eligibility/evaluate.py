"""The engine over registry facts: one record with reasons, or a whole frame at once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

import polars as pl

from jiuye.eligibility.facts import Where, case_for, facts_for
from jiuye.eligibility.policy import package
from jiuye.rules import RuleResult

__all__ = ["evaluate_frame", "evaluate_record"]


def evaluate_record(
    entity: str,
    record_id: int,
    as_of: date,
    *,
    rule_ids: Sequence[str] | None = None,
    params: Mapping[str, object] | None = None,
) -> list[RuleResult]:
    """Every (or the chosen) rule of ``entity`` for one record, with reasons."""
    return package().evaluate(case_for(entity, record_id, as_of, params=params), rule_ids)


def evaluate_frame(
    entity: str, where: Where, as_of: date, *, rule_ids: Sequence[str] | None = None
) -> pl.DataFrame:
    """Every (or the chosen) rule of ``entity`` for every record in ``where``.

    ``id``, then per rule ``<id>``, ``<id>__amount_fen`` and ``<id>__missing`` as the
    engine's ``evaluate_frame`` gives them.
    """
    frame = facts_for(entity, where, as_of)
    return package().evaluate_frame(
        frame, entity=entity, as_of=as_of, rule_ids=rule_ids, keep=["id"]
    )
