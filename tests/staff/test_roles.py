"""Separation of duties (三权分立): three administrator roles, each on its own site, no
account holding two of them, and every admin URL tried with every role."""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from jiuye.core import trail
from jiuye.core.models import AuditEvent, ChangeLog
from jiuye.geo.models import Division
from jiuye.portal.models import Guide, Office, Slot
from jiuye.registry.models import UnemploymentRate
from jiuye.staff.access import can_audit, record_export
from jiuye.staff.models import SensitiveAccessLog, StaffProfile, StaffSession
from jiuye.staff.roles import ROLE_NAMES, Role, RoleConflict, assign_role, role_group
from jiuye.staff.sites import SITES
from jiuye.testing.signin import SignedInClient
from tests.factories import StaffUserFactory
from tests.registry.conftest import divisions  # noqa: F401 - the fixture
from tests.staff.conftest import role_user

#: What each administrator works on (app_label.model), and nothing else.
EXPECTED_MODELS = {
    Role.SYSTEM: {
        "auth.user",
        "staff.staffprofile",
        "geo.division",
        "registry.unemploymentrate",
        "portal.guide",
        "portal.office",
        "portal.slot",
        "casework.reviewchain",
        "casework.reviewrole",
        "payments.banklayout",
    },
    Role.SECURITY: {
        "auth.user",
        "auth.group",
        "staff.staffprofile",
        "staff.staffsession",
        "axes.accessattempt",
        "otp_totp.totpdevice",
        "otp_static.staticdevice",
    },
    Role.AUDIT: {"core.auditevent", "core.changelog", "staff.sensitiveaccesslog"},
}


def test_each_site_registers_exactly_its_roles_models():
    for role, site in SITES.items():
        registered = {f"{m._meta.app_label}.{m._meta.model_name}" for m in site._registry}
        assert registered == EXPECTED_MODELS[role], role


@pytest.fixture
def one_of_each(divisions):  # noqa: F811
    """A row of every registered model, so every change page has an object."""
    clerk = StaffUserFactory(username="clerk")
    StaffProfile.objects.create(user=clerk, division=divisions["220702"])
    UnemploymentRate.objects.create(region_code="220700", year=2018, rate_bp=355, source="测试")
    office = Office.objects.create(
        name="测试大厅",
        county=divisions["220702"],
        address="测试路 1 号",
        hours="工作日",
        phone="0438-0000000",
    )
    Guide.objects.create(
        rule_id="startup_subsidy", materials="身份证", procedure="受理", time_limit="10个工作日"
    )
    start = dt.datetime(2019, 6, 3, 9, tzinfo=dt.UTC)
    Slot.objects.create(
        office=office, starts_at=start, ends_at=start + dt.timedelta(hours=1), capacity=2
    )
    StaffSession.objects.create(session_key="k" * 32, user=clerk)
    AccessAttempt.objects.create(
        username="clerk",
        ip_address="10.0.0.1",
        user_agent="t",
        failures_since_start=1,
        get_data="",
        post_data="",
        http_accept="",
        path_info="/accounts/login/",
    )
    TOTPDevice.objects.create(user=clerk, name="t", confirmed=True)
    StaticDevice.objects.create(user=clerk, name="s", confirmed=True)
    record_export(viewer_user=clerk, entity="person", export_name="人员名单", field="", row_count=1)
    ChangeLog.objects.create(
        entity="registry.person", object_id=1, action="update", source="screen", changes={}
    )
    trail.append("test.event", actor=clerk)
    role_group(Role.SYSTEM)
    from jiuye.casework.demo import ensure_demo_chains

    ensure_demo_chains()
    from jiuye.payments.models import BankLayout

    BankLayout.objects.get_or_create(code="test", defaults={"name": "测试格式"})
    return clerk


