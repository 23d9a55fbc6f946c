"""Pytest plugin loaded with ``-p`` (see pyproject.toml), before Django's settings.

It gives the test run a settings environment, marks every test that reaches the
database with ``django_db`` so that ``pytest -m django_db`` selects exactly the tests
that ``scripts/test.sh`` runs a second time on PostgreSQL, and offers the ``clock``
fixture: :mod:`jiuye.core.clock` frozen for the test (``clock.set(...)``,
``clock.advance(...)``).
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from jiuye.core import clock as core_clock

# Settings are imported by pytest-django right after this module, so set them now.
os.environ.setdefault("SECRET_KEY", "test-only-secret-key-" + "x" * 40)
os.environ.setdefault("ALLOWED_HOSTS", "testserver,127.0.0.1,localhost")
# Tests render templates from the app folders: no collectstatic manifest needed.
os.environ.setdefault("JIUYE_STATIC_MANIFEST", "false")
# Fixed field keys (jiuye.core.crypto), for tests only: the same keys every run.
os.environ.setdefault(
    "JIUYE_FIELD_KEYS",
    "enc t1 aml1eWUgdGVzdCBrZXk6IGVuY3J5cHRpb24gMDAwMDE=; "
    "index ti1 aml1eWUgdGVzdCBrZXk6IGJsaW5kIGluZGV4IDAwMDE=",
)
# The test client and live server speak plain HTTP.
os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
# The audit trail's head file and archives: a folder of the test run, never var/.
_AUDIT_DIR = tempfile.mkdtemp(prefix="jiuye-test-audit-")
os.environ.setdefault("JIUYE_AUDIT_HEAD_FILE", os.path.join(_AUDIT_DIR, "chain-head.json"))
os.environ.setdefault("JIUYE_AUDIT_ARCHIVE_DIR", os.path.join(_AUDIT_DIR, "archive"))
# Playwright's sync API runs an event loop in the main thread; the ORM calls made by
# the same tests are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

DB_FIXTURES = frozenset(
    {
        "db",
        "transactional_db",
        "live_server",
        "django_db_setup",
        "django_user_model",
        "admin_user",
        "admin_client",
        "django_db_reset_sequences",
        "django_db_serialized_rollback",
    }
)


def _on_postgresql() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark database tests ``django_db``; tests marked ``postgresql`` (they need row locks
    and real concurrency) are deselected on SQLite and run in the PostgreSQL pass, so a
    CI run skips nothing."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & DB_FIXTURES and item.get_closest_marker("django_db") is None:
            item.add_marker(pytest.mark.django_db)
    if _on_postgresql():
        return
    dropped = [item for item in items if item.get_closest_marker("postgresql")]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = [item for item in items if not item.get_closest_marker("postgresql")]


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    """Transactional tests empty every table afterwards (TRUNCATE on PostgreSQL); the
    audit tables' append-only triggers let that through only in maintenance, so the
    flush sets it for its own transaction (migration core/0005)."""
    if not _on_postgresql():
        return
    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush

    def sql_flush(self: Any, style: Any, tables: Any, **kwargs: Any) -> list[str]:
        sql = original(self, style, tables, **kwargs)
        if not sql:
            return sql
        return ["SELECT set_config('jiuye.audit_maintenance', 'on', true)", *sql]

    DatabaseOperations.sql_flush = sql_flush  # type: ignore[method-assign]


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Under CI=true nothing may be skipped: a skip fails the run."""
    if not _in_ci():
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    skipped = reporter.stats.get("skipped", [])
    if skipped:
        reporter.write_line(
            f"CI=true: {len(skipped)} test(s) skipped; nothing may be skipped in CI.",
            red=True,
            bold=True,
        )
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


#: Where the ``clock`` fixture stops the clock unless the test says otherwise.
DEFAULT_MOMENT = datetime(2019, 6, 1, 10, 0, tzinfo=core_clock.SHANGHAI)


class FrozenClock:
    """The project's clock, frozen for one test; every ``today()``/``now()`` reads it."""

    def __init__(self, stack: ExitStack) -> None:
        self._stack = stack

    def set(self, moment: datetime | date) -> None:
        """Stop the clock at ``moment`` (a date: its midnight in Asia/Shanghai)."""
        self._stack.enter_context(core_clock.frozen(moment))

    def advance(self, delta: timedelta) -> None:
        core_clock.advance(delta)

    def today(self) -> date:
        return core_clock.today()

    def now(self) -> datetime:
        return core_clock.now()


@pytest.fixture(autouse=True)
def _audit_files(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each database test its own audit head file and archive folder (settings, and the
    environment its child processes inherit): a head file belongs to one chain, and each
    test's database starts another."""
    if request.node.get_closest_marker("django_db") is None:
        return
    folder = request.getfixturevalue("tmp_path_factory").mktemp("audit")
    settings = request.getfixturevalue("settings")
    for name, path in (
        ("HEAD_FILE", folder / "chain-head.json"),
        ("ARCHIVE_DIR", folder / "archive"),
    ):
        setattr(settings, f"AUDIT_{name}", path)
        monkeypatch.setenv(f"JIUYE_AUDIT_{name}", str(path))


@pytest.fixture
def clock() -> Iterator[FrozenClock]:
    """:mod:`jiuye.core.clock` frozen at 1 June 2019, 10:00 in Shanghai (``set`` moves it)."""
    with ExitStack() as stack:
        frozen = FrozenClock(stack)
        frozen.set(DEFAULT_MOMENT)
        yield frozen
