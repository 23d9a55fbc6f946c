from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError

from jiuye.core import clock
from jiuye.identity import make_credit_code, make_resident_id
from jiuye.registry.models import ChangeLog, Employer, Person, Source
from jiuye.registry.services import (
    RegistryError,
    employer_upsert,
    employer_year_upsert,
    household_add_member,
    household_add_status,
    household_upsert,
    person_add_record,
    person_upsert,
)
from tests.registry.factories import PersonFactory

ID = make_resident_id("220702", dt.date(1990, 1, 7), 124, "female")


def test_person_upsert_creates_with_sex_and_birth_date_from_the_id(divisions, staff_user):
    # when
    person = person_upsert(
        actor=staff_user,
        source=Source.SCREEN,
        data={
            "resident_id": ID.lower(),
            "name": "李小红",
            "division": "220702001",
            "hukou_type": "urban",
        },
    )
    # then
    person.refresh_from_db()
    assert (person.resident_id, person.sex, person.birth_date) == (
        ID,
        "female",
        dt.date(1990, 1, 7),
    )
    assert person.division == divisions["220702001"]
    log = ChangeLog.objects.get()
    assert (log.entity, log.object_id, log.action, log.source, log.actor) == (
        "person",
        person.pk,
        "create",
        "screen",
        staff_user,
    )
    # a creation logs the values given, masked; sex and birth date (from the ID) never
    assert log.changes == {
        "resident_id": ID[:6] + "********" + ID[14:],
        "name": "李**",
        "division": "220702001",
        "hukou_type": "urban",
    }


def test_history_never_holds_the_id_number_or_name_in_clear(divisions, staff_user):
    # given
    person_upsert(
        actor=staff_user,
        source=Source.SCREEN,
        data={"resident_id": ID, "name": "李小红", "division": "220702001"},
    )
    # when
    person_upsert(
        actor=None,
        source=Source.ROSTER,
        data={"resident_id": ID, "name": "李晓红", "is_disabled": True},
    )
    # then
    text = json.dumps([log.changes for log in ChangeLog.objects.all()], ensure_ascii=False)
    assert ID not in text
    assert "李小红" not in text
    assert "李晓红" not in text
    update = ChangeLog.objects.get(action="update")
    assert update.changes == {
        "name": {"old": "李**", "new": "李**"},
        "is_disabled": {"old": None, "new": True},
    }
    assert update.source == "roster"
    assert update.actor is None


def test_an_unchanged_upsert_writes_no_history(divisions):
    # given
    data = {"resident_id": ID, "name": "李小红", "division": "220702001"}
    person_upsert(actor=None, source=Source.SCREEN, data=data)
    # when
    person_upsert(actor=None, source=Source.SCREEN, data=data)
    # then
    assert ChangeLog.objects.count() == 1
    assert Person.objects.count() == 1


def test_a_bad_id_number_is_refused_and_nothing_is_written(divisions):
    # given
    bad = ID[:-1] + ("0" if ID[-1] != "0" else "1")
    # when
    with pytest.raises(RegistryError) as caught:
        person_upsert(
            actor=None,
            source=Source.SCREEN,
            data={"resident_id": bad, "name": "李小红", "division": "220702001"},
        )
    # then
    assert (caught.value.code, caught.value.field) == ("id_checksum", "resident_id")
    assert Person.objects.count() == 0
    assert ChangeLog.objects.count() == 0


def test_an_unknown_source_or_field_is_refused(divisions):
    # when / then
    with pytest.raises(RegistryError, match="source"):
        person_upsert(actor=None, source="phone", data={"resident_id": ID})
    with pytest.raises(RegistryError, match="salary"):
        person_upsert(actor=None, source=Source.SCREEN, data={"resident_id": ID, "salary": 1})
    assert Person.objects.count() == 0


def test_employer_upsert_validates_the_credit_code_and_keeps_money_in_fen(divisions):
    # given
    code = make_credit_code("9", "1", "220702", "MA000001")
    # when
    employer = employer_upsert(
        actor=None,
        source=Source.EXCHANGE,
        data={
            "credit_code": code,
            "name": "松原市示例有限公司",
            "kind": "enterprise",
            "ownership": "state_controlled",
            "division": "220702001",
        },
    )
    year = employer_year_upsert(
        actor=None,
        source=Source.EXCHANGE,
        employer=employer,
        year=2017,
        data={"ui_premiums_fen": 1234567, "layoffs": 0},
    )
    # then
    year.refresh_from_db()
    assert year.ui_premiums_fen == 1234567
    assert employer.state_owned_or_controlled
    with pytest.raises(RegistryError) as caught:
        employer_upsert(
            actor=None,
            source=Source.EXCHANGE,
            data={
                "credit_code": code[:-1] + "0",
                "name": "x",
                "kind": "enterprise",
                "division": "220702001",
            },
        )
    assert caught.value.field == "credit_code"
    assert Employer.objects.count() == 1
    assert list(ChangeLog.objects.values_list("entity", "action")) == [
        ("employer", "create"),
        ("employer", "year"),
    ]


