"""The database counters behind the rate limits: shared, atomic, expiring by the
project clock; and django-ratelimit's check keeps refusing caches that are not."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.test import override_settings
from django_ratelimit.checks import check_caches

from jiuye.portal.models import RateCounter

pytestmark = pytest.mark.django_db


def test_add_incr_get_follow_the_cache_contract(clock):
    # given
    cache = caches["ratelimit"]
    # when
    first = cache.add("k", 0, 60)
    second = cache.add("k", 5, 60)  # an add of an existing key changes nothing
    counts = [cache.incr("k") for _ in range(3)]
    # then
    assert (first, second, counts, cache.get("k")) == (True, False, [1, 2, 3], 3)
    assert cache.get("missing", 7) == 7
    with pytest.raises(ValueError, match="not found"):
        cache.incr("missing")


def test_a_counter_lapses_with_the_project_clock_and_can_start_again(clock):
    # given
    cache = caches["ratelimit"]
    cache.add("k", 1, 60)
    # when
    clock.advance(timedelta(seconds=61))
    # then
    assert cache.get("k") is None
    with pytest.raises(ValueError, match="not found"):
        cache.incr("k")
    assert cache.add("k", 1, 60) is True
    assert cache.get("k") == 1
    assert RateCounter.objects.count() == 1


def test_only_integers_are_kept():
    # when / then
    with pytest.raises(TypeError, match="integer counters only"):
        caches["ratelimit"].add("k", "text", 60)


def test_the_check_accepts_this_cache_and_refuses_a_per_process_one():
    # when
    ours = check_caches(None)
    with override_settings(
        CACHES={"ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    ):
        local = check_caches(None)
    # then
    assert [e.id for e in ours] == ["django_ratelimit.W001"]  # "not on its list" (silenced)
    assert "django_ratelimit.E003" in [e.id for e in local]


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_simultaneous_increments_each_get_their_own_count():
    # given a counter and 16 requests released at the same instant
    cache = caches["ratelimit"]
    cache.add("burst", 0, 60)
    barrier = threading.Barrier(16)
    seen: list[int] = []

    def request() -> None:
        from django.db import connections

        try:
            barrier.wait()
            seen.append(caches["ratelimit"].incr("burst"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request) for _ in range(16)]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then no two requests read the same count (a read-then-write cache would repeat some)
    assert sorted(seen) == list(range(1, 17))
    assert cache.get("burst") == 16


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_simultaneous_adds_of_one_key_succeed_once():
    # given
    barrier = threading.Barrier(8)
    added: list[bool] = []

    def request() -> None:
        from django.db import connections

        try:
            barrier.wait()
            added.append(caches["ratelimit"].add("first", 0, 60))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=request) for _ in range(8)]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert sorted(added) == [False] * 7 + [True]
