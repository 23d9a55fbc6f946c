"""gunicorn's access log for ``jiuye serve --prod`` (``logger_class``).

The request line is cut down to method, path and protocol: no query string (searches
and filters may name a person), no referrer (it carries the previous page's query), and
the path's secret segments replaced (:func:`jiuye.web.logs.redact_path`).
"""

from __future__ import annotations

from typing import Any

from gunicorn.glogging import Logger

from jiuye.web.logs import redact_path


class AccessLogger(Logger):  # type: ignore[misc]
    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> Any:
        atoms = super().atoms(resp, req, environ, request_time)
        path = redact_path(str(environ.get("PATH_INFO", "")))
        atoms["U"] = path
        atoms["r"] = f"{environ.get('REQUEST_METHOD')} {path} {environ.get('SERVER_PROTOCOL')}"
        atoms["q"] = "-"
        atoms["f"] = "-"
        # request and response headers ({cookie}i and the like) are never logged
        return {k: v for k, v in atoms.items() if not k.startswith("{")}
