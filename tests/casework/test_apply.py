"""Online application from a self-check result, confirmed by a one-time code."""

from __future__ import annotations

import re

from django.test import Client

from jiuye.casework.models import Case, CaseState
from jiuye.core import messages
from jiuye.selfcheck.questionnaire import clean_state
from jiuye.selfcheck.services import draft_create
from tests.casework.world import GRADUATE_ID, STARTUP_FACTS


def _draft():
    answers = {
        k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in STARTUP_FACTS.items()
    }
    return draft_create(state=clean_state("person", answers, [])).token


def _start(client):
    return client.post(
        "/banshi/apply/start/", {"rule": "startup_subsidy", "entity": "person", "draft": _draft()}
    )


DETAILS = {
    "step": "details",
    "subject_name": "张小三",
    "subject_id": GRADUATE_ID,
    "mobile": "13900001111",
}


def _code():
    return re.search(r"验证码 (\d{6})", messages.outbox[-1].text).group(1)


def test_apply_from_the_self_check_with_a_code(world):
    client = Client()
    # when
    started = _start(client)
    sent = client.post("/banshi/apply/", DETAILS)
    done = client.post("/banshi/apply/", {"step": "code", "code": _code()})
    # then
    assert started.status_code == 302
    assert "验证码已发送到 139****1111" in sent.content.decode()
    case = Case.objects.get()
    assert case.channel == "online"
    assert case.status == "eligible"
    assert case.state == CaseState.REVIEWING
    assert case.code in done.content.decode()
    assert "13900001111" not in done.content.decode()


def test_a_wrong_code_is_counted_and_the_code_is_single_use(world):
    client = Client()
    _start(client)
    client.post("/banshi/apply/", DETAILS)
    code = _code()
    wrong = client.post(
        "/banshi/apply/", {"step": "code", "code": "000000" if code != "000000" else "111111"}
    )
    assert "还可再试 4 次" in wrong.content.decode()
    client.post("/banshi/apply/", {"step": "code", "code": code})
    assert Case.objects.count() == 1
    again = client.post("/banshi/apply/", {"step": "code", "code": code})
    assert again.status_code in (302, 404)
    assert Case.objects.count() == 1


def test_an_expired_code_is_refused(world, clock):
    from datetime import timedelta

    client = Client()
    _start(client)
    client.post("/banshi/apply/", DETAILS)
    clock.advance(timedelta(minutes=5, seconds=1))
    late = client.post("/banshi/apply/", {"step": "code", "code": _code()})
    assert "验证码已失效" in late.content.decode()
    assert Case.objects.count() == 0


def test_bad_details_keep_the_input(world):
    client = Client()
    _start(client)
    bad = client.post("/banshi/apply/", dict(DETAILS, mobile="123"))
    assert bad.status_code == 422
    assert "手机号码应为 11 位数字" in bad.content.decode()
    assert 'value="张小三"' in bad.content.decode()
    assert messages.outbox == []


def test_a_refused_filing_shows_why(world):
    client = Client()
    _start(client)
    client.post("/banshi/apply/", dict(DETAILS, subject_name="李四"))
    refused = client.post("/banshi/apply/", {"step": "code", "code": _code()})
    assert "姓名（名称）与登记信息不一致" in refused.content.decode()
    assert Case.objects.count() == 0


def test_without_a_self_check_there_is_nothing_to_apply_for(world):
    assert Client().get("/banshi/apply/").status_code == 404
    expired = Client().post("/banshi/apply/start/", {"rule": "startup_subsidy", "draft": "nope"})
    assert expired.status_code == 410


def test_apply_directly_from_a_measure_page(world):
    from jiuye.portal.measures import slug

    client = Client()
    page = client.get(f"/policies/m/{slug('二（三）')}/")
    link = "/banshi/apply/start/?rule=startup_subsidy"
    # when
    choice = client.get(link)
    started = client.post("/banshi/apply/start/", {"rule": "startup_subsidy", "direct": "1"})
    form = client.get("/banshi/apply/")
    client.post("/banshi/apply/", DETAILS)
    client.post("/banshi/apply/", {"step": "code", "code": _code()})
    # then
    assert link in page.content.decode()
    assert "去自助测评" in choice.content.decode()
    assert "直接申请" in choice.content.decode()
    assert started.status_code == 302
    assert "您选择了直接申请" in form.content.decode()
    case = Case.objects.get()
    assert case.channel == "online"
    assert case.declared == {}  # nothing declared: the registry's facts and staff decide


def test_a_direct_application_for_an_unknown_rule_is_refused(world):
    response = Client().get("/banshi/apply/start/?rule=no_such_rule")
    assert response.status_code == 404
    assert "没有这项补贴或扶持事项" in response.content.decode()
