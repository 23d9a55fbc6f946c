"""Unmasked exports under maker–checker (issue 10 §6 "Bulk export bypasses the reveal
limit"): the attack repeated, then every step of the flow through the real pages, its
limits at and one over, a property of the daily cap, and real concurrency on PostgreSQL.
"""

from __future__ import annotations

import threading
from datetime import timedelta
from io import BytesIO

import pytest
from django.contrib.auth.models import Permission
from django.db import IntegrityError, connections, transaction
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from openpyxl import load_workbook

from jiuye.core.models import AuditEvent
from jiuye.identity import mask_resident_id
from jiuye.staff import approvals
from jiuye.staff.access import viewer_for
from jiuye.staff.approvals import ApprovalError
from jiuye.staff.models import ExportApproval, ExportState, SensitiveAccessLog, StaffProfile
from tests.registry.factories import PersonFactory
from tests.registry.staff import build_world, staff

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REASON = "核发一次性求职创业补贴前核对身份"


def approver(username: str, code: str):
    user = staff(username, code)
    user.user_permissions.add(Permission.objects.get(codename="approve_export"))
    return user


def rows_of(response) -> list[tuple]:
    book = load_workbook(BytesIO(b"".join(response.streaming_content)))
    return list(book.active.iter_rows(values_only=True))


def ask(client, user, params: dict | None = None, reason: str = REASON, entity: str = "person"):
    client.force_login(user)
    return client.post(
        reverse("registry:exports:request", args=[entity]) + _query(params),
        {"reason": reason},
    )


def _query(params: dict | None) -> str:
    from django.utils.http import urlencode

    return f"?{urlencode(params)}" if params else ""


def decide(client, user, approval: ExportApproval, verb: str = "approve", note: str = ""):
    client.force_login(user)
    return client.post(reverse(f"registry:exports:{verb}", args=[approval.pk]), {"note": note})


def fetch(client, user, approval: ExportApproval):
    client.force_login(user)
    return client.post(reverse("registry:exports:download", args=[approval.pk]))


def events() -> list[tuple[str, str]]:
    return list(
        AuditEvent.objects.filter(event__startswith="export.")
        .order_by("id")
        .values_list("event", "outcome")
    )


@pytest.fixture
def world(divisions, clock):
    return build_world(divisions)


@pytest.fixture
def city(world):
    return staff("city", "220700", full=True)


@pytest.fixture
def checker(world):
    return approver("checker", "220700")


# ---------------------------------------------------------------- the attack, repeated


def test_a_city_account_no_longer_exports_townships_unmasked_one_after_another(client, world):
    # given the city account with the full-identity right (the attacker of §6)
    user = staff("city", "220700", full=True)
    client.force_login(user)
    people = [world.community_person, world.township_person, world.other_person]
    # when it exports every township, one file after another, with no reason
    files = [
        rows_of(client.get(reverse("registry:person_export"), {"area": area}))
        for area in ("220702001", "220721100")
    ]
    # then every file is masked: not one full number left
    text = "\n".join(str(v) for rows in files for row in rows for v in row)
    for person in people:
        assert person.resident_id not in text
    assert mask_resident_id(world.other_person.resident_id) in text
    assert list(SensitiveAccessLog.objects.values_list("unmasked", flat=True)) == [False, False]
    assert approvals.rows_requested_today(user.pk) == 0  # masked exports are free


# ---------------------------------------------------------------- the flow, step by step


