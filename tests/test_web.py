from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY

from jiuye.testing.signin import next_code, verified_device
from tests.factories import STAFF_PASSWORD


def test_home_page_shows_the_portal_navigation_in_chinese(client):
    # when
    response = client.get("/")
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    for href, label in [
        ("/policies/", "政策"),
        ("/selfcheck/", "自助测评"),
        ("/services/", "办事"),
        ("/workbench/", "工作台"),
    ]:
        assert f'<a href="{href}">{label}</a>' in html
    assert "/static/web/htmx.min.js" in html


@pytest.mark.parametrize(("path", "heading"), [("/policies/", "政策措施"), ("/services/", "办事")])
def test_portal_sections_answer(client, path, heading):
    # when
    response = client.get(path)
    # then
    assert response.status_code == 200
    assert f"<h1>{heading}</h1>" in response.content.decode()


@pytest.mark.django_db
def test_workbench_sends_anonymous_visitors_to_login(client):
    # when
    response = client.get("/workbench/")
    # then
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/workbench/"


def test_staff_login_opens_the_workbench(client, staff_user):
    # given an enrolled authenticator
    device = verified_device(staff_user)
    # when the password, then the code
    first = client.post(
        "/accounts/login/", {"username": "city_tester", "password": STAFF_PASSWORD}, follow=True
    )
    response = client.post(
        "/accounts/verify/", {"code": next_code(device), "next": "/workbench/"}, follow=True
    )
    # then
    assert first.redirect_chain == [("/accounts/verify/?next=%2Fworkbench%2F", 302)]
    assert response.redirect_chain == [("/workbench/", 302)]
    assert "您好，王经办。" in response.content.decode()


def test_wrong_password_does_not_log_in(client, staff_user):
    # when
    response = client.post("/accounts/login/", {"username": "city_tester", "password": "nope"})
    # then
    assert response.status_code == 200
    assert SESSION_KEY not in client.session


def test_logout_ends_the_session(client, staff_user):
    # given
    client.force_login(staff_user)
    # when
    response = client.post("/accounts/logout/")
    # then
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert SESSION_KEY not in client.session
