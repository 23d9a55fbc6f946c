"""Employer contacts: declaring a unit, and how the first contact is confirmed."""

from __future__ import annotations

import pytest
from django.test import Client

from jiuye.applicants import contacts
from jiuye.applicants.errors import ApplicantInvalid, ApplicantNotFound
from jiuye.applicants.models import Applicant, ConfirmedVia, ContactState, EmployerContact
from jiuye.core.models import ChangeLog
from jiuye.identity import make_credit_code
from tests.applicants.conftest import sign_in
from tests.casework.world import EMPLOYER_CODE, GRADUATE_ID, OTHER_ID

UNIT = "松原市示例科技有限公司"


def _account(client, number=GRADUATE_ID, name="张小三", mobile="13900001111"):
    sign_in(client, number, name, mobile=mobile)
    return Applicant.objects.get(resident_id=number)


def test_a_contact_declares_the_unit_through_the_page_and_waits_for_a_counter(world):
    client = Client()
    _account(client)
    # when
    response = client.post(
        "/banshi/mine/employers/", {"credit_code": EMPLOYER_CODE, "unit_name": UNIT}
    )
    # then
    assert response.status_code == 302
    contact = EmployerContact.objects.get()
    assert (contact.state, contact.contact_name, contact.mobile) == (
        ContactState.PENDING,
        "张小三",
        "13900001111",
    )
    assert contact.employer == world.employer
    assert ChangeLog.objects.filter(entity="employer_contact", action="declare").count() == 1
    assert "待确认" in client.get("/banshi/mine/").content.decode()


def test_a_unit_name_other_than_the_registrys_is_refused_and_kept(world):
    client = Client()
    _account(client)
    response = client.post(
        "/banshi/mine/employers/", {"credit_code": EMPLOYER_CODE, "unit_name": "别的公司"}
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "单位名称与该统一社会信用代码的登记名称不一致" in page
    assert 'value="别的公司"' in page
    assert EmployerContact.objects.count() == 0


def test_an_invalid_credit_code_is_named(world):
    client = Client()
    account = _account(client)
    with pytest.raises(ApplicantInvalid, match="统一社会信用代码"):
        contacts.declare(applicant=account, credit_code="91220702MA0000001X", unit_name=UNIT)


def test_a_unit_the_registry_lacks_is_declared_with_the_name_given(world):
    client = Client()
    account = _account(client)
    code = make_credit_code("9", "1", "220702", "MA000002")
    contact = contacts.declare(applicant=account, credit_code=code, unit_name="新开的小店")
    assert (contact.employer, contact.unit_name) == (None, "新开的小店")


def test_the_counter_confirms_after_checking_the_licence(world, client):
    applicant_client = Client()
    account = _account(applicant_client)
    contact = contacts.declare(applicant=account, credit_code=EMPLOYER_CODE, unit_name=UNIT)
    client.force_login(world.staff["county"])
    # when the clerk forgets the check box, then ticks it
    queue = client.get("/workbench/applicants/contacts/").content.decode()
    unchecked = client.post(f"/workbench/applicants/contacts/{contact.pk}/", {"action": "confirm"})
    still = EmployerContact.objects.get().state
    done = client.post(
        f"/workbench/applicants/contacts/{contact.pk}/", {"action": "confirm", "checked": "on"}
    )
    # then
    assert UNIT in queue
    assert "220702********123X" in queue
    assert unchecked.status_code == 302
    assert still == ContactState.PENDING
    assert done.status_code == 302
    contact.refresh_from_db()
    assert contact.state == ContactState.CONFIRMED
    assert contact.confirmed_via == ConfirmedVia.COUNTER
    assert contact.confirmed_by == world.staff["county"]
    assert ChangeLog.objects.filter(entity="employer_contact", action="confirm").count() == 1


def test_a_refusal_needs_a_reason_the_contact_reads(world, client):
    account = _account(Client())
    contact = contacts.declare(applicant=account, credit_code=EMPLOYER_CODE, unit_name=UNIT)
    client.force_login(world.staff["county"])
    client.post(f"/workbench/applicants/contacts/{contact.pk}/", {"action": "refuse"})
    assert EmployerContact.objects.get().state == ContactState.PENDING
    client.post(
        f"/workbench/applicants/contacts/{contact.pk}/",
        {"action": "refuse", "note": "授权委托书未盖公章"},
    )
    assert EmployerContact.objects.get().state == ContactState.REFUSED


def test_the_list_shows_the_clerks_jurisdiction_and_a_code_finds_any_unit(world, client):
    # given a pending contact of a 宁江区 unit, and a 扶余市 clerk
    account = _account(Client())
    contacts.declare(applicant=account, credit_code=EMPLOYER_CODE, unit_name=UNIT)
    client.force_login(world.staff["fuyu"])
    # when
    listed = client.get("/workbench/applicants/contacts/").content.decode()
    found = client.get(f"/workbench/applicants/contacts/?credit_code={EMPLOYER_CODE}")
    # then
    assert UNIT not in listed
    assert UNIT in found.content.decode()


def test_a_staff_member_without_a_jurisdiction_is_refused(world, client):
    from tests.factories import StaffUserFactory

    client.force_login(StaffUserFactory(username="no_profile"))
    assert client.get("/workbench/applicants/contacts/").status_code == 403


def test_an_unknown_contact_is_not_found(world, client):
    client.force_login(world.staff["county"])
    response = client.post("/workbench/applicants/contacts/999999/", {"action": "confirm"})
    assert response.status_code == 404


def test_a_confirmed_contact_confirms_a_colleague(world):
    first_client, second_client = Client(), Client()
    first = _account(first_client)
    second = _account(second_client, OTHER_ID, "李四", "13900003333")
    mine = contacts.declare(applicant=first, credit_code=EMPLOYER_CODE, unit_name=UNIT)
    contacts.confirm_at_counter(contact_id=mine.pk, staff=world.staff["county"])
    theirs = contacts.declare(applicant=second, credit_code=EMPLOYER_CODE, unit_name=UNIT)
    # when the colleague's declaration is listed and confirmed from 我的办事
    page = first_client.get("/banshi/mine/").content.decode()
    done = first_client.post(f"/banshi/mine/employers/{theirs.pk}/confirm/")
    # then
    assert "待您确认的本单位经办人" in page
    assert "李*" in page
    assert done.status_code == 302
    theirs.refresh_from_db()
    assert theirs.state == ContactState.CONFIRMED
    assert theirs.confirmed_via == ConfirmedVia.COLLEAGUE
    assert theirs.confirmed_by_contact == mine


def test_a_pending_contact_cannot_confirm_another(world):
    first_client = Client()
    first = _account(first_client)
    second = _account(Client(), OTHER_ID, "李四", "13900003333")
    contacts.declare(applicant=first, credit_code=EMPLOYER_CODE, unit_name=UNIT)
    theirs = contacts.declare(applicant=second, credit_code=EMPLOYER_CODE, unit_name=UNIT)
    response = first_client.post(f"/banshi/mine/employers/{theirs.pk}/confirm/")
    assert response.status_code == 404
    with pytest.raises(ApplicantNotFound):
        contacts.confirm_by_colleague(contact_id=theirs.pk, applicant=first)
    assert EmployerContact.objects.filter(state=ContactState.PENDING).count() == 2
