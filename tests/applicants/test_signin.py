"""Signing in to 个人/单位办事 by 居民身份证号码 + 姓名 + SMS code."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client

from jiuye.applicants import sessions
from jiuye.applicants.models import Applicant
from jiuye.core import messages
from jiuye.core.models import AuditEvent
from tests.applicants.conftest import MOBILE, last_code, sign_in
from tests.casework.world import GRADUATE_ID, OTHER_ID

DETAILS = {"step": "details", "resident_id": GRADUATE_ID, "name": "张小三", "mobile": MOBILE}


def test_a_registered_person_signs_in_and_an_account_is_opened(world):
    client = Client()
    # when
    done = sign_in(client, GRADUATE_ID, "张小三")
    mine = client.get("/banshi/mine/")
    # then
    assert done.status_code == 302
    assert done["Location"] == "/banshi/mine/"
    account = Applicant.objects.get()
    assert (account.resident_id, account.name, account.mobile) == (GRADUATE_ID, "张小三", MOBILE)
    assert mine.status_code == 200
    page = mine.content.decode()
    assert "张**" in page
    assert "220702********123X" in page
    assert GRADUATE_ID not in page
    assert MOBILE not in page
    assert "no-store" in mine["Cache-Control"]
    assert AuditEvent.objects.filter(event="applicant.login", outcome="ok").count() == 1


def test_the_identity_number_and_mobile_are_encrypted_at_rest(world):
    sign_in(Client(), GRADUATE_ID, "张小三")
    with connection.cursor() as cursor:
        cursor.execute("SELECT resident_id, mobile, resident_id_masked FROM applicants_applicant")
        raw_id, raw_mobile, masked = cursor.fetchone()
    assert GRADUATE_ID not in raw_id
    assert raw_id.startswith("A256GCM:")
    assert MOBILE not in raw_mobile
    assert masked == "220702********123X"


def test_a_wrong_name_for_a_registered_number_is_refused_after_the_code(world):
    client = Client()
    # when
    response = sign_in(client, GRADUATE_ID, "张小四")
    # then
    page = response.content.decode()
    assert response.status_code == 403
    assert "身份证号码与姓名不一致，请核对后重新填写" in page
    assert 'value="张小四"' in page  # what was typed is kept
    assert Applicant.objects.count() == 0
    assert sessions.KEY not in client.session
    assert AuditEvent.objects.filter(event="applicant.failure", outcome="refused").count() == 1
    # and the code was used up by the try
    again = client.post("/banshi/signin/", {"step": "code", "code": last_code()})
    assert again.status_code == 302
    assert again["Location"] == "/banshi/signin/"


def test_an_unregistered_number_opens_with_the_name_given_and_keeps_it(world):
    sign_in(Client(), OTHER_ID, "李四")
    # when someone gives another name for the same number
    refused = sign_in(Client(), OTHER_ID, "王五")
    # then the same words as for the registry's name, nothing about which record
    assert refused.status_code == 403
    assert "身份证号码与姓名不一致，请核对后重新填写" in refused.content.decode()
    assert Applicant.objects.get().name == "李四"


def test_a_later_sign_in_must_use_the_mobile_that_opened_the_account(world):
    sign_in(Client(), GRADUATE_ID, "张小三")
    # when
    other = sign_in(Client(), GRADUATE_ID, "张小三", mobile="13900002222")
    same = sign_in(Client(), GRADUATE_ID, "张小三")
    # then
    assert other.status_code == 403
    assert "已绑定其他手机号" in other.content.decode()
    assert same.status_code == 302
    assert Applicant.objects.get().mobile == MOBILE


def test_an_invalid_number_is_named_before_any_code_is_sent(world):
    response = Client().post("/banshi/signin/", dict(DETAILS, resident_id="22070219980101123"))
    page = response.content.decode()
    assert response.status_code == 422
    assert "居民身份证号码有误" in page
    assert 'value="张小三"' in page
    assert messages.outbox == []


def test_a_bad_mobile_is_refused_and_the_input_kept(world):
    response = Client().post("/banshi/signin/", dict(DETAILS, mobile="123"))
    assert response.status_code == 422
    assert "手机号码应为 11 位数字" in response.content.decode()
    assert messages.outbox == []


def test_a_wrong_code_is_counted_and_an_expired_one_refused(world, clock):
    client = Client()
    client.post("/banshi/signin/", DETAILS)
    code = last_code()
    wrong = client.post(
        "/banshi/signin/", {"step": "code", "code": "000000" if code != "000000" else "111111"}
    )
    assert wrong.status_code == 422
    assert "还可再试 4 次" in wrong.content.decode()
    clock.advance(timedelta(minutes=5))
    late = client.post("/banshi/signin/", {"step": "code", "code": code})
    assert late.status_code == 422
    assert "验证码已失效" in late.content.decode()
    assert Applicant.objects.count() == 0


def test_five_wrong_codes_end_the_code(world):
    client = Client()
    client.post("/banshi/signin/", DETAILS)
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        last = client.post("/banshi/signin/", {"step": "code", "code": wrong})
    assert "已错误 5 次" in last.content.decode()
    after = client.post("/banshi/signin/", {"step": "code", "code": code})
    assert after.status_code == 302
    assert after["Location"] == "/banshi/signin/"
    assert Applicant.objects.count() == 0


def test_codes_are_limited_per_mobile_number(world, settings, ratelimit_clock):
    settings.RATE_SIGNIN_CODES_PER_MOBILE = "2/h"
    client = Client()
    for _ in range(2):
        assert client.post("/banshi/signin/", DETAILS).status_code == 200
    # when the third is asked for within the hour
    third = client.post("/banshi/signin/", DETAILS)
    # then
    assert third.status_code == 429
    page = third.content.decode()
    assert "同一手机号每小时最多发送登录验证码 2 次" in page
    assert 'value="张小三"' in page
    assert len(messages.outbox) == 2
    # another number from the same address is still served
    assert client.post("/banshi/signin/", dict(DETAILS, mobile="13900002222")).status_code == 200
    # and after the hour the number is served again
    ratelimit_clock.advance(timedelta(hours=1))
    assert client.post("/banshi/signin/", DETAILS).status_code == 200


def test_codes_are_limited_per_address(world, settings, ratelimit_clock):
    settings.RATE_SIGNIN_CODES_PER_ADDRESS = "2/h"
    client = Client()
    for n in range(2):
        client.post("/banshi/signin/", dict(DETAILS, mobile=f"1390000111{n}"))
    third = client.post("/banshi/signin/", dict(DETAILS, mobile="13900001119"))
    assert third.status_code == 429
    assert "同一网络地址每小时最多发送登录验证码 2 次" in third.content.decode()
    assert len(messages.outbox) == 2


def test_sign_out_ends_the_applicant_session(world):
    client = Client()
    sign_in(client, GRADUATE_ID, "张小三")
    # when
    client.post("/banshi/signout/")
    # then
    mine = client.get("/banshi/mine/")
    assert mine.status_code == 302
    assert mine["Location"].startswith("/banshi/signin/?next=")
    assert AuditEvent.objects.filter(event="applicant.logout").count() == 1


def test_the_session_ends_after_the_idle_limit(world, clock, settings):
    settings.APPLICANT_SESSION_IDLE_MINUTES = 30
    client = Client()
    sign_in(client, GRADUATE_ID, "张小三")
    clock.advance(timedelta(minutes=29, seconds=59))
    assert client.get("/banshi/mine/").status_code == 200
    clock.advance(timedelta(minutes=30))
    assert client.get("/banshi/mine/").status_code == 302


def test_raising_the_epoch_ends_every_session_of_the_account(world):
    client = Client()
    sign_in(client, GRADUATE_ID, "张小三")
    # when
    sessions.end_all(Applicant.objects.get())
    # then
    assert client.get("/banshi/mine/").status_code == 302


def test_a_disabled_account_cannot_sign_in(world):
    client = Client()
    sign_in(client, GRADUATE_ID, "张小三")
    Applicant.objects.update(is_active=False)
    assert client.get("/banshi/mine/").status_code == 302
    again = sign_in(Client(), GRADUATE_ID, "张小三")
    assert again.status_code == 403
    assert "该账号已停用" in again.content.decode()


def test_next_goes_back_to_a_banshi_page_only(world):
    client = Client()
    done = sign_in(client, GRADUATE_ID, "张小三", next="/banshi/apply/")
    assert done["Location"] == "/banshi/apply/"
    client.post("/banshi/signout/")
    elsewhere = sign_in(Client(), GRADUATE_ID, "张小三", next="/workbench/")
    assert elsewhere["Location"] == "/banshi/mine/"
    offsite = sign_in(Client(), GRADUATE_ID, "张小三", next="//evil.example/banshi/")
    assert offsite["Location"] == "/banshi/mine/"


@pytest.mark.parametrize(
    ("path", "status", "location"),
    [
        ("/workbench/", 302, "/accounts/login/"),
        ("/workbench/cases/", 302, "/accounts/login/"),
        ("/workbench/applicants/contacts/", 302, "/accounts/login/"),
        ("/registry/people/", 302, "/accounts/login/"),
        ("/admin/system/", 302, "/accounts/login/"),
        ("/accounts/enrol/", 302, "/accounts/login/"),
        ("/api/v1/staff/cases", 401, None),
    ],
)
def test_an_applicant_reaches_no_staff_page_or_api(world, path, status, location):
    client = Client()
    sign_in(client, GRADUATE_ID, "张小三")
    # when
    response = client.get(path)
    # then
    assert response.status_code == status
    if location:
        assert response["Location"].startswith(location)
    assert "_auth_user_id" not in client.session


def test_a_signed_in_staff_member_cannot_sign_in_as_an_applicant_in_the_same_session(world, client):
    client.force_login(world.staff["county"])
    # when
    page = client.get("/banshi/signin/")
    post = client.post("/banshi/signin/", DETAILS)
    # then
    assert page.status_code == 409
    assert "您正以工作人员身份登录" in page.content.decode()
    assert post.status_code == 409
    assert messages.outbox == []


def test_a_staff_sign_in_drops_an_applicant_sign_in(world, client):
    sign_in(client, GRADUATE_ID, "张小三")
    assert sessions.KEY in client.session
    # when staff sign in in the same browser
    client.force_login(world.staff["county"])
    client.get("/workbench/")
    # then the session carries one identity
    assert sessions.KEY not in client.session
    assert client.get("/banshi/mine/").status_code == 302


def test_the_header_links_to_the_banshi_area(world):
    home = Client().get("/")
    assert 'href="/banshi/"' in home.content.decode()
    assert Client().get("/banshi/")["Location"] == "/banshi/signin/"
