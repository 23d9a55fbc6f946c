"""Level-5 communities and villages from the bureau's file: all rows or none."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import Workbook

from jiuye import bootstrap
from jiuye.geo.communities import load_communities
from jiuye.geo.community_files import HEADERS, DivisionFileError, write_template
from jiuye.geo.loaders import VINTAGE_2017, VINTAGE_2023, load_songyuan_2017, load_vintage
from jiuye.geo.models import Division, DivisionLevel

pytestmark = pytest.mark.django_db

EXAMPLES = Path(settings.BASE_DIR) / "data" / "examples"
HEADER = ",".join(HEADERS)
GOOD = "220702002905,【示例】测试社区居委会,111,220702002"


@pytest.fixture
def tree(db):
    load_songyuan_2017()
    bootstrap.ensure_demo_divisions()


def _table() -> list[tuple]:
    return list(
        Division.objects.order_by("code", "vintage").values_list(
            "pk",
            "code",
            "vintage",
            "name",
            "level",
            "parent_id",
            "urban_rural",
            "source",
            "is_sample",
        )
    )


def _csv(tmp_path: Path, *lines: str, header: str = HEADER, encoding: str = "utf-8") -> Path:
    path = tmp_path / "communities.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding=encoding)
    return path


@pytest.mark.parametrize(
    "name", ["songyuan-communities-example.csv", "songyuan-communities-example.xlsx"]
)
def test_the_example_file_loads_six_communities_under_their_townships(tree, name):
    # when
    report = load_communities(EXAMPLES / name, source="示例文件")
    # then
    assert (report.rows, report.created, report.updated, report.unchanged) == (6, 6, 0, 0)
    assert report.problems == ()
    assert report.vintage == VINTAGE_2017
    loaded = Division.objects.filter(level=DivisionLevel.VILLAGE, is_sample=False)
    assert sorted(loaded.values_list("code", "parent__code", "urban_rural", "vintage")) == [
        ("220702002901", "220702002", "111", VINTAGE_2017),
        ("220702002902", "220702002", "111", VINTAGE_2017),
        ("220721100901", "220721100", "121", VINTAGE_2017),
        ("220721100902", "220721100", "220", VINTAGE_2017),
        ("220722101901", "220722101", "220", VINTAGE_2017),
        ("220781201901", "220781201", "210", VINTAGE_2017),
    ]
    assert set(loaded.values_list("source", flat=True)) == {"示例文件"}
    assert loaded.get(code="220702002901").name == "【示例】文化街道示例一社区居委会"


def test_loading_the_same_file_again_changes_nothing(tree):
    # given
    load_communities(EXAMPLES / "songyuan-communities-example.csv", source="示例文件")
    before = _table()
    # when
    report = load_communities(EXAMPLES / "songyuan-communities-example.xlsx", source="示例文件")
    # then
    assert (report.created, report.updated, report.unchanged) == (0, 0, 6)
    assert _table() == before


def test_a_corrected_name_updates_the_row_in_place(tree, tmp_path):
    # given
    load_communities(_csv(tmp_path, GOOD), source="统计局")
    before = Division.objects.get(code="220702002905")
    # when
    report = load_communities(_csv(tmp_path, GOOD.replace("测试", "更正")), source="统计局")
    # then
    after = Division.objects.get(code="220702002905")
    assert (report.created, report.updated) == (0, 1)
    assert (after.pk, after.name) == (before.pk, "【示例】更正社区居委会")


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("2207020029,短代码,,", "第2行 统计用区划代码：应为12位数字（“2207020029”）"),
        ("22070200290A,字母,,", "第2行 统计用区划代码：应为12位数字（“22070200290A”）"),
        (",无代码,,", "第2行 统计用区划代码：不能为空"),
        (
            "220702002000,乡镇本身,,",
            "第2行 统计用区划代码：末3位为000的是乡镇街道代码，不是社区村（“220702002000”）",
        ),
        (
            "220702999901,不存在的街道,,",
            "第2行 统计用区划代码：所属乡镇街道 220702999 不在区划表中",
        ),
        (
            "220702002905,上级不符,,220702003",
            "第2行 上级代码：与统计用区划代码前9位 220702002 不一致（“220702003”）",
        ),
        ("220702002905,上级位数,,2207020", "第2行 上级代码：应为9位乡镇街道代码（“2207020”）"),
        ("220702002905,,,", "第2行 名称：不能为空"),
        ("220702002905," + "长" * 101 + ",,", "第2行 名称：超过100字（101字）"),
        (
            "220702002905,城乡码,311,",
            "第2行 城乡分类代码：应为 111、112、121、122、123、210、220 之一（“311”）",
        ),
        (
            "220702001901,冒名演示社区,,",
            "第2行 统计用区划代码：与演示样例社区的代码相同，不能覆盖演示数据（“220702001901”）",
        ),
    ],
)
def test_each_kind_of_bad_row_is_reported_and_nothing_is_loaded(tree, tmp_path, line, message):
    # given a good row after the bad one
    path = _csv(tmp_path, line, "220702002906,【示例】好的一行,,")
    before = _table()
    # when
    report = load_communities(path, source="统计局")
    # then
    assert [str(p) for p in report.problems] == [message]
    assert not report.written
    assert _table() == before


def test_every_bad_row_is_listed_with_its_row_number(tree, tmp_path):
    # given
    path = _csv(tmp_path, GOOD, "220702002905,【示例】重复,,", "", "220702002906,,999,220702001")
    # when
    report = load_communities(path, source="统计局")
    # then
    assert [str(p) for p in report.problems] == [
        "第3行 统计用区划代码：与第2行重复（“220702002905”）",
        "第5行 名称：不能为空",
        "第5行 城乡分类代码：应为 111、112、121、122、123、210、220 之一（“999”）",
        "第5行 上级代码：与统计用区划代码前9位 220702002 不一致（“220702001”）",
    ]
    assert (
        not Division.objects.filter(code__startswith="220702002")
        .exclude(level=DivisionLevel.TOWNSHIP)
        .exists()
    )


def test_a_township_abolished_in_2023_takes_no_new_communities(tree, tmp_path):
    # given
    load_vintage("2023")
    # when
    report = load_communities(_csv(tmp_path, "220702400901,【示例】农场社区,,"), source="统计局")
    # then
    assert report.vintage == VINTAGE_2023
    assert [str(p) for p in report.problems] == [
        "第2行 统计用区划代码：所属乡镇街道 220702400 已撤销（不晚于 2023-06-30）"
    ]


def test_with_2023_loaded_communities_hang_under_the_2023_township(tree, tmp_path):
    # given
    load_vintage("2023")
    # when
    report = load_communities(
        _csv(tmp_path, "220702002905,【示例】社区,,220702002000"),
        source="统计局",
        vintage=dt.date(2024, 6, 30),
    )
    # then
    row = Division.objects.get(code="220702002905")
    assert report.created == 1
    assert (row.vintage, row.parent.code, row.parent.vintage) == (
        dt.date(2024, 6, 30),
        "220702002",
        VINTAGE_2023,
    )


def test_sample_communities_are_never_touched(tree):
    # given
    samples = list(
        Division.objects.filter(is_sample=True).values_list(
            "pk", "code", "name", "vintage", "parent_id", "source"
        )
    )
    # when
    load_communities(EXAMPLES / "songyuan-communities-example.csv", source="示例文件")
    # then
    assert (
        list(
            Division.objects.filter(is_sample=True).values_list(
                "pk", "code", "name", "vintage", "parent_id", "source"
            )
        )
        == samples
    )
    assert len(samples) == 3


def test_dry_run_checks_and_counts_but_writes_nothing(tree):
    # given
    before = _table()
    # when
    report = load_communities(
        EXAMPLES / "songyuan-communities-example.csv", source="示例", dry_run=True
    )
    # then
    assert (report.created, report.dry_run, report.written) == (6, True, False)
    assert _table() == before


def test_a_gb18030_csv_loads(tree, tmp_path):
    # when
    report = load_communities(_csv(tmp_path, GOOD, encoding="gb18030"), source="统计局")
    # then
    assert report.created == 1
    assert Division.objects.get(code="220702002905").name == "【示例】测试社区居委会"


def test_a_renamed_or_missing_header_refuses_the_file(tree, tmp_path):
    # given
    path = _csv(tmp_path, GOOD, header="区划代码,名称,城乡分类代码,上级代码")
    # when
    with pytest.raises(DivisionFileError) as caught:
        load_communities(path, source="统计局")
    # then
    assert caught.value.message == (
        "缺少列：“统计用区划代码”；无法识别的列（可能被改名）：第1列“区划代码”。"
        "表头应为：统计用区划代码、名称、城乡分类代码、上级代码（后两列选填）"
    )


def _xlsx(path: Path, rows: list[list[object]]) -> Path:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)
    return path


def test_an_xlsx_code_typed_as_a_number_loads_and_a_formula_is_refused(tree, tmp_path):
    # given
    numbers = _xlsx(tmp_path / "n.xlsx", [list(HEADERS), [220702002905, "【示例】数字代码", 111]])
    formula = _xlsx(tmp_path / "f.xlsx", [list(HEADERS), ["220702002906", "=A1", None]])
    # when
    loaded = load_communities(numbers, source="统计局")
    refused = load_communities(formula, source="统计局")
    # then
    assert loaded.created == 1
    assert Division.objects.get(code="220702002905").urban_rural == "111"
    assert [str(p) for p in refused.problems] == ["第2行 名称：单元格含公式，请复制后“粘贴为数值”"]


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "xls"),
        ("renamed.xlsx", "统计用区划代码,名称\n".encode(), "not_xlsx"),
        ("list.txt", b"anything", "file_type"),
        ("book.csv", None, "not_csv"),
    ],
)
def test_other_files_are_refused(tree, tmp_path, name, content, code):
    # given
    path = tmp_path / name
    if content is None:
        shutil.copy(EXAMPLES / "songyuan-communities-example.xlsx", path)
    else:
        path.write_bytes(content)
    # when
    with pytest.raises(DivisionFileError) as caught:
        load_communities(path, source="统计局")
    # then
    assert caught.value.code == code
    assert not Division.objects.filter(level=DivisionLevel.VILLAGE, is_sample=False).exists()


def test_the_blank_template_has_the_headers_and_no_rows(tree, tmp_path):
    # given
    path = write_template(tmp_path / "template.xlsx")
    # when
    with pytest.raises(DivisionFileError) as caught:
        load_communities(path, source="统计局")
    # then
    assert caught.value.message == "文件中没有数据行"
