"""Signing in within tests, the real way: a confirmed TOTP device per user, and codes
computed from its key.

- :class:`SignedInClient` is Django's test client whose ``force_login`` also verifies
  the session with the user's device (as ``django_otp.login`` does after a correct
  code): the suite's ``client.force_login(user)`` opens staff pages with two factors
  and no bypass setting. ``tests/conftest.py`` makes it the ``client`` fixture.
- :func:`next_code` is the device's next acceptable code (never one already used).
"""

from __future__ import annotations

import time
from typing import Any

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiuye.staff import twofactor


def verified_device(user: Any) -> TOTPDevice:
    """The user's confirmed TOTP device (created when missing)."""
    device = twofactor.confirmed_totp(user)
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=twofactor.TOTP_NAME, confirmed=True)
    return device


def next_code(device: TOTPDevice) -> str:
    """A code the device accepts now: the current time step's, or the next one's when the
    current one was already used (django-otp accepts one step ahead)."""
    device.refresh_from_db()
    device.throttle_reset()
    step = int(time.time() - device.t0) // device.step
    if device.last_t >= step + 1:  # both used: wait for the next step
        time.sleep(device.step - (time.time() - device.t0) % device.step + 0.05)
        step = int(time.time() - device.t0) // device.step
    target = max(step, device.last_t + 1)
    return twofactor.code_at(device, at=device.t0 + target * device.step + 1)


def mark_verified(client: Client, user: Any) -> TOTPDevice:
    """Verify the client's signed-in session with the user's device."""
    device = verified_device(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device


class SignedInClient(Client):
    """The test client; ``force_login`` gives both factors (see the module docstring)."""

    def force_login(self, user: Any, backend: str | None = None) -> None:
        super().force_login(user, backend)
        mark_verified(self, user)
