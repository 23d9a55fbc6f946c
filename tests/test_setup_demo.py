from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from typer.testing import CliRunner

from jiuye.cli import app
from jiuye.geo.models import Division
from jiuye.registry.models import Person

pytestmark = pytest.mark.django_db(transaction=True)


def test_setup_demo_twice_is_harmless_and_prints_the_logins():
    # given
    runner = CliRunner()
    # when
    first = runner.invoke(app, ["setup-demo"])
    second = runner.invoke(app, ["setup-demo"])
    # then
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    assert "Jiuye#City2018" in second.output
    assert "G3SCRD7QQGRO5ROVOO25QXHE42DV4QOA" in second.output  # city_staff's TOTP secret
    assert "jiuye demo-otp" in second.output
    assert "超级用户仅用于安装" in second.output
    assert "花名册上传：删除超过 24 小时未处理的批次" in second.output
    assert sorted(get_user_model().objects.values_list("username", flat=True)) == [
        "auditor",
        "city_lead",
        "city_staff",
        "community_staff",
        "county_lead",
        "county_staff",
        "fuyu_staff",
        "secadmin",
        "sysadmin",
    ]
    assert not get_user_model().objects.filter(is_superuser=True).exists()
    # the demo's export approver, and only it
    approvers = [
        u.username for u in get_user_model().objects.all() if u.has_perm("staff.approve_export")
    ]
    assert approvers == ["city_lead"]
    assert Division.objects.count() == 153
    assert Division.objects.filter(is_sample=True).count() == 3
    assert Person.objects.count() == 5000


def test_demo_accounts_sign_in_with_password_and_their_published_totp_secret(client):
    # given
    CliRunner().invoke(app, ["setup-demo"])
    # when county staff signs in through the pages with the code demo-otp prints
    client.post("/accounts/login/", {"username": "county_staff", "password": "Jiuye#County2018"})
    printed = CliRunner().invoke(app, ["demo-otp", "county_staff"])
    code = printed.output.split("当前验证码：")[1][:6]
    response = client.post("/accounts/verify/", {"code": code, "next": "/workbench/"})
    workbench = client.get("/workbench/")
    # then
    county = get_user_model().objects.get(username="county_staff")
    assert printed.exit_code == 0, printed.output
    assert "otpauth://totp/" in printed.output
    assert response.status_code == 302
    assert response["Location"] == "/workbench/"
    assert workbench.status_code == 200
    assert sorted(county.groups.values_list("name", flat=True)) == [
        "县区经办人员",
        "审核：初审",
        "审核：复审",
    ]
    assert not county.is_superuser


def test_demo_otp_refuses_an_account_that_is_not_a_demo_one():
    # when
    result = CliRunner().invoke(app, ["demo-otp", "someone_real"])
    # then
    assert result.exit_code == 2


def test_the_demo_auditor_reads_the_access_log_and_county_staff_do_not(client):
    # given
    CliRunner().invoke(app, ["setup-demo"])
    auditor = get_user_model().objects.get(username="auditor")
    county = get_user_model().objects.get(username="county_staff")
    # when
    client.force_login(auditor)
    page = client.get("/workbench/")
    log = client.get("/registry/access-log/")
    client.force_login(county)
    county_page = client.get("/workbench/")
    county_log = client.get("/registry/access-log/")
    # then
    assert list(auditor.groups.values_list("name", flat=True)) == ["审计管理员"]
    assert "敏感信息访问记录" in page.content.decode()
    assert log.status_code == 200
    assert "敏感信息访问记录" not in county_page.content.decode()
    assert county_log.status_code == 403
