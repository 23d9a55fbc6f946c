from __future__ import annotations

import pytest

from tests.factories import StaffUserFactory


@pytest.fixture
def staff_user(db):
    return StaffUserFactory(username="city_tester", first_name="王经办")


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    """Each test starts with an empty page cache (jiuye.portal.pagecache): a page kept
    by an earlier test (another database, a patched package) is not served to it."""
    from django.core.cache import caches

    caches["pages"].clear()
    yield
    caches["pages"].clear()
