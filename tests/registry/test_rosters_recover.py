"""A roster confirmation killed mid-import, and what interrupted processes leave (issue 10 §6).

The attack: ``kill -9`` during 确认导入 left the import all-or-nothing (good) but the
batch could no longer be confirmed or cancelled (404), and its folder of full identity
numbers stayed world-readable until the purge. Here a real confirmation runs in a
child process against a file database (SQLite: a copy of the test database; on
PostgreSQL the test database itself), is paused inside the import's transaction after
its rows are written, and is killed.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection
from django.urls import reverse
from typer.testing import CliRunner

from jiuye.cli import app
from jiuye.registry import models as m
from jiuye.registry.rosters import batches
from jiuye.staff.models import StaffProfile
from tests.factories import StaffUserFactory
from tests.registry.rosterkit import ID_A, ID_B, NOW, TODAY, people_file, person_row

CHILD = r"""
import os, sys, time
from pathlib import Path
import django
django.setup()
from jiuye.core import clock
from jiuye.registry.rosters import batches, imports

real = imports.upsert

def paused(*args, **kwargs):
    result = real(*args, **kwargs)  # the rows are written, inside the import's transaction
    Path(os.environ["JIUYE_TEST_PAUSED"]).write_text("paused")
    time.sleep(600)
    return result