def test_request_approve_download_once(client, world, city, checker, clock):
    # given the list button leads to the request form with the list's filter
    client.force_login(city)
    listing = client.get(reverse("registry:person_list"), {"area": "220702001"}).content.decode()
    form = client.get(reverse("registry:exports:request", args=["person"]), {"area": "220702001"})
    assert 'href="/registry/exports/new/person/?area=220702001">申请未脱敏导出' in listing
    assert "2 行" in form.content.decode()
    # when the requester states a reason
    asked = ask(client, city, {"area": "220702001"})
    approval = ExportApproval.objects.get()
    # then a pending request of 2 rows waits; nothing can be downloaded yet
    assert asked.status_code == 302
    assert asked["Location"] == reverse("registry:exports:mine")
    assert (approval.state, approval.row_count, approval.scope) == ("pending", 2, "2207")
    assert (approval.reason, approval.params) == (REASON, {"area": "220702001"})
    early = fetch(client, city, approval)
    assert early.status_code == 409
    assert "该申请尚未获批准，不能下载。" in early.content.decode()
    # when the checker opens the queue and approves
    client.force_login(checker)
    queue = client.get(reverse("registry:exports:approvals")).content.decode()
    approved = decide(client, checker, approval)
    approval.refresh_from_db()
    # then
    assert REASON in queue
    assert approved.status_code == 302
    assert approval.state == ExportState.APPROVED
    assert approval.decided_by == checker
    assert approval.valid_until == clock.now() + timedelta(hours=24)
    # when the requester downloads
    response = fetch(client, city, approval)
    # then the file carries full numbers of exactly the approved filter
    rows = rows_of(response)
    assert response["Content-Type"] == XLSX
    assert "no-store" in response["Cache-Control"]
    assert sorted((r[0], r[1]) for r in rows[1:]) == sorted(
        [
            (world.community_person.name, world.community_person.resident_id),
            (world.township_person.name, world.township_person.resident_id),
        ]
    )
    # and it is logged as an unmasked export naming the approval
    log = SensitiveAccessLog.objects.get(unmasked=True)
    assert (log.actor, log.field, log.row_count) == (city, "resident_id", 2)
    assert log.reason == (
        f"审批单 {approval.pk}（checker 批准）；事由：{REASON}；筛选：地区=220702001"
    )
    # and a second download is refused
    again = fetch(client, city, approval)
    assert again.status_code == 409
    assert "已下载过一次，不能再次下载" in again.content.decode()
    approval.refresh_from_db()
    assert (approval.state, approval.downloaded_rows) == ("downloaded", 2)
    assert events() == [
        ("export.request", "ok"),
        ("export.download", "refused"),
        ("export.approve", "ok"),
        ("export.download", "ok"),
        ("export.download", "refused"),
    ]


def test_the_requester_cannot_approve_their_own_request(client, world, clock):
    # given a requester who also holds the approval right
    maker = approver("maker", "220700")
    StaffProfile.objects.filter(user=maker).update(can_view_full_identity=True)
    ask(client, maker)
    approval = ExportApproval.objects.get()
    # when
    response = decide(client, maker, approval)
    queue = client.get(reverse("registry:exports:approvals")).content.decode()
    # then
    assert response.status_code == 403
    assert "不能审批自己提出的申请" in response.content.decode()
    assert "没有待审批的申请" in queue
    approval.refresh_from_db()
    assert approval.state == ExportState.PENDING
    assert events()[-1] == ("export.approve", "refused")


def test_the_database_refuses_a_decision_by_the_requester(world, city):
    # given
    approval = ExportApproval.objects.create(
        requester=city, scope="2207", entity="person", export_name="人员名单",
        field="resident_id", row_count=1, reason=REASON,
    )  # fmt: skip
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        ExportApproval.objects.filter(pk=approval.pk).update(decided_by=city)


def test_an_approver_outside_the_requesters_jurisdiction_sees_and_decides_nothing(
    client, world, city
):
    # given a city request and a county approver (宁江区), and one without the right
    ask(client, city)
    approval = ExportApproval.objects.get()
    county = approver("nj-checker", "220702")
    plain = staff("nj-plain", "220700")
    # when
    queue = client.get(reverse("registry:exports:approvals"))
    client.force_login(county)
    queue = client.get(reverse("registry:exports:approvals")).content.decode()
    outside = decide(client, county, approval)
    no_right = decide(client, plain, approval)
    # then
    assert REASON not in queue
    assert outside.status_code == 404
    assert no_right.status_code == 403
    assert "您没有审批未脱敏导出的权限" in no_right.content.decode()
    approval.refresh_from_db()
    assert approval.state == ExportState.PENDING


def test_a_refusal_needs_a_reason_and_gives_the_rows_back(client, world, city, checker, settings):
    # given a daily cap of 3 and a request of all 3 people of the city
    settings.UNMASKED_EXPORT_ROWS_PER_DAY = 3
    ask(client, city)
    approval = ExportApproval.objects.get()
    # when the checker refuses without a reason, then with one
    bare = decide(client, checker, approval, "refuse")
    refused = decide(client, checker, approval, "refuse", note="范围过大，请按街道申请")
    # then
    assert bare.status_code == 400
    assert "请填写不予批准的理由" in bare.content.decode()
    assert refused.status_code == 302
    approval.refresh_from_db()
    assert (approval.state, approval.decision_note) == ("refused", "范围过大，请按街道申请")
    mine = client.get(reverse("registry:exports:mine"))
    client.force_login(city)
    mine = client.get(reverse("registry:exports:mine")).content.decode()
    assert "已拒绝（" in mine
    assert "范围过大，请按街道申请" in mine
    assert fetch(client, city, approval).status_code == 409
    # and the 3 rows may be asked for again today
    assert ask(client, city).status_code == 302


