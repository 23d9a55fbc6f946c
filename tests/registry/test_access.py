"""Jurisdiction: every registry URL shows a staff member only their own subtree."""

from __future__ import annotations

import datetime as dt
import threading
import time
from io import BytesIO

import pytest
from django.db import connections
from django.urls import URLPattern, reverse
from openpyxl import load_workbook

from jiuye import bootstrap
from jiuye.core import clock
from jiuye.geo.loaders import load_songyuan_2017
from jiuye.identity import mask_resident_id
from jiuye.registry import urls as registry_urls
from jiuye.registry.models import Person
from jiuye.staff import access
from jiuye.staff.access import (
    AccessRefused,
    record_export,
    record_reveal,
    reveals_used,
    scoped,
    viewer_for,
    visible_divisions,
)
from jiuye.staff.models import SensitiveAccessLog, StaffProfile
from tests.registry.staff import COMMUNITY, build_world, staff

# this module's own routes (included URL modules, e.g. rosters/, test themselves)
PATTERNS = [p for p in registry_urls.urlpatterns if isinstance(p, URLPattern)]
PK_OWNER = {"person": "other_person", "household": "other_household", "employer": "other_employer"}


def _registry_urls(world) -> list[tuple[str, str, str]]:
    """(url name, method, path) for every route of jiuye.registry.urls, aimed at 前郭县."""
    out = []
    for pattern in PATTERNS:
        name = pattern.name
        entity = name.split("_")[0]
        args = [getattr(world, PK_OWNER[entity]).pk] if "<int:pk>" in str(pattern.pattern) else []
        method = "post" if name.endswith("_reveal") else "get"
        out.append((name, method, reverse(f"registry:{name}", args=args)))
    return out


def _body(response) -> str:
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        book = load_workbook(BytesIO(b"".join(response.streaming_content)))
        return "\n".join(str(v) for row in book.active.iter_rows(values_only=True) for v in row)
    return response.content.decode()


@pytest.mark.parametrize("full", [False, True])
def test_county_staff_gets_no_data_of_another_county_from_any_registry_url(client, divisions, full):
    # given 宁江区 staff and records in 前郭县
    world = build_world(divisions)
    client.force_login(staff("nj", "220702", full=full))
    other = world.other_person
    secrets = [
        other.name,
        other.resident_id,
        mask_resident_id(other.resident_id),
        world.other_household.number,
        world.other_employer.name,
        world.other_employer.credit_code,
    ]
    # when every list, detail, export and action is asked for the other county's data
    seen = []
    for name, method, path in _registry_urls(world):
        for query in (
            {},
            {"q": other.name},
            {"q": other.resident_id[-4:]},
            {"q": "QG-0001"},
            {"area": "220721100"},
        ):
            if method == "post":
                response = client.post(path, {"reason": "核对"})
            else:
                response = client.get(path, query)
            seen.append(name)
            # then: a detail or action is 404 (not 403), a list or export holds none of it
            # (the access log is for auditors alone: 403 whatever the jurisdiction)
            if "<int:pk>" in path or name.endswith(("_detail", "_reveal")):
                assert response.status_code == 404, (name, query)
            elif name == "access_log":
                assert response.status_code == 403, (name, query)
            else:
                assert response.status_code == 200, (name, query)
            body = _body(response)
            if name.endswith("_list") and query:
                assert "共 0 条" in body, (name, query)
            # (the page echoes what was typed into the search box: not registry data)
            for secret in set(secrets) - {query.get("q")}:
                assert secret not in body, (name, query, secret)
    assert set(seen) == {p.name for p in PATTERNS}
    assert not SensitiveAccessLog.objects.filter(object_id=other.pk, entity="person").exists()


def test_community_worker_sees_only_the_community(client, divisions):
    # given
    world = build_world(divisions)
    client.force_login(staff("sq", COMMUNITY))
    # when
    people = client.get(reverse("registry:person_list")).content.decode()
    township = client.get(reverse("registry:person_detail", args=[world.township_person.pk]))
    mine = client.get(reverse("registry:person_detail", args=[world.community_person.pk]))
    households = client.get(reverse("registry:household_list")).content.decode()
    employers = client.get(reverse("registry:employer_list")).content.decode()
    # then
    assert "宁江甲社区" in people
    assert "宁江乙街道" not in people
    assert "前郭丙外县" not in people
    assert "共 1 条" in people
    assert township.status_code == 404
    assert mine.status_code == 200
    assert "共 0 条" in households
    assert "共 0 条" in employers


def test_county_staff_sees_the_whole_county_and_nothing_else(client, divisions):
    # given
    build_world(divisions)
    client.force_login(staff("nj", "220702"))
    # when
    people = client.get(reverse("registry:person_list")).content.decode()
    # then
    assert "宁江甲社区" in people
    assert "宁江乙街道" in people
    assert "前郭丙外县" not in people
    assert "共 2 条" in people


