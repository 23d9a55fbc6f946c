"""Cache-Control: no-store on every staff and personal page: a sweep over the URL conf.

Every named URL of the project is requested (GET, and the POST that shows a person's
answers), as a visitor and as a signed-in staff member. Only the declared public pages
shown to a visitor may be stored; everything else says ``no-store``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from jiuye.portal.models import Booking
from jiuye.selfcheck.questionnaire import State
from jiuye.selfcheck.services import draft_create
from jiuye.staff.sites import audit_site, security_site, system_site

pytestmark = pytest.mark.django_db

# a value for each URL argument of the project (and of the admin and the API)
SAMPLES = {
    "slug": "1-1",
    "code": "ACDEFG",
    "token": "no-such-token",
    "entity": "person",
    "pk": "1",
    "object_id": "1",
    "app_label": "auth",  # replaced per admin site, see samples_for
    "content_type_id": "1",
    "batch": "no-such-batch",
    "batch_id": "no-such-batch",
    "kind": "persons",
    "listing": "persons",
    "id": "1",
    "notice_id": "1",
    "objection_id": "1",
    "item_id": "1",
    "file_id": "1",
    "announcement_id": "1",
}
# The public pages, named once here so that making a page cacheable is a visible change.
EXPECTED_PUBLIC = {
    "home",
    "policies",
    "self_check",
    "services",
    "healthz",
    "portal:measure",
    "portal:poster",
    "portal:qr_svg",
    "portal:qr_png",
    "selfcheck:start",
    "api:index",
    "api:rules",
    "api:parameters",
    "api:facts",
    "api:package",
    "api:openapi-json",
    "api:openapi-view",
}


def named_urls(
    patterns: list[URLPattern | URLResolver] | None = None, namespace: str = ""
) -> Iterator[tuple[str, list[str]]]:
    """(view name with namespaces, argument names) of every named URL."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from named_urls(entry.url_patterns, inner)
        elif entry.name:
            arguments = list(getattr(entry.pattern, "converters", {}) or {})
            arguments += [g for g in entry.pattern.regex.groupindex if g not in arguments]
            yield f"{namespace}{entry.name}", arguments


ADMIN_SITES = {site.name: site for site in (system_site, security_site, audit_site)}


def samples_for(name: str) -> dict[str, str]:
    """SAMPLES, with an app label the admin site of ``name`` registers (each role's site
    accepts only its own apps in its URLs)."""
    site = ADMIN_SITES.get(name.split(":", 1)[0])
    if site is None:
        return SAMPLES
    return SAMPLES | {"app_label": sorted(m._meta.app_label for m in site._registry)[0]}


def sweep() -> list[tuple[str, str]]:
    """(view name, path) of every named URL, with sample arguments; the name is the one
    the path resolves to (two names of one path, e.g. the API's root, count once)."""
    found = {}
    for name, arguments in named_urls():
        samples = samples_for(name)
        try:
            path = reverse(name, kwargs={a: samples[a] for a in arguments})
        except KeyError as missing:  # pragma: no cover - tells what to add
            pytest.fail(f"no sample value for the argument {missing} of {name}")
        found[resolve(path).view_name] = path
    return sorted(found.items())


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.fixture
def booking(offices_and_slot) -> Booking:
    from jiuye.portal.services import booking_create

    return booking_create(
        slot_id=offices_and_slot.pk, clause="一（一）", name="张三", phone="13800001234"
    )


def test_the_declared_public_pages_are_exactly_the_expected_ones():
    # then: a page becomes cacheable only through this list and the setting together
    assert set(settings.PUBLIC_URL_NAMES) == EXPECTED_PUBLIC
    assert EXPECTED_PUBLIC <= {name for name, _ in sweep()}


def test_every_url_but_the_public_pages_says_no_store_to_a_visitor(booking):
    # given a visitor, a booking and a saved self-check draft
    draft = draft_create(state=State("person", {"is_college_graduate": "true"}))
    client = Client(raise_request_exception=False)
    checked = []
    for name, path in sweep():
        path = {
            "portal:booking": reverse("portal:booking", args=[booking.code]),
            "selfcheck:draft": reverse("selfcheck:draft", args=[draft.token]),
        }.get(name, path)
        # when
        response = client.get(path)
        # then
        if name in EXPECTED_PUBLIC:
            assert not no_store(response), (name, path, response.status_code)
        else:
            assert no_store(response), (name, path, response.status_code)
        checked.append(name)
    # the staff areas and the personal pages were all among them
    for name in ("workbench", "portal:day_bookings", "portal:booking", "selfcheck:draft"):
        assert name in checked
    for site in ADMIN_SITES:
        assert any(name.startswith(f"{site}:") for name in checked), site
    assert any(name.startswith("registry:") for name in checked)


def test_the_pages_showing_a_persons_answers_say_no_store(booking):
    client = Client()
    # a booking's page, right after booking, with the name and phone (masked)
    response = client.get(reverse("portal:booking", args=[booking.code]))
    assert response.status_code == 200
    assert no_store(response)
    # a self-check step with an answer, and the evaluate API with a person's facts
    response = client.post(
        reverse("selfcheck:check", args=["person"]),
        {"a.is_college_graduate": "true", "action": "answer", "q": "graduation_date", "v": ""},
    )
    assert no_store(response)
    response = client.post(
        reverse("api:evaluate"),
        '{"entity": "person", "as_of": "2019-06-01", "facts": {}}',
        content_type="application/json",
    )
    assert response.status_code == 200
    assert no_store(response)
    # a wrong phone on cancel (the form comes back with the booking)
    response = client.post(reverse("portal:cancel", args=[booking.code]), {"phone": "0000"})
    assert no_store(response)


def test_every_url_says_no_store_to_a_signed_in_member_of_staff(staff_user, booking):
    # given a signed-in member of staff, even on the public pages (the header names them)
    client = Client(raise_request_exception=False)
    client.force_login(staff_user)
    for name, path in sweep():
        # when
        response = client.get(path)
        # then
        assert no_store(response), (name, path, response.status_code)


def test_a_public_page_shown_to_a_visitor_may_be_kept(offices_and_slot):
    response = Client().get(reverse("portal:measure", args=["1-1"]), {"date": date(2019, 6, 1)})
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
