"""The access-log page: audit administrators (审计管理员) read who saw what; superusers
cannot sign in under production settings (their session ends: back to sign-in)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from jiuye.staff.access import AccessRefused, record_export, record_reveal
from jiuye.staff.models import SensitiveAccessLog
from jiuye.staff.roles import Role
from tests.factories import StaffUserFactory
from tests.registry.staff import build_world, staff

URL = "/registry/access-log/"


def _auditor():
    user = StaffUserFactory(username="shenji")
    user.groups.add(Group.objects.get_or_create(name=Role.AUDIT.value)[0])
    return user


def _at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2019, 6, day, hour, tzinfo=timezone.get_current_timezone())


@pytest.fixture
def logged(divisions, settings):
    """Three rows: a reveal on 3 June, a refused reveal and a masked export on 5 June."""
    settings.REVEAL_LIMIT_PER_HOUR = 1
    world = build_world(divisions)
    qg = staff("qg", "220721", full=True)
    nj = staff("nj", "220702")
    record_reveal(
        viewer_user=qg,
        entity="person",
        object_id=world.other_person.pk,
        field="resident_id",
        reason="办理补贴核对",
        now=_at(3),
    )
    with pytest.raises(AccessRefused):
        record_reveal(
            viewer_user=qg,
            entity="person",
            object_id=world.other_person.pk,
            field="resident_id",
            reason="再看一次",
            now=_at(3, 10).replace(minute=5),
        )
    record_export(
        viewer_user=nj,
        entity="person",
        export_name="人员名单",
        field="",
        row_count=2,
        filters="搜索=乙街",
        now=_at(5),
    )
    return world


def test_the_url_is_the_access_log():
    assert reverse("registry:access_log") == URL


@pytest.mark.parametrize(
    ("who", "status"), [("auditor", 200), ("superuser", 302), ("full_right", 403), ("plain", 403)]
)
def test_only_auditors_read_the_log(client, logged, who, status):
    # given
    users = {
        "auditor": _auditor,
        "superuser": lambda: StaffUserFactory(username="root", is_superuser=True),
        "full_right": lambda: staff("city", "220700", full=True),
        "plain": lambda: StaffUserFactory(username="plain"),
    }
    client.force_login(users[who]())
    # when
    response = client.get(URL)
    # then
    assert response.status_code == status
    html = response.content.decode()
    assert ("办理补贴核对" in html) is (status == 200)
    if status == 403:
        assert "只有审计管理员可以查看" in html


def test_anonymous_visitors_are_sent_to_login(client, logged):
    # when
    response = client.get(URL)
    # then
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_an_inactive_auditor_reads_nothing(client, logged):
    # given
    user = _auditor()
    user.is_active = False
    user.save()
    client.force_login(user)
    # when
    response = client.get(URL)
    # then
    assert response.status_code != 200


def test_the_log_lists_who_saw_what_newest_first_without_names_or_numbers(client, logged):
    # given
    client.force_login(_auditor())
    # when
    response = client.get(URL)
    # then
    lines = response.context["lines"]
    assert [
        (x["actor"].split("（")[0], x["action"], x["field"], x["count"], x["outcome"], x["reason"])
        for x in lines
    ] == [
        ("nj", "导出名单", "—", 2, "已脱敏导出", "筛选：搜索=乙街"),
        (
            "qg",
            "显示完整号码",
            "resident_id",
            0,
            "未显示（超出每小时上限）",
            "已拒绝（超出每小时 1 个的上限）：再看一次",
        ),
        ("qg", "显示完整号码", "resident_id", 1, "已显示完整号码", "办理补贴核对"),
    ]
    assert lines[2]["target"] == f"人员 #{logged.other_person.pk}"
    assert lines[0]["target"] == "人员名单"
    html = response.content.decode()
    assert "2019-06-03 10:00:00" in html
    assert logged.other_person.name not in html
    assert logged.other_person.resident_id not in html
    assert response["Cache-Control"].startswith("max-age=0, no-cache, no-store")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"user": "qg"}, ["已拒绝（超出每小时 1 个的上限）：再看一次", "办理补贴核对"]),
        ({"user": "QG"}, ["已拒绝（超出每小时 1 个的上限）：再看一次", "办理补贴核对"]),
        ({"action": "export"}, ["筛选：搜索=乙街"]),
        ({"outcome": "refused"}, ["已拒绝（超出每小时 1 个的上限）：再看一次"]),
        ({"outcome": "shown"}, ["办理补贴核对"]),
        ({"outcome": "masked"}, ["筛选：搜索=乙街"]),
        ({"outcome": "unmasked"}, []),
        ({"from": "2019-06-04"}, ["筛选：搜索=乙街"]),
        ({"to": "2019-06-03"}, ["已拒绝（超出每小时 1 个的上限）：再看一次", "办理补贴核对"]),
        ({"from": "2019-06-03", "to": "2019-06-03", "user": "nj"}, []),
        (
            {"from": "not-a-date", "action": "nonsense"},
            ["筛选：搜索=乙街", "已拒绝（超出每小时 1 个的上限）：再看一次", "办理补贴核对"],
        ),
    ],
)
def test_the_log_is_filtered_by_user_action_outcome_and_local_date(
    client, logged, params, expected
):
    # given
    client.force_login(_auditor())
    # when
    response = client.get(URL, params)
    # then
    assert [x["reason"] for x in response.context["lines"]] == expected


def test_reading_the_log_changes_nothing(client, logged):
    # given
    client.force_login(_auditor())
    before = list(SensitiveAccessLog.objects.values_list("id", "reason"))
    # when
    post = client.post(URL, {"user": "qg"})
    client.get(URL)
    # then
    assert post.status_code == 405
    assert list(SensitiveAccessLog.objects.values_list("id", "reason")) == before


@pytest.mark.parametrize(
    ("who", "status"), [("auditor", 200), ("superuser", 302), ("permitted", 302)]
)
def test_the_admin_list_of_the_log_is_for_auditors_only(client, logged, who, status):
    # given staff accounts (is_staff); "permitted" holds the model's view permission only
    # (refused: the audit site is for the role; others are sent to sign in)
    from django.contrib.auth.models import Permission

    users = {
        "auditor": _auditor,
        "superuser": lambda: StaffUserFactory(username="root", is_superuser=True),
        "permitted": lambda: StaffUserFactory(username="perm"),
    }
    user = users[who]()
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="view_sensitiveaccesslog"))
    client.force_login(user)
    # when
    response = client.get("/admin/audit/staff/sensitiveaccesslog/", {"at__year": "2019"})
    # then
    assert response.status_code == status
    if status == 200:
        html = response.content.decode()
        assert "未显示（超出每小时上限）" in html
        assert logged.other_person.name not in html
