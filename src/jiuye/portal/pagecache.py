"""The rendered public pages, kept in the ``pages`` cache under explicit keys.

A public page (the catalogue, a measure's one-time notification, its poster and QR
codes) changes only when the policy packages change, when the day changes (amounts and
versions are those in force on a date) or when a service guide or office is edited.
So the key of each rendered fragment names all three, besides what the page was asked
for:

- the packages' fingerprint: a digest of the files of every package in force, computed
  once per loaded :func:`policies.loader.policy` (a new package means a new process,
  and a shared cache sees a new key);
- :func:`jiuye.core.clock.today` (and the page's own ``?date=``, among the parts);
- the content revision of guides and offices: their count and latest ``updated_at``,
  read on every request (two small aggregate queries), so that an edit shows at once in
  every worker without signals or a shared invalidation.

Only fragments that do not depend on the visitor are cached: the frame around them
(signed-in name, CSRF token, messages) is rendered per request. Settings:
``PAGE_CACHE_ENABLED`` (``JIUYE_PAGE_CACHE``), ``PAGE_CACHE_SECONDS``,
``PAGE_CACHE_ENTRIES``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.core.cache import caches
from django.db import connection

from jiuye.core import clock
from jiuye.portal.models import Guide, Office

from policies.loader import Policy, policy

T = TypeVar("T")
ALIAS = "pages"

_fingerprint: tuple[Policy, str] | None = None


def _package_files(root: Path) -> Iterable[Path]:
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            yield path


def package_fingerprint() -> str:
    """A digest of the names and files of the policy packages in force."""
    global _fingerprint
    current = policy()
    if _fingerprint is not None and _fingerprint[0] is current:
        return _fingerprint[1]
    digest = hashlib.sha256()
    for info in current.packages:
        digest.update(info.name.encode() + b"\0")
        source = info.module.__file__
        if source is None:
            continue
        root = Path(source).parent
        for path in _package_files(root):
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    _fingerprint = (current, digest.hexdigest()[:16])
    return _fingerprint[1]


def content_revision() -> str:
    """The revision of guides and offices: a new row, an edit or a deletion changes it.

    One small SQL statement (the ORM's two aggregates cost more than the cached page
    saves); ``updated_at`` is stamped by every save, the screen's and the admin's.
    """
    tables = [connection.ops.quote_name(m._meta.db_table) for m in (Guide, Office)]
    sql = " UNION ALL ".join(
        f"SELECT {i}, COUNT(*), MAX(updated_at) FROM {table}"  # noqa: S608 (our table names)
        for i, table in enumerate(tables)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql)
        rows = sorted(cursor.fetchall())
    return ";".join(f"{count}@{last}" for _, count, last in rows)


def page_key(kind: str, parts: Iterable[object], *, content: bool = True) -> str:
    """The cache key of one rendered page fragment of ``kind``; ``content=False`` for a
    page that shows no guide or office (the catalogue, a QR code)."""
    revision = content_revision() if content else "-"
    raw = "\0".join(
        [package_fingerprint(), clock.today().isoformat(), revision] + [str(part) for part in parts]
    )
    return f"page:{kind}:{hashlib.sha256(raw.encode()).hexdigest()}"


def cached(
    kind: str, parts: Iterable[object], build: Callable[[], T], *, content: bool = True
) -> T:
    """The fragment of ``kind`` for ``parts``, built by ``build()`` on a miss."""
    if not settings.PAGE_CACHE_ENABLED:
        return build()
    cache = caches[ALIAS]
    key = page_key(kind, parts, content=content)
    value: T | None = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value)
    return value
