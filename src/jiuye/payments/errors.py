"""What a payments action refuses, with a machine code and a Chinese message."""

from __future__ import annotations

from typing import ClassVar

from jiuye.core.errors import JiuyeError


class PaymentRefused(JiuyeError):
    """Not allowed: wrong role, the same person as the maker, outside the jurisdiction."""

    http_status: ClassVar[int] = 403


class PaymentConflict(JiuyeError):
    """The item or account changed meanwhile, or the step was already taken."""

    http_status: ClassVar[int] = 409


class PaymentInvalid(JiuyeError):
    """Bad input (an unbalanced transaction, a non-positive amount, a missing field)."""

    http_status: ClassVar[int] = 422


class PaymentNotFound(JiuyeError):
    http_status: ClassVar[int] = 404


class PaymentBusy(JiuyeError):
    """The database kept refusing the step (serialization failures, deadlocks)."""

    http_status: ClassVar[int] = 503


class LedgerImmutable(JiuyeError):
    """A posted transaction or entry cannot be changed or deleted: post a reversal."""

    http_status: ClassVar[int] = 403
