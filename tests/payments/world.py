"""Ready cases for payment tests: filed, reviewed by three people, announced, passed.

Built on the casework test city (:mod:`tests.casework.world`): every case here went
through the real casework services, so its review steps are recorded."""

from __future__ import annotations

import datetime as dt
from typing import Any

from jiuye.casework import publicity, review
from jiuye.casework.filing import file_case
from jiuye.casework.models import Case, CaseState
from jiuye.identity import make_resident_id
from jiuye.payments import payees
from jiuye.registry.models import Person
from tests.casework.world import STARTUP_FACTS, World

#: The start-up subsidy's amount in the package (二（三）: 5000 yuan).
STARTUP_FEN = 500_000
AFTER_PERIOD = dt.date(2026, 6, 15)


def person(world: World, n: int) -> Person:
    number = make_resident_id(
        "220702", dt.date(1990, 1, 1) + dt.timedelta(days=n), 101 + 2 * n, "male"
    )
    return Person.objects.create(
        resident_id=number,
        name=f"申请人{n}",
        sex="male",
        birth_date=dt.date(1990, 1, 1) + dt.timedelta(days=n),
        division=world.divisions["220702001901"],
    )


def ready_case(world: World, who: Person, monkeypatch: Any) -> Case:
    """A start-up subsidy case of ``who``, through review and 公示 to READY."""
    monkeypatch.setattr(publicity, "period_days", lambda rule_id, on: 5)
    case = file_case(
        rule_id="startup_subsidy",
        subject_id=who.resident_id,
        subject_name=who.name,
        channel="online",
        mobile="13900001111",
        declared=STARTUP_FACTS,
    )
    for username in ("community", "county", "lead"):
        review.approve(code=case.code, user=world.staff[username])
    publicity.sweep(AFTER_PERIOD)
    case = Case.objects.get(pk=case.pk)
    assert case.state == CaseState.READY, case.state
    return case


def give_account(world: World, who: Person, number: str = "6222021234567890") -> Any:
    """An approved 社会保障卡 account: requested by one, approved by another."""
    from django.contrib.auth.models import Permission

    checker = world.staff["lead2"]
    checker.user_permissions.add(Permission.objects.get(codename="approve_payee_account"))
    checker = type(checker).objects.get(pk=checker.pk)  # drop the permission cache
    account = payees.request_account(
        actor=world.staff["county"],
        person=who,
        number=number,
        bank_name="中国工商银行松原分行",
        holder_name=who.name,
        reason="首次登记社会保障卡金融账户",
    )
    return payees.approve_account(account_id=account.pk, actor=checker)
