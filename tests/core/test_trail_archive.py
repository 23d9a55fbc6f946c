"""``jiuye audit archive``: rows older than the retention (at least 186 days) move to a
compressed file with their chain head; nothing younger is removed; both parts verify."""

from __future__ import annotations

import gzip
import json
import stat
from datetime import timedelta

import pytest
from typer.testing import CliRunner

from jiuye.cli import app
from jiuye.core import trail, trail_check
from jiuye.core.errors import JiuyeError
from jiuye.core.models import AuditChainHead, AuditEvent
from jiuye.testing.pytest_plugin import FrozenClock
from tests.core.trail_support import tamper

pytestmark = pytest.mark.django_db

AGES = (187, 186, 185, 184)


@pytest.fixture
def files(settings, tmp_path):
    settings.AUDIT_HEAD_FILE = tmp_path / "audit" / "chain-head.json"
    settings.AUDIT_ARCHIVE_DIR = tmp_path / "audit" / "archive"
    return settings


@pytest.fixture
def aged(files, clock: FrozenClock, django_capture_on_commit_callbacks):
    """One event 187, 186, 185 and 184 days before now (in that order), then now."""
    now = clock.now()
    with django_capture_on_commit_callbacks(execute=True):
        for days in AGES:
            clock.set(now - timedelta(days=days))
            trail.append("auth.login", actor_label=f"{days}天前")
        clock.set(now)
        trail.append("auth.logout", actor_label="今天")
    return now


def test_only_rows_older_than_186_days_are_archived(aged, files):
    # given events 187, 186, 185, 184 days old and one of today

    # when
    report = trail_check.archive()

    # then the 187-day row moved; the 186, 185 and 184-day rows stayed
    assert report is not None
    assert (report.first, report.last, report.count) == (1, 1, 1)
    assert list(AuditEvent.objects.values_list("actor_label", flat=True)) == [
        "186天前",
        "185天前",
        "184天前",
        "今天",
    ]
    path = files.AUDIT_ARCHIVE_DIR / "trail-1-1.jsonl.gz"
    assert report.path == path
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_day_later_the_186_day_row_goes_too_and_nothing_younger(aged, clock: FrozenClock):
    # given the first archive
    trail_check.archive()

    # when a day later (the rows are now 188, 187, 186, 185 days old)
    clock.advance(timedelta(days=1))
    report = trail_check.archive()

    # then only the row now 187 days old moved
    assert report is not None
    assert (report.first, report.last) == (2, 2)
    assert list(AuditEvent.objects.values_list("sequence", flat=True)) == [3, 4, 5]


def test_the_archive_verifies_on_its_own_and_the_rest_from_its_head(aged, files):
    # given
    report = trail_check.archive()
    assert report is not None

    # when
    alone = trail_check.verify_archive(report.path)
    rest = trail_check.verify()

    # then
    assert alone.ok, alone.message()
    assert (alone.first, alone.last, alone.count) == (1, 1, 1)
    assert rest.ok, rest.message()
    assert (rest.first, rest.last, rest.count) == (2, 5, 4)
    assert "此前第 1 至 1 号已归档" in rest.message()
    head = AuditChainHead.objects.get(pk=trail.CHAIN)
    with gzip.open(report.path, "rt", encoding="utf-8") as handle:
        header = json.loads(handle.readline())
        rows = [json.loads(line) for line in handle]
    assert header["head"]["digest"] == head.archived_digest == rows[-1]["digest"]
    assert header["previous"] == "0" * 64
    assert [row["sequence"] for row in rows] == [1]


def test_appends_after_an_archive_continue_the_chain(aged, django_capture_on_commit_callbacks):
    # given
    trail_check.archive()

    # when
    with django_capture_on_commit_callbacks(execute=True):
        row = trail.append("auth.login")

    # then
    assert row.sequence == 6
    assert trail_check.verify().ok


def test_a_tampered_archive_names_its_row(aged, files):
    # given an archive whose row was edited
    report = trail_check.archive()
    assert report is not None
    with gzip.open(report.path, "rt", encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    row = json.loads(lines[1])
    row["actor_label"] = "别人"
    lines[1] = json.dumps(row, ensure_ascii=False)
    with gzip.open(report.path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")

    # when
    result = CliRunner().invoke(app, ["audit", "verify", "--archive", str(report.path)])

    # then
    assert result.exit_code == 1
    assert "第 1 号记录" in result.output
    assert "内容与摘要不符" in result.output


def test_a_missing_archive_fails_verify(aged, files):
    # given
    report = trail_check.archive()
    assert report is not None

    # when
    report.path.unlink()
    verdict = trail_check.verify()

    # then
    assert not verdict.ok
    assert "归档文件缺失" in verdict.message()


def test_a_broken_chain_is_not_archived(aged):
    # given the oldest row changed
    tamper("UPDATE core_auditevent SET actor_label = '别人' WHERE sequence = 1")

    # when / then
    with pytest.raises(JiuyeError, match="不能通过核对，未归档"):
        trail_check.archive()
    assert AuditEvent.objects.count() == 5


def test_nothing_old_enough_archives_nothing(files, clock: FrozenClock):
    # given one event of today
    trail.append("auth.login")

    # when
    result = CliRunner().invoke(app, ["audit", "archive"])

    # then
    assert result.exit_code == 0, result.output
    assert "没有超过 186 天保存期限的审计记录" in result.output
    assert AuditEvent.objects.count() == 1


def test_the_command_reports_the_archive(aged):
    # given / when
    result = CliRunner().invoke(app, ["audit", "archive"])

    # then
    assert result.exit_code == 0, result.output
    assert "已归档第 1 至 1 号共 1 条审计记录" in result.output
    assert "trail-1-1.jsonl.gz" in result.output


def test_a_retention_under_186_days_is_refused_by_the_archive(aged, files):
    # given a setting changed at run time below the law's floor
    files.AUDIT_RETENTION_DAYS = 30

    # when
    result = CliRunner().invoke(app, ["audit", "archive"])

    # then nothing moved
    assert result.exit_code == 2
    assert "至少保存 186 天" in result.output
    assert AuditEvent.objects.count() == 5


def test_a_longer_retention_keeps_more(aged, files):
    # given
    files.AUDIT_RETENTION_DAYS = 190

    # when / then
    assert trail_check.archive() is None
    assert AuditEvent.objects.count() == 5
