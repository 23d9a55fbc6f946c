"""Jurisdiction: every registry URL shows a staff member only their own subtree."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.urls import URLPattern, reverse
from openpyxl import load_workbook

from jiuye import bootstrap
from jiuye.geo.loaders import load_songyuan_2017
from jiuye.identity import mask_resident_id
from jiuye.registry import urls as registry_urls
from jiuye.registry.access import scoped, viewer_for, visible_divisions
from jiuye.registry.models import Person, SensitiveAccessLog, StaffProfile
from tests.registry.staff import COMMUNITY, build_world, staff

# this module's own routes (included URL modules, e.g. rosters/, test themselves)
PATTERNS = [p for p in registry_urls.urlpatterns if isinstance(p, URLPattern)]
PK_OWNER = {"person": "other_person", "household": "other_household",
            "employer": "other_employer"}


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
def test_county_staff_gets_no_data_of_another_county_from_any_registry_url(client, divisions,
                                                                            full):
    # given 宁江区 staff and records in 前郭县
    world = build_world(divisions)
    client.force_login(staff("nj", "220702", full=full))
    other = world.other_person
    secrets = [other.name, other.resident_id, mask_resident_id(other.resident_id),
               world.other_household.number, world.other_employer.name,
               world.other_employer.credit_code]
    # when every list, detail, export and action is asked for the other county's data
    seen = []
    for name, method, path in _registry_urls(world):
        for query in ({}, {"q": other.name}, {"q": other.resident_id[-4:]},
                      {"q": "QG-0001"}, {"area": "220721100"}):
            if method == "post":
                response = client.post(path, {"reason": "核对"})
            else:
                response = client.get(path, query)
            seen.append(name)
            # then: a detail or action is 404 (not 403), a list or export holds none of it
            if "<int:pk>" in path or name.endswith(("_detail", "_reveal")):
                assert response.status_code == 404, (name, query)
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


def test_a_user_without_a_profile_sees_nothing_even_as_superuser(client, divisions):
    # given
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
    args = [world.township_person.pk if name.startswith("person") else
            world.household.pk if name.startswith("household") else world.employer.pk
            ] if "<int:pk>" in str(pattern.pattern) else []
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
    profiles = {p.user.username: (p.division.code, p.can_view_full_identity)
                for p in StaffProfile.objects.select_related("user", "division")}
    assert profiles == {
        "admin": ("220700", True),
        "city_staff": ("220700", True),
        "county_staff": ("220702", False),
        "community_staff": (COMMUNITY, False),
    }
