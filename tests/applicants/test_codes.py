"""One-time codes: single use, five minutes, five tries, one number, one purpose."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from jiuye.applicants import codes
from jiuye.applicants.models import OneTimeCode
from jiuye.core import messages

pytestmark = pytest.mark.django_db

MOBILE = "13900001111"
TEXT = "验证码 {code}，{minutes} 分钟内有效"


def _sent() -> str:
    return re.search(r"验证码 (\d{6})", messages.outbox[-1].text).group(1)


def _wrong(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def test_a_code_is_sent_and_only_its_digest_is_kept(clock):
    # when
    issued = codes.issue(purpose="signin_code", mobile=MOBILE, text=TEXT)
    # then
    code = _sent()
    row = OneTimeCode.objects.get()
    assert messages.outbox[-1].to == MOBILE
    assert "5 分钟内有效" in messages.outbox[-1].text
    assert issued.mobile_masked == "139****1111"
    assert issued.expires_at == clock.now() + timedelta(minutes=5)
    assert code not in (row.code_digest, row.mobile_digest)
    assert MOBILE not in row.mobile_digest
    codes.redeem(ticket=issued.ticket, code=code, purpose="signin_code", mobile=MOBILE)


def test_a_code_is_single_use(clock):
    issued = codes.issue(purpose="signin_code", mobile=MOBILE, text=TEXT)
    code = _sent()
    codes.redeem(ticket=issued.ticket, code=code, purpose="signin_code", mobile=MOBILE)
    # when used again
    with pytest.raises(codes.CodeRefused) as again:
        codes.redeem(ticket=issued.ticket, code=code, purpose="signin_code", mobile=MOBILE)
    # then
    assert again.value.code == "code_spent"
    assert again.value.message == "验证码已失效，请返回重新获取"


def test_a_code_is_valid_until_just_before_five_minutes(clock):
    issued = codes.issue(purpose="signin_code", mobile=MOBILE, text=TEXT)
    clock.advance(timedelta(minutes=4, seconds=59, microseconds=999999))
    codes.redeem(ticket=issued.ticket, code=_sent(), purpose="signin_code", mobile=MOBILE)


def test_a_code_has_expired_at_exactly_five_minutes(clock):
    issued = codes.issue(purpose="signin_code", mobile=MOBILE, text=TEXT)
    clock.advance(timedelta(minutes=5))
    with pytest.raises(codes.CodeRefused) as late:
        codes.redeem(ticket=issued.ticket, code=_sent(), purpose="signin_code", mobile=MOBILE)
    assert late.value.code == "code_spent"
    assert OneTimeCode.objects.get().used_at is None


def test_four_wrong_tries_leave_one_and_the_fifth_kills_the_code(clock):
    issued = codes.issue(purpose="signin_code", mobile=MOBILE, text=TEXT)
    code = _sent()
    messages_seen = []
    for _ in range(4):
        with pytest.raises(codes.CodeRefused) as wrong:
            codes.redeem(
                ticket=issued.ticket, code=_wrong(code), purpose="signin_code", mobile=MOBILE
            )
        messages_seen.append(wrong.value.message)
    # the fourth wrong try leaves one
    assert messages_seen[0] == "验证码不正确（还可再试 4 次）"
    assert messages_seen[-1] == "验证码不正确（还可再试 1 次）"
    # the fifth wrong try kills it
    with pytest.raises(codes.CodeRefused) as fifth:
        codes.redeem(ticket=issued.ticket, code=_wrong(code), purpose="signin_code", mobile=MOBILE)
    assert fifth.value.message == "验证码不正确，已错误 5 次，验证码已失效，请重新获取"
    # and then even the right code is refused
    with pytest.raises(codes.CodeRefused) as right:
        codes.redeem(ticket=issued.ticket, code=code, purpose="signin_code", mobile=MOBILE)
    assert right.value.code == "code_spent"
    assert OneTimeCode.objects.get().attempts == 5


def test_the_right_code_after_four_wrong_tries_still_passes(clock):
    issued = codes.issue(purpose="signin_code", mobile=MOBILE, text=TEXT)
    code = _sent()
    for _ in range(4):
        with pytest.raises(codes.CodeRefused):
            codes.redeem(
                ticket=issued.ticket, code=_wrong(code), purpose="signin_code", mobile=MOBILE
            )
    codes.redeem(ticket=issued.ticket, code=code, purpose="signin_code", mobile=MOBILE)
    assert OneTimeCode.objects.get().used_at == clock.now()


@pytest.mark.parametrize(
    ("purpose", "mobile"),
    [("apply_code", MOBILE), ("signin_code", "13900002222")],
    ids=["another purpose", "another number"],
)
def test_a_code_is_good_for_its_own_purpose_and_number_only(clock, purpose, mobile):
    issued = codes.issue(purpose="signin_code", mobile=MOBILE, text=TEXT)
    with pytest.raises(codes.CodeRefused):
        codes.redeem(ticket=issued.ticket, code=_sent(), purpose=purpose, mobile=mobile)
    assert OneTimeCode.objects.get().used_at is None


def test_an_unknown_ticket_is_refused(clock):
    with pytest.raises(codes.CodeRefused):
        codes.redeem(ticket="", code="123456", purpose="signin_code", mobile=MOBILE)


def test_codes_expired_for_a_day_are_deleted_when_a_new_one_is_sent(clock):
    codes.issue(purpose="signin_code", mobile=MOBILE, text=TEXT)
    clock.advance(timedelta(days=1, minutes=5, seconds=1))
    codes.issue(purpose="signin_code", mobile=MOBILE, text=TEXT)
    assert OneTimeCode.objects.count() == 1
