"""The security audit trail: canonical form pinned, rows chained, head file, append-only."""

from __future__ import annotations

import json
import stat
from datetime import datetime

import pytest
from django.contrib.auth.models import User
from django.db import transaction
from django.test import RequestFactory

from jiuye.core import chain, trail
from jiuye.core.clock import SHANGHAI
from jiuye.core.models import AppendOnly, AuditChainHead, AuditEvent, ChangeLog
from jiuye.testing.pytest_plugin import FrozenClock

GOLDEN_CONTENT = {
    "sequence": 7,
    "at": datetime(2019, 6, 1, 10, 0, 0, 123, tzinfo=SHANGHAI),
    "actor_id": 3,
    "actor_label": "王经办",
    "event": "auth.login",
    "object": "user:3",
    "outcome": "ok",
    "source_address": "10.0.0.8",
    "detail": {"z": None, "a": [1, "二", True], "m": {"y": 2, "b": "x"}},
    "algorithm": "sm3",
}
GOLDEN_TEXT = (
    '{"actor_id":3,"actor_label":"王经办","algorithm":"sm3",'
    '"at":"2019-06-01T02:00:00.000123Z","detail":{"a":[1,"二",true],"m":{"b":"x","y":2},'
    '"z":null},"event":"auth.login","object":"user:3","outcome":"ok","sequence":7,'
    '"source_address":"10.0.0.8"}'
)


@pytest.fixture
def head_file(settings, tmp_path):
    settings.AUDIT_HEAD_FILE = tmp_path / "audit" / "chain-head.json"
    settings.AUDIT_ARCHIVE_DIR = tmp_path / "audit" / "archive"
    return settings.AUDIT_HEAD_FILE


def _append_then_fail(event: str) -> None:
    with transaction.atomic():
        trail.append(event)
        raise RuntimeError("the write fails")


# ---------------------------------------------------------------- canonical form (golden)


def test_the_canonical_form_sorts_keys_packs_separators_and_writes_utc_microseconds():
    # given / when
    text = chain.canonical(GOLDEN_CONTENT)

    # then: byte for byte (a change here breaks every stored chain)
    assert text == GOLDEN_TEXT.encode("utf-8")


def test_the_digest_is_sm3_of_the_previous_digest_and_the_canonical_bytes():
    # given the known SM3 vector (GB/T 32905 appendix A: "abc")
    import hashlib

    assert hashlib.new("sm3", b"abc").hexdigest() == (
        "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
    )

    # when / then: pinned values (also computed with `openssl dgst -sm3 / -sha256` over
    # 32 zero bytes followed by GOLDEN_TEXT)
    assert chain.digest(chain.GENESIS, GOLDEN_CONTENT, "sm3") == (
        "f69b0facc92698d91c085bf3dfb5620c491759afa10f5bd72c8c72168423ce57"
    )
    assert chain.digest(chain.GENESIS, GOLDEN_CONTENT, "sha256") == (
        "d81b939cf0d488f20839b9ac706a03e80dd6949523b161ca9b65f24d26144eec"
    )
    assert chain.digest("ab" * 32, GOLDEN_CONTENT, "sm3") == (
        "557b402edb9bdb0bcb4a6e1a9f336e0fcf5a0bb9f77a8311a68d938a0e40a1c3"
    )


def test_the_same_moment_in_any_zone_is_one_canonical_text():
    # given one instant written in Shanghai and in UTC, and a moment without microseconds
    shanghai = dict(GOLDEN_CONTENT, at=datetime(2019, 6, 1, 10, 0, tzinfo=SHANGHAI))
    utc = dict(GOLDEN_CONTENT, at=datetime.fromisoformat("2019-06-01T02:00:00+00:00"))

    # when / then
    assert chain.canonical(shanghai) == chain.canonical(utc)
    assert b'"at":"2019-06-01T02:00:00.000000Z"' in chain.canonical(utc)


def test_a_float_or_a_naive_moment_is_not_canonical():
    # given / when / then
    with pytest.raises(TypeError, match="float"):
        chain.canonical({"x": 1.5})
    with pytest.raises(ValueError, match="aware"):
        chain.canonical({"at": datetime(2019, 6, 1)})  # noqa: DTZ001 - the naive case


def test_a_platform_without_sm3_falls_back_to_sha256(monkeypatch):
    # given a hashlib without SM3
    monkeypatch.setattr(chain, "available", lambda name: name == "sha256")

    # when / then
    assert chain.preferred("sm3") == "sha256"


