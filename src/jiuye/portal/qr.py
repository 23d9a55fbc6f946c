"""QR codes (segno, pure Python) that open a measure's public page."""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.http import HttpRequest


def public_url(request: HttpRequest, path: str) -> str:
    """An absolute URL: ``JIUYE_PUBLIC_BASE_URL`` when set, else the request's own host."""
    base = str(getattr(settings, "PUBLIC_BASE_URL", "") or "").rstrip("/")
    return f"{base}{path}" if base else request.build_absolute_uri(path)


def qr_svg(url: str, *, scale: int = 6) -> str:
    """An SVG document; ``<svg>`` only (no XML declaration) so it can sit in a page.

    ``omitsize`` writes a ``viewBox`` instead of a fixed width and height: CSS may then
    size the code (12rem on a page, 48mm on a poster) and it scales whole; with only
    width/height the box was squeezed and the code clipped, so it did not scan.
    """
    buffer = io.BytesIO()
    segno.make(url, error="m").save(
        buffer,
        kind="svg",
        scale=scale,
        border=4,
        xmldecl=False,
        svgns=True,
        title="二维码",
        nl=False,
        omitsize=True,
    )
    return buffer.getvalue().decode()


def qr_png(url: str, *, scale: int = 10) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()
