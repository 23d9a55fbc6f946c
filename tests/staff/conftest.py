"""Sign-in through the real pages: password, then a code computed from the device."""

from __future__ import annotations

from typing import Any

import pytest

from jiuye.staff.roles import Role, assign_role
from jiuye.testing.signin import next_code, verified_device
from tests.factories import STAFF_PASSWORD, StaffUserFactory
from tests.registry.conftest import divisions  # noqa: F401 - the fixture

#: A password that satisfies the rules (the factories' default predates them).
STRONG = "Songyuan#2018x"


def sign_in(client: Any, user: Any, *, password: str = STAFF_PASSWORD, next: str = "/workbench/"):
    """Both steps through the pages; returns the response of the code step."""
    device = verified_device(user)
    first = client.post(
        "/accounts/login/", {"username": user.get_username(), "password": password, "next": next}
    )
    assert first.status_code == 302, first.content.decode()[:500]
    return client.post("/accounts/verify/", {"code": next_code(device), "next": next})


def role_user(role: Role, username: str | None = None):
    user = StaffUserFactory(username=username or f"{role.name.lower()}_admin")
    assign_role(user=user, role=role)
    return user


@pytest.fixture
def staff_member(db):
    return StaffUserFactory(username="clerk", first_name="李经办")