imports.upsert = paused  # test-only: the production code has no such hook
batches.confirm(batches.load(sys.argv[1]), actor_id=int(sys.argv[2]), now=clock.now())
"""


@pytest.fixture(autouse=True)
def var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    return settings.VAR_DIR


@pytest.fixture
def county_staff(divisions):
    user = StaffUserFactory(username="ningjiang")
    StaffProfile.objects.create(user=user, division=divisions["220702"])
    return user


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def _modes(var: Path) -> dict[str, int]:
    rosters = var / "rosters"
    return {str(p.relative_to(rosters)): _mode(p) for p in [rosters, *rosters.rglob("*")]}


def _upload(client, path: Path) -> str:
    old = os.umask(0)  # owner-only whatever the umask
    try:
        with path.open("rb") as handle:
            response = client.post(
                reverse("registry:rosters:upload"), {"kind": "person", "file": handle}
            )
    finally:
        os.umask(old)
    assert response.status_code == 302
    return response["Location"].rstrip("/").rsplit("/", 1)[1]


def _child_database(tmp_path: Path) -> str:
    """A DATABASE_URL for the child holding what the test wrote (all committed)."""
    if connection.vendor == "sqlite":
        target = tmp_path / "child.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        return f"sqlite:///{target}"
    s = connection.settings_dict
    return (
        f"postgresql://{quote(s['USER'] or '')}:{quote(s['PASSWORD'] or '')}@"
        f"{s['HOST'] or 'localhost'}:{s['PORT'] or 5432}/{s['NAME']}"
    )


def _people_in_child_database(url: str) -> int:
    if url.startswith("sqlite:///"):
        with sqlite3.connect(url.removeprefix("sqlite:///")) as db:  # rolls the journal back
            table = m.Person._meta.db_table  # a model name, not user input
            (count,) = db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()  # noqa: S608
            return int(count)
    return m.Person.objects.count()


def _kill_mid_import(client, var: Path, tmp_path: Path, token: str, actor: int) -> None:
    """Confirm ``token`` in a child process, wait until it is inside the import's
    transaction with its rows written, check a second confirmation is told to wait, and
    kill the child with SIGKILL."""
    paused = tmp_path / "paused"
    url = _child_database(tmp_path)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "JIUYE_VAR_DIR": str(var),
        "JIUYE_TEST_PAUSED": str(paused),
        "DJANGO_SETTINGS_MODULE": "jiuye.settings",
    }
    child = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", CHILD, token, str(actor)],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 300
        while not paused.exists():
            assert child.poll() is None, child.stderr.read() if child.stderr else ""
            assert time.monotonic() < deadline, "the child never reached the import"
            time.sleep(0.1)
        # meanwhile a second confirmation (another tab) is told to wait, not run twice
        busy = client.post(reverse("registry:rosters:confirm", args=[token]))
        assert busy.status_code == 409
        assert "正在导入" in busy.content.decode()
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL
    assert _people_in_child_database(url) == 0  # all or nothing: nothing


@pytest.mark.django_db(transaction=True)
def test_a_confirmation_killed_mid_import_imports_nothing_and_can_be_confirmed_again(
    client, county_staff, var, tmp_path
):
    # given
    client.force_login(county_staff)
    token = _upload(
        client, people_file(tmp_path / "p.xlsx", [person_row(ID_A), person_row(ID_B, "李四")])
    )
    # when
    _kill_mid_import(client, var, tmp_path, token, county_staff.pk)
    preview = client.get(reverse("registry:rosters:batch", args=[token]))
    confirmed = client.post(reverse("registry:rosters:confirm", args=[token]), follow=True)
    # then: the batch survived, previewed, and the page imports it once
    assert preview.status_code == 200
    assert "校验通过 2 行" in preview.content.decode()
    assert confirmed.redirect_chain == [(reverse("registry:rosters:index"), 302)]
    assert "新增 2 条" in confirmed.content.decode()
    assert sorted(m.Person.objects.values_list("resident_id", flat=True)) == sorted([ID_A, ID_B])
    assert [p.name for p in (var / "rosters").rglob("*")] == ["incoming"]


@pytest.mark.django_db(transaction=True)
def test_a_confirmation_killed_mid_import_leaves_an_owner_only_batch_that_can_be_cancelled(
    client, county_staff, var, tmp_path
):
    # given
    client.force_login(county_staff)
    token = _upload(client, people_file(tmp_path / "p.xlsx", [person_row(ID_A)]))
    before = _modes(var)
    # when
    _kill_mid_import(client, var, tmp_path, token, county_staff.pk)
    after = _modes(var)
    cancelled = client.post(reverse("registry:rosters:cancel", args=[token]), follow=True)
    # then: folders 0700, files 0600 (written under umask 0), before and after the kill
    expected = {
        ".": 0o700,
        "incoming": 0o700,
        token: 0o700,
        f"{token}/meta.json": 0o600,
        f"{token}/raw.parquet": 0o600,
        f"{token}/clean.parquet": 0o600,
        f"{token}/errors.parquet": 0o600,
        f"{token}/lock": 0o600,
    }
    assert before == expected
    assert after == expected
    assert "已取消" in cancelled.content.decode()
    assert not (var / "rosters" / token).exists()
    assert m.Person.objects.count() == 0


def test_a_batch_being_confirmed_cannot_be_confirmed_or_cancelled_until_it_is_done(
    client, county_staff, tmp_path
):
    # given: another process holds the batch (as a running confirmation does)
    client.force_login(county_staff)
    token = _upload(client, people_file(tmp_path / "p.xlsx", [person_row(ID_A)]))
    held = batches._try_lock(batches.root() / token)
    assert held is not None
    # when
    try:
        confirm = client.post(reverse("registry:rosters:confirm", args=[token]))
        cancel = client.post(reverse("registry:rosters:cancel", args=[token]))
    finally:
        os.close(held)
    again = client.post(reverse("registry:rosters:confirm", args=[token]))
    # then: refused while held, imported once released
    assert (confirm.status_code, cancel.status_code) == (409, 409)
    assert "正在导入" in confirm.content.decode()
    assert again.status_code == 302
    assert m.Person.objects.count() == 1


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then), follow_symlinks=False)


def test_recovery_restores_an_old_claim_removes_orphans_and_makes_folders_owner_only(
    divisions, tmp_path
):
    # given: a batch claimed by a confirmation of the previous version that was killed,
    batch = batches.preview(
        people_file(tmp_path / "p.xlsx", [person_row(ID_A)]),
        "person",
        filename="p.xlsx",
        user_id=None,
        today=TODAY,
        now=NOW,
    )
    claimed = batch.folder.with_name(batch.token + batches.CLAIMED)
    os.rename(batch.folder, claimed)
    claimed.chmod(0o755)
    (claimed / "raw.parquet").chmod(0o644)
    # an upload and a preview left by killed processes, and one still being received
    incoming = batches.root() / "incoming"
    stray = incoming / "tmpkilled.xlsx"
    stray.write_bytes(b"PK")
    staging = incoming / ".batch-killed"
    staging.mkdir()
    (staging / "raw.parquet").write_bytes(b"PAR1")
    with batches.upload_file() as (live, _):
        for entry in (stray, staging, live):
            _age(entry, 120)
        # when
        result = CliRunner().invoke(app, ["rosters-recover"])
        still_there = live.exists()
    # then
    assert result.exit_code == 0, result.output
    assert "恢复批次 1 个，删除残留 2 个" in result.output
    assert still_there  # its process holds it
    assert not stray.exists()
    assert not staging.exists()
    restored = batches.load(batch.token)
    assert restored is not None
    assert restored.status == "previewed"
    assert _mode(restored.folder) == 0o700
    assert _mode(restored.folder / "raw.parquet") == 0o600
    assert batches.confirm(restored, actor_id=None, now=NOW)["created"] == 1


def test_an_old_claim_is_restored_on_the_first_look_at_its_page(client, county_staff, tmp_path):
    # given
    client.force_login(county_staff)
    token = _upload(client, people_file(tmp_path / "p.xlsx", [person_row(ID_A)]))
    folder = batches.root() / token
    os.rename(folder, folder.with_name(token + batches.CLAIMED))
    # when
    response = client.get(reverse("registry:rosters:batch", args=[token]))
    # then
    assert response.status_code == 200
    assert folder.is_dir()
