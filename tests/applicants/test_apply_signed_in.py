"""The online application when signed in: no name, number or code to give again."""

from __future__ import annotations

from django.test import Client

from jiuye.applicants import contacts
from jiuye.applicants.models import Applicant
from jiuye.casework.models import Case, CaseState
from jiuye.core import messages
from jiuye.selfcheck.questionnaire import clean_state
from jiuye.selfcheck.services import draft_create
from tests.applicants.conftest import MOBILE, sign_in
from tests.casework.world import EMPLOYER_CODE, GRADUATE_ID, STARTUP_FACTS

EMPLOYER_ANSWERS = {
    "ui_insured": "true",
    "ui_premiums_paid_in_full": "true",
    "stabilization_measures": "true",
    "last_year_layoffs": "1",
    "last_year_avg_insured": "100",
    "pooling_region_code": "220000",
    "last_year_ui_premiums": "1234567",
}


def _start(client, rule, entity, answers):
    draft = draft_create(state=clean_state(entity, answers, [])).token
    return client.post("/banshi/apply/start/", {"rule": rule, "draft": draft})


def _person_answers():
    return {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in STARTUP_FACTS.items()}


def test_a_signed_in_person_files_without_details_or_code(world):
    client = Client()
    sign_in(client, GRADUATE_ID, "张小三")
    sent_before = len(messages.outbox)
    # when
    _start(client, "startup_subsidy", "person", _person_answers())
    page = client.get("/banshi/apply/")
    done = client.post("/banshi/apply/", {"step": "account", "subject": "self"})
    # then
    assert "无需再填写和获取验证码" in page.content.decode()
    assert "获取短信验证码" not in page.content.decode()
    assert done.status_code == 200, done.content.decode()
    case = Case.objects.get()
    assert (case.subject_id, case.subject_name, case.mobile) == (GRADUATE_ID, "张小三", MOBILE)
    assert case.state == CaseState.REVIEWING
    assert case.code in done.content.decode()
    assert 'href="/banshi/mine/"' in done.content.decode()
    assert not [m for m in messages.outbox[sent_before:] if m.purpose == "apply_code"]
    assert case.code in client.get("/banshi/mine/").content.decode()


def test_a_confirmed_contact_files_for_the_unit(world):
    client = Client()
    sign_in(client, GRADUATE_ID, "张小三")
    account = Applicant.objects.get()
    contact = contacts.declare(
        applicant=account, credit_code=EMPLOYER_CODE, unit_name="松原市示例科技有限公司"
    )
    contacts.confirm_at_counter(contact_id=contact.pk, staff=world.staff["county"])
    # when
    _start(client, "job_stabilization_subsidy", "employer", EMPLOYER_ANSWERS)
    done = client.post("/banshi/apply/", {"step": "account", "subject": str(contact.pk)})
    # then
    assert done.status_code == 200, done.content.decode()
    case = Case.objects.get()
    assert (case.subject_id, case.subject_name, case.contact_name, case.mobile) == (
        EMPLOYER_CODE,
        "松原市示例科技有限公司",
        "张小三",
        MOBILE,
    )
    assert case.employer == world.employer


def test_a_pending_contact_cannot_file_for_the_unit(world):
    client = Client()
    sign_in(client, GRADUATE_ID, "张小三")
    contact = contacts.declare(
        applicant=Applicant.objects.get(),
        credit_code=EMPLOYER_CODE,
        unit_name="松原市示例科技有限公司",
    )
    _start(client, "job_stabilization_subsidy", "employer", EMPLOYER_ANSWERS)
    # when
    page = client.get("/banshi/apply/")
    forged = client.post("/banshi/apply/", {"step": "account", "subject": str(contact.pk)})
    # then
    assert page.status_code == 403
    assert "您还不是任何单位的已确认经办人" in page.content.decode()
    assert forged.status_code == 403
    assert Case.objects.count() == 0


def test_the_anonymous_flow_offers_the_sign_in(world):
    client = Client()
    _start(client, "startup_subsidy", "person", _person_answers())
    page = client.get("/banshi/apply/").content.decode()
    assert 'href="/banshi/signin/?next=/banshi/apply/"' in page
    assert "获取短信验证码" in page
