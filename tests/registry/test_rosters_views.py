from __future__ import annotations

import pytest
from django.urls import reverse

from jiuye.registry import models as m
from jiuye.staff import models as staff_models
from tests.factories import StaffUserFactory
from tests.registry.rosterkit import ID_A, ID_B, people_file, person_row


@pytest.fixture(autouse=True)
def var(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"


@pytest.fixture
def county_staff(divisions):
    user = StaffUserFactory(username="ningjiang")
    staff_models.StaffProfile.objects.create(user=user, division=divisions["220702"])
    return user


def test_rosters_need_a_staff_login(client, divisions):
    # when
    response = client.get(reverse("registry:rosters:index"))
    # then
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_template_download_is_an_xlsx(client, county_staff):
    # given
    client.force_login(county_staff)
    # when
    response = client.get(reverse("registry:rosters:template", args=["person"]))
    # then
    assert response.status_code == 200
    assert response["Content-Type"].endswith("spreadsheetml.sheet")
    assert response.content[:2] == b"PK"


def test_upload_preview_confirm_and_error_download(client, county_staff, tmp_path):
    # given
    client.force_login(county_staff)
    path = people_file(tmp_path / "p.xlsx", [person_row(ID_A), person_row(ID_B, None)])
    # when
    with path.open("rb") as handle:
        uploaded = client.post(
            reverse("registry:rosters:upload"), {"kind": "person", "file": handle}
        )
    preview = client.get(uploaded["Location"])
    token = uploaded["Location"].rstrip("/").rsplit("/", 1)[1]
    errors = client.get(reverse("registry:rosters:errors", args=[token]))
    confirmed = client.post(reverse("registry:rosters:confirm", args=[token]), follow=True)
    # then
    assert uploaded.status_code == 302
    assert "校验通过 1 行" in preview.content.decode()
    assert "必填项为空" in preview.content.decode()
    assert errors.status_code == 200
    assert errors.content[:2] == b"PK"
    assert confirmed.redirect_chain == [(reverse("registry:rosters:index"), 302)]
    assert "已导入：新增 1 条，更新 0 条，无变化 0 条" in confirmed.content.decode()
    assert list(m.Person.objects.values_list("resident_id", flat=True)) == [ID_A]
    assert m.ChangeLog.objects.get().actor == county_staff
    # the batch (full identity numbers) is gone from the server
    assert client.get(uploaded["Location"]).status_code == 404
    assert client.get(reverse("registry:rosters:errors", args=[token])).status_code == 404


def test_a_bad_file_is_told_in_chinese_without_a_500(client, county_staff, tmp_path):
    # given
    client.force_login(county_staff)
    path = tmp_path / "p.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    # when
    with path.open("rb") as handle:
        response = client.post(
            reverse("registry:rosters:upload"), {"kind": "person", "file": handle}
        )
    # then
    assert response.status_code == 400
    assert "不是 Excel 工作簿" in response.content.decode()


def test_an_oversized_upload_is_refused_by_the_form(client, county_staff, tmp_path, settings):
    # given
    settings.ROSTER_MAX_UPLOAD_BYTES = 100
    client.force_login(county_staff)
    path = people_file(tmp_path / "p.xlsx", [person_row(ID_A)])
    # when
    with path.open("rb") as handle:
        response = client.post(
            reverse("registry:rosters:upload"), {"kind": "person", "file": handle}
        )
    # then
    assert response.status_code == 400
    assert "文件过大" in response.content.decode()


def test_staff_without_a_jurisdiction_cannot_upload(client, divisions, tmp_path):
    # given
    client.force_login(StaffUserFactory(username="nowhere"))
    path = people_file(tmp_path / "p.xlsx", [person_row(ID_A)])
    # when
    with path.open("rb") as handle:
        response = client.post(
            reverse("registry:rosters:upload"), {"kind": "person", "file": handle}
        )
    # then
    assert response.status_code == 403
    assert m.Person.objects.count() == 0


def test_another_users_batch_is_not_found(client, county_staff, divisions, tmp_path):
    # given
    client.force_login(county_staff)
    path = people_file(tmp_path / "p.xlsx", [person_row(ID_A)])
    with path.open("rb") as handle:
        location = client.post(
            reverse("registry:rosters:upload"), {"kind": "person", "file": handle}
        )["Location"]
    other = StaffUserFactory(username="other")
    staff_models.StaffProfile.objects.create(user=other, division=divisions["220702"])
    client.force_login(other)
    # when
    response = client.get(location)
    # then
    assert response.status_code == 404
