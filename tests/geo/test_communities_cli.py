"""``jiuye geo-load-communities`` and ``jiuye geo-communities-template``."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import load_workbook
from typer.testing import CliRunner

from jiuye.cli import app
from jiuye.geo.loaders import load_songyuan_2017
from jiuye.geo.models import Division, DivisionLevel

pytestmark = pytest.mark.django_db

EXAMPLE = Path(settings.BASE_DIR) / "data" / "examples" / "songyuan-communities-example.csv"


def _villages() -> list[tuple[str, str]]:
    return list(
        Division.objects.filter(level=DivisionLevel.VILLAGE)
        .order_by("code")
        .values_list("code", "source")
    )


def test_the_command_loads_a_file_once_and_then_reports_it_unchanged(db):
    # given
    load_songyuan_2017()
    runner = CliRunner()
    args = ["geo-load-communities", str(EXAMPLE), "--source", "松原市统计局 2018年区划代码"]
    # when
    first = runner.invoke(app, args)
    second = runner.invoke(app, args)
    # then
    assert first.exit_code == 0, first.output
    assert "6 行：新增 6 个，更新 0 个，未变 0 个（版本日期 2017-10-31）" in first.output
    assert second.exit_code == 0, second.output
    assert "新增 0 个，更新 0 个，未变 6 个" in second.output
    assert {source for _, source in _villages()} == {"松原市统计局 2018年区划代码"}


def test_dry_run_writes_nothing(db):
    # given
    load_songyuan_2017()
    # when
    result = CliRunner().invoke(app, ["geo-load-communities", str(EXAMPLE), "--dry-run"])
    # then
    assert result.exit_code == 0, result.output
    assert "校验通过（未写入）" in result.output
    assert _villages() == []


def test_bad_rows_are_listed_and_the_exit_code_is_1(db, tmp_path):
    # given
    load_songyuan_2017()
    path = tmp_path / "bad.csv"
    path.write_text(
        "统计用区划代码,名称\n220702002905,好\n2207,坏\n220702002906,\n", encoding="utf-8"
    )
    # when
    result = CliRunner().invoke(app, ["geo-load-communities", str(path)])
    # then
    assert result.exit_code == 1
    assert "第3行 统计用区划代码：应为12位数字（“2207”）" in result.output
    assert "第4行 名称：不能为空" in result.output
    assert "2 处错误，整个文件未导入" in result.output
    assert "Traceback" not in result.output
    assert _villages() == []


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["--vintage", "2023-13-01"], "日期格式不正确：“2023-13-01”", 2),
        (["--source", " "], "来源必填", 2),
    ],
)
def test_bad_options_get_a_chinese_message(db, args, message, code):
    # given
    load_songyuan_2017()
    # when
    result = CliRunner().invoke(app, ["geo-load-communities", str(EXAMPLE), *args])
    # then
    assert result.exit_code == code
    assert message in result.output
    assert _villages() == []


def test_the_template_command_writes_a_workbook_with_the_headers(db, tmp_path):
    # given
    out = tmp_path / "模板.xlsx"
    # when
    result = CliRunner().invoke(app, ["geo-communities-template", str(out)])
    # then
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert book.sheetnames == ["社区村", "填写说明"]
    assert [c.value for c in book["社区村"][1]] == [
        "统计用区划代码",
        "名称",
        "城乡分类代码",
        "上级代码",
    ]
