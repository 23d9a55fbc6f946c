"""The one error type of the identity module.

Every failure carries a stable machine ``code`` (what an API returns, what an
Excel import report groups by), a Chinese message for staff and an English
one for logs. Messages never repeat the number being checked: identity
numbers are personal data and error texts end up in logs.
"""

from __future__ import annotations

from collections.abc import Mapping


class IdentifierError(ValueError):
    """A malformed 居民身份证号码 or 统一社会信用代码.

    >>> err = IdentifierError("id_length", "长度应为18位", "must be 18 characters")
    >>> err.code
    'id_length'
    >>> str(err)
    '长度应为18位 / must be 18 characters'
    >>> isinstance(err, ValueError)
    True
    """

    def __init__(
        self,
        code: str,
        message_zh: str,
        message_en: str,
        extra: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(f"{message_zh} / {message_en}")
        self.code = code
        self.message_zh = message_zh
        self.message_en = message_en
        self.extra: dict[str, object] = dict(extra or {})

    def __reduce__(self) -> tuple[object, ...]:
        # Keep the error picklable (task queues, multiprocessing batch runs).
        return (type(self), (self.code, self.message_zh, self.message_en, self.extra))

    def as_dict(self) -> dict[str, object]:
        """The project's API error shape ``{"code", "message", "extra"}``.

        >>> IdentifierError("uscc_length", "应为18位", "18 characters").as_dict()
        {'code': 'uscc_length', 'message': '应为18位', 'extra': {}}
        """
        return {"code": self.code, "message": self.message_zh, "extra": dict(self.extra)}
