"""REMOTE_ADDR behind nginx: the forwarded address from a trusted proxy only."""

from __future__ import annotations

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from jiuye.web.proxy import ForwardedForMiddleware


def seen_address(remote: str, forwarded: str | None) -> str:
    seen = {}

    def view(request):
        seen["addr"] = request.META["REMOTE_ADDR"]
        return HttpResponse()

    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    ForwardedForMiddleware(view)(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))
    return seen["addr"]


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("127.0.0.1", "203.0.113.7", "203.0.113.7"),  # nginx on the same host
        ("::1", "2001:db8::1", "2001:db8::1"),
        ("127.0.0.1", "10.9.9.9, 203.0.113.7", "203.0.113.7"),  # the proxy's own entry
        ("127.0.0.1", None, "127.0.0.1"),
        ("127.0.0.1", "garbage", "127.0.0.1"),
        ("198.51.100.2", "203.0.113.7", "198.51.100.2"),  # a client talking directly
    ],
)
def test_the_client_address_comes_from_a_trusted_proxy_only(remote, forwarded, expected):
    assert seen_address(remote, forwarded) == expected


def test_the_trusted_proxies_are_a_setting(settings):
    settings.TRUSTED_PROXIES = ["192.0.2.10"]
    assert seen_address("192.0.2.10", "203.0.113.7") == "203.0.113.7"
    assert seen_address("127.0.0.1", "203.0.113.7") == "127.0.0.1"
