"""Staff list exports: .xlsx, Chinese headers, masked by role, formulas neutralised."""

from __future__ import annotations

import logging
from io import BytesIO

from django.urls import reverse
from openpyxl import load_workbook

from jiuye.identity import mask_resident_id
from jiuye.registry.exports import neutralise
from jiuye.staff.models import SensitiveAccessLog
from tests.registry.factories import EmployerFactory
from tests.registry.staff import build_world, staff

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _logged() -> list[tuple]:
    return list(
        SensitiveAccessLog.objects.order_by("id").values_list(
            "action", "entity", "export_name", "field", "row_count", "reason"
        )
    )


def _rows(response) -> list[tuple]:
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    return list(book.active.iter_rows(values_only=True))


def test_people_export_is_masked_for_a_role_without_the_right(client, divisions):
    # given
    world = build_world(divisions)
    client.force_login(staff("nj", "220702"))
    # when
    response = client.get(reverse("registry:person_export"))
    # then
    rows = _rows(response)
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment; filename*=utf-8''")
    assert "no-store" in response["Cache-Control"]
    assert rows[0] == (
        "姓名",
        "居民身份证号码",
        "性别",
        "出生日期",
        "户籍所在地",
        "户籍类型",
        "文化程度",
        "家庭编号",
        "残疾人（持证）",
    )
    assert [(r[0], r[1], r[8]) for r in rows[1:]] == [
        ("宁江甲社区", mask_resident_id(world.community_person.resident_id), "已隐藏"),
        ("宁江乙街道", mask_resident_id(world.township_person.resident_id), "已隐藏"),
    ]
    assert _logged() == [("export", "person", "人员名单", "", 2, "筛选：无")]


def test_the_plain_export_is_masked_even_for_the_full_right(client, divisions, caplog):
    # given (before issue 10 this file carried full numbers: unmasked files now need an
    # approval, tests/registry/test_export_approval.py)
    world = build_world(divisions)
    user = staff("qg", "220721", full=True)
    client.force_login(user)
    caplog.set_level(logging.DEBUG)
    # when
    rows = _rows(client.get(reverse("registry:person_export")))
    # then
    assert [(r[0], r[1], r[8]) for r in rows[1:]] == [
        ("前郭丙外县", mask_resident_id(world.other_person.resident_id), "已隐藏")
    ]
    assert list(
        SensitiveAccessLog.objects.values_list(
            "actor", "action", "entity", "export_name", "field", "row_count", "object_id"
        )
    ) == [(user.pk, "export", "person", "人员名单", "", 1, None)]
    assert (
        f"registry export: user={user.pk} export=人员名单 rows=1 unmasked=False refused=False"
    ) in caplog.text
    assert world.other_person.resident_id not in caplog.text


def test_export_keeps_the_list_filters(client, divisions):
    # given
    build_world(divisions)
    client.force_login(staff("nj", "220702"))
    # when
    rows = _rows(client.get(reverse("registry:person_export"), {"q": "乙街"}))
    # then the file and the log row both carry the filter
    assert [r[0] for r in rows[1:]] == ["宁江乙街道"]
    assert _logged() == [("export", "person", "人员名单", "", 1, "筛选：搜索=乙街")]


def test_export_neutralises_cells_that_a_spreadsheet_would_run(client, divisions):
    # given employers whose names start like formulas
    names = [
        '=HYPERLINK("http://x.example","点击")',
        "+1+2",
        "-3",
        "@SUM(A1)",
        "\tTab",
        "\rCR",
        "正常单位",
    ]
    for name in names:
        EmployerFactory(name=name, division=divisions["220702001"])
    client.force_login(staff("nj", "220702"))
    # when
    response = client.get(reverse("registry:employer_export"))
    # then
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    cells = [row[0] for row in book.active.iter_rows(min_row=2)]
    assert [c.value for c in cells] == [
        '\'=HYPERLINK("http://x.example","点击")',
        "'+1+2",
        "'-3",
        "'@SUM(A1)",
        "'\tTab",
        "'\nCR",
        "正常单位",
    ]  # (XML reads a stored CR back as LF)
    assert {c.data_type for c in cells} == {"s"}


def test_neutralise_leaves_numbers_and_plain_text_alone():
    # when
    values = [neutralise(v) for v in (12, None, "张三", "2207", "a=b", "=x", "-")]
    # then
    assert values == [12, None, "张三", "2207", "a=b", "'=x", "'-"]


