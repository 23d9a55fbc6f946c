"""Identity numbers at rest: nothing in clear in any table, lookups and uniqueness by the
blind index, rotation, and the registration oracle of issue 10 §6."""

from __future__ import annotations

import base64
import os
import re

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from typer.testing import CliRunner

from jiuye.cli import app
from jiuye.core import crypto, keyfiles
from jiuye.core.encrypted import update_rows
from jiuye.registry import models as m
from jiuye.registry.rosters import batches
from jiuye.registry.services import person_upsert
from jiuye.staff import models as staff_models
from tests.factories import StaffUserFactory
from tests.registry.factories import PersonFactory
from tests.registry.rosterkit import ID_A, ID_B, NOW, TODAY, people_file, person_row

ID_X = "22070219900107139X"  # valid, with the check character X
runner = CliRunner()


@pytest.fixture(autouse=True)
def var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


def _staff(username: str, division: object, *, full: bool = False) -> object:
    user = StaffUserFactory(username=username)
    staff_models.StaffProfile.objects.create(
        user=user, division=division, can_view_full_identity=full
    )
    return user


def _raw_cells() -> list[tuple[str, str, str]]:
    """(table, column, text) of every non-null cell of every table, read by a cursor."""
    cells = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            q = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {q}")  # noqa: S608
            names = [d[0] for d in cursor.description]
            for row in cursor.fetchall():
                for name, value in zip(names, row, strict=True):
                    if value is not None:
                        text = value.hex() if isinstance(value, bytes | memoryview) else str(value)
                        cells.append((table, name, text))
    return cells


def test_no_identity_number_is_in_clear_in_any_table(client, divisions, tmp_path):
    # given people written every way: the service, the roster import, a factory; a
    # change (history), a reveal (access log) and an unmasked export
    city = _staff("city", divisions["220700"], full=True)
    person_upsert(
        actor=None,
        source="screen",
        data={"resident_id": ID_X.lower(), "name": "张三", "division": "220702001"},
    )
    path = people_file(tmp_path / "p.xlsx", [person_row(ID_A), person_row(ID_B)])
    batch = batches.preview(
        path, "person", filename="p.xlsx", user_id=city.pk, today=TODAY, now=NOW, prefix="2207"
    )
    batches.confirm(batch, actor_id=city.pk, now=NOW)
    made = PersonFactory()
    person_upsert(actor=None, source="screen", data={"resident_id": ID_A, "name": "李四"})
    client.force_login(city)
    person = m.Person.objects.by_resident_id(ID_A).get()
    revealed = client.post(reverse("registry:person_reveal", args=[person.pk]), {"reason": "核对"})
    exported = client.get(reverse("registry:person_export"))
    numbers = [ID_X, ID_A, ID_B, made.resident_id]
    # when
    cells = _raw_cells()
    # then the numbers were shown and exported, and are nowhere in the database
    assert ID_A in revealed.content.decode()
    assert exported.status_code == 200
    assert m.ChangeLog.objects.count() >= 3
    assert staff_models.SensitiveAccessLog.objects.count() == 2
    found = [
        (table, column)
        for table, column, text in cells
        for number in numbers
        if number in text.upper() or number[:17] in text
    ]
    assert found == []
    # the roster wrote the masked form as the services do
    assert m.Person.objects.by_resident_id(ID_B).get().resident_id_masked == "220721********1244"
    # and each table that holds the number holds it encrypted
    tokens = [text for table, column, text in cells if column == "resident_id"]
    assert len(tokens) == 4
    assert all(re.fullmatch(r"A256GCM:t1:[A-Za-z0-9+/=]+", t) for t in tokens)


def test_lookups_and_uniqueness_go_through_the_blind_index(divisions):
    # given
    person = person_upsert(
        actor=None,
        source="screen",
        data={"resident_id": ID_X, "name": "张三", "division": "220702001"},
    )
    # when: the same number with a small x is the same person
    again = person_upsert(
        actor=None, source="screen", data={"resident_id": ID_X.lower(), "name": "张叁"}
    )
    # then
    assert again.pk == person.pk
    assert m.Person.objects.count() == 1
    assert m.Person.objects.by_resident_id(ID_X.lower()).get().name == "张叁"
    assert list(
        m.Person.objects.filter(resident_id__in=[ID_X, ID_A]).values_list("pk", flat=True)
    ) == [person.pk]
    assert m.Person.objects.get(pk=person.pk).resident_id == ID_X
    assert m.Person.objects.get(pk=person.pk).resident_id_masked == "220702********139X"
    assert not m.Person.objects.filter(resident_id=ID_A).exists()


def test_a_second_row_with_the_same_number_is_refused_by_the_database(divisions):
    # given
    PersonFactory(resident_id=ID_X)
    # when / then: a lower-case x has the same blind index
    with pytest.raises(IntegrityError), transaction.atomic():
        PersonFactory(resident_id=ID_X.lower())
    assert m.Person.objects.count() == 1


