from __future__ import annotations

import csv
import stat

from typer.testing import CliRunner

from jiuye.casework.filing import file_case
from jiuye.cli import app
from tests.casework.world import GRADUATE_ID, STARTUP_FACTS


def test_queue_export_is_masked_and_private(world, tmp_path):
    case = file_case(
        rule_id="startup_subsidy",
        subject_id=GRADUATE_ID,
        subject_name="张小三",
        channel="online",
        declared=STARTUP_FACTS,
    )
    out = tmp_path / "queue.csv"
    result = CliRunner().invoke(app, ["cases", "queue", "community", "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(out.read_text(encoding="utf-8-sig").splitlines()))
    assert rows[1][0] == case.code
    assert rows[1][6] == "220702********123X"
    assert GRADUATE_ID not in out.read_text(encoding="utf-8-sig")
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_unknown_user_exits_2(world):
    result = CliRunner().invoke(app, ["cases", "queue", "nobody-here"])
    assert result.exit_code == 2


def test_states_and_sweep_run(world):
    assert "approve_last" in CliRunner().invoke(app, ["cases", "states"]).output
    swept = CliRunner().invoke(app, ["cases", "sweep"])
    assert swept.exit_code == 0, swept.output
    assert "开始公示 0 件" in swept.output
