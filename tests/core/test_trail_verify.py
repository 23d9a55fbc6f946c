"""``jiuye audit verify``: the first row that does not match is named; a cut tail is
caught by the head file outside the database."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from jiuye.cli import app
from jiuye.core import trail, trail_check
from jiuye.core.models import AuditChainHead, AuditEvent
from tests.core.trail_support import commit_batch, swap_contents, tamper

pytestmark = pytest.mark.django_db

EVENTS = ["auth.login", "access.reveal", "role.change", "auth.logout", "auth.failure"]


@pytest.fixture
def files(settings, tmp_path):
    settings.AUDIT_HEAD_FILE = tmp_path / "audit" / "chain-head.json"
    settings.AUDIT_ARCHIVE_DIR = tmp_path / "audit" / "archive"
    return settings


@pytest.fixture
def five(files, django_capture_on_commit_callbacks):
    """Five events committed in two batches (head file at 5)."""
    commit_batch(django_capture_on_commit_callbacks, EVENTS[:2])
    return commit_batch(django_capture_on_commit_callbacks, EVENTS[2:])


def _verify() -> tuple[int, str]:
    result = CliRunner().invoke(app, ["audit", "verify"])
    return result.exit_code, result.output


def test_a_whole_chain_verifies_with_exit_code_0(five):
    # given five committed events / when
    code, output = _verify()

    # then
    assert code == 0, output
    assert "审计链完整：核对第 1 至 5 号共 5 条记录" in output
    assert "与链头文件一致" in output


def test_a_changed_field_names_its_row(five):
    # given row 3's outcome rewritten with raw SQL
    tamper("UPDATE core_auditevent SET outcome = 'ok', actor_label = 'x' WHERE sequence = 3")

    # when
    code, output = _verify()

    # then
    assert code == 1
    row = AuditEvent.objects.get(sequence=3)
    assert f"审计链不完整：第 3 号记录（id {row.pk}）：内容与摘要不符" in output


def test_a_deleted_row_names_the_missing_sequence(five):
    # given / when
    tamper("DELETE FROM core_auditevent WHERE sequence = 2")
    code, output = _verify()

    # then
    assert code == 1
    assert "第 2 号记录：记录缺失（链上下一条是第 3 号）" in output


def test_two_rows_swapped_name_the_first(five):
    # given / when
    swap_contents(2, 4)
    code, output = _verify()

    # then
    assert code == 1
    assert "第 2 号记录" in output
    assert "内容与摘要不符" in output


def test_a_row_rewritten_with_its_digest_recomputed_breaks_the_next_one(five):
    # given row 2 changed and its digest recomputed by someone who knows the algorithm
    from jiuye.core import chain

    row = AuditEvent.objects.values().get(sequence=2)
    row["outcome"] = "refused"
    forged = chain.digest(row["previous"], chain.content(row), row["algorithm"])
    tamper(
        "UPDATE core_auditevent SET outcome = 'refused', digest = %s WHERE sequence = 2", [forged]
    )

    # when
    code, output = _verify()

    # then
    assert code == 1
    assert "第 3 号记录" in output
    assert "所记前一条摘要与链上前一条记录的摘要不符" in output


def test_a_truncated_tail_is_named_by_the_head_row(five):
    # given the last two rows deleted with raw SQL
    tamper("DELETE FROM core_auditevent WHERE sequence >= 4")

    # when
    code, output = _verify()

    # then
    assert code == 1
    assert "第 4 号记录：记录缺失：链头记录为第 5 号，表中只到第 3 号（表尾被截去）" in output


def test_a_tail_cut_with_the_head_row_forged_is_caught_by_the_head_file(five):
    # given the last two rows deleted and the head row set back to row 3
    third = AuditEvent.objects.get(sequence=3)
    tamper("DELETE FROM core_auditevent WHERE sequence >= 4")
    AuditChainHead.objects.filter(pk=trail.CHAIN).update(sequence=3, digest=third.digest)

    # when
    code, output = _verify()

    # then the file outside the database still says 5
    assert code == 1
    assert "第 4 号记录：记录缺失：链头文件记到第 5 号" in output
    assert "表中只到第 3 号（表尾被截去）" in output


def test_a_head_file_of_another_chain_fails_and_reset_head_keeps_it_aside(five, files):
    # given the head file replaced by one of another database
    path = files.AUDIT_HEAD_FILE
    path.write_text(json.dumps({"chain": "other", "sequence": 1, "digest": "0" * 64}), "utf-8")

    # when
    code, output = _verify()

    # then
    assert code == 1
    assert "属于另一条审计链" in output

    # when the operator confirms the rebuild
    reset = CliRunner().invoke(app, ["audit", "reset-head"])

    # then the old file is kept and verify passes
    assert reset.exit_code == 0, reset.output
    assert len(list(path.parent.glob("chain-head.json.replaced-*"))) == 1
    assert _verify()[0] == 0


def test_a_missing_head_file_fails(five, files):
    # given / when
    files.AUDIT_HEAD_FILE.unlink()
    code, output = _verify()

    # then
    assert code == 1
    assert "链头文件" in output
    assert "不存在" in output


def test_an_empty_trail_verifies(files):
    # given / when
    verdict = trail_check.verify()

    # then
    assert verdict.ok
    assert verdict.message() == "审计链完整：表中没有记录需要核对；与链头文件一致。"
