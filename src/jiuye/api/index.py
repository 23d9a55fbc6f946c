"""GET /api/v1/: a small index of the API."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema

import jiuye

router = Router(tags=["index"])


class IndexOut(Schema):
    name: str
    version: str
    api_version: str
    openapi: str
    docs: str


@router.get("/", response=IndexOut, summary="API 索引", url_name="index")
def index(request: HttpRequest) -> IndexOut:
    base = request.path
    return IndexOut(
        name="就业（Jiuye）",
        version=jiuye.__version__,
        api_version="1",
        openapi=f"{base}openapi.json",
        docs=f"{base}docs",
    )
