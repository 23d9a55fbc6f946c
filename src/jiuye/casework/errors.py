"""What a casework action refuses, with a machine code and a Chinese message."""

from __future__ import annotations

from typing import ClassVar

from jiuye.core.errors import JiuyeError


class CaseRefused(JiuyeError):
    """The action is not allowed (wrong role, four-eyes, not this step's office)."""

    http_status: ClassVar[int] = 403


class CaseConflict(JiuyeError):
    """The case changed meanwhile, or a second open case would be made."""

    http_status: ClassVar[int] = 409


class CaseInvalid(JiuyeError):
    """Bad input: the form or the JSON names the field."""

    http_status: ClassVar[int] = 422


class CaseNotFound(JiuyeError):
    http_status: ClassVar[int] = 404