def test_other_lookups_on_the_encrypted_column_are_refused(divisions):
    # when / then
    with pytest.raises(Exception, match="Unsupported lookup 'endswith'"):
        list(m.Person.objects.filter(resident_id__endswith="1234"))


def test_the_search_by_the_last_four_uses_the_masked_form(client, divisions):
    # given
    person = PersonFactory(resident_id=ID_X)
    PersonFactory()
    client.force_login(_staff("ningjiang", divisions["220702"]))
    # when
    page = client.get(reverse("registry:person_list"), {"q": "139x"})
    # then
    html = page.content.decode()
    assert person.resident_id_masked in html
    assert html.count("220702********") == 1


def test_a_token_moved_to_another_row_is_refused_at_the_reveal(client, divisions):
    # given two people; A's token copied into B's row
    a, b = PersonFactory(), PersonFactory()
    with connection.cursor() as cursor:
        cursor.execute("SELECT resident_id FROM registry_person WHERE id = %s", [a.pk])
        (token,) = cursor.fetchone()
    update_rows(connection, "registry_person", ("resident_id",), [(b.pk, token)])
    client.force_login(_staff("city", divisions["220700"], full=True))
    # when
    response = client.post(reverse("registry:person_reveal", args=[b.pk]), {"reason": "核对"})
    # then a server error naming no number, and neither number shown
    assert response.status_code == 500
    assert a.resident_id not in response.content.decode()
    assert b.resident_id not in response.content.decode()


def _key_file(tmp_path, settings, monkeypatch) -> object:
    path = tmp_path / "field-keys"
    lines = [
        f"enc k1 {base64.b64encode(os.urandom(32)).decode()}",
        f"index i1 {base64.b64encode(os.urandom(32)).decode()}",
    ]
    keyfiles.write_private(path, "\n".join(lines) + "\n")
    monkeypatch.delenv(crypto.ENV_KEYS)
    settings.FIELD_KEY_FILE = str(path)
    crypto.reset_keyring()
    return path


def _headers() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT resident_id, resident_id_index FROM registry_person ORDER BY id")
        return [f"{t.split(':')[1]} {i.split(':')[0]}" for t, i in cursor.fetchall()]


def test_rotation_reencrypts_every_row_under_a_new_key(divisions, tmp_path, settings, monkeypatch):
    # given rows under k1 (from a key file)
    path = _key_file(tmp_path, settings, monkeypatch)
    try:
        people = [PersonFactory() for _ in range(5)]
        numbers = [p.resident_id for p in people]
        # when
        status_before = runner.invoke(app, ["keys", "status"])
        rotated = runner.invoke(app, ["keys", "rotate", "--batch", "2"])
        crypto.reset_keyring()
        status_after = runner.invoke(app, ["keys", "status"])
        after = _headers()
        again = runner.invoke(app, ["keys", "rotate", "--batch", "2"])
        # then
        assert rotated.exit_code == 0, rotated.output
        assert "A256GCM:k1 5" in status_before.output
        assert "重新加密 5 行" in rotated.output
        assert after == ["k2 i1"] * 5
        assert "A256GCM:k2 5" in status_after.output
        assert "k1 5" not in status_after.output
        assert [p.resident_id for p in m.Person.objects.order_by("id")] == numbers
        assert m.Person.objects.by_resident_id(numbers[0]).exists()
        # a second rotation makes k3; the key file keeps the old keys, 0600
        assert "重新加密 5 行" in again.output
        keys = keyfiles.read_key_file(path, algorithm="A256GCM")
        assert [k.id for k in keys.encryption] == ["k3", "k2", "k1"]
        assert oct(path.stat().st_mode & 0o777) == "0o600"
        assert "BASE64" not in status_after.output
        assert path.read_text().split()[-1] not in (status_after.output)
    finally:
        crypto.reset_keyring()


def test_an_interrupted_rotation_is_finished_by_running_it_again(
    divisions, tmp_path, settings, monkeypatch
):
    # given half the rows re-encrypted under k2 when the rotation stopped
    _key_file(tmp_path, settings, monkeypatch)
    try:
        people = [PersonFactory() for _ in range(4)]
        ring = keyfiles.add_key(crypto.keyring(), crypto.ENCRYPTION)
        crypto.reset_keyring()
        for person in people[:2]:
            person.save()  # a save writes under the current key
        assert sorted(_headers()) == ["k1 i1", "k1 i1", "k2 i1", "k2 i1"]
        # when
        resumed = runner.invoke(app, ["keys", "rotate"])
        # then
        assert resumed.exit_code == 0, resumed.output
        assert "继续重新加密" in resumed.output
        assert "重新加密 2 行，原已使用当前密钥 2 行" in resumed.output
        assert set(_headers()) == {"k2 i1"}
        assert (
            [k.id for k in crypto.keyring().encryption]
            == ["k2", "k1"]
            == [k.id for k in ring.encryption]
        )
    finally:
        crypto.reset_keyring()


