"""The one error shape of the project: a machine code, a Chinese message and extras.

Every error a user can cause derives from :class:`JiuyeError`. The interfaces turn it
into the API's ``{"code", "message", "extra"}`` with ``http_status``, the CLI's exit
code 2 and a page's message; nothing else needs to know which app raised it.

Framework-free on purpose (no Django import): the rules engine's ``CaseError`` is a
subclass.

>>> error = JiuyeError("bad_thing", "出错了", extra={"field": "x"})
>>> error.as_dict()
{'code': 'bad_thing', 'message': '出错了', 'extra': {'field': 'x'}}
>>> str(error), error.http_status
('出错了', 400)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

__all__ = ["JiuyeError"]


class JiuyeError(Exception):
    """Bad input or a refused action, with a machine ``code`` and a Chinese ``message``.

    ``extra`` carries machine-readable details (the field, an English message, limits).
    Subclasses set ``http_status`` (400 by default; 422 for invalid input, 403 for a
    refusal, 404 for something not found or not visible, 409 for a conflict).
    """

    http_status: ClassVar[int] = 400

    def __init__(
        self,
        code: str,
        message: str,
        *,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.code = str(code)
        self.message = message
        self.extra: dict[str, Any] = dict(extra or {})

    def as_dict(self) -> dict[str, Any]:
        """The API error shape ``{"code", "message", "extra"}``."""
        return {"code": self.code, "message": self.message, "extra": dict(self.extra)}