def test_records_and_household_statuses_are_logged_against_their_owner(divisions):
    # given
    person = PersonFactory()
    household = household_upsert(
        actor=None, source=Source.EXCHANGE, number="H-1", division="220702001"
    )
    # when
    household_add_member(
        actor=None, source=Source.EXCHANGE, household=household, person=person, relation="户主"
    )
    household_add_status(
        actor=None,
        source=Source.EXCHANGE,
        household=household,
        data={"kind": "dibao", "start": dt.date(2017, 1, 1)},
    )
    person_add_record(
        actor=None,
        source=Source.SCREEN,
        person=person,
        kind="certificate",
        data={"level": 4, "occupation": "电工", "issue_date": dt.date(2018, 3, 1)},
    )
    # then
    assert person.membership.household == household
    assert person.certificates.get().level == 4
    actions = list(ChangeLog.objects.values_list("entity", "action"))
    assert actions == [
        ("household", "create"),
        ("household", "member"),
        ("household", "add"),
        ("person", "add"),
    ]
    with pytest.raises(RegistryError):
        household_add_status(
            actor=None,
            source=Source.EXCHANGE,
            household=household,
            data={"kind": "dibao", "start": dt.date(2018, 1, 1), "end": dt.date(2017, 1, 1)},
        )
    assert household.statuses.count() == 1


@pytest.mark.parametrize(
    ("kind", "data", "end_field"),
    [
        (
            "grassroots_service",
            {
                "program": "sanzhi_yifu",
                "division": "220702001",
                "start": dt.date(2016, 8, 1),
                "end": dt.date(2018, 8, 1),
                "assessment_passed": True,
            },
            "end",
        ),
        (
            "recognition",
            {
                "kind": "city_return_entrepreneur_leader",
                "recognised_on": dt.date(2018, 5, 1),
                "recognised_by": "市返乡创业办",
                "document_number": "松返创〔2018〕1号",
            },
            "revoked_on",
        ),
        (
            "rural_transfer",
            {"division": "220702001", "registered_on": dt.date(2017, 3, 1)},
            "ended_on",
        ),
    ],
)
def test_programme_records_are_added_and_logged_and_an_end_before_the_start_is_refused(
    divisions, staff_user, kind, data, end_field
):
    # given
    person = PersonFactory()
    # when
    record = person_add_record(
        actor=staff_user, source=Source.SCREEN, person=person, kind=kind, data=data
    )
    with pytest.raises(RegistryError) as caught:
        person_add_record(
            actor=staff_user,
            source=Source.SCREEN,
            person=person,
            kind=kind,
            data={**data, end_field: dt.date(2015, 1, 1)},
        )
    # then
    assert type(record).objects.filter(person=person).count() == 1
    assert (caught.value.code, caught.value.field) == ("invalid_period", end_field)
    log = ChangeLog.objects.get()
    assert (log.entity, log.object_id, log.action, log.actor) == (
        "person",
        person.pk,
        "add",
        staff_user,
    )
    # an added record logs its values, as a roster import does
    assert log.changes == {
        kind: {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in data.items()}
    }


def test_a_grassroots_programme_outside_the_engines_choices_is_refused(divisions):
    # given
    person = PersonFactory()
    # when
    with pytest.raises(ValidationError):
        person_add_record(
            actor=None,
            source=Source.SCREEN,
            person=person,
            kind="grassroots_service",
            data={"program": "volunteer", "division": "220702001", "start": dt.date(2016, 8, 1)},
        )
    # then
    assert person.grassroots_services.count() == 0
    assert ChangeLog.objects.count() == 0


def test_the_registry_programmes_are_the_engines_grassroots_choices():
    # given
    from jiuye.evaluation import package
    from jiuye.registry.models import GrassrootsProgram

    # then
    engine = set(package().facts["grassroots_program"].choices or {})
    assert set(GrassrootsProgram.values) == engine - {"none"}


def test_an_abolished_division_code_is_refused_with_its_date(divisions):
    # given
    divisions["220702001"].valid_to = clock.today()
    divisions["220702001"].save()
    # when
    with pytest.raises(RegistryError) as refused:
        person_upsert(
            actor=None,
            source=Source.SCREEN,
            data={"resident_id": ID, "name": "李小红", "division": "220702001"},
        )
    # then
    assert refused.value.code == "abolished_division"
    assert refused.value.message_zh.startswith("该区划代码已于")
    assert not Person.objects.exists()


def test_a_record_dated_before_its_divisions_abolition_may_name_it(divisions):
    # given: 团结街道 abolished on 2023-06-30
    divisions["220702001"].valid_to = dt.date(2023, 6, 30)
    divisions["220702001"].save()
    person = PersonFactory(division=divisions["220702"])
    # when: a 2018 registration there is recorded; one from the abolition day is not
    person_add_record(
        actor=None,
        source=Source.SCREEN,
        person=person,
        kind="unemployment_registration",
        data={"division": "220702001", "registered_on": dt.date(2023, 6, 29)},
    )
    with pytest.raises(RegistryError, match="撤销"):
        person_add_record(
            actor=None,
            source=Source.SCREEN,
            person=person,
            kind="unemployment_registration",
            data={"division": "220702001", "registered_on": dt.date(2023, 6, 30)},
        )
    # then
    assert person.unemployment_registrations.count() == 1
