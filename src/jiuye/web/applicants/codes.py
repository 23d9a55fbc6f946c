"""Sending one-time codes from a page: the rate limits, then :func:`jiuye.applicants.codes.issue`.

Both the applicant sign-in and the online application send their codes through
:func:`send_code`, each with its own pair of rates (per client address and per mobile
number, :mod:`jiuye.portal.limits`).
"""

from __future__ import annotations

from typing import ClassVar

from django.http import HttpRequest

from jiuye.applicants import codes
from jiuye.core.errors import JiuyeError
from jiuye.portal import limits


class TooManyCodes(JiuyeError):
    http_status: ClassVar[int] = limits.TOO_MANY


def send_code(
    request: HttpRequest,
    *,
    by_address: limits.Rate,
    by_mobile: limits.Rate,
    purpose: str,
    mobile: str,
    text: str,
) -> codes.Issued:
    """Count the request against both rates, then send; :class:`TooManyCodes` (429)
    with the Chinese message when either is used up (nothing is sent then)."""
    verdict = limits.hit(request, by_address) or limits.hit(request, by_mobile, mobile)
    if verdict:
        raise TooManyCodes("rate_limited", limits.message(verdict))
    return codes.issue(purpose=purpose, mobile=mobile, text=text)
