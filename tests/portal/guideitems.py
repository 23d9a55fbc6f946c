"""The admin's inline form data for a guide's checklist (prefix ``items``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any


def items_formset(
    names: Sequence[str], existing: Iterable[Any] = (), proved_by: dict[str, str] | None = None
) -> dict[str, str]:
    """POST fields that make the checklist ``names`` (the ``existing`` items deleted)."""
    rows = list(existing)
    data = {
        "items-TOTAL_FORMS": str(len(rows) + len(names)),
        "items-INITIAL_FORMS": str(len(rows)),
        "items-MIN_NUM_FORMS": "0",
        "items-MAX_NUM_FORMS": "1000",
    }
    for i, row in enumerate(rows):
        data.update(
            {
                f"items-{i}-id": str(row.pk),
                f"items-{i}-guide": str(row.guide_id),
                f"items-{i}-position": str(row.position),
                f"items-{i}-name": row.name,
                f"items-{i}-DELETE": "on",
            }
        )
    for j, name in enumerate(names, start=len(rows)):
        data.update(
            {
                f"items-{j}-position": str(j - len(rows) + 1),
                f"items-{j}-name": name,
                f"items-{j}-required": "on",
                f"items-{j}-proved_by": (proved_by or {}).get(name, ""),
            }
        )
    return data
