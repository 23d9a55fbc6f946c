"""Bounded retries of a whole write on PostgreSQL serialization failures and deadlocks.

After django-pgtransaction's ``retry``: only the outermost atomic block is retried (a
retry inside another transaction would rerun half of it), a bounded number of times
with a short growing pause, and then the failure is reported as
:class:`~jiuye.payments.errors.PaymentBusy` (HTTP 503) with the attempts made. Side
effects belong in ``transaction.on_commit``, which a rolled-back attempt never runs.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import DatabaseError, connection, transaction

from jiuye.payments.errors import PaymentBusy

logger = logging.getLogger(__name__)

T = TypeVar("T")

#: SQLSTATE of serialization_failure and deadlock_detected
RETRYABLE = frozenset({"40001", "40P01"})
ATTEMPTS = 5
PAUSE_SECONDS = 0.01


def _sqlstate(error: BaseException) -> str | None:
    for cause in (error, error.__cause__, error.__context__):
        code = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
        if code:
            return str(code)
    return None


def atomic_retrying(work: Callable[[], T], *, attempts: int = ATTEMPTS, what: str = "") -> T:
    """``work()`` inside ``transaction.atomic``, retried on a serialization failure or a
    deadlock when it is the outermost block; :class:`PaymentBusy` after ``attempts``."""
    if connection.in_atomic_block:
        with transaction.atomic():
            return work()
    for attempt in range(1, attempts + 1):
        try:
            with transaction.atomic():
                return work()
        except DatabaseError as error:
            state = _sqlstate(error)
            if state not in RETRYABLE:
                raise
            logger.warning(
                "payments: %s attempt %d/%d: sqlstate %s", what, attempt, attempts, state
            )
            if attempt == attempts:
                raise PaymentBusy(
                    "database_busy",
                    f"数据库并发冲突，已重试 {attempts} 次仍未完成{what}，请稍后重试",
                    extra={"sqlstate": state, "attempts": attempts},
                ) from error
            time.sleep(PAUSE_SECONDS * attempt)
    raise AssertionError("unreachable")  # pragma: no cover
