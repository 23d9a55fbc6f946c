from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
import zxingcpp
from PIL import Image

from jiuye.core.models import ChangeLog
from jiuye.portal import measures
from jiuye.portal.models import Guide
from tests.portal.guideitems import items_formset

from policies.songyuan_2018 import HERE, load_package

pytestmark = pytest.mark.django_db


def decode(png: bytes) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def test_catalogue_lists_all_28_measures_in_six_sections(client):
    # when
    response = client.get("/policies/")
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('class="measure-item"') == 28
    assert html.count('class="policy-section"') == 6
    assert "一、把就业摆在经济社会发展的突出位置" in html


def test_catalogue_search_finds_the_skill_upgrade_subsidy(client):
    # when
    response = client.get("/policies/", {"q": "技能提升补贴"})
    # then
    html = response.content.decode()
    assert html.count('class="measure-item"') == 1
    assert 'href="/policies/m/4-4/"' in html
    assert "找到 1 条措施" in html


def test_catalogue_filters_by_audience(client):
    # when
    response = client.get("/policies/", {"who": "veterans"})
    # then
    assert response.content.decode().count('class="measure-item"') == 3


def test_notification_page_tells_everything_at_once(client, offices):
    # when
    response = client.get("/policies/m/4-4/", {"date": "2019-06-01"})
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "<li>依法参加失业保险3年以上（累计缴费36个月以上，含本数）</li>" in html
    assert "申请对象：个人。" in html
    assert "<td>初级（五级）证书补贴标准</td><td>1000元</td><td>2018-04-13</td>" in html
    assert '<blockquote class="clause-text">落实职工技能提升补贴。对依法参加失业保险3年' in html
    assert "牵头部门：市人社局、市财政局" in html
    assert "自发布之日起施行（2018年4月13日起施行）" in html
    assert "【示例】居民身份证原件及复印件" in html
    assert "【示例】材料齐全的，受理后20个工作日内办结" in html
    assert "【示例】宁江区就业服务大厅" in html
    assert "政策包 <code>songyuan_2018</code>，2019年6月1日有效的规则和参数" in html
    assert "您正在查看历史日期的版本" in html


def test_notification_page_before_the_policy_says_so_in_chinese(client):
    # when
    response = client.get("/policies/m/4-4/", {"date": "2018-01-01"})
    # then
    assert response.status_code == 400
    assert "2018年1月1日本政策尚未施行" in response.content.decode()


def test_notification_page_with_a_broken_date_is_a_400(client):
    # when
    response = client.get("/policies/m/4-4/", {"date": "昨天"})
    # then
    assert response.status_code == 400
    assert "请按“年-月-日”填写" in response.content.decode()


def test_unknown_measure_is_a_404(client):
    # when / then
    assert client.get("/policies/m/9-9/").status_code == 404


def test_earlier_date_shows_the_amount_in_force_then(client, tmp_path: Path, monkeypatch):
    # given an administrator set the job-seeking subsidy from 2020-01-01
    root = tmp_path / "songyuan_2018"
    shutil.copytree(HERE / "parameters", root / "parameters")
    shutil.copytree(HERE / "reference", root / "reference")
    with (root / "parameters/job_seeking_subsidy/amount_fen.yaml").open("a") as stream:
        stream.write("- from: 2020-01-01\n  value: 100000\n  source: 测试用文件\n")
    monkeypatch.setattr(measures, "package", lambda: load_package(root))
    # when
    before = client.get("/policies/m/3-1/", {"date": "2019-12-31"}).content.decode()
    after = client.get("/policies/m/3-1/", {"date": "2020-01-01"}).content.decode()
    # then
    assert "<td>一次性求职创业补贴标准</td><td>标准待主管部门公布</td>" in before
    assert "<td>一次性求职创业补贴标准</td><td>1000元</td><td>2020-01-01</td>" in after
    assert "参数取值截至 2018-04-13" in before
    assert "参数取值截至 2020-01-01" in after


def test_qr_png_decodes_to_the_notification_page(client):
    # when
    response = client.get("/policies/m/4-4/qr.png")
    # then
    assert response["Content-Type"] == "image/png"
    assert decode(response.content) == ["http://testserver/policies/m/4-4/"]


def test_qr_uses_the_public_base_url_when_set(client, settings):
    # given
    settings.PUBLIC_BASE_URL = "https://jiuye.example.gov.cn/"
    # when
    png = client.get("/policies/m/2-3/qr.png").content
    svg = client.get("/policies/m/2-3/qr.svg")
    # then
    assert decode(png) == ["https://jiuye.example.gov.cn/policies/m/2-3/"]
    assert svg["Content-Type"] == "image/svg+xml"
    assert svg.content.startswith(b"<svg")


def test_poster_has_title_who_amount_qr_and_office(client, offices):
    # when
    response = client.get("/policies/m/2-3/poster/")
    # then
    html = response.content.decode()
    assert "<h1>加大创业政策支持</h1>" in html
    assert "<h2>一次性初创企业补贴</h2>" in html
    assert "<b>标准：</b>5000元" in html
    assert "有正常经营行为1年以上（自开始正常经营之日起满1年，含本数）" in html
    assert "<svg" in html
    assert "【示例】宁江区就业服务大厅" in html
    assert "@page" in (Path(measures.__file__).parent / "static/portal/poster.css").read_text()


def test_editing_a_guide_in_admin_keeps_a_history(admin_client, admin_user, offices):
    # given
    guide = Guide.objects.get(rule_id="startup_subsidy")
    seeded = list(guide.items.all())
    # when
    response = admin_client.post(
        f"/admin/system/portal/guide/{guide.pk}/change/",
        {
            "rule_id": "startup_subsidy",
            **items_formset(["居民身份证", "营业执照"], seeded),
            "procedure": guide.procedure,
            "time_limit": "10个工作日",
            "is_sample": "",
        },
    )
    # then
    assert response.status_code == 302
    change = ChangeLog.objects.get(entity="portal.guide")
    assert (change.entity, change.object_id, change.actor, change.action, change.source) == (
        "portal.guide",
        guide.pk,
        admin_user,
        "update",
        "screen",
    )
    assert sorted(change.changes) == ["is_sample", "time_limit"]
    assert change.changes["time_limit"] == {
        "old": "【示例】材料齐全的，受理后20个工作日内办结",
        "new": "10个工作日",
    }
    # and each checklist item added or deleted has its own row
    items = ChangeLog.objects.filter(entity="portal.guideitem")
    assert sorted(r.changes["name"]["new"] for r in items.filter(action="create")) == [
        "居民身份证",
        "营业执照",
    ]
    assert items.filter(action="delete").count() == len(seeded)
    assert Guide.objects.get(pk=guide.pk).material_list() == ["居民身份证", "营业执照"]
