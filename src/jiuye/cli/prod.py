"""The production server: gunicorn running ``jiuye.wsgi`` (``jiuye serve --prod``).

Threaded workers (``gthread``) keep idle keep-alive connections off the threads; each
worker loads the application as it boots (so ``kill -HUP`` after an upgrade runs the
new code). Static files are served by
WhiteNoise from ``STATIC_ROOT``, filled by ``collectstatic`` at start (hashed names
and gzip copies). The access log names no query string, no referrer and no secret
path segment (self-check draft tokens, booking codes): those may hold personal data
(``jiuye.web.accesslog``).
"""

from __future__ import annotations

import os
from typing import Any

from gunicorn.app.base import BaseApplication

#: gunicorn's logger and format (by name: the web layer is not imported from here).
ACCESS_LOGGER = "jiuye.web.accesslog.AccessLogger"
ACCESS_LOG_FORMAT = '%(h)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'


def default_workers() -> int:
    """One worker per core plus one (3 on the project's 2 cores)."""
    return (os.cpu_count() or 1) + 1


def options(*, bind: str, workers: int, threads: int, timeout: int) -> dict[str, Any]:
    """gunicorn's settings for ``jiuye serve --prod``."""
    return {
        "bind": [bind],
        "workers": workers,
        "worker_class": "gthread",
        "threads": threads,
        "timeout": timeout,
        "graceful_timeout": timeout,
        "keepalive": 5,
        # each worker loads the application itself: a HUP (systemctl reload) after an
        # upgrade then starts workers on the new code
        "preload_app": False,
        # a worker is replaced now and then, so that no slow leak grows without bound
        "max_requests": 5000,
        "max_requests_jitter": 500,
        "accesslog": "-",
        "errorlog": "-",
        "access_log_format": ACCESS_LOG_FORMAT,
        "logger_class": ACCESS_LOGGER,
        "control_socket_disable": True,
        "proc_name": "jiuye",
    }


class Server(BaseApplication):  # type: ignore[misc]
    """gunicorn with the settings above and Django's WSGI application."""

    def __init__(self, settings: dict[str, Any]) -> None:
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.settings.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from jiuye.wsgi import application

        # read the policy packages as the worker boots, not in its first request
        from policies.loader import policy

        policy()
        return application


def run(*, bind: str, workers: int, threads: int, timeout: int) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuye.settings")
    Server(options(bind=bind, workers=workers, threads=threads, timeout=timeout)).run()
