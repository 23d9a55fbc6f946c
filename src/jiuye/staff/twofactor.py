"""The second factor of staff sign-in: TOTP (RFC 6238) with single-use backup codes,
on django-otp.

Enrolment happens at the first sign-in: the page shows the device's ``otpauth://`` URI
as a QR code (segno, drawn by the app: no outside service) and as a secret to type in;
the first correct code confirms the device and issues ``JIUYE_OTP_BACKUP_CODES`` (10)
backup codes, shown once. A TOTP code is accepted once only: django-otp keeps the time
step of the last accepted code (``last_t``) and refuses that step and every earlier one;
wrong codes are throttled by django-otp (1, 2, 4 … seconds) and count against the
account's lockout (:mod:`jiuye.staff.lockouts`).

Backup codes are kept as keyed digests (HMAC-SHA256 with ``SECRET_KEY``, cut to 16 hex
characters), not in clear; each is deleted when used.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time
from base64 import b32decode, b32encode
from typing import Any

import segno
from django.conf import settings
from django.db import transaction
from django_otp import verify_token
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

TOTP_NAME = "身份验证器"
BACKUP_NAME = "备用验证码"
#: Backup codes: 10 characters of this alphabet (no 0/o, 1/l/i), about 50 bits.
BACKUP_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
BACKUP_LENGTH = 10


def confirmed_totp(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).order_by("pk").first()


def is_enrolled(user: Any) -> bool:
    return bool(TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists())


def is_verified(user: Any) -> bool:
    """Whether the request's user gave the second factor (django-otp's ``OTPMiddleware``
    sets ``is_verified``)."""
    check = getattr(user, "is_verified", None)
    return bool(check is not None and check())


def pending_device(user: Any) -> TOTPDevice:
    """The unconfirmed device being enrolled (the same across page reloads)."""
    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, confirmed=False)
    return device


def secret(device: TOTPDevice) -> str:
    """The device's key in base32, as authenticator apps take it."""
    return b32encode(device.bin_key).decode("ascii")


def grouped_secret(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, for typing in.

    >>> grouped_secret(TOTPDevice(key="3132333435363738393031323334353637383930"))
    'GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ'
    """
    text = secret(device)
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The device's ``otpauth://`` URI as an inline SVG QR code (white margin)."""
    return str(
        segno.make(device.config_url, error="m").svg_inline(
            scale=5, border=4, dark="#000", light="#fff"
        )
    )


def code_at(device: TOTPDevice, at: float | None = None) -> str:
    """The device's code for the moment ``at`` (Unix time; default now)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() if at is None else at
    return f"{totp.token():0{device.digits}d}"


@transaction.atomic
def confirm(device: TOTPDevice, token: str) -> bool:
    """Confirm an enrolling device with its first code."""
    locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
    if not locked.verify_token(token.strip()):
        return False
    locked.confirmed = True
    locked.save(update_fields=["confirmed"])
    device.refresh_from_db()
    return True


def _digest(code: str) -> str:
    normalised = code.strip().lower().replace(" ", "").replace("-", "")
    key = hashlib.sha256(b"jiuye-otp-backup:" + settings.SECRET_KEY.encode()).digest()
    return hmac.new(key, normalised.encode(), hashlib.sha256).hexdigest()[:16]


@transaction.atomic
def new_backup_codes(user: Any, count: int | None = None) -> list[str]:
    """Issue a fresh set of backup codes (the old ones stop working); returns them in
    clear, once: only their digests are stored."""
    count = settings.OTP_BACKUP_CODES if count is None else count
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=BACKUP_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [
        "".join(secrets.choice(BACKUP_ALPHABET) for _ in range(BACKUP_LENGTH)) for _ in range(count)
    ]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=_digest(c)) for c in codes)
    return [f"{c[:5]}-{c[5:]}" for c in codes]


def backup_codes_left(user: Any) -> int:
    return int(StaticToken.objects.filter(device__user_id=user.pk, device__confirmed=True).count())


def looks_like_totp(code: str) -> bool:
    text = code.strip().replace(" ", "")
    return text.isdigit() and len(text) in (6, 8)


def verify(user: Any, code: str) -> Device | None:
    """The device that accepts ``code`` (a TOTP code or a backup code), or None.

    A TOTP code already used (or older than the last used one) is refused.
    """
    text = code.strip().replace(" ", "")
    if looks_like_totp(text):
        device = confirmed_totp(user)
        if device is None:
            return None
        verified: Device | None = verify_token(user, device.persistent_id, text)
        return verified
    backup = StaticDevice.objects.filter(user_id=user.pk, confirmed=True).first()
    if backup is None:
        return None
    accepted: Device | None = verify_token(user, backup.persistent_id, _digest(text))
    return accepted


def reset(user: Any) -> int:
    """Remove the user's devices: the next sign-in enrols again (security admin)."""
    totp, _ = TOTPDevice.objects.filter(user_id=user.pk).delete()
    static, _ = StaticDevice.objects.filter(user_id=user.pk).delete()
    return int(totp + static)


def key_from_secret(base32: str) -> str:
    """The hex key django-otp stores for a base32 secret.

    >>> key_from_secret("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")
    '3132333435363738393031323334353637383930'
    """
    return b32decode(base32.replace(" ", "").upper()).hex()


def ensure_device(user: Any, base32: str) -> TOTPDevice:
    """A confirmed TOTP device with the given secret (demo accounts only)."""
    key = key_from_secret(base32)
    device = confirmed_totp(user)
    if device is None:
        device = TOTPDevice(user=user, name=TOTP_NAME, confirmed=True)
    if device.key != key:
        device.key = key
        device.last_t = -1
    device.confirmed = True
    device.save()
    return device
