"""Paths in logs without their secrets: self-check draft tokens and booking codes.

A draft link (``/selfcheck/d/<token>/``) opens a person's answers and a booking code
with four digits of a phone cancels a booking: neither may sit in a log that more people
read than the person. :func:`redact_path` replaces those segments; the logging filter
:class:`RedactPaths` applies it to the paths Django logs ("Not Found: /…"), and
:mod:`jiuye.web.accesslog` to gunicorn's access log.
"""

from __future__ import annotations

import logging
import re

#: Path segments that are bearer secrets or identify a person, replaced by "…".
SECRET_PATHS = (
    re.compile(r"^(/selfcheck/d/)[^/]+"),
    re.compile(r"^(/appointments/)(?!new/|lookup/)[^/]+"),
)


def redact_path(path: str) -> str:
    """``path`` with its secret segments replaced.

    >>> redact_path("/selfcheck/d/Zm9vYmFy/")
    '/selfcheck/d/…/'
    >>> redact_path("/appointments/ACDEFG/cancel/"), redact_path("/appointments/new/")
    ('/appointments/…/cancel/', '/appointments/new/')
    >>> redact_path("/policies/m/1-1/")
    '/policies/m/1-1/'
    """
    for pattern in SECRET_PATHS:
        path = pattern.sub(r"\1…", path)
    return path


class RedactPaths(logging.Filter):
    """Rewrites the path arguments of a log record (Django's "Not Found: %s")."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and record.args:
            record.args = tuple(
                redact_path(a) if isinstance(a, str) and a.startswith("/") else a
                for a in record.args
            )
        return True
