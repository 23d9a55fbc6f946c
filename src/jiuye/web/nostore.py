"""``Cache-Control: no-store`` on every staff and personal page.

Default-deny: a response may be stored by a browser or a proxy only when it answers a
URL named in ``settings.PUBLIC_URL_NAMES`` (the catalogue, measure pages, posters, QR
codes, the public rules API) to a visitor who is not signed in. Everything else (the
workbench, the registry, the admin, rosters, bookings, self-check answers and drafts,
the evaluate API, error pages, anything added later and not declared public) gets
Django's never-cache headers, whose ``Cache-Control`` carries ``no-store``.

Static files never reach this middleware: WhiteNoise answers them earlier, with their
own long-lived caching headers.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


def is_public(request: HttpRequest) -> bool:
    """Whether the response to ``request`` may be kept by a cache."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    match = request.resolver_match
    return match is not None and match.view_name in settings.PUBLIC_URL_NAMES


class NoStoreMiddleware:
    """Adds the never-cache headers (``no-store``) to every non-public response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_public(request):
            add_never_cache_headers(response)
        return response
