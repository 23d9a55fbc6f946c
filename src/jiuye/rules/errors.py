"""Errors the engine raises for bad input: a machine code, the field, Chinese and English text."""

from __future__ import annotations

from typing import Any, ClassVar

from jiuye.core.errors import JiuyeError

__all__ = ["CaseError"]


class CaseError(JiuyeError, ValueError):
    """A case, an as-of date or a rule selection the engine cannot accept (HTTP 422).

    >>> error = CaseError("unknown_fact", "facts.foo", "未知的事实项", "unknown fact")
    >>> str(error), error.http_status
    ('facts.foo: 未知的事实项 / unknown fact', 422)
    >>> error.message
    '未知的事实项（facts.foo）'
    """

    http_status: ClassVar[int] = 422

    def __init__(self, code: str, field: str, message_zh: str, message_en: str) -> None:
        super().__init__(
            code,
            f"{message_zh}（{field}）",
            extra={"field": field, "message_zh": message_zh, "message_en": message_en},
        )
        self.args = (f"{field}: {message_zh} / {message_en}",)
        self.code = code
        self.field = field
        self.message_zh = message_zh
        self.message_en = message_en

    def as_dict(self) -> dict[str, Any]:
        """The API error shape ``{"code", "message", "extra"}``."""
        return {
            "code": self.code,
            "message": f"{self.message_zh}（{self.field}）",
            "extra": {
                "field": self.field,
                "message_zh": self.message_zh,
                "message_en": self.message_en,
            },
        }
