"""Roster batches hold full identity numbers: they are deleted when no longer needed."""

from __future__ import annotations

import os
import time

import pytest
from django.urls import reverse
from typer.testing import CliRunner

from jiuye.cli import app
from jiuye.registry import models as m
from jiuye.registry.rosters import batches
from jiuye.staff import models as staff_models
from tests.factories import StaffUserFactory
from tests.registry.rosterkit import ID_A, ID_B, NOW, TODAY, people_file, person_row


@pytest.fixture(autouse=True)
def var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


@pytest.fixture
def county_staff(divisions):
    user = StaffUserFactory(username="ningjiang")
    staff_models.StaffProfile.objects.create(user=user, division=divisions["220702"])
    return user


def _preview(path):
    return batches.preview(path, "person", filename=path.name, user_id=None, today=TODAY, now=NOW)


def _age(folder, hours):
    then = time.time() - hours * 3600
    os.utime(folder, (then, then))


def _upload(client, path):
    with path.open("rb") as handle:
        response = client.post(
            reverse("registry:rosters:upload"), {"kind": "person", "file": handle}
        )
    assert response.status_code == 302
    return response["Location"].rstrip("/").rsplit("/", 1)[1]


def test_a_confirmed_batch_leaves_nothing_on_disk(divisions, tmp_path, var):
    # given
    batch = _preview(people_file(tmp_path / "p.xlsx", [person_row(ID_A)]))
    assert (batch.folder / "raw.parquet").is_file()
    # when
    batches.confirm(batch, actor_id=None, now=NOW)
    # then
    assert m.Person.objects.count() == 1
    assert [p.name for p in (var / "rosters").rglob("*")] == ["incoming"]  # empty


def test_a_failed_confirm_keeps_the_batch_for_another_try(divisions, tmp_path, monkeypatch):
    # given
    batch = _preview(people_file(tmp_path / "p.xlsx", [person_row(ID_A)]))

    def failing(*args, **kwargs):
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(batches, "import_rows", failing)
    # when
    with pytest.raises(RuntimeError):
        batches.confirm(batch, actor_id=None, now=NOW)
    monkeypatch.undo()
    result = batches.confirm(batches.load(batch.token), actor_id=None, now=NOW)
    # then
    assert result["created"] == 1
    assert not batch.folder.exists()


def test_cancel_deletes_the_batch(client, county_staff, tmp_path):
    # given
    client.force_login(county_staff)
    token = _upload(client, people_file(tmp_path / "p.xlsx", [person_row(ID_A)]))
    folder = batches.root() / token
    assert folder.is_dir()
    # when
    response = client.post(reverse("registry:rosters:cancel", args=[token]), follow=True)
    # then
    assert response.redirect_chain == [(reverse("registry:rosters:index"), 302)]
    assert "已取消" in response.content.decode()
    assert not folder.exists()
    assert m.Person.objects.count() == 0
    assert client.post(reverse("registry:rosters:confirm", args=[token])).status_code == 404


def test_only_the_uploader_can_cancel(client, county_staff, divisions, tmp_path):
    # given
    client.force_login(county_staff)
    token = _upload(client, people_file(tmp_path / "p.xlsx", [person_row(ID_A)]))
    other = StaffUserFactory(username="other")
    staff_models.StaffProfile.objects.create(user=other, division=divisions["220702"])
    client.force_login(other)
    # when
    response = client.post(reverse("registry:rosters:cancel", args=[token]))
    # then
    assert response.status_code == 404
    assert (batches.root() / token).is_dir()


def test_purge_deletes_only_folders_older_than_the_limit(divisions, tmp_path, settings):
    # given
    settings.ROSTER_BATCH_MAX_AGE_HOURS = 24
    old = _preview(people_file(tmp_path / "a.xlsx", [person_row(ID_A)]))
    young = _preview(people_file(tmp_path / "b.xlsx", [person_row(ID_B, "李四")]))
    stray = batches.root() / "incoming" / "tmpabc.xlsx"
    stray.parent.mkdir(exist_ok=True)
    stray.write_bytes(b"PK")
    _age(old.folder, 25)
    _age(young.folder, 23)
    _age(stray, 25)
    # when
    removed = batches.purge()
    # then
    assert removed == 2
    assert not old.folder.exists()
    assert young.folder.is_dir()
    assert not stray.exists()
    assert batches.purge(hours=0, now=time.time() + 1) == 1


def test_every_upload_purges_expired_batches(client, county_staff, tmp_path, settings):
    # given
    settings.ROSTER_BATCH_MAX_AGE_HOURS = 1
    client.force_login(county_staff)
    first = _upload(client, people_file(tmp_path / "a.xlsx", [person_row(ID_A)]))
    _age(batches.root() / first, 2)
    # when
    second = _upload(client, people_file(tmp_path / "b.xlsx", [person_row(ID_B, "李四")]))
    # then
    assert not (batches.root() / first).exists()
    assert (batches.root() / second).is_dir()


def test_the_purge_command(divisions, tmp_path):
    # given
    old = _preview(people_file(tmp_path / "a.xlsx", [person_row(ID_A)]))
    young = _preview(people_file(tmp_path / "b.xlsx", [person_row(ID_B, "李四")]))
    _age(old.folder, 3)
    # when
    result = CliRunner().invoke(app, ["rosters-purge", "--hours", "2"])
    # then
    assert result.exit_code == 0, result.output
    assert "1 个" in result.output
    assert not old.folder.exists()
    assert young.folder.is_dir()
