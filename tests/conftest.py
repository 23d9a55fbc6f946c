from __future__ import annotations

import pytest

from jiuye.testing.signin import SignedInClient
from tests.factories import StaffUserFactory


@pytest.fixture
def staff_user(db):
    return StaffUserFactory(username="city_tester", first_name="王经办")


@pytest.fixture
def client() -> SignedInClient:
    """pytest-django's client, whose ``force_login`` also gives the second factor."""
    return SignedInClient()


@pytest.fixture
def admin_user(db):
    """The system administrator (not a superuser: superusers cannot sign in under
    production settings, and administrators work through their role's own site)."""
    from jiuye.staff.roles import Role, assign_role

    user = StaffUserFactory(username="admin", first_name="系统管理员")
    assign_role(user=user, role=Role.SYSTEM)
    return user


@pytest.fixture
def admin_client(admin_user) -> SignedInClient:
    client = SignedInClient()
    client.force_login(admin_user)
    return client


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    """Each test starts with an empty page cache (jiuye.portal.pagecache): a page kept
    by an earlier test (another database, a patched package) is not served to it."""
    from django.core.cache import caches

    caches["pages"].clear()
    yield
    caches["pages"].clear()


@pytest.fixture(autouse=True)
def _memory_messages(settings):
    """Messages go to the in-memory outbox (jiuye.core.messages.outbox), emptied per test."""
    from jiuye.core import messages

    settings.MESSAGE_BACKEND = "jiuye.core.messages.MemoryBackend"
    messages.outbox.clear()
    yield
    messages.outbox.clear()
