"""Staff sessions: a new key at sign-in, idle 30 minutes and absolute 12 hours on the
project's clock, and sign-out, a disabled account and "end all sessions" deleting the
session rows on the server."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiuye.core import clock as core_clock
from jiuye.core.models import AuditEvent
from jiuye.staff import sessions
from jiuye.staff.models import StaffSession
from jiuye.staff.roles import Role
from jiuye.testing.signin import SignedInClient
from tests.staff.conftest import role_user, sign_in


def _rows(user) -> set[str]:
    return set(StaffSession.objects.filter(user=user).values_list("session_key", flat=True))


def test_sign_in_starts_a_new_session_and_indexes_it(client, staff_member):
    # given a visitor's session before signing in
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key
    # when
    sign_in(client, staff_member)
    client.get("/workbench/")
    # then the key changed (twice: password, then the code) and the old row is gone
    after = client.session.session_key
    assert after != before
    assert not Session.objects.filter(session_key=before).exists()
    assert _rows(staff_member) == {after}


@pytest.mark.parametrize(
    ("idle", "signed_in"),
    [
        (timedelta(minutes=29, seconds=59), True),
        (timedelta(minutes=30), False),
        (timedelta(minutes=31), False),
    ],
)
def test_a_session_idle_for_30_minutes_ends(client, clock, staff_member, idle, signed_in):
    # given a signed-in session, last used now
    client.force_login(staff_member)
    assert client.get("/workbench/").status_code == 200
    key = client.session.session_key
    # when the clock moves on
    clock.advance(idle)
    response = client.get("/workbench/")
    # then
    assert (response.status_code == 200) is signed_in
    assert Session.objects.filter(session_key=key).exists() is signed_in
    assert (key in _rows(staff_member)) is signed_in
    if not signed_in:
        assert response["Location"] == "/accounts/login/?next=/workbench/"
        ended = AuditEvent.objects.get(event="session.ended")
        assert (ended.actor_id, ended.detail) == (staff_member.pk, {"reason": "idle"})
        page = client.get(response["Location"])
        assert "您已 30 分钟未操作" in page.content.decode()


@pytest.mark.parametrize(
    ("total", "signed_in"), [(timedelta(hours=11, minutes=59), True), (timedelta(hours=12), False)]
)
def test_a_busy_session_still_ends_12_hours_after_sign_in(
    client, clock, staff_member, total, signed_in
):
    # given a session used every 20 minutes
    client.force_login(staff_member)
    client.get("/workbench/")
    step, elapsed = timedelta(minutes=20), timedelta(0)
    while elapsed + step < total:
        clock.advance(step)
        elapsed += step
        assert client.get("/workbench/").status_code == 200
    # when the last step reaches the total
    clock.advance(total - elapsed)
    response = client.get("/workbench/")
    # then
    assert (response.status_code == 200) is signed_in
    if not signed_in:
        assert AuditEvent.objects.get(event="session.ended").detail == {"reason": "absolute"}


def test_sign_out_deletes_the_session_on_the_server(client, staff_member):
    # given
    sign_in(client, staff_member)
    client.get("/workbench/")
    key = client.session.session_key
    # when
    response = client.post("/accounts/logout/")
    # then
    assert response["Location"] == "/"
    assert not Session.objects.filter(session_key=key).exists()
    assert _rows(staff_member) == set()
    assert AuditEvent.objects.filter(event="auth.logout", actor=staff_member).count() == 1


def test_disabling_an_account_ends_its_sessions(admin_client, staff_member):
    # given the clerk is signed in on two browsers
    browsers = [SignedInClient(), SignedInClient()]
    for browser in browsers:
        browser.force_login(staff_member)
        browser.get("/workbench/")
    keys = _rows(staff_member)
    # when the system administrator disables the account
    response = admin_client.post(
        f"/admin/system/auth/user/{staff_member.pk}/change/",
        {
            "username": "clerk",
            "first_name": staff_member.first_name,
            "last_name": "",
            "email": "",
            "is_staff": "on",
            "date_joined_0": "2019-06-01",
            "date_joined_1": "10:00:00",
        },
    )
    # then both sessions are gone from the server, and the browsers are signed out
    assert response.status_code == 302, response.content.decode()[:3000]
    assert len(keys) == 2
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert _rows(staff_member) == set()
    assert all(b.get("/workbench/").status_code == 302 for b in browsers)
    ended = AuditEvent.objects.get(event="session.ended")
    assert ended.detail == {"reason": "disabled", "sessions": 2}


def test_a_disabled_account_loses_its_session_at_the_next_request(client, staff_member):
    # given a session, then the account disabled outside the admin (a shell)
    client.force_login(staff_member)
    client.get("/workbench/")
    key = client.session.session_key
    staff_member.is_active = False
    staff_member.save()
    # when
    response = client.get("/workbench/")
    # then
    assert response.status_code == 302
    assert not Session.objects.filter(session_key=key).exists()
    assert SESSION_KEY not in client.session


def test_the_security_administrator_ends_all_sessions_of_a_user(client, staff_member):
    # given the clerk signed in twice, and a colleague once
    colleague = role_user(Role.AUDIT, "colleague")
    clerk_browsers = [SignedInClient(), SignedInClient()]
    for browser in clerk_browsers:
        browser.force_login(staff_member)
        browser.get("/workbench/")
    other = SignedInClient()
    other.force_login(colleague)
    other.get("/workbench/")
    security = role_user(Role.SECURITY)
    client.force_login(security)
    # when
    response = client.post(
        "/admin/security/auth/user/",
        {"action": "end_sessions", "_selected_action": [staff_member.pk]},
    )
    # then
    assert response.status_code == 302
    assert _rows(staff_member) == set()
    assert len(_rows(colleague)) == 1
    assert all(b.get("/workbench/").status_code == 302 for b in clerk_browsers)
    assert other.get("/workbench/").status_code == 200
    ended = AuditEvent.objects.get(event="session.ended")
    assert (ended.actor_id, ended.object, ended.detail) == (
        security.pk,
        f"user:{staff_member.pk}",
        {"reason": "killed", "sessions": 2},
    )


def _queries_to_end(user, count: int) -> int:
    for n in range(count):
        key = f"{user.pk:04d}{n:028d}"
        Session.objects.create(session_key=key, session_data="", expire_date=core_clock.now())
        StaffSession.objects.create(session_key=key, user=user)
    with CaptureQueriesContext(connection) as captured:
        assert sessions.end_all(user, reason="killed") == count
    assert not Session.objects.filter(session_key__startswith=f"{user.pk:04d}").exists()
    return len(captured.captured_queries)


def test_ending_all_sessions_costs_the_same_queries_for_2_or_7_sessions(staff_member):
    # given another user with sessions of their own, left alone
    other = role_user(Role.AUDIT, "other")
    StaffSession.objects.create(session_key="z" * 32, user=other)
    # then
    assert _queries_to_end(staff_member, 2) == _queries_to_end(staff_member, 7)
    assert _rows(other) == {"z" * 32}