def test_a_request_needs_a_reason_and_keeps_what_was_typed(client, world, city):
    # when
    empty = ask(client, city, reason="  ")
    short = ask(client, city, reason="核对")
    # then
    assert empty.status_code == short.status_code == 400
    assert "请说明导出事由（至少 4 个字）" in short.content.decode()
    assert ">核对</textarea>" in short.content.decode()
    assert not ExportApproval.objects.exists()


def test_only_the_full_right_may_ask_and_only_for_lists_with_full_values(client, world):
    # given
    plain = staff("nj", "220702")
    # when
    form = client.get(reverse("registry:exports:request", args=["person"]))
    client.force_login(plain)
    form = client.get(reverse("registry:exports:request", args=["person"]))
    posted = ask(client, plain)
    listing = client.get(reverse("registry:person_list")).content.decode()
    employers = client.get(reverse("registry:exports:request", args=["employer"]))
    # then
    assert form.status_code == posted.status_code == 403
    assert "您没有查看完整身份证号码的权限，不能申请未脱敏导出" in posted.content.decode()
    assert "申请未脱敏导出" not in listing
    assert employers.status_code == 404
    assert not ExportApproval.objects.exists()


# ---------------------------------------------------------------- limits


def test_the_daily_cap_at_and_one_over(client, world, city, settings, clock):
    # given a cap of 3 rows a day
    settings.UNMASKED_EXPORT_ROWS_PER_DAY = 3
    # when 2 + 1 rows are asked for (exactly the cap), then 1 more
    first = ask(client, city, {"area": "220702001"})
    second = ask(client, city, {"area": "220721100"})
    third = ask(client, city, {"area": "220721100"}, reason="再次核对前郭县名单")
    # then
    assert (first.status_code, second.status_code, third.status_code) == (302, 302, 429)
    page = third.content.decode()
    assert "您今天已申请未脱敏导出 3 行，本次 1 行，超过每人每日 3 行的上限，未提交" in page
    assert ">再次核对前郭县名单</textarea>" in page
    assert ExportApproval.objects.count() == 2
    assert events()[-1] == ("export.request", "refused")
    # and the next day (Asia/Shanghai midnight) the cap starts again
    clock.set(clock.now().replace(hour=23, minute=59) + timedelta(minutes=1))
    assert ask(client, city, {"area": "220721100"}).status_code == 302


def test_a_request_over_the_file_cap_is_refused_and_logged(client, world, city, settings):
    # given
    settings.EXPORT_MAX_ROWS = 2
    # when
    response = ask(client, city)
    # then
    assert response.status_code == 400
    assert "本次筛选共 3 条记录，超过单次导出上限 2 条" in response.content.decode()
    assert not ExportApproval.objects.exists()
    log = SensitiveAccessLog.objects.get()
    assert (log.outcome, log.row_count, log.field) == ("refused", 3, "resident_id")


def test_the_download_window_at_and_one_second_over(client, world, city, checker, clock):
    # given two approvals
    ask(client, city, {"area": "220702001"})
    ask(client, city, {"area": "220721100"})
    first, second = ExportApproval.objects.order_by("id")
    decide(client, checker, first)
    decide(client, checker, second)
    # when the first is fetched at the last second, the second one second later
    clock.advance(timedelta(hours=24) - timedelta(seconds=1))
    in_time = fetch(client, city, first)
    clock.advance(timedelta(seconds=1))
    late = fetch(client, city, second)
    # then
    assert in_time.status_code == 200
    assert late.status_code == 409
    assert "该审批已过下载期限，请重新申请。" in late.content.decode()
    assert "已过下载期限" in client.get(reverse("registry:exports:mine")).content.decode()


def test_a_download_carries_no_more_than_the_approved_rows(client, world, city, checker, divisions):
    # given an approval of 2 rows, then a third person registered in the same area
    ask(client, city, {"area": "220702001"})
    approval = ExportApproval.objects.get()
    decide(client, checker, approval)
    PersonFactory(name="后来登记", division=divisions["220702001"])
    # when
    rows = rows_of(fetch(client, city, approval))
    # then
    assert len(rows) == 1 + 2
    assert "后来登记" not in [r[0] for r in rows]


def test_a_requester_who_lost_the_right_cannot_download(client, world, city, checker):
    # given
    ask(client, city)
    approval = ExportApproval.objects.get()
    decide(client, checker, approval)
    StaffProfile.objects.filter(user=city).update(can_view_full_identity=False)
    # when
    response = fetch(client, city, approval)
    # then
    assert response.status_code == 403
    assert "您的辖区或查看权限已变化" in response.content.decode()
    approval.refresh_from_db()
    assert approval.state == ExportState.APPROVED


