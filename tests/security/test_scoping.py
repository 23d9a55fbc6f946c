"""A county account against every URL of the site that can name another county's record
(issue 10 §7): 宁江区 (220702) staff, holding every right a county account may hold,
against records of 扶余市 (220781) and 前郭县 (220721).

Data-driven: the URL conf is walked (``get_resolver``), pages, the API and the admin
alike, so a new URL is swept the day it is added. A path parameter is filled from
:data:`FILL` (by URL name, or by route for unnamed patterns) or, for admin object pages,
from the model in the route; a parameter the sweep cannot fill fails the test and says
where to add it. Every URL is asked with GET (with and without searches aimed at the
other county) and with POST (empty, or the form's fields where one is needed):

- a URL that names another county's record answers 403 or 404 (405 for a method it
  does not take; the admin may redirect to its index);
- a URL reachable by anyone who holds a code or token (:data:`PUBLIC`) may answer, but
  shows nothing personal either;
- no response body (HTML, JSON, .xlsx) holds the other county's names, identity numbers
  (full or masked), phone numbers (full or masked) or household numbers, and nothing of
  the other county changes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.urls import URLPattern, URLResolver, get_resolver
from openpyxl import load_workbook

from jiuye.core import clock
from jiuye.geo.loaders import load_songyuan_2017
from jiuye.geo.models import Division
from jiuye.identity import make_resident_id, mask_resident_id
from jiuye.portal import measures
from jiuye.portal.demo import seed_guides, seed_offices
from jiuye.portal.models import Booking, BookingStatus, Office, Slot
from jiuye.portal.services import booking_create, mask_phone
from jiuye.registry import models as m
from jiuye.registry.rosters import batches
from jiuye.registry.rosters.specs import ROSTERS
from jiuye.selfcheck.questionnaire import State, entities
from jiuye.selfcheck.services import draft_create
from jiuye.staff import approvals
from jiuye.staff.access import record_reveal, viewer_for
from jiuye.staff.models import ExportApproval, ExportState, SensitiveAccessLog, StaffProfile
from tests.factories import StaffUserFactory
from tests.registry.factories import EmployerFactory, PersonFactory
from tests.registry.rosterkit import people_file, person_row

pytestmark = pytest.mark.django_db

COUNTY = "220702"  # 宁江区: the account under test
FUYU, QIANGUO = "220781", "220721"


@dataclass
class Other:
    """What belongs to the other counties (and one record of the account's own)."""

    person: m.Person
    second: m.Person
    household: m.Household
    member: m.HouseholdMember
    status: m.HouseholdStatus
    employer: m.Employer
    office: Office
    slot: Slot
    booking: Booking
    staff: Any
    profile: StaffProfile
    pending: ExportApproval
    approved: ExportApproval
    reveal: SensitiveAccessLog
    batch_token: str
    draft_token: str
    secrets: list[str] = field(default_factory=list)


def _division(code: str) -> Division:
    found = Division.objects.filter(code=code).order_by("-vintage").first()
    assert found is not None, code
    return found


def _township(county: str) -> Division:
    found = Division.objects.filter(code__startswith=county, level=4).order_by("code").first()
    assert found is not None, county
    return found


def build(var: Path) -> Other:
    load_songyuan_2017()
    seed_offices()
    seed_guides()
    fuyu, qianguo = _township(FUYU), _township(QIANGUO)
    person = PersonFactory(
        name="扶余外县甲",
        division=fuyu,
        resident_id=make_resident_id(FUYU, dt.date(1980, 2, 3), 331, "male"),
    )
    second = PersonFactory(
        name="前郭外县乙",
        division=qianguo,
        resident_id=make_resident_id(QIANGUO, dt.date(1992, 8, 9), 443, "male"),
    )
    # the account's own county has records too, so its lists are not trivially empty
    PersonFactory(
        name="宁江本县丙",
        division=_township(COUNTY),
        resident_id=make_resident_id(COUNTY, dt.date(1988, 5, 6), 553, "male"),
    )
    household = m.Household.objects.create(number="FY-0001", division=fuyu)
    member = m.HouseholdMember.objects.create(household=household, person=person, relation="户主")
    status = m.HouseholdStatus.objects.create(
        household=household, kind="dibao", start=dt.date(2017, 1, 1)
    )
    employer = EmployerFactory(name="扶余外县粮库", division=fuyu)
    office = Office.objects.get(county__code=FUYU)
    start = dt.datetime.combine(clock.today() + dt.timedelta(days=1), dt.time(9), clock.SHANGHAI)
    slot = Slot.objects.create(
        office=office, starts_at=start, ends_at=start + dt.timedelta(hours=1), capacity=4
    )
    booking = booking_create(
        slot_id=slot.pk, clause="四（四）", name="扶余预约人", phone="13922220781"
    )
    staff = StaffUserFactory(username="fy_staff", first_name="扶余经办员")
    profile = StaffProfile.objects.create(
        user=staff, division=_division(FUYU), can_view_full_identity=True
    )
    checker = StaffUserFactory(username="fy_checker", first_name="扶余审批员")
    StaffProfile.objects.create(user=checker, division=_division(FUYU))
    checker.user_permissions.add(Permission.objects.get(codename="approve_export"))

    def ask() -> ExportApproval:
        return approvals.export_request(
            requester=staff, viewer=viewer_for(staff), entity="person", export_name="人员名单",
            field="resident_id", params={}, filters="", row_count=1, reason="扶余核对补贴名单",
        )  # fmt: skip

    pending, approved = ask(), ask()
    approvals.export_approve(approval_id=approved.pk, approver=checker)
    approved.refresh_from_db()
    reveal = record_reveal(
        viewer_user=staff, entity="person", object_id=person.pk, field="resident_id", reason="核对"
    )
    roster_id = make_resident_id(FUYU, dt.date(1975, 4, 4), 665, "male")
    upload = people_file(var / "fy.xlsx", [person_row(roster_id, "扶余批次人", fuyu.code)])
    batch = batches.preview(
        upload,
        "person",
        filename="扶余.xlsx",
        user_id=staff.pk,
        today=clock.today(),
        now=clock.now(),
        prefix=FUYU,
    )
    draft = draft_create(state=State("person", {"is_college_graduate": "true"}))
    other = Other(
        person, second, household, member, status, employer, office, slot, booking, staff,
        profile, pending, approved, reveal, batch.token, draft.token,
    )  # fmt: skip
    ids = [person.resident_id, second.resident_id, roster_id]
    other.secrets = [
        *(p.name for p in (person, second)),
        "扶余批次人",
        "扶余预约人",
        "扶余经办员",
        "扶余审批员",
        "扶余核对补贴名单",
        employer.name,
        household.number,
        *ids,
        *(mask_resident_id(i) for i in ids),
        booking.phone,
        mask_phone(booking.phone),
    ]
    return other


def county_account():
    """宁江区 staff with every right a county account may hold: full identity numbers,
    booking contacts, export approval."""
    user = StaffUserFactory(username="nj_strong", first_name="宁江经办员")
    StaffProfile.objects.create(user=user, division=_division(COUNTY), can_view_full_identity=True)
    for codename in ("view_booking_contact", "approve_export"):
        user.user_permissions.add(Permission.objects.get(codename=codename))
    user.groups.add(Group.objects.get_or_create(name="县区经办人员")[0])
    return user


# ---------------------------------------------------------------- the URL conf, filled

Values = Callable[[Other], list[Any]]
RECORD = "record"  # the value names a record of another county
PLAIN = "plain"  # the value names no record (a slug, a kind, a label)


def _slugs(o: Other) -> list[str]:
    return [measures.slug("四（四）")]


def _entities(o: Other) -> list[str]:
    return list(entities())


def _listings(o: Other) -> list[str]:
    return ["person", "household", "employer"]


def _content_type(label: str) -> int:
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(apps.get_model(label)).pk


def _app_labels(o: Other) -> list[str]:
    return [a.label for a in apps.get_app_configs()]


#: How to fill each URL's parameters: url name (or route) → parameter → (kind, values).
FILL: dict[str, dict[str, tuple[str, Values]]] = {
    # casework pages: the sweep names no case (cases of another county are covered by
    # tests/casework/test_pages.py::test_a_case_of_another_county_is_not_found)
    **{
        f"casework:{name}": {"code": (PLAIN, lambda o: ["SY20000101NOCASE"])}
        for name in ("detail", "act", "override", "reevaluate", "supplement", "progress_case")
    },
    # case materials: an upload or a file of no case (a file of another county's case is
    # covered by tests/casework/test_materials.py, test_only_the_proving_session_...)
    **{
        f"casework:{name}": {
            "code": (PLAIN, lambda o: ["SY20000101NOCASE"]),
            "item_id": (PLAIN, lambda o: [999999]),
        }
        for name in ("upload", "staff_upload")
    },
    **{
        f"casework:{name}": {
            "code": (PLAIN, lambda o: ["SY20000101NOCASE"]),
            "file_id": (PLAIN, lambda o: [999999]),
        }
        for name in ("applicant_file", "staff_file")
    },
    "casework:second_return": {
        "code": (PLAIN, lambda o: ["SY20000101NOCASE"]),
        "notice_id": (PLAIN, lambda o: [999999]),
    },
    "casework:objection": {
        "code": (PLAIN, lambda o: ["SY20000101NOCASE"]),
        "objection_id": (PLAIN, lambda o: [999999]),
    },
    "casework:object": {"announcement_id": (PLAIN, lambda o: [999999])},
    "api:staff_case": {"code": (PLAIN, lambda o: ["SY20000101NOCASE"])},
    # 个人/单位办事: the sweep names no contact or case (another county's contacts are
    # covered by tests/applicants/test_contacts.py; the applicant's pages need an
    # applicant session, which a staff session never carries)
    "applicants:confirm_colleague": {"pk": (PLAIN, lambda o: [999999])},
    "applicants:contact_decide": {"pk": (PLAIN, lambda o: [999999])},
    "applicants:supplement": {"code": (PLAIN, lambda o: ["SY20000101NOCASE"])},
    "api:case_progress": {"code": (PLAIN, lambda o: ["SY20000101NOCASE"])},
    "portal:measure": {"slug": (PLAIN, _slugs)},
    "portal:poster": {"slug": (PLAIN, _slugs)},
    "portal:qr_svg": {"slug": (PLAIN, _slugs)},
    "portal:qr_png": {"slug": (PLAIN, _slugs)},
    "portal:booking": {"code": (RECORD, lambda o: [o.booking.code])},
    "portal:cancel": {"code": (RECORD, lambda o: [o.booking.code])},
    "selfcheck:check": {"entity": (PLAIN, _entities)},
    "selfcheck:draft": {"token": (RECORD, lambda o: [o.draft_token])},
    "registry:person_detail": {"pk": (RECORD, lambda o: [o.person.pk, o.second.pk])},
    "registry:person_reveal": {"pk": (RECORD, lambda o: [o.person.pk, o.second.pk])},
    "registry:household_detail": {"pk": (RECORD, lambda o: [o.household.pk])},
    "registry:employer_detail": {"pk": (RECORD, lambda o: [o.employer.pk])},
    "registry:rosters:template": {"kind": (PLAIN, lambda o: list(ROSTERS))},
    "registry:rosters:batch": {"token": (RECORD, lambda o: [o.batch_token])},
    "registry:rosters:confirm": {"token": (RECORD, lambda o: [o.batch_token])},
    "registry:rosters:cancel": {"token": (RECORD, lambda o: [o.batch_token])},
    "registry:rosters:errors": {"token": (RECORD, lambda o: [o.batch_token])},
    "registry:exports:request": {"entity": (PLAIN, _listings)},
    "registry:exports:approve": {"pk": (RECORD, lambda o: [o.pending.pk])},
    "registry:exports:refuse": {"pk": (RECORD, lambda o: [o.pending.pk])},
    "registry:exports:download": {"pk": (RECORD, lambda o: [o.approved.pk, o.pending.pk])},
}

# each role's admin site (/admin/system/, /admin/security/, /admin/audit/) has the same
# parameterised URLs
for _site, _prefix in (
    ("system_admin", "admin/system/"),
    ("security_admin", "admin/security/"),
    ("audit_admin", "admin/audit/"),
):
    FILL[f"{_site}:app_list"] = {"app_label": (PLAIN, _app_labels)}
    FILL[f"{_site}:auth_user_password_change"] = {"id": (RECORD, lambda o: [o.staff.pk])}
    FILL[f"{_site}:view_on_site"] = {
        "content_type_id": (RECORD, lambda o: [_content_type("registry.person")]),
        "object_id": (RECORD, lambda o: [o.person.pk]),
    }
    # the admin's catch-all (old-style object URLs redirect from here)
    FILL[_prefix + "(?P<url>.*)$"] = {
        "url": (RECORD, lambda o: [f"registry/person/{o.person.pk}/", "x/"])
    }

#: URLs anyone holding the code or token may open (a resident's own booking, a saved
#: self-check): any status, but still nothing personal in the body.
PUBLIC = {"portal:booking", "portal:cancel", "selfcheck:draft"}

#: The other county's record of each admin model (other models: any row, or none).
ADMIN_OBJECTS: dict[str, Callable[[Other], Any]] = {
    "auth.user": lambda o: o.staff,
    "staff.staffprofile": lambda o: o.profile,
    "staff.sensitiveaccesslog": lambda o: o.reveal,
    "registry.person": lambda o: o.person,
    "registry.household": lambda o: o.household,
    "registry.householdmember": lambda o: o.member,
    "registry.householdstatus": lambda o: o.status,
    "registry.employer": lambda o: o.employer,
    "portal.office": lambda o: o.office,
    "portal.slot": lambda o: o.slot,
}

#: Form fields a POST carries where the view needs them to act at all.
POST_DATA: dict[str, dict[str, str]] = {
    "registry:person_reveal": {"reason": "核对"},
    "registry:exports:refuse": {"note": "不予批准"},
    "registry:exports:request": {"reason": "核对外县名单的事由"},
    "portal:cancel": {"phone_tail": "0000"},
}

ADMIN_OBJECT = re.compile(r"^admin/(?:system/|security/|audit/)?(\w+)/(\w+)/<path:object_id>/")
PARAM = re.compile(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>[^)]*\)")


