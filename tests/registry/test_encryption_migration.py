"""Migration 0011 encrypts the identity numbers stored in clear, and decrypts them back."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from jiuye.core import crypto

BEFORE = [("registry", "0009_business_operating_since")]
NUMBERS = ["22070219900107139X", "220721198503011240"]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


def _latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


def _stored() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT resident_id, resident_id_index, resident_id_masked FROM registry_person "
            "ORDER BY id"
        )
        return cursor.fetchall()


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_stored_numbers_and_back():
    # given people stored with their numbers in clear
    old = _migrate(BEFORE)
    division = old.get_model("geo", "Division").objects.create(
        code="220702001", name="团结街道", level=4, vintage=dt.date(2017, 10, 31)
    )
    for number in NUMBERS:
        old.get_model("registry", "Person").objects.create(
            resident_id=number,
            name="张三",
            sex="male",
            birth_date=dt.date(1990, 1, 7),
            division=division,
        )
    try:
        # when
        _migrate(_latest())
        stored = _stored()
        # then: tokens, blind indexes and masked forms; the ORM reads the numbers back
        cipher = crypto.column("registry_person.resident_id")
        assert [cipher.decrypt(token) for token, _, _ in stored] == NUMBERS
        assert [index for _, index, _ in stored] == cipher.index_many(NUMBERS)
        assert [masked for _, _, masked in stored] == ["220702********139X", "220721********1240"]
        assert all(number not in str(stored) for number in NUMBERS)
        # and backwards the numbers are in clear again
        back = _migrate(BEFORE)
        rows = back.get_model("registry", "Person").objects.order_by("id")
        assert list(rows.values_list("resident_id", flat=True)) == NUMBERS
    finally:
        _migrate(_latest())
