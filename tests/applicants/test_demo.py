"""The demo applicant of ``make run``: made once, printed, and able to sign in."""

from __future__ import annotations

import datetime as dt

from django.test import Client

from jiuye.applicants.demo import DEMO_MOBILE, ensure_demo_applicant
from jiuye.applicants.models import Applicant, ContactState, EmployerContact
from jiuye.cli.setup import _print_demo_applicant
from jiuye.identity import make_resident_id
from jiuye.registry.models import Person
from tests.applicants.conftest import sign_in


def _resident(world) -> Person:
    return Person.objects.create(
        resident_id=make_resident_id("220702", dt.date(1980, 3, 4), 115, "male"),
        name="演示甲",
        sex="male",
        birth_date=dt.date(1980, 3, 4),
        division=world.divisions["220702001901"],
    )


def test_the_demo_applicant_is_made_once_and_acts_for_a_unit(world):
    person = _resident(world)
    # when
    first = ensure_demo_applicant()
    second = ensure_demo_applicant()
    # then
    assert first == second
    assert (first.resident_id, first.name, first.mobile) == (
        person.resident_id,
        "演示甲",
        DEMO_MOBILE,
    )
    assert Applicant.objects.count() == 1
    contact = EmployerContact.objects.get()
    assert (contact.state, contact.credit_code) == (
        ContactState.CONFIRMED,
        world.employer.credit_code,
    )


def test_the_printed_demo_details_sign_in(world, capsys):
    person = _resident(world)
    # when
    _print_demo_applicant()
    printed = capsys.readouterr().out
    response = sign_in(Client(), person.resident_id, "演示甲", mobile=DEMO_MOBILE)
    # then
    assert person.resident_id in printed
    assert "/banshi/dev/messages/" in printed
    assert response.status_code == 302


def test_without_synthetic_data_there_is_no_demo_applicant(db):
    assert ensure_demo_applicant() is None
