"""Idempotency keys (``Idempotency-Key`` header): a retry gets the first answer; the same
key with a different body is refused (422).

The first request stores (scope, key, body digest, status, answer) in the same
transaction as its write; the unique constraint on (scope, key) makes two simultaneous
first requests one: the loser re-reads the stored answer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any, ClassVar

from django.db import IntegrityError, transaction

from jiuye.core.errors import JiuyeError
from jiuye.core.models import IdempotencyKey


class KeyReused(JiuyeError):
    http_status: ClassVar[int] = 422


class KeyMissing(JiuyeError):
    http_status: ClassVar[int] = 422


def digest(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def run_once(
    *, scope: str, key: str | None, body: bytes, action: Callable[[], tuple[int, Any]]
) -> tuple[int, Any]:
    """``action()`` → (status, answer) once per (scope, key); a replay returns it."""
    key = (key or "").strip()
    if not key or len(key) > 100:
        raise KeyMissing(
            "idempotency_key_required",
            "请在请求头 Idempotency-Key 中提供幂等键（1–100 个字符）",
            extra={"header": "Idempotency-Key"},
        )
    body_digest = digest(body)

    def stored() -> tuple[int, Any] | None:
        row = IdempotencyKey.objects.filter(scope=scope, key=key).first()
        if row is None:
            return None
        if row.body_digest != body_digest:
            raise KeyReused(
                "idempotency_key_reused",
                "同一幂等键已用于内容不同的请求",
                extra={"header": "Idempotency-Key"},
            )
        return row.status, row.answer

    earlier = stored()
    if earlier is not None:
        return earlier
    try:
        with transaction.atomic():
            status, answer = action()
            IdempotencyKey.objects.create(
                scope=scope, key=key, body_digest=body_digest, status=status, answer=answer
            )
    except IntegrityError:
        earlier = stored()
        if earlier is None:
            raise
        return earlier
    return status, answer
