"""Rate limits of the public forms (预约、取消、自助测评草稿), through django-ratelimit.

A :class:`Rate` names a group, the setting that holds its rate ("20/h") and what it
counts by: the client address (``"ip"``, IPv4 exact, IPv6 by /64, from
``settings.RATELIMIT_IP_META_KEY`` behind a proxy) or a value the view passes, such as a
phone number's digits (django-ratelimit keeps only a SHA-256 of it in the cache key).
The counters live in :mod:`jiuye.portal.ratecache`.

A view asks :func:`hit` (count this request, answer whether it is over the limit) or
:func:`spent` (over the limit already, counting nothing: used before a check whose
failures alone count, e.g. wrong phone endings). A refusal is answered with HTTP 429 and
:func:`message`, on the same page with the visitor's input kept. The first refusal of a
window is appended to the security trail (``ratelimit.refused``; group and rate only, no
address value beyond the trail's own source column, no phone).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django_ratelimit.core import get_usage  # type: ignore[import-untyped, unused-ignore]

from jiuye.core import trail

#: HTTP status of a refusal.
TOO_MANY = 429

_RATE = re.compile(r"^(\d+)/(\d*)([smhd])$")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def split_rate(rate: str) -> tuple[int, int]:
    """A rate as (count, seconds), read as django-ratelimit reads it.

    >>> split_rate("20/h"), split_rate("5/10m")
    ((20, 3600), (5, 600))
    """
    found = _RATE.match(rate.strip())
    if found is None:
        raise ValueError(f"not a rate: {rate!r} (e.g. 20/h)")
    count, multiple, unit = found.groups()
    return int(count), int(multiple or 1) * _SECONDS[unit]


@dataclass(frozen=True)
class Rate:
    group: str
    setting: str  # name of the setting holding the rate
    what: str  # what is counted, in words for the message ("预约", "取消验证失败")
    by: str  # whose count, in words ("同一网络地址", "同一手机号")

    @property
    def rate(self) -> str:
        return str(getattr(settings, self.setting))


@dataclass(frozen=True)
class Verdict:
    limited: bool
    rate: Rate
    wait_seconds: int = 0

    def __bool__(self) -> bool:
        return self.limited


BOOK_BY_ADDRESS = Rate("portal.book.address", "RATE_BOOK_PER_ADDRESS", "提交预约", "同一网络地址")
BOOK_BY_PHONE = Rate("portal.book.phone", "RATE_BOOK_PER_PHONE", "提交预约", "同一联系电话")
CANCEL_FAILURES = Rate(
    "portal.cancel.address", "RATE_CANCEL_FAILURES_PER_ADDRESS", "取消验证失败", "同一网络地址"
)
CODE_MISSES = Rate(
    "portal.code.address", "RATE_CODE_MISSES_PER_ADDRESS", "查询不存在的预约码", "同一网络地址"
)
DRAFTS = Rate("selfcheck.draft.address", "RATE_DRAFTS_PER_ADDRESS", "保存测评草稿", "同一网络地址")


def _key(value: str | None) -> str | Callable[[str, HttpRequest], str]:
    return "ip" if value is None else (lambda group, request: value)


def hit(request: HttpRequest, rate: Rate, value: str | None = None) -> Verdict:
    """Count this request against ``rate`` (by address, or by ``value``); over the limit?"""
    usage = get_usage(request, group=rate.group, key=_key(value), rate=rate.rate, increment=True)
    if usage is None:  # limits switched off (RATELIMIT_ENABLE)
        return Verdict(False, rate)
    limited = bool(usage["should_limit"])
    if limited and usage["count"] == usage["limit"] + 1:  # the window's first refusal
        trail.append(
            "ratelimit.refused",
            object=rate.group,
            outcome="refused",
            request=request,
            detail={"rate": rate.rate},
        )
    return Verdict(limited, rate, max(int(usage["time_left"]), 0))


def spent(request: HttpRequest, rate: Rate, value: str | None = None) -> Verdict:
    """Whether ``rate`` is used up already (count reached the limit), counting nothing."""
    usage = get_usage(request, group=rate.group, key=_key(value), rate=rate.rate)
    if usage is None:
        return Verdict(False, rate)
    return Verdict(usage["count"] >= usage["limit"], rate, max(int(usage["time_left"]), 0))


def _span(seconds: int) -> str:
    """A rate's period in words.

    >>> [_span(s) for s in (1, 60, 3600, 86400, 600, 7200)]
    ['秒', '分钟', '小时', '天', '10分钟', '2小时']
    """
    for size, unit in ((86400, "天"), (3600, "小时"), (60, "分钟"), (1, "秒")):
        if seconds % size == 0:
            number = seconds // size
            return unit if number == 1 else f"{number}{unit}"
    return f"{seconds}秒"


def message(verdict: Verdict) -> str:
    """The refusal in Chinese: what was limited, the limit, and how long to wait.

    >>> message(Verdict(True, BOOK_BY_ADDRESS, 125))
    '操作过于频繁：同一网络地址每小时最多提交预约 20 次。请约 3 分钟后再试；您填写的内容已保留。'
    """
    count, seconds = split_rate(verdict.rate.rate)
    wait = max(1, math.ceil(verdict.wait_seconds / 60))
    return (
        f"操作过于频繁：{verdict.rate.by}每{_span(seconds)}最多{verdict.rate.what} {count} 次。"
        f"请约 {wait} 分钟后再试；您填写的内容已保留。"
    )
