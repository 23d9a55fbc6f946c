"""Failed sign-ins: the account locks at the 5th failure for 15 minutes (django-axes,
enforced by the real sign-in page), the address is throttled higher up, and every
failure, lockout and unlock is audited."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from typer.testing import CliRunner

from jiuye.cli import app
from jiuye.core.models import AuditEvent
from jiuye.staff.roles import Role
from jiuye.testing.signin import verified_device
from tests.factories import STAFF_PASSWORD, StaffUserFactory
from tests.staff.conftest import role_user, sign_in


def _attempt(client, username: str, password: str, address: str = "10.0.0.7"):
    return client.post(
        "/accounts/login/",
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def _events(name: str) -> list[tuple[str, str, str]]:
    return list(
        AuditEvent.objects.filter(event=name).values_list(
            "actor_label", "outcome", "source_address"
        )
    )


def test_the_sixth_attempt_with_the_right_password_is_refused(client, staff_member):
    # when five wrong passwords, then the right one, through the page
    wrong = [_attempt(client, "clerk", f"wrong-{n}") for n in range(5)]
    sixth = _attempt(client, "clerk", STAFF_PASSWORD)
    # then the first four say "wrong", the fifth locks, the sixth is refused
    assert [r.status_code for r in wrong] == [200, 200, 200, 200, 429]
    assert "用户名或密码不正确" in wrong[0].content.decode()
    assert sixth.status_code == 429
    assert "账号已锁定：连续 5 次登录失败。请 15 分钟后再试" in sixth.content.decode()
    assert SESSION_KEY not in client.session
    assert _events("auth.lockout") == [("clerk", "refused", "10.0.0.7")]
    failures = AuditEvent.objects.filter(event="auth.failure").order_by("id")
    assert [f.detail["reason"] for f in failures] == ["password"] * 5 + ["locked"]


def test_four_failures_do_not_lock(client, staff_member):
    # when
    for n in range(4):
        _attempt(client, "clerk", f"wrong-{n}")
    right = _attempt(client, "clerk", STAFF_PASSWORD)
    # then
    assert right.status_code == 302
    assert SESSION_KEY in client.session
    assert _events("auth.lockout") == []


@pytest.mark.parametrize(
    ("ago", "locked"),
    [(timedelta(minutes=14), True), (timedelta(minutes=15, seconds=1), False)],
)
def test_the_lockout_lasts_15_minutes(client, staff_member, ago, locked):
    # given a lockout whose last failure was `ago` (axes reads the real clock, not the
    # project's; the minute of margin covers slow requests)
    for n in range(5):
        _attempt(client, "clerk", f"wrong-{n}")
    attempt = AccessAttempt.objects.get(username="clerk")
    AccessAttempt.objects.filter(pk=attempt.pk).update(attempt_time=attempt.attempt_time - ago)
    # when
    response = _attempt(client, "clerk", STAFF_PASSWORD)
    # then
    assert (response.status_code == 429) is locked
    assert (SESSION_KEY in client.session) is not locked


def test_wrong_codes_count_towards_the_lockout_and_end_the_session(client, staff_member):
    # given the right password
    device = verified_device(staff_member)
    _attempt(client, "clerk", STAFF_PASSWORD)
    # when five wrong codes follow
    responses = []
    for _ in range(5):
        device.refresh_from_db()
        device.throttle_reset()  # django-otp's own 1-2-4 s throttle, not under test here
        responses.append(client.post("/accounts/verify/", {"code": "000000"}))
    again = _attempt(client, "clerk", STAFF_PASSWORD)
    # then
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert SESSION_KEY not in client.session
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert again.status_code == 429
    assert len(_events("auth.otp_failure")) == 5
    assert _events("auth.lockout") == [("clerk", "refused", "127.0.0.1")]


def test_one_person_locked_does_not_lock_the_office_behind_the_same_address(db, client):
    # given two colleagues behind one NAT address
    StaffUserFactory(username="clerk")
    StaffUserFactory(username="colleague")
    for n in range(5):
        _attempt(client, "clerk", f"wrong-{n}")
    # when the colleague signs in from the same address
    other = Client()
    response = _attempt(other, "colleague", STAFF_PASSWORD)
    # then
    assert response.status_code == 302


def test_many_failures_from_one_address_throttle_it(db, client, settings):
    # given a per-address limit of 6 failures (across usernames) in the window
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 6
    StaffUserFactory(username="target")
    for name in ("a", "b", "c"):
        for n in range(2):
            _attempt(client, name, f"guess-{n}")
    # when a seventh attempt comes, even with a right password, and one from elsewhere
    throttled = _attempt(Client(), "target", STAFF_PASSWORD)
    elsewhere = _attempt(Client(), "target", STAFF_PASSWORD, address="10.0.0.8")
    # then
    assert throttled.status_code == 429
    assert "本地址登录失败次数过多" in throttled.content.decode()
    assert elsewhere.status_code == 302
    assert _events("auth.throttled") == [("target", "refused", "10.0.0.7")]


def test_the_security_administrator_unlocks_an_account(db, client):
    # given a locked account
    clerk = StaffUserFactory(username="clerk")
    for n in range(5):
        _attempt(Client(), "clerk", f"wrong-{n}")
    security = role_user(Role.SECURITY)
    client.force_login(security)
    # when the security administrator unlocks it from their site
    response = client.post(
        "/admin/security/auth/user/",
        {"action": "unlock", "_selected_action": [clerk.pk]},
    )
    after = _attempt(Client(), "clerk", STAFF_PASSWORD)
    # then
    assert response.status_code == 302
    assert after.status_code == 302
    unlock = AuditEvent.objects.get(event="auth.unlock")
    assert (unlock.actor_id, unlock.object, unlock.source_address) == (
        security.pk,
        "username:clerk",
        "127.0.0.1",
    )


def test_the_unlock_command_lifts_a_lockout_and_is_audited(db):
    # given
    StaffUserFactory(username="clerk")
    for n in range(5):
        _attempt(Client(), "clerk", f"wrong-{n}")
    # when
    result = CliRunner().invoke(app, ["unlock", "clerk"])
    # then
    assert result.exit_code == 0, result.output
    assert _attempt(Client(), "clerk", STAFF_PASSWORD).status_code == 302
    assert AuditEvent.objects.get(event="auth.unlock").actor_label == "cli"


def test_a_full_sign_in_clears_earlier_failures(client, staff_member):
    # given four failures, then a sign-in with both factors
    for n in range(4):
        _attempt(Client(), "clerk", f"wrong-{n}")
    sign_in(client, staff_member)
    # when two more failures follow
    results = [_attempt(Client(), "clerk", f"again-{n}").status_code for n in range(2)]
    # then the account is not locked
    assert results == [200, 200]