# ---------------------------------------------------------------- appends


@pytest.mark.django_db
def test_an_event_keeps_time_actor_event_object_outcome_and_source_address(clock: FrozenClock):
    # given a signed-in user's request from 10.1.2.3
    user = User.objects.create_user("auditor")
    request = RequestFactory().get("/", REMOTE_ADDR="10.1.2.3")

    # when
    row = trail.append(
        "auth.login", actor=user, object=f"user:{user.pk}", request=request, detail={"n": 2}
    )

    # then
    stored = AuditEvent.objects.get(pk=row.pk)
    assert (
        stored.at,
        stored.actor,
        stored.actor_label,
        stored.event,
        stored.object,
        stored.outcome,
        stored.source_address,
        stored.detail,
    ) == (clock.now(), user, "auditor", "auth.login", f"user:{user.pk}", "ok", "10.1.2.3", {"n": 2})
    assert (stored.sequence, stored.previous, stored.algorithm) == (1, chain.GENESIS, "sm3")


@pytest.mark.django_db
def test_rows_are_chained_and_the_head_row_follows(clock: FrozenClock):
    # given / when three events
    rows = [trail.append("auth.failure", actor_label=f"u{i}", outcome="refused") for i in range(3)]

    # then each row's digest covers the previous digest and its content
    previous = chain.GENESIS
    for expected, row in enumerate(AuditEvent.objects.order_by("sequence"), start=1):
        content = {name: getattr(row, name) for name in chain.CHAINED}
        assert (row.sequence, row.previous) == (expected, previous)
        assert row.digest == chain.digest(previous, content, row.algorithm)
        previous = row.digest
    head = AuditChainHead.objects.get(pk=trail.CHAIN)
    assert (head.sequence, head.digest) == (3, rows[-1].digest)


@pytest.mark.django_db
def test_an_event_in_a_write_rolled_back_is_not_kept():
    # given
    trail.append("auth.login", actor_label="first")

    # when the caller's transaction rolls back
    with pytest.raises(RuntimeError, match="the write fails"):
        _append_then_fail("role.change")

    # then neither the row nor the head moved
    assert list(AuditEvent.objects.values_list("event", flat=True)) == ["auth.login"]
    assert AuditChainHead.objects.get(pk=trail.CHAIN).sequence == 1


@pytest.mark.django_db
def test_a_detail_is_stored_as_plain_json_the_same_on_every_backend(clock: FrozenClock):
    # given a detail with a float, a date and a number key
    row = trail.append("export.approve", detail={"share": 0.5, "on": clock.today(), 7: "x"})

    # when / then
    assert AuditEvent.objects.get(pk=row.pk).detail == {
        "share": "0.5",
        "on": "2019-06-01",
        "7": "x",
    }


@pytest.mark.django_db
def test_a_new_algorithm_setting_applies_to_new_rows_only(settings):
    # given
    first = trail.append("auth.login")
    settings.AUDIT_HASH = "sha256"

    # when
    second = trail.append("auth.logout")

    # then both verify, each with its own algorithm
    assert (first.algorithm, second.algorithm) == ("sm3", "sha256")
    run = chain.check(
        AuditEvent.objects.order_by("sequence").values(), first=1, previous=chain.GENESIS
    )
    assert (run.broken, run.last) == (None, 2)


# ---------------------------------------------------------------- the head file


@pytest.mark.django_db
def test_the_head_file_is_written_once_the_batch_commits(
    head_file, django_capture_on_commit_callbacks
):
    # given a batch of two appends in one transaction
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            trail.append("auth.login")
            last = trail.append("auth.logout")
        # then not before the commit
        assert not head_file.exists()

    # then one write, 0600, naming the head
    assert len(callbacks) == 1
    recorded = json.loads(head_file.read_text(encoding="utf-8"))
    head = AuditChainHead.objects.get(pk=trail.CHAIN)
    assert recorded == {
        "chain": head.chain_id,
        "sequence": 2,
        "digest": last.digest,
        "algorithm": "sm3",
        "at": chain.utc_text(last.at),
    }
    assert stat.S_IMODE(head_file.stat().st_mode) == 0o600


@pytest.mark.django_db
def test_a_rolled_back_batch_does_not_write_the_head_file(
    head_file, django_capture_on_commit_callbacks
):
    # given / when
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError, match="the write fails"):
            _append_then_fail("auth.login")

    # then
    assert callbacks == []
    assert not head_file.exists()


