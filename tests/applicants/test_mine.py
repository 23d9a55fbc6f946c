"""我的办事: the applicant's own cases and their units' cases, with what each shows."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from jiuye.applicants import contacts
from jiuye.applicants.models import Applicant, ContactState, EmployerContact
from jiuye.casework import review
from jiuye.casework.filing import file_case
from jiuye.casework.models import Case, CaseState
from tests.applicants.conftest import MOBILE, sign_in
from tests.casework.world import EMPLOYER_CODE, GRADUATE_ID, STARTUP_FACTS


def _own_case(world, mobile=MOBILE, **extra):
    return file_case(
        rule_id="startup_subsidy",
        subject_id=GRADUATE_ID,
        subject_name="张小三",
        mobile=mobile,
        declared=STARTUP_FACTS,
        channel=extra.pop("channel", "online"),
        **extra,
    )


def _unit_case(world):
    return file_case(
        rule_id="job_stabilization_subsidy",
        subject_id=EMPLOYER_CODE,
        subject_name="松原市示例科技有限公司",
        contact_name="赵会计",
        mobile="13900009999",
        channel="counter",
        actor=world.staff["fuyu"],
        taken_office=world.fuyu_office,
        taken_code="220781",
    )


def test_my_case_shows_state_steps_notice_deadline_and_decision(world):
    case = _own_case(world)
    review.return_for_supplement(
        code=case.code,
        user=world.staff["community"],
        items=[{"item": "营业执照", "problem": "扫描件不清晰"}],
        deadline=dt.date(2026, 6, 10),
    )
    client = Client()
    sign_in(client, GRADUATE_ID, "张小三")
    # when
    page = client.get("/banshi/mine/").content.decode()
    # then
    assert case.code in page
    assert "退回补正" in page
    assert "一次性告知：请在 2026-06-10 前一次补正以下全部事项" in page
    assert "营业执照：扫描件不清晰" in page
    assert "社区初审（幸福社区居委会）" in page
    assert "认定理由" in page
    assert "高校毕业生" in page  # a reason of the frozen decision
    assert 'href="/banshi/progress/"' in page


def test_my_counter_case_names_the_first_responders_office_phone(world):
    _own_case(
        world,
        channel="counter",
        actor=world.staff["fuyu"],
        taken_office=world.fuyu_office,
        taken_code="220781",
    )
    client = Client()
    sign_in(client, GRADUATE_ID, "张小三")
    page = client.get("/banshi/mine/").content.decode()
    assert "扶余市就业服务大厅 电话 0438-1" in page


def test_a_case_filed_with_another_mobile_is_counted_not_shown_after_an_sms_sign_in(world):
    # given a case someone filed under the number with another mobile
    case = _own_case(world, mobile="13900002222")
    client = Client()
    sign_in(client, GRADUATE_ID, "张小三")
    # when
    page = client.get("/banshi/mine/").content.decode()
    # then
    assert case.code not in page
    assert "另有 1 件以您的身份证号码申请的办件使用了其他手机号" in page


def test_a_supplement_from_my_page_answers_the_notice_once(world):
    case = _own_case(world)
    review.return_for_supplement(
        code=case.code,
        user=world.staff["community"],
        items=[{"item": "营业执照", "problem": "扫描件不清晰"}],
        deadline=dt.date(2026, 6, 10),
    )
    client = Client()
    sign_in(client, GRADUATE_ID, "张小三")
    # when
    done = client.post(f"/banshi/mine/cases/{case.code}/supplement/", {"response": "已送交清晰件"})
    again = client.post(f"/banshi/mine/cases/{case.code}/supplement/", {"response": "再交一次"})
    shown = client.get("/banshi/mine/").content.decode()
    # then
    assert (done.status_code, again.status_code) == (302, 302)
    case.refresh_from_db()
    assert case.state == CaseState.REVIEWING
    assert "此办件没有待补正的告知" in shown
    assert case.notices.get().response == "已送交清晰件"


def test_no_supplement_for_a_case_that_is_not_mine(world):
    case = _own_case(world, mobile="13900002222")
    client = Client()
    sign_in(client, GRADUATE_ID, "张小三")
    response = client.post(f"/banshi/mine/cases/{case.code}/supplement/", {"response": "x"})
    assert response.status_code == 404
    assert Case.objects.get().state == CaseState.REVIEWING


def test_a_confirmed_contact_sees_the_units_cases_and_a_pending_one_does_not(world):
    unit = _unit_case(world)
    client = Client()
    sign_in(client, GRADUATE_ID, "张小三")
    account = Applicant.objects.get()
    # when the contact has only declared the unit
    contact = contacts.declare(
        applicant=account, credit_code=EMPLOYER_CODE, unit_name="松原市示例科技有限公司"
    )
    pending = client.get("/banshi/mine/").content.decode()
    # and when a counter has confirmed it
    contacts.confirm_at_counter(contact_id=contact.pk, staff=world.staff["fuyu"])
    confirmed = client.get("/banshi/mine/").content.decode()
    # then
    assert unit.code not in pending
    assert "待确认" in pending
    assert "请携带营业执照（副本）和单位授权委托书到任一就业服务窗口确认" in pending
    assert unit.code in confirmed
    assert "稳岗补贴" in confirmed
    assert EmployerContact.objects.get().state == ContactState.CONFIRMED


def test_mine_needs_a_sign_in(world):
    response = Client().get("/banshi/mine/")
    assert response.status_code == 302
    assert response["Location"] == "/banshi/signin/?next=%2Fbanshi%2Fmine%2F"
    assert Client().post("/banshi/mine/employers/", {}).status_code == 404
