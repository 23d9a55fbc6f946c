"""Moving a payable item along an edge: compare-and-swap, one event, one audit row.

Every state change of an item goes through :func:`move`: ``UPDATE … WHERE state =
expected AND version = seen`` must change exactly one row, or the item changed
meanwhile (:class:`~jiuye.payments.errors.PaymentConflict`, HTTP 409).
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from jiuye.core import audit, clock, transitions
from jiuye.payments.errors import PaymentConflict
from jiuye.payments.models import ItemEvent, ItemState, PayableItem
from jiuye.payments.states import ACTION_LABELS, edge

ENTITY = "payable_item"


def refuse_state(item: PayableItem, action: str) -> PaymentConflict:
    label = ItemState(item.state).label if item.state in ItemState.values else item.state
    return PaymentConflict(
        "item_state",
        f"款项当前状态为“{label}”，不能{ACTION_LABELS.get(action, action)}",
        extra={"state": item.state, "action": action, "item": item.pk},
    )


def move(
    item: PayableItem,
    action: str,
    *,
    actor: Any = None,
    note: str = "",
    source: str = "screen",
    **fields: Any,
) -> PayableItem:
    """Move ``item`` along ``action`` (an edge of :mod:`.states`), setting ``fields``."""
    to = edge(item.state, action)
    if to is None:
        raise refuse_state(item, action)
    before = item.state
    if not transitions.swap(item, to, updated_at=clock.now(), **fields):
        raise PaymentConflict(
            "item_changed", "款项已被他人处理，请刷新后重试", extra={"item": item.pk}
        )
    event(item, action, actor=actor, from_state=before, note=note, source=source)
    return item


def event(
    item: PayableItem,
    action: str,
    *,
    actor: Any = None,
    from_state: str = "",
    note: str = "",
    source: str = "screen",
) -> ItemEvent:
    row = ItemEvent.objects.create(
        item=item,
        at=clock.now(),
        action=action,
        from_state=from_state,
        to_state=item.state,
        actor=actor if getattr(actor, "pk", None) else None,
        note=note[:300],
    )
    audit.record(
        actor=actor,
        action="create" if action == "create" else "update",
        entity=ENTITY,
        object_id=item.pk,
        changes={
            "case": item.case_code,
            "action": action,
            "from": from_state,
            "to": item.state,
            "version": item.version,
        },
        source=source,
    )
    return row


EVENTS_SQL = (
    "INSERT INTO payments_itemevent (item_id, at, action, from_state, to_state, actor_id, note) "
    "SELECT id, %s, %s, %s, %s, %s, %s FROM unnest(%s::bigint[]) AS id"
)


def bulk_events(
    ids: list[int],
    action: str,
    *,
    from_state: str,
    to_state: str,
    actor: Any = None,
    note: str = "",
) -> None:
    """The timeline rows of a bulk move (its audit rows are the caller's, by runs)."""
    now = clock.now()
    who = actor if getattr(actor, "pk", None) else None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                EVENTS_SQL,
                [now, action, from_state, to_state, getattr(who, "pk", None), note[:300], ids],
            )
        return
    ItemEvent.objects.bulk_create(
        (
            ItemEvent(
                item_id=pk,
                at=now,
                action=action,
                from_state=from_state,
                to_state=to_state,
                actor=who,
                note=note[:300],
            )
            for pk in ids
        ),
        batch_size=5000,
    )
