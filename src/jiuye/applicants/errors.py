"""What the applicant services refuse, with a machine code and a Chinese message."""

from __future__ import annotations

from typing import ClassVar

from jiuye.core.errors import JiuyeError


class ApplicantInvalid(JiuyeError):
    """Bad input: the message names what to correct."""

    http_status: ClassVar[int] = 422


class ApplicantRefused(JiuyeError):
    """The action is not allowed (wrong name for the number, unconfirmed contact...)."""

    http_status: ClassVar[int] = 403


class ApplicantNotFound(JiuyeError):
    http_status: ClassVar[int] = 404
