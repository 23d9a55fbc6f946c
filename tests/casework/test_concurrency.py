"""Casework under real concurrency (PostgreSQL): threads released together by a
barrier, each on its own connection.

- several filings of one rule for one subject at once make one case; the others get
  the documented conflict (``case_exists``, 409); a batch (``file_cases``) racing a
  filing of one of its applications files the others;
- two reviewers approving the same step from the same page at once: one approval, one
  event, the other told the case changed (``case_changed``);
- one person holding the roles of two consecutive steps cannot do both by racing;
- an objection arriving while the approver decides another one: both are handled,
  neither ends in a database error (the locks are taken in one order);
- two seniors deciding one second return, or two approvers one objection, at once:
  decided once, the other told it is no longer pending.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import DatabaseError, connections

from jiuye.casework import filing, publicity, review
from jiuye.casework.demo import grant
from jiuye.casework.errors import CaseConflict
from jiuye.casework.filing import file_case
from jiuye.casework.models import (
    Case,
    CaseEvent,
    CaseState,
    Objection,
    ObjectionState,
)
from jiuye.core.errors import JiuyeError
from jiuye.core.models import ChangeLog
from tests.casework.world import (
    EMPLOYER_CODE,
    GRADUATE_ID,
    OTHER_ID,
    STARTUP_FACTS,
    TODAY,
    build_world,
)

pytestmark = pytest.mark.postgresql

UNIT_FACTS = {"ui_insured": True, "stabilization_measures": True}


@pytest.fixture
def world(transactional_db, clock):
    clock.set(TODAY)
    return build_world()


def _at_once(works: list[Callable[[], Any]]) -> list[str]:
    """Run each work in its own thread, released together: "ok" or the refusal's code
    (a database error is reported as such, and must not happen)."""
    start = threading.Barrier(len(works))
    outcomes: list[str] = []
    lock = threading.Lock()

    def run(work: Callable[[], Any]) -> None:
        start.wait()
        try:
            work()
            outcome = "ok"
        except JiuyeError as error:
            outcome = f"{type(error).__name__}:{error.code}:{error.message}"
        except DatabaseError as error:
            outcome = f"DatabaseError:{error}"
        finally:
            connections.close_all()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=run, args=(work,)) for work in works]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def _file_employer() -> Case:
    return file_case(
        rule_id="job_stabilization_subsidy",
        subject_id=EMPLOYER_CODE,
        subject_name="松原市示例科技有限公司",
        channel="online",
        declared=UNIT_FACTS,
    )


def test_filings_at_once_of_one_rule_for_one_subject_make_one_case(world):
    # given six applications of the graduate for the start-up subsidy, sent together
    def apply() -> None:
        file_case(
            rule_id="startup_subsidy",
            subject_id=GRADUATE_ID,
            subject_name="张小三",
            channel="online",
            mobile="13900001111",
            declared=STARTUP_FACTS,
        )

    # when
    outcomes = _at_once([apply] * 6)

    # then one case, with one filing event and one audit row; each other filing told
    # that an application is already open (409), whichever check caught it
    assert outcomes[-1] == "ok"
    assert all(o.startswith("CaseConflict:case_exists:") for o in outcomes[:-1]), outcomes
    case = Case.objects.get()
    assert case.state == CaseState.REVIEWING
    assert list(CaseEvent.objects.values_list("action", flat=True)) == ["file"]
    assert ChangeLog.objects.filter(entity="case").count() == 1
    assert case.decisions.count() == 1
    assert case.steps.count() == 3


def test_a_batch_racing_a_filing_of_one_of_its_applications_files_the_rest(world, monkeypatch):
    # given a batch of three applications; one of them is also sent alone, and is
    # committed after the batch has read that no case holds its slot
    graduate = {
        "rule_id": "startup_subsidy",
        "subject_id": GRADUATE_ID,
        "subject_name": "张小三",
        "declared": STARTUP_FACTS,
    }
    batch = [
        filing.Application(**graduate),
        filing.Application(
            rule_id="startup_subsidy",
            subject_id=OTHER_ID,
            subject_name="李四",
            declared=STARTUP_FACTS,
            division_code="220702001901",
        ),
        filing.Application(
            rule_id="job_stabilization_subsidy",
            subject_id=EMPLOYER_CODE,
            subject_name="松原市示例科技有限公司",
            declared=UNIT_FACTS,
        ),
    ]
    read, alone_done = threading.Event(), threading.Event()
    real_write = filing._write

    def write_after_the_other(prepared: Any, **kwargs: Any) -> None:
        if threading.current_thread().name == "batch":
            read.set()
            alone_done.wait(timeout=10)
        real_write(prepared, **kwargs)

    monkeypatch.setattr(filing, "_write", write_after_the_other)
    results: list[Any] = []
    outcomes: list[str] = []

    def file_batch() -> None:
        results.extend(filing.file_cases(batch, channel="online"))

    def file_alone() -> None:
        read.wait(timeout=10)
        try:
            file_case(**graduate, channel="online")
        finally:
            alone_done.set()

    # when
    threads = [
        threading.Thread(target=_record(file_batch, outcomes), name="batch"),
        threading.Thread(target=_record(file_alone, outcomes), name="alone"),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then the one filed alone holds the slot; the batch met the constraint, filed its
    # applications one by one, refused the graduate's and filed the two others
    assert outcomes == ["ok", "ok"]
    assert results[0].code == "case_exists"
    assert [isinstance(r, Case) for r in results[1:]] == [True, True]
    assert Case.objects.filter(subject_id=GRADUATE_ID).count() == 1
    assert Case.objects.count() == 3
    assert CaseEvent.objects.count() == ChangeLog.objects.filter(entity="case").count() == 3


@pytest.mark.parametrize("page", ["case", "bulk"])
def test_two_reviewers_approving_one_step_at_once_approve_it_once(world, page):
    # given the employer's case at its first step (县区初审), which two reviewers of the
    # county hold, both looking at the same version of it
    grant(world.staff["county2"], ("initial",))
    case = _file_employer()
    seen = case.version

    def approve_as(username: str) -> Callable[[], None]:
        user = world.staff[username]
        if page == "case":
            return lambda: review.approve(code=case.code, user=user, version=seen)

        def bulk() -> None:
            [(_, refusal)] = review.bulk_approve(codes=[(case.code, seen)], user=user)
            if refusal:
                raise CaseConflict("case_changed", refusal)

        return bulk

    # when both approve at the same moment
    outcomes = _at_once([approve_as("county"), approve_as("county2")])

    # then one approval and one event; the other is told the case changed meanwhile
    assert outcomes == ["CaseConflict:case_changed:办件已被他人处理，请刷新后重试", "ok"]
    case.refresh_from_db()
    assert (case.position, case.version) == (2, seen + 1)
    first = case.steps.get(position=1)
    assert first.actor in (world.staff["county"], world.staff["county2"])
    assert CaseEvent.objects.filter(case=case, action="approve_step").count() == 1
    assert ChangeLog.objects.filter(entity="case", object_id=case.pk).count() == 2


def test_one_person_cannot_do_two_steps_by_racing(world):
    # given county holds the roles of both steps of the unit chain (初审 and 审批)
    grant(world.staff["county"], ("approve",))
    case = _file_employer()
    county = world.staff["county"]

    # when they send four approvals at once, without a version (as a stale tab would)
    outcomes = _at_once([lambda: review.approve(code=case.code, user=county)] * 4)

    # then one step is theirs; the others are refused by the four-eyes rule
    assert outcomes[-1] == "ok"
    assert all("四眼原则" in o for o in outcomes[:-1]), outcomes
    steps = list(case.steps.order_by("position").values_list("state", "actor"))
    assert steps == [("done", county.pk), ("active", None)]
    assert CaseEvent.objects.filter(case=case, action="approve_step").count() == 1


def test_an_objection_while_another_is_decided_ends_in_no_database_error(world, monkeypatch):
    # given an announced case with one objection
    monkeypatch.setattr(publicity, "period_days", lambda rule_id, on: 5)
    case = _file_employer()
    review.approve(code=case.code, user=world.staff["county"])
    review.approve(code=case.code, user=world.staff["lead"])
    announcement = case.announcements.get()
    first = publicity.object_to(
        announcement_id=announcement.pk, name="李四", contact="138", text="已停业"
    )

    # the approver's decision holds the case while a second objection comes in
    decided = threading.Event()
    arrived = threading.Event()
    real_refusal = review.refusal_to_act

    def slow_refusal(user: Any, case: Case, step: Any) -> str | None:
        if threading.current_thread().name == "decide":
            decided.set()  # the case row is locked now
            arrived.wait(timeout=2)
        return real_refusal(user, case, step)

    monkeypatch.setattr(review, "refusal_to_act", slow_refusal)

    def decide() -> None:
        publicity.decide_objection(
            objection_id=first.pk, user=world.staff["lead"], upheld=False, outcome="仍在经营"
        )

    def object_again() -> None:
        decided.wait(timeout=5)
        timer = threading.Timer(0.3, arrived.set)  # let the objection reach its locks
        timer.start()
        publicity.object_to(
            announcement_id=announcement.pk, name="王五", contact="139", text="不是首次"
        )

    outcomes: list[str] = []
    threads = [
        threading.Thread(target=_record(decide, outcomes), name="decide"),
        threading.Thread(target=_record(object_again, outcomes), name="object"),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then both went through, one after the other
    assert sorted(outcomes) == ["ok", "ok"], outcomes
    states = dict(Objection.objects.values_list("name", "state"))
    assert states == {"李四": ObjectionState.DISMISSED, "王五": ObjectionState.OPEN}
    assert Case.objects.get(pk=case.pk).state == CaseState.OBJECTED


def _record(work: Callable[[], Any], outcomes: list[str]) -> Callable[[], None]:
    def run() -> None:
        try:
            work()
            outcomes.append("ok")
        except (JiuyeError, DatabaseError) as error:
            outcomes.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()

    return run


def test_two_seniors_deciding_one_second_return_at_once_decide_it_once(world):
    # given a second return naming a new item, awaiting a senior
    case = _file_employer()
    later = TODAY.replace(day=15)
    county = world.staff["county"]
    for item in ("营业执照", "租赁合同"):
        review.return_for_supplement(
            code=case.code, user=county, items=[{"item": item}], deadline=later
        )
        if item == "营业执照":
            review.supplement(code=case.code, response="已补")
    notice = case.notices.get(state="senior")

    # when one senior refuses it while another approves it
    def decide(username: str, yes: bool) -> Callable[[], None]:
        user = world.staff[username]
        return lambda: review.decide_second_return(notice_id=notice.pk, user=user, approve=yes)

    outcomes = _at_once([decide("lead", False), decide("city_lead", True)])

    # then one decision stands; the other senior is told it is no longer pending
    assert outcomes == ["CaseNotFound:notice_not_found:没有待上级批准的退回补正", "ok"]
    notice.refresh_from_db()
    case.refresh_from_db()
    events = list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
    if notice.state == "refused":
        assert (case.state, events[-1]) == (CaseState.REVIEWING, "senior_refuse")
    else:
        assert (notice.state, case.state, events[-1]) == ("open", CaseState.RETURNED, "return")
    assert events.count("senior_refuse") + events.count("senior_approve") == 1


def test_two_approvers_deciding_one_objection_at_once_decide_it_once(world, monkeypatch):
    # given an announced case with two objections
    monkeypatch.setattr(publicity, "period_days", lambda rule_id, on: 5)
    case = _file_employer()
    review.approve(code=case.code, user=world.staff["county"])
    review.approve(code=case.code, user=world.staff["lead"])
    announcement = case.announcements.get()
    first, _ = (
        publicity.object_to(announcement_id=announcement.pk, name=n, contact="138", text="异议")
        for n in ("李四", "王五")
    )

    # when the two approvers of the county decide the first one at the same moment
    def decide(username: str, upheld: bool) -> Callable[[], None]:
        user = world.staff[username]
        return lambda: publicity.decide_objection(
            objection_id=first.pk, user=user, upheld=upheld, outcome="经核实"
        )

    outcomes = _at_once([decide("lead", False), decide("lead2", True)])

    # then it is decided once; the other is told there is nothing left to decide
    assert outcomes == ["CaseNotFound:objection_not_found:没有待处理的异议", "ok"]
    first.refresh_from_db()
    state = Case.objects.get(pk=case.pk).state
    if first.state == ObjectionState.UPHELD:
        assert state == CaseState.REJECTED
    else:
        assert (first.state, state) == (ObjectionState.DISMISSED, CaseState.OBJECTED)