def test_nobody_else_downloads_the_requesters_file(client, world, city, checker):
    # given
    ask(client, city)
    approval = ExportApproval.objects.get()
    decide(client, checker, approval)
    # when the approver (or anyone else) tries the download
    response = fetch(client, checker, approval)
    # then
    assert response.status_code == 404
    approval.refresh_from_db()
    assert approval.state == ExportState.APPROVED


def test_the_workbench_offers_the_queue_to_approvers_only(client, world, city, checker):
    # given
    ask(client, city)
    # when
    client.force_login(checker)
    for_checker = client.get(reverse("workbench")).content.decode()
    client.force_login(city)
    for_city = client.get(reverse("workbench")).content.decode()
    # then
    assert "未脱敏导出审批（1）" in for_checker
    assert "未脱敏导出审批" not in for_city
    assert "我的导出申请" in for_city


# ---------------------------------------------------------------- a property of the cap


@hsettings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    sizes=st.lists(st.integers(min_value=1, max_value=6), min_size=1, max_size=12),
    refusals=st.sets(st.integers(min_value=0, max_value=11)),
    cap=st.integers(min_value=1, max_value=15),
)
def test_the_rows_granted_in_a_day_never_exceed_the_cap(
    city, checker, settings, sizes, refusals, cap
):
    # given any sequence of requests (some refused by the checker afterwards)
    settings.UNMASKED_EXPORT_ROWS_PER_DAY = cap
    viewer = viewer_for(city)
    with transaction.atomic():
        expected = 0
        for n, size in enumerate(sizes):
            # when
            try:
                made = approvals.export_request(
                    requester=city, viewer=viewer, entity="person", export_name="人员名单",
                    field="resident_id", params={}, filters="", row_count=size, reason=REASON,
                )  # fmt: skip
            except ApprovalError as error:
                refusal = error.code
            else:
                refusal = ""
            # then a refusal happens exactly when the request would pass the cap
            assert refusal == ("daily_cap" if expected + size > cap else "")
            if refusal:
                continue
            expected += size
            if n in refusals:
                approvals.export_refuse(approval_id=made.pk, approver=checker, note="不予批准")
                expected -= size
        # and what counts for the day never exceeds the cap
        assert approvals.rows_requested_today(city.pk) == expected <= cap
        transaction.set_rollback(True)


# ---------------------------------------------------------------- real concurrency


def _race(count: int, work) -> list[str]:
    barrier = threading.Barrier(count)
    outcomes: list[str] = []

    def run(n: int) -> None:
        try:
            barrier.wait()
            outcomes.append(work(n))
        except ApprovalError as error:
            outcomes.append(error.code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_two_downloads_of_one_approval_at_once_give_one_file(divisions):
    # given an approved request
    build_world(divisions)
    city = staff("city", "220700", full=True)
    checker = approver("checker", "220700")
    approval = approvals.export_request(
        requester=city, viewer=viewer_for(city), entity="person", export_name="人员名单",
        field="resident_id", params={}, filters="", row_count=3, reason=REASON,
    )  # fmt: skip
    approvals.export_approve(approval_id=approval.pk, approver=checker)
    written: list[int] = []

    def download(n: int) -> str:
        def write(a: ExportApproval) -> int:
            written.append(n)
            return a.row_count

        approvals.export_download(approval_id=approval.pk, user=city, write=write)
        return "file"

    # when two downloads are released at the same instant
    outcomes = _race(2, download)
    # then one gets the file, the other is refused, and one file was written
    assert sorted(outcomes) == ["file", "used"]
    assert len(written) == 1
    assert SensitiveAccessLog.objects.filter(unmasked=True).count() == 1


@pytest.mark.postgresql
@pytest.mark.django_db(transaction=True)
def test_requests_racing_the_daily_cap_cannot_both_take_the_last_rows(divisions, settings):
    # given a cap of 5 rows and two requests of 3 released at the same instant
    settings.UNMASKED_EXPORT_ROWS_PER_DAY = 5
    build_world(divisions)
    city = staff("city", "220700", full=True)

    def request(n: int) -> str:
        approvals.export_request(
            requester=city, viewer=viewer_for(city), entity="person", export_name="人员名单",
            field="resident_id", params={}, filters="", row_count=3, reason=REASON,
        )  # fmt: skip
        return "requested"

    # when
    outcomes = _race(2, request)
    # then
    assert sorted(outcomes) == ["daily_cap", "requested"]
    assert approvals.rows_requested_today(city.pk) == 3
