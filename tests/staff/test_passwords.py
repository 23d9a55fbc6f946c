"""Password rules: length, classes, common list, username; rotation after 90 days."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from jiuye.bootstrap import DEMO_ACCOUNTS
from jiuye.staff import passwords
from jiuye.staff.models import PasswordRecord
from jiuye.staff.passwords import classes_used
from tests.factories import STAFF_PASSWORD, StaffUserFactory
from tests.staff.conftest import STRONG


def _codes(password: str, username: str = "wangfang") -> list[str]:
    from django.contrib.auth import get_user_model

    user = get_user_model()(username=username, first_name="王芳")
    try:
        validate_password(password, user)
    except ValidationError as error:
        return sorted({e.code or "" for e in error.error_list})
    return []


@pytest.mark.parametrize(
    ("password", "codes"),
    [
        ("Aa1-Bb2", ["password_too_short"]),  # 7 characters
        ("Aa1-Bb2-", []),  # exactly 8, four classes
        ("songyuan2018", ["password_too_few_classes"]),  # lower + digits: 2 classes
        ("Songyuan2018", []),  # 3 classes
        ("P@ssw0rd", ["password_too_common"]),  # 4 classes, 8 characters, but common
        ("Wangfang#2018", ["password_contains_username", "password_too_similar"]),
        ("gnafgnaw#2018X", ["password_contains_username", "password_too_similar"]),  # reversed
        ("Long#2018-wangfang-Extra", ["password_contains_username"]),  # not similar, contains
        (STRONG, []),
    ],
)
def test_the_rules_refuse_weak_passwords_and_accept_strong_ones(password, codes):
    assert _codes(password) == codes


def test_the_username_itself_is_refused():
    assert "password_contains_username" in _codes("Wangfang", username="Wangfang")
    assert "password_too_similar" in _codes("Wangfang", username="Wangfang")


@given(st.text(alphabet="abcXYZ123-_!中", min_size=8, max_size=30))
def test_the_classes_rule_accepts_exactly_the_passwords_of_three_classes(password):
    # an independent count: which of the four sets the characters come from
    sets = ("abc", "XYZ", "123", "-_!中")
    expected = sum(any(char in chars for char in password) for chars in sets)
    validator = passwords.CharacterClassesValidator(min_classes=3)
    refused = False
    try:
        validator.validate(password)
    except ValidationError:
        refused = True
    assert classes_used(password) == expected
    assert refused == (expected < 3)


def test_every_demo_password_satisfies_the_rules():
    from django.contrib.auth import get_user_model

    for account in DEMO_ACCOUNTS:
        user = get_user_model()(username=account.username, first_name=account.display_name)
        validate_password(account.password, user)  # raises if not


def test_the_change_page_refuses_a_weak_password_and_takes_a_strong_one(client, staff_member):
    # given
    client.force_login(staff_member)
    # when
    weak = client.post(
        "/accounts/password/change/",
        {"old_password": STAFF_PASSWORD, "new_password1": "songyuan", "new_password2": "songyuan"},
    )
    strong = client.post(
        "/accounts/password/change/",
        {"old_password": STAFF_PASSWORD, "new_password1": STRONG, "new_password2": STRONG},
    )
    # then
    assert weak.status_code == 200
    assert "密码须包含小写字母、大写字母、数字、其他字符中的至少 3 类。" in weak.content.decode()
    assert strong.status_code == 302
    staff_member.refresh_from_db()
    assert staff_member.check_password(STRONG)
    assert client.get("/workbench/").status_code == 200  # the session survived the change


@pytest.mark.parametrize(
    ("age", "status"), [(timedelta(days=90) - timedelta(seconds=1), 200), (timedelta(days=90), 302)]
)
def test_a_password_older_than_90_days_sends_staff_pages_to_the_change_page(
    db, client, clock, age, status
):
    # given a password set now (the clock is frozen)
    user = StaffUserFactory(username="rotator")
    assert PasswordRecord.objects.get(user=user).changed_at == clock.now()
    # when the clock reaches its age
    clock.advance(age)
    client.force_login(user)
    response = client.get("/registry/people/")
    # then
    assert response.status_code == status
    if status == 302:
        assert response["Location"] == "/accounts/password/change/?next=%2Fregistry%2Fpeople%2F"


def test_after_the_change_the_pages_open_again(db, client, clock):
    # given an expired password
    user = StaffUserFactory(username="rotator")
    clock.advance(timedelta(days=91))
    client.force_login(user)
    # when
    page = client.get("/accounts/password/change/?next=/workbench/")
    changed = client.post(
        "/accounts/password/change/",
        {
            "old_password": STAFF_PASSWORD,
            "new_password1": STRONG,
            "new_password2": STRONG,
            "next": "/workbench/",
        },
    )
    # then
    assert "您的密码已使用超过规定期限" in page.content.decode()
    assert changed["Location"] == "/workbench/"
    assert client.get("/workbench/").status_code == 200
    assert PasswordRecord.objects.get(user=user).changed_at == clock.now()


def test_rotation_is_off_at_zero_days(db, client, clock, settings):
    # given
    settings.PASSWORD_MAX_AGE_DAYS = 0
    user = StaffUserFactory(username="rotator")
    clock.advance(timedelta(days=3650))
    client.force_login(user)
    # then
    assert client.get("/workbench/").status_code == 200


def test_a_password_set_by_an_administrator_is_changed_at_next_sign_in(client, admin_client):
    # given the system administrator resets a clerk's password
    user = StaffUserFactory(username="clerk2")
    reset = admin_client.post(
        f"/admin/system/auth/user/{user.pk}/password/",
        {"password1": STRONG, "password2": STRONG, "usable_password": "true"},
    )
    # when the clerk signs in (with the new password: the account as it is now)
    user.refresh_from_db()
    client.force_login(user)
    response = client.get("/workbench/")
    # then
    assert reset.status_code == 302, reset.content.decode()[:2000]
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/password/change/")
    assert "您的密码由管理员设置" in client.get(response["Location"]).content.decode()
