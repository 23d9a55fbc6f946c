"""Builds the NinjaAPI mounted at /api/v1/.

To add endpoints, write a module with ``router = Router(...)`` and list it in
``ROUTERS`` as (prefix, "module:attribute"), e.g. ("/", "jiuye.rules.api:router").
An endpoint raises a :class:`~jiuye.core.errors.JiuyeError` for bad input or a refusal;
the API answers it as ``{"code", "message", "extra"}`` with the error's ``http_status``.
"""

from __future__ import annotations

import importlib

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Router

from jiuye.core.errors import JiuyeError

ROUTERS: tuple[tuple[str, str], ...] = (
    ("/", "jiuye.api.index:router"),
    ("/", "jiuye.api.rules:router"),
    ("/", "jiuye.api.cases:router"),
)


def _load(target: str) -> Router:
    module_name, attribute = target.split(":")
    router: Router = getattr(importlib.import_module(module_name), attribute)
    return router


def build_api() -> NinjaAPI:
    new_api = NinjaAPI(
        title="就业（Jiuye）API",
        version="1",
        description="松原市公共就业服务“政策即代码”的 JSON 接口。",
        urls_namespace="api",
    )
    for prefix, target in ROUTERS:
        new_api.add_router(prefix, _load(target))

    def jiuye_error(request: HttpRequest, error: JiuyeError | type[JiuyeError]) -> HttpResponse:
        # One error shape for every endpoint: {"code", "message", "extra"}.
        if isinstance(error, type):  # ninja's signature allows the class; never raised so
            error = error("error", "出错了")
        return new_api.create_response(request, error.as_dict(), status=error.http_status)

    new_api.add_exception_handler(JiuyeError, jiuye_error)
    return new_api


api = build_api()
