from __future__ import annotations

import pytest
from django.contrib.auth import authenticate, get_user_model
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
    assert "jiuye-demo-city" in second.output
    assert "花名册上传：删除超过 24 小时未处理的批次" in second.output
    assert sorted(get_user_model().objects.values_list("username", flat=True)) == [
        "admin",
        "auditor",
        "city_staff",
        "community_staff",
        "county_staff",
    ]
    assert Division.objects.count() == 153
    assert Division.objects.filter(is_sample=True).count() == 3
    assert Person.objects.count() == 5000


def test_demo_accounts_can_log_in():
    # given
    CliRunner().invoke(app, ["setup-demo"])
    # when
    admin = authenticate(username="admin", password="jiuye-demo-admin")
    county = authenticate(username="county_staff", password="jiuye-demo-county")
    # then
    assert admin is not None
    assert admin.is_superuser
    assert county is not None
    assert not county.is_superuser
    assert list(county.groups.values_list("name", flat=True)) == ["县区经办人员"]


def test_the_demo_auditor_reads_the_access_log_and_county_staff_do_not(client):
    # given
    CliRunner().invoke(app, ["setup-demo"])
    auditor = authenticate(username="auditor", password="jiuye-demo-audit")
    county = get_user_model().objects.get(username="county_staff")
    # when
    client.force_login(auditor)
    page = client.get("/workbench/")
    log = client.get("/registry/access-log/")
    client.force_login(county)
    county_page = client.get("/workbench/")
    county_log = client.get("/registry/access-log/")
    # then
    assert list(auditor.groups.values_list("name", flat=True)) == ["审计"]
    assert "敏感信息访问记录" in page.content.decode()
    assert log.status_code == 200
    assert "敏感信息访问记录" not in county_page.content.decode()
    assert county_log.status_code == 403