@pytest.mark.django_db
def test_the_head_file_never_goes_back_nor_over_another_chain(
    head_file, django_capture_on_commit_callbacks
):
    # given a file ahead of the table (another process wrote a later head)
    with django_capture_on_commit_callbacks(execute=True):
        trail.append("auth.login")
    head = AuditChainHead.objects.get(pk=trail.CHAIN)
    ahead = {"chain": head.chain_id, "sequence": 9, "digest": "f" * 64, "algorithm": "sm3"}
    head_file.write_text(json.dumps(ahead), encoding="utf-8")

    # when another batch commits
    with django_capture_on_commit_callbacks(execute=True):
        trail.append("auth.logout")

    # then the later head stays
    assert json.loads(head_file.read_text(encoding="utf-8"))["sequence"] == 9

    # given a file of another chain
    other = {"chain": "another", "sequence": 1, "digest": "e" * 64, "algorithm": "sm3"}
    head_file.write_text(json.dumps(other), encoding="utf-8")

    # when / then it is kept as it is (evidence)
    with django_capture_on_commit_callbacks(execute=True):
        trail.append("auth.logout")
    assert json.loads(head_file.read_text(encoding="utf-8")) == other


# ---------------------------------------------------------------- append-only in the app


@pytest.mark.django_db
def test_an_audit_row_cannot_be_saved_again_updated_or_deleted(clock: FrozenClock):
    # given a trail row and a history row
    row = trail.append("auth.login", actor_label="clerk")
    with transaction.atomic():
        log = ChangeLog.objects.create(
            entity="person", object_id=1, action="create", source="screen", changes={}
        )

    # when / then every way in the ORM is refused, in Chinese
    row.outcome = "failed"
    with pytest.raises(AppendOnly, match="只能追加，不能修改"):
        row.save()
    with pytest.raises(AppendOnly, match="不能删除"):
        row.delete()
    with pytest.raises(AppendOnly, match="不能修改"):
        AuditEvent.objects.filter(pk=row.pk).update(outcome="failed")
    with pytest.raises(AppendOnly, match="不能删除"):
        AuditEvent.objects.all().delete()
    with pytest.raises(AppendOnly, match="不能修改"):
        ChangeLog.objects.filter(pk=log.pk).update(action="delete")
    with pytest.raises(AppendOnly, match="不能删除"):
        ChangeLog.objects.all().delete()
    with pytest.raises(AppendOnly, match="不能删除"):
        log.delete()

    # then nothing changed
    assert AuditEvent.objects.get(pk=row.pk).outcome == "ok"
    assert ChangeLog.objects.get(pk=log.pk).action == "create"


@pytest.mark.django_db
def test_only_the_archive_maintenance_may_delete_trail_rows():
    # given
    trail.append("auth.login")

    # when
    with trail.maintenance():
        deleted, _ = AuditEvent.objects.all().delete()

    # then
    assert deleted == 1
    with pytest.raises(AppendOnly):
        AuditEvent.objects.all().delete()


@pytest.mark.django_db
def test_a_lost_head_row_is_rebuilt_from_the_table_under_a_new_chain_id():
    # given two rows, then the head row deleted
    trail.append("auth.login")
    second = trail.append("auth.logout")
    old = AuditChainHead.objects.get(pk=trail.CHAIN).chain_id
    AuditChainHead.objects.all().delete()

    # when
    third = trail.append("auth.login")

    # then the chain continues from the table's last row, under another chain id
    assert (third.sequence, third.previous) == (3, second.digest)
    assert AuditChainHead.objects.get(pk=trail.CHAIN).chain_id != old


def test_a_retention_shorter_than_186_days_is_refused_at_start():
    # given / when
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "jiuye.settings",
        "SECRET_KEY": "x" * 50,
        "JIUYE_AUDIT_RETENTION_DAYS": "185",
        "PYTHONPATH": os.pathsep.join(
            [str(Path(__file__).resolve().parents[2] / "src"), os.environ.get("PYTHONPATH", "")]
        ),
    }
    code = "import django; django.setup()"
    refused = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    env["JIUYE_AUDIT_RETENTION_DAYS"] = "186"
    accepted = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)

    # then
    assert refused.returncode != 0
    assert "至少保存 186 天" in refused.stderr
    assert accepted.returncode == 0, accepted.stderr
