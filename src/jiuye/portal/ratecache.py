"""A Django cache backend of counters in the database, for django-ratelimit.

django-ratelimit keeps its counts in a cache and refuses, by its system check, caches
that are not shared between processes (LocMem) or that increment by reading and then
writing (the file cache and Django's ``DatabaseCache``: two requests at once would both
read 4 and both write 5). This backend is both shared and atomic: one row per key in
``portal_ratecounter``; ``add`` inserts (the unique key makes the second of two
simultaneous adds fail, as a cache's ``add`` must), ``incr`` is one
``UPDATE … SET count = count + 1`` and reads the new count inside the same transaction,
under the row lock it took. Every gunicorn worker (and every machine on the same
database) sees the same counts; no extra service is needed.

Only what django-ratelimit uses is meant to be fast; the rest of the cache API works for
integer values. Expiry follows :mod:`jiuye.core.clock`. Lapsed rows of a key are removed
when the key is added again, and the whole table is swept now and then.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F

from jiuye.core import clock

#: One ``add`` in this many also removes every lapsed row of the table.
SWEEP_EVERY = 200
#: Timeout of "no timeout" (a counter is never meant to live that long).
FOREVER = timedelta(days=3650)


class RateCounterCache(BaseCache):
    """Integer counters in ``portal.RateCounter``; see the module docstring."""

    def __init__(self, location: str = "", params: dict[str, Any] | None = None) -> None:
        super().__init__(params or {})

    # -- helpers
    @staticmethod
    def _model() -> Any:
        # imported late: the cache framework loads backends before the app registry
        from jiuye.portal.models import RateCounter

        return RateCounter

    def _expiry(self, timeout: Any) -> datetime:
        if timeout is DEFAULT_TIMEOUT:
            timeout = self.default_timeout
        if timeout is None:
            return clock.now() + FOREVER
        return clock.now() + timedelta(seconds=float(timeout))

    @staticmethod
    def _count(value: Any) -> int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError("RateCounterCache holds integer counters only")
        return int(value)

    def _sweep(self) -> None:
        if secrets.randbelow(SWEEP_EVERY):
            return
        try:
            with transaction.atomic():
                self._model().objects.filter(expires_at__lte=clock.now()).delete()
        except DatabaseError:  # another sweep at the same time: one of them is enough
            pass

    # -- the cache API
    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        key = self.make_and_validate_key(key, version=version)
        count = self._count(value)
        model = self._model()
        now = clock.now()
        self._sweep()
        try:
            with transaction.atomic():
                model.objects.filter(key=key, expires_at__lte=now).delete()
                model.objects.create(key=key, count=count, expires_at=self._expiry(timeout))
        except IntegrityError:
            return False
        return True

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        found = (
            self._model()
            .objects.filter(key=key, expires_at__gt=clock.now())
            .values_list("count", flat=True)
            .first()
        )
        return default if found is None else found

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        key = self.make_and_validate_key(key, version=version)
        self._model().objects.update_or_create(
            key=key, defaults={"count": self._count(value), "expires_at": self._expiry(timeout)}
        )

    def incr(self, key: Any, delta: int = 1, version: int | None = None) -> int:
        key = self.make_and_validate_key(key, version=version)
        model = self._model()
        with transaction.atomic():
            live = model.objects.filter(key=key, expires_at__gt=clock.now())
            if live.update(count=F("count") + delta) != 1:
                raise ValueError(f"Key '{key}' not found")
            # the UPDATE holds the row until commit: this is our count, nobody else's
            value: int = model.objects.filter(key=key).values_list("count", flat=True).get()
        return value

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        live = self._model().objects.filter(key=key, expires_at__gt=clock.now())
        return bool(live.update(expires_at=self._expiry(timeout)))

    def delete(self, key: Any, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        deleted, _ = self._model().objects.filter(key=key).delete()
        return bool(deleted)

    def has_key(self, key: Any, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        return bool(self._model().objects.filter(key=key, expires_at__gt=clock.now()).exists())

    def clear(self) -> None:
        self._model().objects.all().delete()