def test_city_staff_sees_every_county(client, divisions):
    # given
    build_world(divisions)
    client.force_login(staff("city", "220700"))
    # when
    people = client.get(reverse("registry:person_list")).content.decode()
    # then
    assert "共 3 条" in people


def test_a_user_without_a_profile_sees_nothing_even_as_superuser(client, divisions, settings):
    # given (where a superuser may sign in at all: JIUYE_SUPERUSER_LOGIN, DEBUG installs)
    settings.SUPERUSER_LOGIN = True
    world = build_world(divisions)
    user = staff("nobody", None)
    user.is_superuser = True
    user.save()
    client.force_login(user)
    # when
    people = client.get(reverse("registry:person_list")).content.decode()
    detail = client.get(reverse("registry:person_detail", args=[world.township_person.pk]))
    # then
    assert "共 0 条" in people
    assert "尚未分配辖区" in people
    assert detail.status_code == 404
    assert list(visible_divisions(user)) == []
    assert list(scoped(Person.objects.all(), viewer_for(user))) == []


def test_visible_divisions_is_the_subtree_by_code_prefix(divisions):
    # given
    build_world(divisions)
    county = staff("nj", "220702")
    township = staff("tj", "220702001")
    # when
    county_codes = sorted(visible_divisions(county).values_list("code", flat=True))
    township_codes = sorted(visible_divisions(township).values_list("code", flat=True))
    # then
    assert county_codes == ["220702", "220702001", COMMUNITY]
    assert township_codes == ["220702001", COMMUNITY]


@pytest.mark.parametrize("name", [p.name for p in PATTERNS])
def test_anonymous_visitors_are_sent_to_login(client, divisions, name):
    # given
    world = build_world(divisions)
    pattern = next(p for p in PATTERNS if p.name == name)
    args = (
        [
            world.township_person.pk
            if name.startswith("person")
            else world.household.pk
            if name.startswith("household")
            else world.employer.pk
        ]
        if "<int:pk>" in str(pattern.pattern)
        else []
    )
    path = reverse(f"registry:{name}", args=args)
    # when
    response = client.post(path) if name.endswith("_reveal") else client.get(path)
    # then
    assert response.status_code == 302
    assert response["Location"].startswith(f"/accounts/login/?next={path}")
    assert SensitiveAccessLog.objects.count() == 0


def test_demo_staff_get_their_jurisdictions(db):
    # given the reference divisions and the sample communities
    load_songyuan_2017()
    bootstrap.ensure_demo_divisions()
    # when
    bootstrap.ensure_demo_accounts()
    bootstrap.ensure_demo_accounts()
    # then
    profiles = {
        p.user.username: (p.division.code, p.can_view_full_identity)
        for p in StaffProfile.objects.select_related("user", "division")
    }
    assert profiles == {
        "city_staff": ("220700", True),
        "city_lead": ("220700", True),
        "county_staff": ("220702", False),
        "county_lead": ("220702", False),
        "fuyu_staff": ("220781", False),
        "community_staff": (COMMUNITY, False),
    }


def _shown_before(user, person, count: int, minutes_ago: float, now=None) -> None:
    """``count`` logged reveals by ``user`` that many minutes before ``now``."""
    at = (now or clock.now()) - dt.timedelta(minutes=minutes_ago)
    for _ in range(count):
        SensitiveAccessLog.objects.create(
            actor=user,
            action="reveal",
            entity="person",
            object_id=person.pk,
            field="resident_id",
            reason="核对",
            row_count=1,
            unmasked=True,
            at=at,
        )


def test_the_reveal_at_the_hourly_limit_is_shown_and_the_one_after_is_refused(
    client, divisions, settings
):
    # given a limit of 3 and 2 numbers shown in the last hour
    settings.REVEAL_LIMIT_PER_HOUR = 3
    world = build_world(divisions)
    user = staff("qg", "220721", full=True)
    person = world.other_person
    _shown_before(user, person, 2, minutes_ago=30)
    client.force_login(user)
    url = reverse("registry:person_reveal", args=[person.pk])
    # when the third and the fourth are asked for
    third = client.post(url, {"reason": "核对第三个"})
    fourth = client.post(url, {"reason": "核对第四个"})
    # then the third is shown, the fourth refused with a message and nothing shown
    assert third.status_code == 200
    assert person.resident_id in third.content.decode()
    assert fourth.status_code == 429
    html = fourth.content.decode()
    assert "您最近 1 小时内已查看 3 个完整身份证号码，达到上限，本次未显示（已记录）" in html
    assert person.resident_id not in html
    assert mask_resident_id(person.resident_id) in html
    newest = list(
        SensitiveAccessLog.objects.order_by("-id").values_list(
            "actor", "action", "object_id", "field", "row_count", "reason"
        )[:2]
    )
    assert newest == [
        (
            user.pk,
            "reveal",
            person.pk,
            "resident_id",
            0,
            "已拒绝（超出每小时 3 个的上限）：核对第四个",
        ),
        (user.pk, "reveal", person.pk, "resident_id", 1, "核对第三个"),
    ]
    assert reveals_used(user.pk, clock.now()) == 3