@dataclass(frozen=True)
class Route:
    name: str  # url name, or the route itself when unnamed
    route: str
    params: tuple[str, ...]


def routes() -> Iterator[Route]:
    def walk(resolver: URLResolver, prefix: str, ns: tuple[str, ...]) -> Iterator[Route]:
        for p in resolver.url_patterns:
            if isinstance(p, URLResolver):
                inner = ns + ((p.namespace,) if p.namespace else ())
                yield from walk(p, prefix + str(p.pattern), inner)
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                name = ":".join((*ns, p.name)) if p.name else route
                yield Route(name, route, tuple(p.pattern.regex.groupindex))

    yield from walk(get_resolver(), "", ())


def _path(route: str, values: dict[str, Any]) -> str:
    def put(found: re.Match[str]) -> str:
        return str(values[found.group(1) or found.group(2)])

    return "/" + PARAM.sub(put, route).replace("^", "").replace("$", "")


def fillings(route: Route, other: Other) -> tuple[str, list[str]]:
    """(kind, paths) of one route: RECORD if a parameter names another county's record."""
    if not route.params:
        return PLAIN, [_path(route.route, {})]
    admin = ADMIN_OBJECT.match(route.route)
    if admin and route.params == ("object_id",):
        model = apps.get_model(admin.group(1), admin.group(2))
        pick = ADMIN_OBJECTS.get(model._meta.label_lower)
        obj = pick(other) if pick else model._default_manager.order_by("pk").first()
        return RECORD, [_path(route.route, {"object_id": obj.pk if obj else 0})]
    spec = FILL.get(route.name)
    missing = [p for p in route.params if spec is None or p not in spec]
    if missing:
        pytest.fail(
            f"the sweep cannot fill {missing} of {route.name} ({route.route}): add it to FILL "
            "in tests/security/test_scoping.py (RECORD with another county's record, or "
            "PLAIN with values that name no record)"
        )
    assert spec is not None
    kinds = {spec[p][0] for p in route.params}
    paths = [""]
    values_list: list[dict[str, Any]] = [{}]
    for param in route.params:
        values_list = [{**v, param: x} for v in values_list for x in spec[param][1](other)]
    paths = [_path(route.route, v) for v in values_list]
    return (RECORD if RECORD in kinds else PLAIN), paths


