"""城镇登记失业率 into the registry: the package's figures at setup, an administrator's CSV."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from typer.testing import CliRunner

from jiuye import bootstrap
from jiuye.cli import app
from jiuye.eligibility.facts import case_for
from jiuye.registry.models import ChangeLog, UnemploymentRate
from jiuye.registry.reference import load_package_rates, parse_percent
from tests.registry.factories import EmployerFactory

pytestmark = pytest.mark.django_db

PACKAGE_2017 = "国家统计局发布的2017年分省城镇登记失业率（见 shared/data/README.md）"
HEADER = "地区代码,年度,城镇登记失业率(%),来源"


def _rates() -> list[tuple[str, int, int, str]]:
    return list(
        UnemploymentRate.objects.order_by("region_code", "year").values_list(
            "region_code", "year", "rate_bp", "source"
        )
    )


def _csv(tmp_path: Path, *lines: str, header: str = HEADER) -> Path:
    path = tmp_path / "rates.csv"
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


def _load(path: Path, *args: str):
    return CliRunner().invoke(app, ["rates-load", str(path), *args])


def test_setup_loads_the_package_figures_in_basis_points_once():
    # when
    first = load_package_rates()
    second = load_package_rates()
    # then
    assert (first.created, first.unchanged) == (2, 0)
    assert (second.created, second.updated, second.unchanged) == (0, 0, 2)
    assert _rates() == [
        ("22", 2017, 352, PACKAGE_2017),
        ("22", 2018, 346, "国家统计局发布的2018年分省城镇登记失业率（见 shared/data/README.md）"),
    ]
    assert "jiuye.registry.reference:load_package_rates" in dict(bootstrap.REFERENCE_STEPS).values()


def test_setup_follows_a_corrected_package_but_keeps_an_administrators_figure():
    # given one row as the package wrote it (since corrected), one an administrator wrote
    UnemploymentRate.objects.create(region_code="22", year=2017, rate_bp=350, source=PACKAGE_2017)
    UnemploymentRate.objects.create(
        region_code="22", year=2018, rate_bp=340, source="吉林省统计公报（管理员录入）"
    )
    # when
    report = load_package_rates()
    # then
    assert (report.updated, len(report.kept)) == (1, 1)
    assert [r[:3] for r in _rates()] == [("22", 2017, 352), ("22", 2018, 340)]
    assert "保留管理员录入 1 条" in str(report)


@pytest.mark.parametrize(
    ("text", "bp"),
    [("3.52", 352), ("3.46", 346), ("4", 400), ("0.1", 10), (" 3.5% ", 350), ("99.99", 9999)],
)
def test_percent_text_becomes_exact_basis_points(text, bp):
    assert parse_percent(text) == bp


@pytest.mark.parametrize("text", ["3.521", "abc", "", "-1", "100", "NaN", "1e2", "3,52"])
def test_anything_else_is_not_a_rate(text):
    with pytest.raises(ValueError, match=f"^{re.escape(text)}$"):
        parse_percent(text)


def test_rates_load_adds_a_regions_figure_with_its_source_and_the_facts_use_it(tmp_path):
    # given
    path = _csv(tmp_path, "220700,2017,3.60,测试来源：松原市统计公报（示例）")
    employer = EmployerFactory(pooling_region_code="220700")
    # when
    first = _load(path)
    second = _load(path)
    # then
    assert first.exit_code == 0, first.output
    assert "新增 1 条，更新 0 条，未变 0 条" in first.output
    assert second.exit_code == 0, second.output
    assert "新增 0 条，更新 0 条，未变 1 条" in second.output
    assert ("220700", 2017, 360, "测试来源：松原市统计公报（示例）") in _rates()
    assert (
        case_for("employer", employer.pk, dt.date(2018, 6, 1)).facts[
            "pooling_region_unemployment_rate"
        ]
        == 360
    )
    log = ChangeLog.objects.get(entity="rate")
    assert (log.action, log.source, log.changes["rate_bp"]) == (
        "create",
        "exchange",
        {"old": None, "new": 360},
    )


def test_a_different_value_is_reported_and_replaced_only_with_replace(tmp_path):
    # given
    load_package_rates()
    path = _csv(tmp_path, "22,2017,3.50,测试来源：更正", "22,2019,3.40,测试来源：新增")
    before = _rates()
    # when
    refused = _load(path)
    after_refusal = _rates()
    replaced = _load(path, "--replace")
    # then
    assert refused.exit_code == 1
    assert (
        f"22 2017 年：库中 3.52%（{PACKAGE_2017}），文件 3.50%（测试来源：更正）" in refused.output
    )
    assert "1 条与库中已有取值不同，整个文件未导入" in refused.output
    assert after_refusal == before
    assert replaced.exit_code == 0, replaced.output
    assert "新增 1 条，更新 1 条" in replaced.output
    assert ("22", 2017, 350, "测试来源：更正") in _rates()
    assert ("22", 2019, 340, "测试来源：新增") in _rates()
    update = ChangeLog.objects.get(entity="rate", action="update")
    assert update.changes["rate_bp"] == {"old": 352, "new": 350}
    # and the next setup keeps the administrator's figure
    assert len(load_package_rates().kept) == 1
    assert ("22", 2017, 350, "测试来源：更正") in _rates()


def test_every_bad_row_is_listed_and_nothing_is_loaded(tmp_path):
    # given
    path = _csv(
        tmp_path,
        "220700,2017,3.60,",
        "2207001,18,3.521,测试",
        "220700,2018,3.1,测试",
        "220700,2018,3.2,测试",
    )
    # when
    result = _load(path)
    # then
    assert result.exit_code == 1
    for message in (
        "第2行 来源：必填（统计公报或文件名称）",
        "第3行 地区代码：应为2、4、6、9或12位数字（“2207001”）",
        "第3行 年度：应为四位年份（“18”）",
        "第3行 城镇登记失业率(%)：应为0到100之间的百分数，最多两位小数，如 3.52（“3.521”）",
        "第5行 地区代码、年度：与第4行重复",
        "5 处错误，整个文件未导入",
    ):
        assert message in result.output
    assert _rates() == []


def test_full_width_brackets_in_the_header_are_accepted_and_a_missing_column_is_not(tmp_path):
    # given
    good = _csv(tmp_path, "220700,2017,3.60,测试", header="地区代码,年度,城镇登记失业率（%）,来源")
    # when
    loaded = _load(good)
    missing = _load(_csv(tmp_path, "220700,2017,3.60", header="地区代码,年度,城镇登记失业率(%)"))
    # then
    assert loaded.exit_code == 0, loaded.output
    assert missing.exit_code == 2  # a file refused as a whole: the one handler
    assert "缺少列：“来源”" in missing.output


def test_the_admin_lets_an_administrator_add_a_rate_with_its_source(client):
    # given
    from jiuye.staff.roles import Role, assign_role

    admin = get_user_model().objects.create_user("rates_admin", password="x-pass-123")
    assign_role(user=admin, role=Role.SYSTEM)
    client.force_login(admin)
    # when
    response = client.post(
        "/admin/system/registry/unemploymentrate/add/",
        {"region_code": "220700", "year": "2018", "rate_bp": "355", "source": "测试：管理员录入"},
    )
    refused = client.post(
        "/admin/system/registry/unemploymentrate/add/",
        {"region_code": "220700", "year": "2019", "rate_bp": "355", "source": ""},
    )
    # then
    assert response.status_code == 302
    assert refused.status_code == 200
    assert _rates() == [("220700", 2018, 355, "测试：管理员录入")]
