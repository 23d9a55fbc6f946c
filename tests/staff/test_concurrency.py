"""Security invariants under real concurrency (PostgreSQL): one TOTP code signs in once
even when two requests carry it at the same moment; two role grants at once cannot give
one account two administrator roles."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import DatabaseError, connections

from jiuye.staff import twofactor
from jiuye.staff.roles import Role, RoleConflict, assign_role, role_group
from jiuye.testing.signin import next_code, verified_device
from tests.factories import StaffUserFactory

pytestmark = pytest.mark.postgresql


def _at_once(work: Callable[[], str], count: int = 2) -> list[str]:
    start = threading.Barrier(count)
    outcomes: list[str] = []

    def run() -> None:
        start.wait()
        try:
            outcomes.append(work())
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_one_code_given_twice_at_once_is_accepted_once(transactional_db):
    # given
    user = StaffUserFactory(username="clerk")
    code = next_code(verified_device(user))

    # when two requests verify the same code at the same moment
    def verify() -> str:
        return "accepted" if twofactor.verify(user, code) is not None else "refused"

    # then the device row lock serialises them: the second sees the step used
    assert _at_once(verify) == ["accepted", "refused"]


def test_two_role_grants_at_once_leave_one_role(transactional_db):
    # given an account without a role, and both role groups
    user = StaffUserFactory(username="newadmin")
    role_group(Role.SECURITY)
    role_group(Role.AUDIT)
    roles = iter([Role.SECURITY, Role.AUDIT])
    lock = threading.Lock()

    def grant() -> str:
        with lock:
            role = next(roles)
        try:
            assign_role(user=user.__class__.objects.get(pk=user.pk), role=role)
        except (RoleConflict, DatabaseError):
            return "refused"
        return "granted"

    # when both are granted at the same moment
    outcomes = _at_once(grant)
    # then exactly one is held (the service serialises grants on the account's row)
    held = list(user.groups.values_list("name", flat=True))
    assert outcomes == ["granted", "refused"]
    assert len(held) == 1
