from __future__ import annotations

import re

import pytest
from django.test import Client

from jiuye.core import messages
from tests.casework.world import TODAY, build_world
from tests.security.ratelimit_clock import ratelimit_clock  # noqa: F401 (a fixture)

MOBILE = "13900001111"


@pytest.fixture
def world(db, clock):
    clock.set(TODAY)
    messages.outbox.clear()
    return build_world()


def last_code() -> str:
    found = re.search(r"验证码 (\d{6})", messages.outbox[-1].text)
    assert found is not None, messages.outbox[-1].text
    return found.group(1)


def sign_in(client: Client, resident_id: str, name: str, mobile: str = MOBILE, **extra):
    """Through the pages: details, then the code from the memory outbox."""
    sent = client.post(
        "/banshi/signin/",
        {"step": "details", "resident_id": resident_id, "name": name, "mobile": mobile, **extra},
    )
    assert sent.status_code == 200, sent.content.decode()
    return client.post("/banshi/signin/", {"step": "code", "code": last_code(), **extra})


#: The test OIDC provider is a separate Django project run in its own process by
#: test_oidc.py; its modules are not tests (and cannot be imported under our settings).
collect_ignore = ["oidc_op"]
