"""One-time codes sent by SMS (短信验证码): the one implementation behind the applicant
sign-in and the online application.

A code is six random digits, sent through :mod:`jiuye.core.messages`. The database keeps
only keyed digests (of the code, and of the number it was sent to) under a random
ticket that the caller keeps in the visitor's session. A code

- is valid for :data:`CODE_MINUTES` minutes: at exactly five minutes it has expired;
- is used once: redeeming it marks it used in the same row update that checks it, so
  two requests with the same code cannot both pass;
- dies after :data:`CODE_ATTEMPTS` wrong tries;
- is good only for the number it was sent to and the purpose it was sent for.

How often codes may be sent (per number, per address) is the interface's business: it
counts with :mod:`jiuye.portal.limits` before calling :func:`issue`.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import ClassVar

from django.db import transaction
from django.db.models import F
from django.utils.crypto import salted_hmac

from jiuye.applicants.models import OneTimeCode, mask_mobile
from jiuye.core import clock, messages
from jiuye.core.errors import JiuyeError

__all__ = ["CODE_ATTEMPTS", "CODE_MINUTES", "CodeRefused", "Issued", "issue", "redeem"]

CODE_MINUTES = 5
CODE_ATTEMPTS = 5
#: Rows of codes expired longer ago than this are deleted when a new code is issued.
KEEP_EXPIRED = timedelta(days=1)

SPENT = "验证码已失效，请返回重新获取"


class CodeRefused(JiuyeError):
    """A wrong, expired, used or unknown code (the message says which, and what to do)."""

    http_status: ClassVar[int] = 422


@dataclass(frozen=True)
class Issued:
    ticket: str
    expires_at: datetime
    mobile_masked: str


def _mobile_digest(mobile: str) -> str:
    return salted_hmac("jiuye.applicants.codes.mobile", mobile.strip()).hexdigest()


def _code_digest(ticket: str, code: str) -> str:
    return salted_hmac("jiuye.applicants.codes.code", f"{ticket}:{code}").hexdigest()


def issue(*, purpose: str, mobile: str, text: str) -> Issued:
    """Send a new code to ``mobile``; ``text`` holds ``{code}`` and ``{minutes}``."""
    code = f"{secrets.randbelow(10**6):06d}"
    ticket = secrets.token_urlsafe(32)
    now = clock.now()
    with transaction.atomic():
        OneTimeCode.objects.filter(expires_at__lt=now - KEEP_EXPIRED).delete()
        row = OneTimeCode.objects.create(
            ticket=ticket,
            purpose=purpose,
            mobile_digest=_mobile_digest(mobile),
            code_digest=_code_digest(ticket, code),
            created_at=now,
            expires_at=now + timedelta(minutes=CODE_MINUTES),
        )
    messages.send(mobile, text.format(code=code, minutes=CODE_MINUTES), purpose=purpose)
    return Issued(ticket, row.expires_at, mask_mobile(mobile.strip()))


def redeem(*, ticket: str, code: str, purpose: str, mobile: str) -> None:
    """Use the code of ``ticket``; raise :class:`CodeRefused` unless it is right, unused,
    unexpired, for ``purpose`` and sent to ``mobile``. A wrong code counts one try."""
    now = clock.now()
    with transaction.atomic():
        row = (
            OneTimeCode.objects.select_for_update()
            .filter(ticket=ticket or "-", purpose=purpose, used_at=None)
            .first()
        )
        if (
            row is None
            or now >= row.expires_at
            or row.attempts >= CODE_ATTEMPTS
            or not hmac.compare_digest(row.mobile_digest, _mobile_digest(mobile))
        ):
            raise CodeRefused("code_spent", SPENT)
        if hmac.compare_digest(row.code_digest, _code_digest(ticket, code.strip())):
            # used once: the row changes only if nobody used it meanwhile
            if not OneTimeCode.objects.filter(pk=row.pk, used_at=None).update(used_at=now):
                raise CodeRefused("code_spent", SPENT)
            return
        OneTimeCode.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
        left = CODE_ATTEMPTS - row.attempts - 1
    if left <= 0:
        raise CodeRefused(
            "code_wrong", f"验证码不正确，已错误 {CODE_ATTEMPTS} 次，验证码已失效，请重新获取"
        )
    raise CodeRefused("code_wrong", f"验证码不正确（还可再试 {left} 次）", extra={"left": left})