def _urls() -> list[tuple[Role, str, str]]:
    """Every (site's role, kind, URL): changelist, add and change of every model."""
    found = []
    for role, site in SITES.items():
        for model in site._registry:
            opts = model._meta
            base = f"admin:{opts.app_label}_{opts.model_name}"
            obj = model._default_manager.order_by("pk").first()
            assert obj is not None, f"no row of {opts.label}"
            found += [
                (role, "changelist", reverse(f"{base}_changelist", current_app=site.name)),
                (role, "add", reverse(f"{base}_add", current_app=site.name)),
                (role, "change", reverse(f"{base}_change", args=[obj.pk], current_app=site.name)),
            ]
        found.append((role, "index", reverse("admin:index", current_app=site.name)))
    return found


#: The pages an owner of a site may not open either (read-only or no add screen).
REFUSED_TO_OWNER = {
    "/admin/security/auth/user/add/",
    "/admin/security/staff/staffprofile/add/",
    "/admin/security/staff/staffsession/add/",
    "/admin/security/axes/accessattempt/add/",
    "/admin/security/otp_totp/totpdevice/add/",
    "/admin/security/otp_static/staticdevice/add/",
    "/admin/audit/core/auditevent/add/",
    "/admin/audit/core/changelog/add/",
    "/admin/audit/staff/sensitiveaccesslog/add/",
}


def test_every_admin_url_opens_for_its_own_role_only(one_of_each):
    # given a signed-in account of each role, one without a role, and nobody
    accounts = {role: role_user(role) for role in Role}
    accounts[None] = StaffUserFactory(username="plain")
    clients = {}
    for key, user in accounts.items():
        clients[key] = SignedInClient()
        clients[key].force_login(user)
    clients["anonymous"] = SignedInClient()
    urls = _urls()
    assert len(urls) == 3 * sum(len(m) for m in EXPECTED_MODELS.values()) + 3
    # when every account opens every URL
    wrong = []
    for owner, _kind, url in urls:
        for who, client in clients.items():
            response = client.get(url)
            status = response.status_code
            if who == owner:
                expected = {403} if url in REFUSED_TO_OWNER else {200}
            else:
                expected = {302, 403}
            if status not in expected:
                wrong.append((who, url, status))
            if status == 302 and who != owner:
                # sent to sign in, never to a page of the site
                location = response["Location"]
                assert location.startswith(
                    ("/accounts/login/", f"/admin/{url.split('/')[2]}/login/")
                ), (
                    who,
                    url,
                    location,
                )
    # then
    assert wrong == []


def test_an_account_of_another_role_is_refused_with_403_at_the_site(one_of_each):
    # given
    client = SignedInClient()
    client.force_login(role_user(Role.AUDIT))
    # when
    response = client.get("/admin/system/auth/user/", follow=True)
    # then
    assert response.status_code == 403


def test_admin_leads_each_administrator_to_their_own_site(db):
    for role, site in SITES.items():
        client = SignedInClient()
        client.force_login(role_user(role))
        response = client.get("/admin/")
        assert response["Location"] == reverse("admin:index", current_app=site.name)
    plain = SignedInClient()
    plain.force_login(StaffUserFactory(username="plain"))
    assert plain.get("/admin/").status_code == 403


def test_the_security_form_refuses_a_second_role_and_changes_nothing(client, db):
    # given a system administrator, and the security administrator signed in
    target = role_user(Role.SYSTEM, "sys1")
    security = role_user(Role.SECURITY)
    client.force_login(security)
    audit_group = role_group(Role.AUDIT)
    # when the security administrator adds the audit role as well
    response = client.post(
        f"/admin/security/auth/user/{target.pk}/change/",
        {"groups": [role_group(Role.SYSTEM).pk, audit_group.pk]},
    )
    # then
    assert response.status_code == 200
    assert "同一账号只能担任一个管理员角色" in response.content.decode()
    assert list(target.groups.values_list("name", flat=True)) == [Role.SYSTEM.value]
    assert (
        not AuditEvent.objects.filter(event="role.change", object=f"user:{target.pk}")
        .exclude(actor=None)
        .exists()
    )