def test_rotating_the_index_key_rebuilds_the_index(divisions, tmp_path, settings, monkeypatch):
    # given
    _key_file(tmp_path, settings, monkeypatch)
    try:
        person = PersonFactory(resident_id=ID_X)
        # when
        rebuilt = runner.invoke(app, ["keys", "rotate", "--index"])
        crypto.reset_keyring()
        # then
        assert rebuilt.exit_code == 0, rebuilt.output
        assert _headers() == ["k1 i2"]
        assert m.Person.objects.by_resident_id(ID_X.lower()).get().pk == person.pk
    finally:
        crypto.reset_keyring()


def test_with_keys_in_the_environment_rotation_asks_for_the_new_key_first(divisions):
    # given
    PersonFactory()
    # when
    refused = runner.invoke(app, ["keys", "rotate"])
    # then
    assert refused.exit_code == 2
    assert "JIUYE_FIELD_KEYS" in refused.output + str(refused.stderr)


# ---------------------------------------------------------------- registration oracle


def _preview_body(client, path) -> tuple[str, str]:
    with path.open("rb") as handle:
        uploaded = client.post(
            reverse("registry:rosters:upload"), {"kind": "person", "file": handle}
        )
    assert uploaded.status_code == 302
    body = client.get(uploaded["Location"]).content.decode()
    token = uploaded["Location"].rstrip("/").rsplit("/", 1)[1]
    body = body.replace(token, "TOKEN")
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "CSRF", body)
    body = re.sub(r'<meta name="csrf-token" content="[^"]+">', "CSRF", body)
    return re.sub(r'"X-CSRFToken": "[^"]+"', "CSRF", body), token


def test_a_community_preview_does_not_tell_whether_a_number_is_registered_elsewhere(
    client, divisions, tmp_path
):
    # given a person registered in another county, and a community account of 宁江区
    elsewhere = PersonFactory(resident_id=ID_B, division=divisions["220721100"], name="王五")
    community = _staff("tuanjie", divisions["220702001"])
    client.force_login(community)
    known = people_file(tmp_path / "known.xlsx", [person_row(ID_B, name="赵六")])
    fresh = people_file(tmp_path / "fresh.xlsx", [person_row(ID_A, name="赵六")])
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    known = known.rename(tmp_path / "a" / "花名册.xlsx")
    fresh = fresh.rename(tmp_path / "b" / "花名册.xlsx")
    # when
    known_body, known_token = _preview_body(client, known)
    fresh_body, _ = _preview_body(client, fresh)
    # then the two previews are the same page
    assert known_body == fresh_body
    assert "校验通过 1 行" in known_body
    assert "管辖范围以外" not in known_body
    # and confirming routes the known one to the competent office, changing nothing
    client.post(reverse("registry:rosters:confirm", args=[known_token]))
    elsewhere.refresh_from_db()
    assert (elsewhere.name, elsewhere.division.code) == ("王五", "220721100")
    referral = m.Referral.objects.get()
    assert (referral.person_id, referral.division.code, referral.values) == (
        elsewhere.pk,
        "220702001",
        {"name": "赵六"},
    )
    assert referral.submitted_by == community
    assert m.Person.objects.count() == 1


def test_a_community_reference_to_a_person_elsewhere_reads_as_not_registered(divisions, tmp_path):
    # given
    from jiuye.registry.rosters import specs
    from tests.registry.rosterkit import workbook

    PersonFactory(resident_id=ID_B, division=divisions["220721100"])
    rows = [[number, "单位就业", "2018-03-01", None, None, None, None] for number in (ID_A, ID_B)]
    path = workbook(tmp_path / "e.xlsx", specs.EMPLOYMENT.headers, rows)
    # when
    batch = batches.preview(
        path, "employment", filename="e.xlsx", user_id=None, today=TODAY, now=NOW, prefix="220702"
    )
    errors = batch.frame("errors").select("row", "message").rows()
    # then: the same words for a number registered nowhere and one registered elsewhere
    assert errors[0][1] == errors[1][1]
    assert "管辖范围内没有该人员" in errors[0][1]


def test_a_process_whose_index_key_differs_from_the_rows_refuses_to_look_up(divisions):
    # given rows indexed under the test key, and a process with another secret, same id
    PersonFactory(resident_id=ID_X)
    encryption = os.environ[crypto.ENV_KEYS].split(";")[0]
    other = crypto.parse_keys(
        f"{encryption}; index ti1 {base64.b64encode(os.urandom(32)).decode()}", source="测试"
    )
    # when: a lookup would find nothing, so a roster would register everyone again
    with crypto.use_keyring(other), pytest.raises(crypto.FieldCryptoError) as refused:
        m.Person.objects.by_resident_id(ID_X).exists()
    # then
    assert refused.value.code == "crypto_index_key"
    assert m.Person.objects.by_resident_id(ID_X).exists()