# ---------------------------------------------------------------- bodies


def body_text(response) -> str:
    if getattr(response, "streaming", False):
        raw = b"".join(response.streaming_content)
    else:
        raw = response.content
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        book = load_workbook(BytesIO(raw))
        return "\n".join(
            str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
            for v in row
        )  # fmt: skip
    return raw.decode("utf-8", errors="replace")


def leaks(text: str, secrets: list[str], asked: set[str]) -> list[str]:
    """The secrets a body holds (as written, or JSON-escaped), except what the request
    itself carried (a search box echoes what was typed)."""
    found = []
    for secret in secrets:
        if secret in asked:
            continue
        if secret in text or json.dumps(secret)[1:-1] in text:
            found.append(secret)
    return found


def searches(other: Other) -> list[dict[str, str]]:
    day = other.slot.starts_at.astimezone(clock.SHANGHAI).date().isoformat()
    return [
        {},
        {"q": other.person.name},
        {"q": other.person.resident_id[-4:]},
        {"q": other.household.number},
        {"area": other.person.division.code},
        {"date": day, "office": str(other.office.pk)},
        {"code": other.booking.code},
    ]


# ---------------------------------------------------------------- the sweep


def test_a_county_account_gets_nothing_of_another_county_from_any_url(
    client, settings, tmp_path, clock
):
    # given records of 扶余市 and 前郭县, and a strong 宁江区 account
    settings.VAR_DIR = tmp_path / "var"
    settings.RATELIMIT_ENABLE = False  # every view answers for itself, not a rate limit
    other = build(tmp_path)
    user = county_account()
    swept: list[str] = []
    problems: list[str] = []
    # (every route filled first: one that cannot be fails at once)
    planned = [(route, *fillings(route, other)) for route in routes()]
    # when every URL is asked for, every way
    for route, kind, paths in planned:
        public = route.name in PUBLIC
        for path in paths:
            # searches aimed at the other county on lists (a record URL names it already)
            queries = [{}] if kind == RECORD else searches(other)
            if route.route.startswith("admin/") and kind != RECORD:
                queries = queries[:2]
            asks = [("get", q) for q in queries] + [("post", POST_DATA.get(route.name, {}))]
            for method, data in asks:
                client.force_login(user)
                response = getattr(client, method)(path, data)
                status = response.status_code
                where = f"{method.upper()} {path} {data or ''} → {status}"
                # then
                if status >= 500:
                    problems.append(f"server error: {where}")
                if kind == RECORD and not public:
                    allowed = {403, 404, 405}
                    if route.route.startswith("admin/"):
                        allowed |= {302}
                    if status not in allowed:
                        problems.append(f"another county's record answered: {where}")
                found = leaks(body_text(response), other.secrets, set(data.values()))
                if found:
                    problems.append(f"personal data of another county {found}: {where}")
        swept.append(route.name)
    # then nothing of the other county changed either
    other.booking.refresh_from_db()
    other.pending.refresh_from_db()
    other.approved.refresh_from_db()
    assert other.booking.status == BookingStatus.BOOKED
    assert (other.pending.state, other.approved.state) == (
        ExportState.PENDING,
        ExportState.APPROVED,
    )
    assert batches.load(other.batch_token) is not None
    assert not SensitiveAccessLog.objects.filter(actor=user, unmasked=True).exists()
    assert not SensitiveAccessLog.objects.filter(actor=user, object_id=other.person.pk).exists()
    assert problems == []
    # and the sweep reached the pages, the API and the admin
    assert {"registry:person_detail", "portal:day_bookings", "api:evaluate"} <= set(swept)
    for site in ("system_admin", "security_admin", "audit_admin"):
        assert any(n.startswith(f"{site}:") and n.endswith("_change") for n in swept), site


def test_a_route_the_sweep_cannot_fill_fails_with_a_message_to_add_it():
    # given a route with a parameter FILL does not know
    route = Route("registry:future_thing", "registry/future/<int:pk>/", ("pk",))
    # when / then
    with pytest.raises(pytest.fail.Exception, match="add it to FILL"):
        fillings(route, other=None)  # type: ignore[arg-type]