def test_a_role_change_through_the_security_site_is_audited(client, db):
    # given
    target = StaffUserFactory(username="newadmin")
    security = role_user(Role.SECURITY)
    client.force_login(security)
    # when
    response = client.post(
        f"/admin/security/auth/user/{target.pk}/change/", {"groups": [role_group(Role.AUDIT).pk]}
    )
    # then
    assert response.status_code == 302
    assert can_audit(target)
    event = AuditEvent.objects.get(event="role.change", actor=security)
    assert (event.object, event.detail) == (
        f"user:{target.pk}",
        {"added": [Role.AUDIT.value], "removed": []},
    )


def test_the_service_refuses_a_second_role(db):
    user = role_user(Role.SYSTEM, "sys1")
    with pytest.raises(RoleConflict):
        assign_role(user=user.__class__.objects.get(pk=user.pk), role=Role.AUDIT)
    assert list(user.groups.values_list("name", flat=True)) == [Role.SYSTEM.value]


@pytest.mark.parametrize("second", [Role.SECURITY, Role.AUDIT])
def test_the_database_refuses_a_second_role_whatever_writes_it(db, second):
    # given a system administrator
    user = role_user(Role.SYSTEM, "sys1")
    other = role_group(second)
    # when the membership is written around every form and service
    with pytest.raises(IntegrityError), transaction.atomic():
        user.groups.add(other)
    # then
    assert list(user.groups.values_list("name", flat=True)) == [Role.SYSTEM.value]


def test_the_database_refuses_moving_a_membership_onto_a_second_role(db):
    # given an account holding the system role and an ordinary group
    user = role_user(Role.SYSTEM, "sys1")
    ordinary = Group.objects.create(name="县区经办人员")
    user.groups.add(ordinary)
    through = user.groups.through
    row = through.objects.get(user=user, group=ordinary)
    # when the ordinary membership is updated to point at another role
    with pytest.raises(IntegrityError), transaction.atomic():
        through.objects.filter(pk=row.pk).update(group=role_group(Role.AUDIT))
    # and when the ordinary group is renamed into a role
    with pytest.raises(IntegrityError), transaction.atomic():
        Group.objects.filter(pk=ordinary.pk).update(name=Role.SECURITY.value)
    # then
    assert sorted(user.groups.values_list("name", flat=True)) == sorted(
        [Role.SYSTEM.value, "县区经办人员"]
    )


def test_ordinary_groups_stay_free(db):
    user = role_user(Role.SYSTEM, "sys1")
    user.groups.add(Group.objects.create(name="甲"), Group.objects.create(name="乙"))
    assert user.groups.count() == 3


def test_only_the_audit_role_may_audit(db):
    auditor = role_user(Role.AUDIT)
    others = [role_user(Role.SYSTEM), role_user(Role.SECURITY)]
    root = StaffUserFactory(username="root", is_superuser=True)
    old_group = StaffUserFactory(username="old")
    old_group.groups.add(Group.objects.create(name="审计"))
    assert can_audit(auditor)
    assert not any(can_audit(u) for u in [*others, root, old_group])
    assert ROLE_NAMES == {"系统管理员", "安全管理员", "审计管理员"}


def test_the_audit_administrator_reads_the_trail_and_changes_nothing(client, one_of_each):
    # given
    client.force_login(role_user(Role.AUDIT))
    event = AuditEvent.objects.get(event="test.event")
    # when
    listing = client.get("/admin/audit/core/auditevent/")
    change = client.post(f"/admin/audit/core/auditevent/{event.pk}/change/", {"event": "x"})
    delete = client.post(f"/admin/audit/core/auditevent/{event.pk}/delete/", {"post": "yes"})
    # then
    assert listing.status_code == 200
    assert "test.event" in listing.content.decode()
    assert change.status_code == 403
    assert delete.status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk, event="test.event").exists()
    assert SensitiveAccessLog.objects.count() == 1
    assert ChangeLog.objects.count() == 1
    assert Division.objects.exists()
