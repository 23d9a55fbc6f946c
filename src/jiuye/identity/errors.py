"""The one error type of the identity module, and its codes.

Every failure carries a stable machine ``code`` (what an API returns, what an
Excel import report groups by), a Chinese message for staff and an English
one for logs. Messages never repeat the number being checked: identity
numbers are personal data and error texts end up in logs.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import StrEnum
from typing import ClassVar

from jiuye.core.errors import JiuyeError

__all__ = ["IdentifierError", "IdentityCode"]


class IdentityCode(StrEnum):
    """Why a 居民身份证号码 (``id_*``) or 统一社会信用代码 (``uscc_*``) is refused."""

    ID_EMPTY = "id_empty"
    ID_LENGTH = "id_length"
    ID_CHARSET = "id_charset"
    ID_CHECKSUM = "id_checksum"
    ID_REGION = "id_region"
    ID_BIRTH_DATE = "id_birth_date"
    ID_BIRTH_FUTURE = "id_birth_future"
    ID_BIRTH_TOO_EARLY = "id_birth_too_early"
    ID_SEQUENCE = "id_sequence"
    ID_SEQUENCE_SEX = "id_sequence_sex"
    USCC_EMPTY = "uscc_empty"
    USCC_LENGTH = "uscc_length"
    USCC_CHARSET = "uscc_charset"
    USCC_CHECKSUM = "uscc_checksum"
    USCC_AUTHORITY = "uscc_authority"
    USCC_ORG_TYPE = "uscc_org_type"
    USCC_REGION = "uscc_region"


class IdentifierError(JiuyeError, ValueError):
    """A malformed 居民身份证号码 or 统一社会信用代码.

    >>> err = IdentifierError("id_length", "长度应为18位", "must be 18 characters")
    >>> err.code, err.message, err.http_status
    ('id_length', '长度应为18位', 422)
    >>> str(err)
    '长度应为18位 / must be 18 characters'
    >>> isinstance(err, ValueError)
    True
    """

    http_status: ClassVar[int] = 422

    def __init__(
        self,
        code: str,
        message_zh: str,
        message_en: str,
        extra: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(code, message_zh, extra=extra)
        self.args = (f"{message_zh} / {message_en}",)
        self.message_zh = message_zh
        self.message_en = message_en

    def __reduce__(self) -> tuple[object, ...]:
        # Keep the error picklable (task queues, multiprocessing batch runs).
        return (type(self), (self.code, self.message_zh, self.message_en, self.extra))

    def as_dict(self) -> dict[str, object]:
        """The project's API error shape ``{"code", "message", "extra"}``.

        >>> IdentifierError("uscc_length", "应为18位", "18 characters").as_dict()
        {'code': 'uscc_length', 'message': '应为18位', 'extra': {}}
        """
        return super().as_dict()
