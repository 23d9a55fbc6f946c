"""The page side of the one error shape: a :class:`~jiuye.core.errors.JiuyeError` that
escapes a view renders its Chinese message with the error's HTTP status.

Views that can show the message in place (a form error) still catch the error; anything
they leave uncaught reaches this middleware instead of a 500 page. An htmx request gets
the message alone (a fragment to swap in); a page request gets the site's frame.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jiuye.core.errors import JiuyeError

logger = logging.getLogger(__name__)


def error_response(request: HttpRequest, error: JiuyeError) -> HttpResponse:
    """The page (or htmx fragment) showing ``error.message`` with ``error.http_status``."""
    template = (
        "web/error_fragment.html" if request.headers.get("HX-Request") else ("web/error.html")
    )
    return render(request, template, {"error": error}, status=error.http_status)


class JiuyeErrorMiddleware:
    """Turns a :class:`JiuyeError` escaping a view into :func:`error_response`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, JiuyeError):
            return None
        # the code only: messages and extras may name the record being worked on
        logger.info("refused %s %s: %s", request.method, request.path, exception.code)
        return error_response(request, exception)