def test_households_export_hides_difficulty_categories_without_the_right(client, divisions):
    # given
    build_world(divisions)
    client.force_login(staff("qg", "220721"))
    # when
    rows = _rows(client.get(reverse("registry:household_export")))
    # then
    assert rows == [
        ("家庭编号", "所在地", "成员人数", "困难类别（现行）"),
        ("QG-0001", "前郭尔罗斯镇", 1, "已隐藏"),
    ]


def test_households_export_hides_difficulty_categories_from_the_full_right_too(client, divisions):
    # given
    build_world(divisions)
    client.force_login(staff("qg", "220721", full=True))
    # when
    rows = _rows(client.get(reverse("registry:household_export")))
    # then
    assert rows[1] == ("QG-0001", "前郭尔罗斯镇", 1, "已隐藏")
    assert list(
        SensitiveAccessLog.objects.values_list("action", "export_name", "field", "row_count")
    ) == [("export", "家庭名单", "", 1)]


def test_a_list_narrowed_by_a_sensitive_attribute_is_not_exported_plainly(client, divisions):
    # given a full-right viewer who filters households by difficulty category
    build_world(divisions)
    client.force_login(staff("qg", "220721", full=True))
    # when
    page = client.get(reverse("registry:household_list"), {"status": "dibao"}).content.decode()
    export = client.get(reverse("registry:household_export"), {"status": "dibao"})
    # then (the file would say who is on 低保: it leaves only through an approval)
    assert "按敏感条件筛选的名单不能直接导出" in page
    assert "/registry/households/export.xlsx" not in page
    assert 'href="/registry/exports/new/household/?status=dibao">申请未脱敏导出' in page
    assert export.status_code == 400
    assert "不能直接导出" in export.content.decode()
    assert not SensitiveAccessLog.objects.exists()


def test_an_export_of_exactly_the_row_cap_is_written_and_one_more_is_refused(
    client, divisions, settings
):
    # given a cap of 2 rows; 宁江区 holds 2 people, the city 3
    settings.EXPORT_MAX_ROWS = 2
    build_world(divisions)
    county = staff("nj", "220702")
    city = staff("city", "220700", full=True)
    # when
    client.force_login(county)
    at_cap = client.get(reverse("registry:person_export"))
    client.force_login(city)
    over = client.get(reverse("registry:person_export"), {"sex": "male"})
    # then the first is a file of 2 rows, the second a page asking to narrow the filter
    assert at_cap["Content-Type"] == XLSX
    assert len(_rows(at_cap)) == 3
    assert over.status_code == 400
    assert over["Content-Type"].startswith("text/html")
    html = over.content.decode()
    assert "本次筛选共 3 条记录，超过单次导出上限 2 条，未导出" in html
    assert "请缩小筛选范围" in html
    assert 'href="/registry/people/?sex=male"' in html
    assert "前郭丙外县" not in html
    assert _logged() == [
        ("export", "person", "人员名单", "", 2, "筛选：无"),
        (
            "export",
            "person",
            "人员名单",
            "",
            3,
            "已拒绝（3 行，超过导出上限 2 行）；筛选：性别=male",
        ),
    ]


def test_the_list_offers_no_export_link_over_the_cap(client, divisions, settings):
    # given
    settings.EXPORT_MAX_ROWS = 1
    build_world(divisions)
    client.force_login(staff("nj", "220702"))
    # when
    whole = client.get(reverse("registry:person_list")).content.decode()
    narrowed = client.get(reverse("registry:person_list"), {"q": "乙街"}).content.decode()
    # then
    assert "超过单次导出上限 1 条，请缩小筛选范围后再导出" in whole
    assert "/registry/people/export.xlsx" not in whole
    link = '<a href="/registry/people/export.xlsx?q=%E4%B9%99%E8%A1%97">导出 Excel（已脱敏）</a>'
    assert link in narrowed


def test_an_export_without_personal_data_is_logged_too(client, divisions):
    # given
    build_world(divisions)
    user = staff("nj", "220702", full=True)
    client.force_login(user)
    # when
    rows = _rows(client.get(reverse("registry:employer_export"), {"kind": "enterprise"}))
    # then
    assert len(rows) == 2
    assert list(
        SensitiveAccessLog.objects.values_list(
            "actor", "action", "entity", "export_name", "field", "row_count", "reason"
        )
    ) == [(user.pk, "export", "employer", "用人单位名单", "", 1, "筛选：单位类型=enterprise")]
