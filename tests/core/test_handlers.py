"""One handler per interface turns any JiuyeError into the API shape, exit code 2, a page."""

from __future__ import annotations

import json
from typing import ClassVar

from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from typer.testing import CliRunner

from jiuye.api.main import api
from jiuye.cli import app
from jiuye.core.errors import JiuyeError
from jiuye.web.errors import JiuyeErrorMiddleware


class Gone(JiuyeError):
    http_status: ClassVar[int] = 404


def test_the_api_answers_a_jiuye_error_in_the_one_shape_with_its_status() -> None:
    # given
    request = RequestFactory().get("/api/v1/anything")
    error = Gone("no_such_thing", "没有这条记录", extra={"id": 7})

    # when
    response = api.on_exception(request, error)

    # then
    assert response.status_code == 404
    assert json.loads(response.content) == {
        "code": "no_such_thing",
        "message": "没有这条记录",
        "extra": {"id": 7},
    }


def test_a_command_raising_a_jiuye_error_exits_with_2_and_the_chinese_message() -> None:
    # given
    @app.command("raise-for-test", hidden=True)
    def raise_for_test() -> None:
        raise JiuyeError("refused", "不能这样做")

    # when
    result = CliRunner().invoke(app, ["raise-for-test"])

    # then
    assert result.exit_code == 2
    assert result.stderr == "错误 / error [refused]：不能这样做\n"


def test_a_jiuye_error_escaping_a_view_renders_its_message_with_its_status(db: None) -> None:
    # given
    def view(request: HttpRequest) -> HttpResponse:
        raise Gone("no_such_thing", "没有这条记录")

    middleware = JiuyeErrorMiddleware(view)
    request = RequestFactory().get("/anything")

    # when
    response = middleware.process_exception(request, Gone("no_such_thing", "没有这条记录"))

    # then
    assert response is not None
    assert response.status_code == 404
    assert "没有这条记录" in response.content.decode()
    assert 'data-code="no_such_thing"' in response.content.decode()


def test_an_htmx_request_gets_the_message_alone() -> None:
    # given
    request = RequestFactory().post("/anything", headers={"HX-Request": "true"})
    middleware = JiuyeErrorMiddleware(lambda r: HttpResponse())

    # when
    response = middleware.process_exception(request, JiuyeError("refused", "不能这样做"))

    # then
    assert response is not None
    assert (response.status_code, response.content.decode()) == (
        400,
        '<p class="error" role="alert" data-code="refused">不能这样做</p>\n',
    )


def test_other_exceptions_pass_through_the_middleware() -> None:
    # given
    middleware = JiuyeErrorMiddleware(lambda r: HttpResponse())

    # when
    response = middleware.process_exception(RequestFactory().get("/"), ValueError("x"))

    # then
    assert response is None


def test_the_middleware_is_installed(client: Client) -> None:
    # given / when
    from django.conf import settings

    # then
    assert "jiuye.web.errors.JiuyeErrorMiddleware" in settings.MIDDLEWARE
