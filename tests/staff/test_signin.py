"""Two factors for every staff account: password, then TOTP (enrolled at first sign-in
with a QR code), single-use backup codes, no replay, and every staff page enforcing it."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiuye.core.models import AuditEvent
from jiuye.staff import twofactor
from jiuye.testing.signin import next_code, verified_device
from tests.factories import STAFF_PASSWORD, StaffUserFactory
from tests.staff.conftest import sign_in

STAFF_PAGES = [
    "/workbench/",
    "/workbench/appointments/",
    "/registry/people/",
    "/registry/access-log/",
    "/registry/rosters/",
    "/admin/",
    "/admin/system/",
    "/admin/security/auth/user/",
    "/admin/audit/core/auditevent/",
]


def _password_step(client, username: str, next: str = "/workbench/"):
    return client.post(
        "/accounts/login/", {"username": username, "password": STAFF_PASSWORD, "next": next}
    )


def test_the_password_alone_opens_no_staff_page(staff_member):
    # given an enrolled account, and a client without the tests' shortcut
    client = Client()
    verified_device(staff_member)
    # when only the password is given
    first = _password_step(client, "clerk")
    pages = {url: client.get(url) for url in STAFF_PAGES}
    # then each page asks for the code first
    assert first["Location"] == "/accounts/verify/?next=%2Fworkbench%2F"
    for url, response in pages.items():
        assert response.status_code == 302, url
        assert response["Location"].startswith("/accounts/verify/?next="), url
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_a_staff_api_path_answers_401_or_403_without_two_factors(staff_member):
    # given
    anonymous, half = Client(), Client()
    verified_device(staff_member)
    _password_step(half, "clerk")
    # when
    nobody = anonymous.get("/api/v1/staff/anything")
    password_only = half.get("/api/v1/staff/anything")
    # then
    assert (nobody.status_code, nobody.json()["code"]) == (401, "not_signed_in")
    assert (password_only.status_code, password_only.json()["code"]) == (403, "otp_required")


def test_password_and_code_open_the_workbench_and_the_sign_in_is_audited(client, staff_member):
    # when
    response = sign_in(client, staff_member)
    # then
    assert response["Location"] == "/workbench/"
    assert client.get("/workbench/").status_code == 200
    events = list(AuditEvent.objects.values_list("event", "actor_id", "source_address", "outcome"))
    assert events == [
        ("auth.password_ok", staff_member.pk, "127.0.0.1", "ok"),
        ("auth.login", staff_member.pk, "127.0.0.1", "ok"),
    ]


def test_a_used_code_is_refused_when_replayed(client, staff_member):
    # given a sign-in with a code
    device = verified_device(staff_member)
    code = next_code(device)
    _password_step(client, "clerk")
    accepted = client.post("/accounts/verify/", {"code": code})
    client.post("/accounts/logout/")
    # when the same code is given again (within its 30 seconds)
    device.refresh_from_db()
    device.throttle_reset()
    _password_step(client, "clerk")
    replayed = client.post("/accounts/verify/", {"code": code})
    # then
    assert accepted.status_code == 302
    assert replayed.status_code == 200
    assert "验证码不正确或已经用过" in replayed.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get("/workbench/")["Location"].startswith("/accounts/verify/")
    assert AuditEvent.objects.filter(event="auth.otp_failure", actor_label="clerk").count() == 1


def test_a_code_older_than_the_last_used_one_is_refused_too(staff_member):
    # given the device accepted the current step
    device = verified_device(staff_member)
    now = next_code(device)
    assert twofactor.verify(staff_member, now) is not None
    # when the previous step's code (still inside the tolerance window) comes next
    device.refresh_from_db()
    device.throttle_reset()
    earlier = twofactor.code_at(device, at=(device.last_t - 1) * device.step + 1)
    # then
    assert twofactor.verify(staff_member, earlier) is None


def test_the_first_sign_in_enrols_an_authenticator_and_gives_backup_codes(client, staff_member):
    # when the password is given by an account without a device
    first = _password_step(client, "clerk")
    page = client.get(first["Location"])
    html = page.content.decode()
    secret = re.search(r'data-testid="otp-secret">([A-Z2-7 ]+)<', html).group(1)
    device = TOTPDevice.objects.get(user=staff_member)
    code = twofactor.code_at(TOTPDevice(key=twofactor.key_from_secret(secret)))
    done = client.post(first["Location"], {"code": code})
    # then the page showed a QR code and the secret; the device is now confirmed
    assert first["Location"] == "/accounts/enrol/?next=%2Fworkbench%2F"
    assert '<svg width="' in html
    assert 'class="segno"' in html
    assert secret.replace(" ", "") == twofactor.secret(device)
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", done.content.decode())
    assert len(codes) == 10
    assert TOTPDevice.objects.get(user=staff_member).confirmed
    assert client.get("/workbench/").status_code == 200
    assert set(AuditEvent.objects.values_list("event", flat=True)) >= {
        "auth.otp_enrol",
        "auth.login",
    }


def test_enrolment_refuses_a_wrong_code_and_keeps_the_same_secret(client, staff_member):
    # given
    first = _password_step(client, "clerk")
    before = client.get(first["Location"]).content.decode()
    # when
    wrong = client.post(first["Location"], {"code": "000000"})
    # then
    device = TOTPDevice.objects.get(user=staff_member)
    assert not device.confirmed
    assert wrong.status_code == 200
    assert twofactor.grouped_secret(device) in before
    assert twofactor.grouped_secret(device) in wrong.content.decode()


def test_a_backup_code_signs_in_once(client, staff_member):
    # given an enrolled account with backup codes
    verified_device(staff_member)
    codes = twofactor.new_backup_codes(staff_member)
    # when one is used twice
    _password_step(client, "clerk")
    first = client.post("/accounts/verify/", {"code": codes[3]})
    client.post("/accounts/logout/")
    _password_step(client, "clerk")
    again = client.post("/accounts/verify/", {"code": codes[3]})
    # then
    assert first["Location"] == "/workbench/"
    assert again.status_code == 200
    assert twofactor.backup_codes_left(staff_member) == 9
    login = AuditEvent.objects.get(event="auth.login")
    assert login.detail == {"factor": "backup", "backup_codes_left": 9}


def test_backup_codes_are_not_stored_in_clear(staff_member):
    from django_otp.plugins.otp_static.models import StaticToken

    codes = twofactor.new_backup_codes(staff_member)
    stored = set(StaticToken.objects.values_list("token", flat=True))
    assert len(stored) == 10
    assert not stored & {c.replace("-", "") for c in codes}


def test_an_outside_next_is_not_followed(client, staff_member):
    # when
    response = sign_in(client, staff_member, next="https://evil.example/")
    # then
    assert response["Location"] == "/workbench/"


@pytest.mark.parametrize(("allowed", "signed_in"), [(False, False), (True, True)])
def test_a_superuser_signs_in_only_where_the_setting_allows(
    db, client, settings, allowed, signed_in
):
    # given
    settings.SUPERUSER_LOGIN = allowed
    StaffUserFactory(username="root", is_superuser=True)
    # when
    response = client.post("/accounts/login/", {"username": "root", "password": STAFF_PASSWORD})
    # then
    assert (SESSION_KEY in client.session) is signed_in
    if not signed_in:
        assert "超级用户仅用于安装" in response.content.decode()
        failure = AuditEvent.objects.get(event="auth.failure")
        assert failure.detail == {"reason": "superuser"}


def test_a_superuser_session_opened_another_way_ends_at_the_next_request(db, client):
    # given (production settings: superusers may not sign in)
    root = StaffUserFactory(username="root", is_superuser=True)
    client.force_login(root)
    # when
    response = client.get("/workbench/")
    # then
    assert response.status_code == 302
    assert SESSION_KEY not in client.session
    assert AuditEvent.objects.get(event="session.ended").detail == {"reason": "superuser"}
