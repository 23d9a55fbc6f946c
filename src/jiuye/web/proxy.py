"""The client's address behind the reverse proxy.

Behind nginx every request comes from 127.0.0.1; nginx puts the client's address in
``X-Forwarded-For`` (overwriting whatever the client sent, docs/deploy.md). When the
direct peer is one of ``settings.TRUSTED_PROXIES`` (``JIUYE_TRUSTED_PROXIES``, default
the loopback addresses), ``REMOTE_ADDR`` becomes the last address of that header, so
that the audit trail's source address and the limits per address see the client. From
any other peer the header is ignored: a client talking to gunicorn directly cannot
choose its own address.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def client_address(remote: str, forwarded: str, trusted: frozenset[str]) -> str:
    """The address a request is from.

    >>> client_address("127.0.0.1", "203.0.113.7", frozenset({"127.0.0.1"}))
    '203.0.113.7'
    >>> client_address("198.51.100.2", "203.0.113.7", frozenset({"127.0.0.1"}))
    '198.51.100.2'
    >>> client_address("127.0.0.1", "1.2.3.4, 203.0.113.7", frozenset({"127.0.0.1"}))
    '203.0.113.7'
    >>> client_address("127.0.0.1", "not-an-address", frozenset({"127.0.0.1"}))
    '127.0.0.1'
    """
    if remote not in trusted or not forwarded:
        return remote
    last = forwarded.split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(last))
    except ValueError:
        return remote


class ForwardedForMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.trusted = frozenset(settings.TRUSTED_PROXIES)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.META["REMOTE_ADDR"] = client_address(
            request.META.get("REMOTE_ADDR", ""),
            request.META.get("HTTP_X_FORWARDED_FOR", ""),
            self.trusted,
        )
        return self.get_response(request)