def test_a_refused_reveal_by_htmx_swaps_in_the_message(client, divisions, settings):
    # given
    settings.REVEAL_LIMIT_PER_HOUR = 1
    world = build_world(divisions)
    user = staff("qg", "220721", full=True)
    _shown_before(user, world.other_person, 1, minutes_ago=5)
    client.force_login(user)
    # when
    response = client.post(
        reverse("registry:person_reveal", args=[world.other_person.pk]),
        {"reason": "核对"},
        HTTP_HX_REQUEST="true",
    )
    # then (htmx swaps only a 2xx answer)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith('<div id="resident-id">')
    assert 'role="alert">您最近 1 小时内已查看 1 个完整身份证号码' in html
    assert world.other_person.resident_id not in html


def test_the_limit_counts_only_shown_numbers_of_the_user_in_the_last_60_minutes(
    divisions, settings
):
    # given a limit of 2; old, refused and other people's rows around one recent reveal
    settings.REVEAL_LIMIT_PER_HOUR = 2
    world = build_world(divisions)
    user = staff("qg", "220721", full=True)
    other = staff("city", "220700", full=True)
    person = world.other_person
    now = clock.now()
    _shown_before(user, person, 5, minutes_ago=60, now=now)  # exactly an hour ago: out
    _shown_before(user, person, 1, minutes_ago=59, now=now)
    _shown_before(other, person, 5, minutes_ago=1, now=now)
    SensitiveAccessLog.objects.create(
        actor=user,
        action="reveal",
        entity="person",
        object_id=person.pk,
        field="resident_id",
        row_count=0,
        outcome="refused",
        at=now,
    )
    record_export(
        viewer_user=user,
        entity="person",
        export_name="人员名单",
        field="resident_id",
        row_count=9,
        filters="",
        now=now,
    )
    # when
    used = reveals_used(user.pk, now)
    shown = record_reveal(
        viewer_user=user,
        entity="person",
        object_id=person.pk,
        field="resident_id",
        reason="核对",
        now=now,
    )
    # then the second is allowed, a third is not
    assert used == 1
    assert shown.row_count == 1
    with pytest.raises(AccessRefused) as refused:
        record_reveal(
            viewer_user=user,
            entity="person",
            object_id=person.pk,
            field="resident_id",
            reason="核对",
            now=now,
        )
    assert refused.value.code == "reveal_limit"
    assert reveals_used(user.pk, now) == 2


def test_a_limit_of_zero_refuses_every_reveal_and_logs_it(divisions, settings):
    # given
    settings.REVEAL_LIMIT_PER_HOUR = 0
    world = build_world(divisions)
    user = staff("qg", "220721", full=True)
    # when
    with pytest.raises(AccessRefused):
        record_reveal(
            viewer_user=user,
            entity="person",
            object_id=world.other_person.pk,
            field="resident_id",
            reason="核对",
        )
    # then
    assert list(SensitiveAccessLog.objects.values_list("action", "row_count")) == [("reveal", 0)]


@pytest.mark.postgresql
def test_two_reveals_at_once_cannot_both_take_the_last_place(
    transactional_db, divisions, settings, monkeypatch
):
    # given a limit of 1, and a count that dawdles so that both requests would overlap
    settings.REVEAL_LIMIT_PER_HOUR = 1
    world = build_world(divisions)
    user = staff("qg", "220721", full=True)
    counted = access.reveals_used

    def slow_count(user_id, now):
        used = counted(user_id, now)
        time.sleep(0.3)
        return used

    monkeypatch.setattr(access, "reveals_used", slow_count)
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def reveal() -> None:
        start.wait()
        try:
            record_reveal(
                viewer_user=user,
                entity="person",
                object_id=world.other_person.pk,
                field="resident_id",
                reason="核对",
            )
            outcomes.append("shown")
        except AccessRefused:
            outcomes.append("refused")
        finally:
            connections.close_all()

    # when
    threads = [threading.Thread(target=reveal) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert sorted(outcomes) == ["refused", "shown"]
    assert sorted(SensitiveAccessLog.objects.values_list("row_count", flat=True)) == [0, 1]
