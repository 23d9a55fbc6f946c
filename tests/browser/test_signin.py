"""A new staff member's first sign-in in a real browser: password, the QR code of the
enrolment page read from a screenshot (as a phone would), the code computed from the
secret it carries; then a replayed code is refused."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import zxingcpp
from django_otp.plugins.otp_totp.models import TOTPDevice
from PIL import Image
from playwright.sync_api import expect

from jiuye.staff import twofactor
from tests.factories import STAFF_PASSWORD, StaffUserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _password(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/workbench/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_first_sign_in_enrols_by_qr_code_and_a_replayed_code_is_refused(
    live_server, page, requests_seen
):
    # given a new account without an authenticator
    StaffUserFactory(username="newcomer", first_name="新同事")
    # when they give their password, the enrolment page shows a QR code
    _password(page, live_server, "newcomer")
    expect(page.get_by_role("heading", level=1)).to_have_text("绑定身份验证器")
    png = page.get_by_test_id("otp-qr").screenshot()
    decoded = [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]
    # and the phone's code, computed from the secret in the QR code, binds it
    assert len(decoded) == 1
    uri = urlsplit(decoded[0])
    secret = parse_qs(uri.query)["secret"][0]
    code = twofactor.code_at(TOTPDevice(key=twofactor.key_from_secret(secret)))
    page.get_by_label("验证码").fill(code)
    page.get_by_role("button", name="绑定并登录").click()
    # then the backup codes are shown once, and the workbench opens
    expect(page.get_by_role("heading", level=1)).to_have_text("备用验证码")
    expect(page.get_by_test_id("backup-codes").get_by_role("listitem")).to_have_count(10)
    page.get_by_role("link", name="继续").click()
    expect(page.get_by_text("您好，新同事。")).to_be_visible()
    assert uri.scheme == "otpauth"
    assert uri.netloc == "totp"
    assert unquote(uri.path) == "/松原市公共就业服务:newcomer"
    assert secret == twofactor.secret(TOTPDevice.objects.get(user__username="newcomer"))
    # when they sign out and in again, giving the same code once more
    page.get_by_role("button", name="退出登录").click()
    _password(page, live_server, "newcomer")
    expect(page.get_by_role("heading", level=1)).to_have_text("动态验证码")
    page.get_by_label("验证码").fill(code)
    page.get_by_role("button", name="验证并登录").click()
    # then it is refused, and the workbench stays closed
    expect(page.get_by_role("alert")).to_contain_text("验证码不正确或已经用过")
    page.goto(f"{live_server.url}/workbench/")
    expect(page.get_by_role("heading", level=1)).to_have_text("动态验证码")
    assert requests_seen.external() == []
