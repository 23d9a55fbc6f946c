"""A state machine files cases and has random staff (the right ones, another office's,
someone who already did a step) and applicants act on them, announces, objects and
sweeps with the clock moving on. After every step the casework invariants must hold:

- no case skips a step of its chain (the steps are done in order, one approval each);
- no user did two steps of one case (四眼原则), an objection's decider included;
- every state change of a case has its CaseEvent and its audit (ChangeLog) row, the
  events follow each other without gaps and end in the case's state;
- nothing is approved or announced whose frozen decision is ineligible without an
  Override recorded by a senior of the handling office;
- a refused action changes nothing (no case, step, notice, event or audit row).

Simple services also get an oracle written here from the rules the casework doc states
(who may approve, override, withdraw, supplement): an action it allows must succeed,
one it refuses must be refused.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from contextlib import ExitStack
from typing import Any
from unittest import mock

import pytest
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from jiuye.casework import filing, publicity, queues, review
from jiuye.casework.demo import grant
from jiuye.casework.errors import CaseRefused
from jiuye.casework.filing import file_case
from jiuye.casework.models import (
    Announcement,
    AnnouncementState,
    Case,
    CaseEvent,
    CaseState,
    CaseStep,
    Decision,
    Notice,
    NoticeState,
    Objection,
    ObjectionState,
    Override,
    ReviewRole,
    StepState,
)
from jiuye.core import clock as core_clock
from jiuye.core.errors import JiuyeError
from jiuye.core.models import ChangeLog
from jiuye.eligibility.policy import package
from jiuye.identity import make_credit_code, make_resident_id
from jiuye.staff.models import StaffProfile
from tests.casework.world import EMPLOYER_CODE, GRADUATE_ID, OTHER_ID, STARTUP_FACTS, TODAY
from tests.factories import StaffUserFactory

#: Who is where with which review roles, as this test sets the world up (the oracle's
#: own copy: it does not ask the services who may act).
STAFF: dict[str, tuple[str, frozenset[str]]] = {
    "community": ("220702001901", frozenset({"initial"})),
    "county": ("220702", frozenset({"initial", "second", "approve"})),
    "county2": ("220702", frozenset({"second"})),
    "lead": ("220702", frozenset({"approve", "senior"})),
    "lead2": ("220702", frozenset({"approve", "senior"})),
    "city": ("220700", frozenset({"second"})),
    "city_lead": ("220700", frozenset({"approve", "senior", "second"})),
    "fuyu": ("220781", frozenset({"initial", "second"})),
    "fuyu_lead": ("220781", frozenset({"approve", "senior"})),
    "nobody": ("220702", frozenset()),
}
#: The roles granted beyond tests/casework/world.py (one person holding the roles of
#: consecutive steps is what the four-eyes rule is for).
EXTRA_ROLES = {
    "county": ("approve",),
    "city_lead": ("second",),
    "fuyu": ("initial", "second"),
}

P3_ID = make_resident_id("220781", dt.date(1990, 1, 1), 11, "male")
E2_CODE = make_credit_code("9", "1", "220781", "MA000002")
#: (entity kind, identifier, registered name, division for the unregistered)
SUBJECTS = {
    "person": [
        (GRADUATE_ID, "张小三", ""),
        (OTHER_ID, "李四", "220702001901"),
        (P3_ID, "王五", "220781"),
    ],
    "unit": [
        (EMPLOYER_CODE, "松原市示例科技有限公司", ""),
        (E2_CODE, "扶余市示例农业合作社", "220781"),
    ],
}
#: One-time, repeatable, city-handled, employer and organisation rules.
RULES = (
    "startup_subsidy",
    "job_seeking_subsidy",
    "internship_subsidy",
    "return_home_entrepreneurship_support",
    "job_stabilization_subsidy",
    "labor_export_service_subsidy",
)
ITEMS = ("营业执照", "社保缴费证明", "租赁合同")
#: The furthest the clock moves from TODAY (the 2026 holiday calendar must cover it).
MAX_DAYS = 120


def declared_variants(entity: str) -> dict[str, dict[str, Any]]:
    bools = [s.name for s in package().facts.for_entity(entity) if s.type == "bool"]
    return {
        "none": {},
        "startup": dict(STARTUP_FACTS),  # eligible for startup_subsidy; others ignore it
        "short": dict(STARTUP_FACTS, business_operating_since="2025-06-02"),  # ineligible
        "all_true": dict.fromkeys(bools, True),
        "all_false": dict.fromkeys(bools, False),
    }


def senior_for(username: str, handling_code: str) -> bool:
    """A senior of the handling county, or of the city (the doc's rule, restated)."""
    code, roles = STAFF[username]
    if "senior" not in roles:
        return False
    prefix = code[:4] if code.endswith("00") else code
    return handling_code.startswith(prefix)


def snapshot() -> tuple[Any, ...]:
    """Everything a casework action can write."""
    return (
        list(
            Case.objects.order_by("id").values_list(
                "code",
                "state",
                "version",
                "position",
                "holds_slot",
                "status",
                "first_responder_id",
                "waiting_reason",
                "updated_at",
            )
        ),
        list(CaseStep.objects.order_by("id").values_list("id", "state", "actor_id", "due_on")),
        list(Notice.objects.order_by("id").values_list("id", "state", "senior_id")),
        list(Announcement.objects.order_by("id").values_list("id", "state")),
        list(Objection.objects.order_by("id").values_list("id", "state")),
        Decision.objects.count(),
        Override.objects.count(),
        CaseEvent.objects.count(),
        ChangeLog.objects.count(),
    )


class CaseworkMachine(RuleBasedStateMachine):
    """Some rules move a case on by the right people (so that chains are walked to their
    end, and 公示 reached, within a run); the others act on any case, by anyone."""

    users: dict[str, Any]  # set by the test before the machine runs

    def __init__(self) -> None:
        super().__init__()
        self._stack = ExitStack()
        self._stack.enter_context(core_clock.frozen(TODAY))
        self.periods: dict[str, int | None] = {}  # 公示期 per rule (the package leaves it unset)
        self._stack.enter_context(
            mock.patch.object(
                publicity, "period_days", lambda rule_id, on: self.periods.get(rule_id)
            )
        )
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.codes: list[str] = []
        self.by_state: dict[str, list[str]] = {}
        self.days = 0
        self.refused = 0
        self.done = 0

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)
        self._stack.close()

    # the act itself: a refusal must leave everything as it was ------------------------

    def attempt(self, work: Callable[[], Any], expect: bool | None = None) -> bool:
        """Run ``work``; True if done. ``expect``: what the oracle says (None: no view)."""
        before = snapshot()
        refusal: JiuyeError | None = None
        try:
            work()
        except JiuyeError as error:
            refusal = error
        if refusal is None:
            assert expect is not False, "allowed what the rules refuse"
            self.done += 1
            return True
        assert snapshot() == before, f"refused ({refusal.code}) yet something was written"
        assert any("\u4e00" <= ch <= "\u9fff" for ch in refusal.message), refusal.message
        assert expect is not True, f"refused what the rules allow: {refusal.code} {refusal}"
        self.refused += 1
        return False

    def case(self, code: str) -> Case:
        return Case.objects.get(code=code)

    def any_case(self, data: st.DataObject, state: str = "") -> Case:
        """A case, most often one in ``state`` when there is one."""
        pool = self.by_state.get(state) or []
        if pool and data.draw(st.integers(0, 3), label="in_state") > 0:
            return self.case(data.draw(st.sampled_from(pool), label="case"))
        return self.case(data.draw(st.sampled_from(self.codes), label="case"))

    def anyone(self, data: st.DataObject, fit: Callable[[str], bool]) -> str:
        """A staff member, most often one who ``fit``s, sometimes anyone at all."""
        fitting = [u for u in STAFF if fit(u)]
        if fitting and data.draw(st.integers(0, 3), label="fitting") > 0:
            return data.draw(st.sampled_from(fitting), label="who")
        return data.draw(st.sampled_from(list(STAFF)), label="who")

    # set-up ---------------------------------------------------------------------------

    @initialize(
        data=st.data(),
        periods=st.lists(st.sampled_from([None, 1, 3, 5]), min_size=6, max_size=6),
    )
    def three_applications(self, data: st.DataObject, periods: list[int | None]) -> None:
        """The periods of 公示 as the bureau set them; an eligible graduate online, whose
        case the right people approve (公示 begins if its period is set); the same
        graduate at a counter of 扶余市 for a city-handled support the registry shows
        ineligible; the employer online."""
        self.periods = dict(zip(RULES, periods, strict=True))
        cases = [
            file_case(
                rule_id="startup_subsidy",
                subject_id=GRADUATE_ID,
                subject_name="张小三",
                channel="online",
                declared=STARTUP_FACTS,
            ),
            file_case(
                rule_id="return_home_entrepreneurship_support",
                subject_id=GRADUATE_ID,
                subject_name="张小三",
                channel="counter",
                actor=self.users["fuyu"],
            ),
            file_case(
                rule_id="job_stabilization_subsidy",
                subject_id=EMPLOYER_CODE,
                subject_name="松原市示例科技有限公司",
                channel="online",
                declared={"ui_insured": True, "stabilization_measures": True},
            ),
        ]
        assert [c.status for c in cases][:2] == ["eligible", "ineligible"]
        self.codes += [c.code for c in cases]
        self.walk(cases[0].code, data)
        assert self.case(cases[0].code).state in (CaseState.APPROVED, CaseState.ANNOUNCING)

    # filing ---------------------------------------------------------------------------

    @rule(
        data=st.data(),
        rule_id=st.sampled_from(RULES),
        variant=st.sampled_from(["none", "startup", "short", "all_true", "all_false"]),
        channel=st.sampled_from(["online", "counter"]),
        clerk=st.sampled_from([None, *STAFF]),
        wrong_name=st.sampled_from([False, False, False, False, True]),
    )
    def file(
        self,
        data: st.DataObject,
        rule_id: str,
        variant: str,
        channel: str,
        clerk: str | None,
        wrong_name: bool,
    ) -> None:
        entity = package().rules[rule_id].entity
        kind = "person" if entity == "person" else "unit"
        subject_id, name, division = data.draw(st.sampled_from(SUBJECTS[kind]))
        made: list[Case] = []

        def work() -> None:
            made.append(
                file_case(
                    rule_id=rule_id,
                    subject_id=subject_id,
                    subject_name="错名" if wrong_name else name,
                    channel=channel,
                    mobile="13900001111",
                    declared=declared_variants(entity)[variant],
                    division_code=division,
                    actor=self.users[clerk] if clerk and channel == "counter" else None,
                )
            )

        # a name is checked against the registry; an unregistered applicant's is theirs
        registered = not division
        refused = (wrong_name and registered) or (channel == "counter" and clerk is None)
        if self.attempt(work, False if refused else None):
            self.codes.append(made[0].code)

    @rule(
        data=st.data(),
        size=st.integers(min_value=1, max_value=4),
        channel=st.sampled_from(["online", "counter"]),
    )
    def file_a_batch(self, data: st.DataObject, size: int, channel: str) -> None:
        """Applications filed together (``file_cases``) get, each, what ``file_case``
        would have given it filed alone in the same order: the same case or refusal."""
        batch = []
        for _ in range(size):
            rule_id = data.draw(st.sampled_from(RULES))
            entity = package().rules[rule_id].entity
            subject_id, name, division = data.draw(
                st.sampled_from(SUBJECTS["person" if entity == "person" else "unit"])
            )
            variant = data.draw(st.sampled_from(sorted(declared_variants(entity))))
            wrong = data.draw(st.sampled_from([False, False, False, True]))
            batch.append(
                filing.Application(
                    rule_id=rule_id,
                    subject_id=subject_id,
                    subject_name="错名" if wrong else name,
                    declared=declared_variants(entity)[variant],
                    division_code=division,
                )
            )
        clerk = self.users["fuyu"] if channel == "counter" else None
        # what filing them one by one gives (then undone)
        alone: list[str] = []
        with transaction.atomic():
            for application in batch:
                try:
                    with transaction.atomic():
                        one = file_case(**application.fields(), channel=channel, actor=clerk)
                    alone.append(f"{one.rule_id}/{one.status}")
                except JiuyeError as error:
                    alone.append(error.code)
            transaction.set_rollback(True)
        before = Case.objects.count()
        results = filing.file_cases(batch, channel=channel, actor=clerk)
        together = [f"{r.rule_id}/{r.status}" if isinstance(r, Case) else r.code for r in results]
        assert together == alone
        made = [r for r in results if isinstance(r, Case)]
        assert Case.objects.count() == before + len(made)
        self.codes += [c.code for c in made]

    # review ---------------------------------------------------------------------------

    def may_act(self, username: str, case: Case) -> bool:
        """The oracle: the step's role, at its office, and no other step of the case."""
        step = case.steps.select_related("role").get(position=case.position)
        code, roles = STAFF[username]
        if step.role.code not in roles:
            return False
        if code != step.division_code:
            return False
        others = case.steps.exclude(position=step.position).filter(actor__username=username)
        return not others.exists()

    def approvable(self, who: str, case: Case) -> bool:
        last = case.position == case.steps.count()
        decision = case.decisions.order_by("-created_at", "-id").first()
        return (
            case.state == CaseState.REVIEWING
            and self.may_act(who, case)
            and not case.notices.filter(state=NoticeState.AWAITING_SENIOR).exists()
            and not (
                last
                and case.status == "ineligible"
                and not Override.objects.filter(case=case, decision=decision).exists()
            )
        )

    def _approve(self, case: Case, who: str, stale: bool = False) -> None:
        allowed = not stale and self.approvable(who, case)
        version = case.version - 1 if stale else case.version
        self.attempt(
            lambda: review.approve(code=case.code, user=self.users[who], version=version),
            allowed,
        )

    @precondition(lambda self: self.codes)
    @rule(data=st.data(), stale=st.sampled_from([False, False, False, True]))
    def approve(self, data: st.DataObject, stale: bool) -> None:
        """Most often the right person; sometimes anyone (another office's, one who did
        a step already), or with a stale form."""
        case = self.any_case(data, CaseState.REVIEWING)
        self._approve(case, self.anyone(data, lambda u: self.may_act(u, case)), stale)

    @precondition(lambda self: self.by_state.get(CaseState.REVIEWING))
    @rule(data=st.data(), senior=st.sampled_from(list(STAFF)))
    def walk_to_the_end(self, data: st.DataObject, senior: str) -> None:
        """The right people approve every step left (each one checked as above); an
        ineligible case first gets an override from ``senior`` (refused if not one)."""
        code = data.draw(st.sampled_from(self.by_state[CaseState.REVIEWING]))
        case = self.case(code)
        if case.status == "ineligible":
            allowed = senior_for(senior, case.handling_code)
            self.attempt(
                lambda: review.record_override(code=code, user=self.users[senior], reason="核实"),
                allowed,
            )
        self.walk(code, data)

    def walk(self, code: str, data: st.DataObject) -> None:
        for _ in range(self.case(code).steps.count()):
            case = self.case(code)
            fitting = [u for u in STAFF if self.approvable(u, case)]
            if case.state != CaseState.REVIEWING or not fitting:
                return
            self._approve(case, data.draw(st.sampled_from(fitting)))

    @precondition(lambda self: self.codes)
    @rule(data=st.data(), who=st.sampled_from(list(STAFF)))
    def bulk_approve(self, data: st.DataObject, who: str) -> None:
        codes = data.draw(st.lists(st.sampled_from(self.codes), min_size=1, max_size=3))
        before = {c: snapshot_case(c) for c in set(codes)}
        results = review.bulk_approve(
            codes=[(c, self.case(c).version) for c in codes], user=self.users[who]
        )
        assert [c for c, _ in results] == codes
        for code, refusal in results:
            if refusal and codes.count(code) == 1:
                assert snapshot_case(code) == before[code], f"{code}: refused yet changed"
            elif not refusal:
                assert snapshot_case(code) != before[code]

    @precondition(lambda self: self.codes)
    @rule(data=st.data(), reason=st.sampled_from(["", "不符", "不符"]))
    def reject(self, data: st.DataObject, reason: str) -> None:
        case = self.any_case(data, CaseState.REVIEWING)
        who = self.anyone(data, lambda u: self.may_act(u, case))
        allowed = bool(reason) and case.state == CaseState.REVIEWING and self.may_act(who, case)
        self.attempt(
            lambda: review.reject(code=case.code, user=self.users[who], reason=reason), allowed
        )

    @precondition(lambda self: self.codes)
    @rule(
        data=st.data(),
        items=st.lists(st.sampled_from(ITEMS), max_size=3, unique=True),
        days=st.integers(min_value=0, max_value=10),
    )
    def return_for_supplement(self, data: st.DataObject, items: list[str], days: int) -> None:
        case = self.any_case(data, CaseState.REVIEWING)
        who = self.anyone(data, lambda u: self.may_act(u, case))
        allowed = (
            bool(items)
            and days > 0
            and case.state == CaseState.REVIEWING
            and self.may_act(who, case)
            and not case.notices.filter(state=NoticeState.AWAITING_SENIOR).exists()
        )
        self.attempt(
            lambda: review.return_for_supplement(
                code=case.code,
                user=self.users[who],
                items=[{"item": i, "problem": "缺少"} for i in items],
                deadline=core_clock.today() + dt.timedelta(days=days),
            ),
            allowed,
        )

    @precondition(lambda self: self.codes)
    @rule(data=st.data())
    def supplement(self, data: st.DataObject) -> None:
        case = self.any_case(data, CaseState.RETURNED)
        notice = case.notices.filter(state=NoticeState.OPEN).order_by("-id").first()
        allowed = (
            case.state == CaseState.RETURNED
            and notice is not None
            and notice.deadline >= core_clock.today()
        )
        self.attempt(lambda: review.supplement(code=case.code, response="已补正"), allowed)

    @precondition(lambda self: self.by_state.get("senior_pending"))
    @rule(data=st.data(), approve=st.booleans())
    def decide_second_return(self, data: st.DataObject, approve: bool) -> None:
        notice = Notice.objects.select_related("case", "issued_by").get(
            pk=data.draw(st.sampled_from(self.by_state["senior_pending"]))
        )
        case = notice.case

        def fit(u: str) -> bool:
            return senior_for(u, case.handling_code) and notice.issued_by.username != u

        who = self.anyone(data, fit)
        allowed = fit(who) and case.state == CaseState.REVIEWING
        self.attempt(
            lambda: review.decide_second_return(
                notice_id=notice.pk, user=self.users[who], approve=approve
            ),
            allowed,
        )

    @precondition(lambda self: self.codes)
    @rule(data=st.data())
    def record_override(self, data: st.DataObject) -> None:
        case = self.any_case(data, CaseState.REVIEWING)
        who = self.anyone(data, lambda u: senior_for(u, case.handling_code))
        allowed = (
            senior_for(who, case.handling_code)
            and case.status == "ineligible"
            and case.state == CaseState.REVIEWING
        )
        self.attempt(
            lambda: review.record_override(code=case.code, user=self.users[who], reason="经核实"),
            allowed,
        )

    @precondition(lambda self: self.codes)
    @rule(data=st.data())
    def reevaluate(self, data: st.DataObject) -> None:
        case = self.any_case(data, CaseState.REVIEWING)
        who = self.anyone(data, lambda u: self.may_act(u, case))
        allowed = case.state == CaseState.REVIEWING and self.may_act(who, case)
        self.attempt(
            lambda: review.reevaluate(code=case.code, user=self.users[who], reason="登记信息变更"),
            allowed,
        )

    @precondition(lambda self: self.codes)
    @rule(data=st.data())
    def withdraw(self, data: st.DataObject) -> None:
        case = self.any_case(data)
        allowed = case.state in (CaseState.REVIEWING, CaseState.RETURNED)
        self.attempt(lambda: review.withdraw(code=case.code, reason="不再申请"), allowed)

    # 公示 -------------------------------------------------------------------------------

    @precondition(lambda self: self.codes)
    @rule(data=st.data(), days=st.sampled_from([None, 1, 3, 5]))
    def set_period_and_begin(self, data: st.DataObject, days: int | None) -> None:
        """The bureau sets (or clears) a period; 公示 begins for a case, as the daily
        sweep does for each approved one (any other state is refused)."""
        case = self.any_case(data, CaseState.APPROVED)
        self.periods[case.rule_id] = days

        def work() -> None:
            with transaction.atomic():
                publicity.begin(Case.objects.select_for_update().get(pk=case.pk))

        self.attempt(work, None if case.state == CaseState.APPROVED else False)

    @precondition(lambda self: self.by_state.get("announced"))
    @rule(data=st.data(), text=st.sampled_from(["", "该店已停业", "该店已停业"]))
    def object_to(self, data: st.DataObject, text: str) -> None:
        announcement = Announcement.objects.get(
            pk=data.draw(st.sampled_from(self.by_state["announced"]))
        )
        allowed = bool(text) and announcement.ends_on >= core_clock.today()
        self.attempt(
            lambda: publicity.object_to(
                announcement_id=announcement.pk, name="李四", contact="13800000000", text=text
            ),
            allowed,
        )

    @precondition(lambda self: self.by_state.get("objection"))
    @rule(data=st.data(), upheld=st.booleans(), outcome=st.sampled_from(["", "经核实", "经核实"]))
    def decide_objection(self, data: st.DataObject, upheld: bool, outcome: str) -> None:
        objection = Objection.objects.select_related("announcement__case").get(
            pk=data.draw(st.sampled_from(self.by_state["objection"]))
        )
        case = objection.announcement.case
        who = self.anyone(data, lambda u: self.may_act(u, case))
        allowed = bool(outcome) and case.state == CaseState.OBJECTED and self.may_act(who, case)
        self.attempt(
            lambda: publicity.decide_objection(
                objection_id=objection.pk, user=self.users[who], upheld=upheld, outcome=outcome
            ),
            allowed,
        )

    @precondition(lambda self: self.days < MAX_DAYS)
    @rule(days=st.integers(min_value=0, max_value=8))
    def sweep(self, days: int) -> None:
        """The clock moves on; the daily tasks run (公示 sweep, lapsed notices)."""
        self.days += days
        core_clock.advance(dt.timedelta(days=days))
        publicity.sweep()
        review.lapse_overdue()

    # invariants -----------------------------------------------------------------------

    @invariant()
    def casework_invariants(self) -> None:
        db = load()
        check_invariants(db, {u.pk: name for name, u in self.users.items()})
        check_queues(db, self.users)
        # what the next rules draw from
        by_state: dict[str, list[str]] = defaultdict(list)
        for case in db["cases"]:
            by_state[case["state"]].append(case["code"])
        by_state["senior_pending"] = list(
            Notice.objects.filter(state=NoticeState.AWAITING_SENIOR).values_list("pk", flat=True)
        )
        by_state["announced"] = [
            a["id"]
            for rows in db["announcements"].values()
            for a in rows
            if a["state"] in (AnnouncementState.RUNNING, AnnouncementState.HELD)
        ]
        by_state["objection"] = list(
            Objection.objects.filter(state=ObjectionState.OPEN).values_list("pk", flat=True)
        )
        self.by_state = by_state


#: States a case reaches only through the last approval.
PAST_LAST_APPROVAL = (
    CaseState.APPROVED,
    CaseState.ANNOUNCING,
    CaseState.OBJECTED,
    CaseState.READY,
)
#: The state of the case's current step, by the case's state.
CURRENT_STEP = {
    CaseState.REVIEWING: StepState.ACTIVE,
    CaseState.RETURNED: StepState.ACTIVE,
    CaseState.OBJECTED: StepState.ACTIVE,
    CaseState.APPROVED: StepState.DONE,
    CaseState.ANNOUNCING: StepState.DONE,
    CaseState.READY: StepState.DONE,
    CaseState.REJECTED: StepState.REJECTED,
    CaseState.WITHDRAWN: StepState.CLOSED,
    CaseState.LAPSED: StepState.CLOSED,
}


def _by_case(rows: Any, key: str = "case_id") -> dict[int, list[dict[str, Any]]]:
    out: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        out[row[key]].append(row)
    return out


def load() -> dict[str, Any]:
    """Every casework row, in a few queries (the invariants run after every step)."""
    return {
        "cases": list(Case.objects.order_by("id").values()),
        "steps": _by_case(CaseStep.objects.order_by("case_id", "position").values()),
        "events": _by_case(CaseEvent.objects.order_by("id").values()),
        "logs": _by_case(
            ChangeLog.objects.filter(entity="case").order_by("id").values("object_id", "changes"),
            "object_id",
        ),
        "decisions": _by_case(Decision.objects.order_by("created_at", "id").values()),
        "overrides": _by_case(Override.objects.values()),
        "announcements": _by_case(Announcement.objects.order_by("id").values()),
        "objections": _by_case(
            Objection.objects.values("announcement__case_id", "state", "decided_by_id"),
            "announcement__case_id",
        ),
    }


def check_queues(db: dict[str, Any], users: dict[str, Any]) -> None:
    """Each one's 待办 (``queues.queue``) is exactly the active steps of cases under review
    or objection that they may act on (the oracle's rule), nothing hidden, nothing more."""
    roles = dict(ReviewRole.objects.values_list("pk", "code"))
    for name, user in users.items():
        office, held = STAFF[name]
        wanted = set()
        for case in db["cases"]:
            if case["state"] not in (CaseState.REVIEWING, CaseState.OBJECTED):
                continue
            steps = db["steps"][case["id"]]
            step = steps[case["position"] - 1]
            others = {s["actor_id"] for s in steps if s["position"] != step["position"]}
            if (
                step["state"] == StepState.ACTIVE
                and roles[step["role_id"]] in held
                and step["division_code"] == office
                and user.pk not in others
            ):
                wanted.add(step["id"])
        shown = set(queues.queue(user).values_list("id", flat=True))
        assert shown == wanted, (name, "queue", sorted(shown), sorted(wanted))


def check_invariants(db: dict[str, Any], usernames: dict[int, str]) -> None:
    slots = []
    for case in db["cases"]:
        pk, code, state = case["id"], case["code"], case["state"]
        steps = db["steps"][pk]
        events = db["events"][pk]
        decisions = db["decisions"][pk]
        objections = db["objections"][pk]

        # no case skips a step: the steps before the current one done, after it waiting
        n, p = len(steps), case["position"]
        where = (code, state, [(s["position"], s["state"]) for s in steps])
        assert [s["position"] for s in steps] == list(range(1, n + 1)), where
        assert 1 <= p <= n, where
        assert all(s["state"] == StepState.DONE for s in steps[: p - 1]), where
        assert all(s["state"] == StepState.WAITING for s in steps[p:]), where
        assert steps[p - 1]["state"] == CURRENT_STEP[state], where
        assert p == n or state not in PAST_LAST_APPROVAL, where
        # ... one approval each, in order: position p is reached by p - 1 approvals
        approvals = [e["position"] for e in events if e["action"] == "approve_step"]
        assert approvals == list(range(2, p + 1)), (code, "a step skipped", approvals)
        lasts = sum(e["action"] == "approve_last" for e in events)
        upheld = any(e["action"] == "uphold" for e in events)
        assert lasts == (1 if state in PAST_LAST_APPROVAL or upheld else 0), (code, lasts)
        assert all(s["acted_at"] is not None for s in steps[: p - 1]), where

        # 四眼原则: no one did two steps, nor decided an objection after another step
        actors = [s["actor_id"] for s in steps if s["actor_id"]]
        assert len(actors) == len(set(actors)), (code, "one person, two steps", actors)
        earlier = {s["actor_id"] for s in steps[:-1] if s["actor_id"]}
        deciders = {o["decided_by_id"] for o in objections if o["decided_by_id"]}
        assert not deciders & earlier, (code, "an objection decided by an earlier step's actor")
        for step in steps:
            if step["actor_id"]:
                office, roles = STAFF[usernames[step["actor_id"]]]
                assert office == step["division_code"], (code, step["position"], "wrong office")

        # every state change: its event, its audit row, no gap, ending in the case's state
        assert events, code
        first = events[0]
        assert (first["action"], first["from_state"], first["to_state"]) == (
            "file",
            "",
            CaseState.REVIEWING,
        ), code
        current, moves = CaseState.REVIEWING, 0
        for e in events[1:]:
            if e["from_state"]:
                assert e["from_state"] == current, (code, "a change without its event", e)
                moves += 1
            else:
                assert e["to_state"] == current, (code, "a change without its event", e)
            current = e["to_state"]
        assert current == state, (code, "the last event is not the case's state", current)
        assert case["version"] == 1 + moves, (code, "a change without its event")
        logged = [(c["changes"]["from"], c["changes"]["to"]) for c in db["logs"][pk]]
        assert logged == [(e["from_state"], e["to_state"]) for e in events], (
            code,
            "a change without its audit row",
            logged,
        )

        # the frozen decision: filed first, the case shows the latest; nothing ineligible
        # is approved without a senior's override of that very decision
        assert decisions, code
        assert decisions[0]["kind"] == Decision.Kind.FILING, code
        latest = decisions[-1]
        assert latest["status"] == case["status"], code
        if case["channel"] == "online":
            assert decisions[0]["status"] != "ineligible", (code, "ineligible filed online")
        if state in PAST_LAST_APPROVAL and latest["status"] == "ineligible":
            assert any(
                o["decision_id"] == latest["id"]
                and senior_for(usernames[o["by_id"]], case["handling_code"])
                for o in db["overrides"][pk]
            ), (code, "approved though ineligible, without a senior's override")

        # the (rule, subject) slot and the announcement follow the state
        once = package().rules[case["rule_id"]].once
        holds = {
            CaseState.READY: once,
            CaseState.REJECTED: False,
            CaseState.WITHDRAWN: False,
            CaseState.LAPSED: False,
        }.get(state, True)
        assert case["holds_slot"] == holds, (code, state)
        if holds:
            slots.append((case["rule_id"], case["subject_id_index"]))
        announced = [a["state"] for a in db["announcements"][pk]]
        wanted = {
            CaseState.ANNOUNCING: [AnnouncementState.RUNNING],
            CaseState.OBJECTED: [AnnouncementState.HELD],
            CaseState.READY: [AnnouncementState.PASSED],
            CaseState.APPROVED: [],
        }.get(state)
        if wanted is not None:
            assert announced == wanted, (code, state, announced)
        if state == CaseState.APPROVED:
            assert case["waiting_reason"], (code, "approved, waiting without a reason")
        if state == CaseState.OBJECTED:
            assert any(o["state"] == ObjectionState.OPEN for o in objections), code
    assert len(slots) == len(set(slots)), "two open cases of one rule and subject"


def snapshot_case(code: str) -> tuple[Any, ...]:
    case = Case.objects.get(code=code)
    return (
        case.state,
        case.version,
        case.position,
        list(case.steps.order_by("position").values_list("state", "actor_id")),
        case.events.count(),
        ChangeLog.objects.filter(entity="case", object_id=case.pk).count(),
    )


@pytest.fixture
def staff_users(world):
    """The world's staff plus the roles and the 扶余市 lead this machine uses."""
    users = dict(world.staff)
    lead = StaffUserFactory(username="fuyu_lead")
    StaffProfile.objects.create(user=lead, division=world.divisions["220781"])
    grant(lead, ("approve", "senior"))
    users["fuyu_lead"] = lead
    for name, roles in EXTRA_ROLES.items():
        grant(users[name], roles)
    assert set(users) == set(STAFF)
    return users


def test_casework_invariants_hold_whatever_staff_and_applicants_do(staff_users):
    CaseworkMachine.users = staff_users
    run_state_machine_as_test(
        CaseworkMachine,
        settings=settings(
            max_examples=30,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )


def _file(rule_id: str = "startup_subsidy", **kw: Any) -> Case:
    args: dict[str, Any] = {
        "rule_id": rule_id,
        "subject_id": GRADUATE_ID,
        "subject_name": "张小三",
        "channel": "online",
        "declared": STARTUP_FACTS,
    }
    args.update(kw)
    return file_case(**args)


def test_the_oracle_allows_the_right_staff_and_refuses_a_second_step(staff_users):
    CaseworkMachine.users = staff_users
    machine = CaseworkMachine()
    try:
        code = _file("internship_subsidy", declared=declared_variants("person")["all_true"]).code
        case = machine.case(code)
        assert machine.may_act("community", case)
        assert not any(machine.may_act(u, case) for u in ("county", "fuyu", "nobody"))
        assert machine.attempt(lambda: review.approve(code=code, user=staff_users["community"]))
        case = machine.case(code)
        assert machine.may_act("county", case)
        assert machine.attempt(lambda: review.approve(code=code, user=staff_users["county"]))
        case = machine.case(code)
        # county holds 审批 too, but did step 2
        assert not machine.may_act("county", case)
        assert machine.may_act("lead", case)
        assert not machine.attempt(
            lambda: review.approve(code=code, user=staff_users["county"]), expect=False
        )
        with pytest.raises(AssertionError, match="refused what the rules allow"):
            machine.attempt(
                lambda: review.approve(code=code, user=staff_users["county"]), expect=True
            )
        machine.casework_invariants()
    finally:
        machine.teardown()
    assert not Case.objects.exists()


def test_the_rarer_paths_hold_the_invariants(staff_users):
    """Second returns, two objections, an upheld one, a city-handled override: each
    step by the machine's own ``attempt`` (oracle, nothing written when refused) and the
    invariants checked after it, on every run whatever the random runs reached."""
    CaseworkMachine.users = staff_users
    machine = CaseworkMachine()
    u = staff_users
    machine.periods = {"startup_subsidy": 3, "internship_subsidy": 1}
    later = TODAY + dt.timedelta(days=7)

    def step(work: Callable[[], Any], expect: bool) -> None:
        assert machine.attempt(work, expect) is expect
        machine.casework_invariants()

    def give_back(code: str, who: str, item: str) -> Callable[[], Any]:
        return lambda: review.return_for_supplement(
            code=code, user=u[who], items=[{"item": item, "problem": "缺少"}], deadline=later
        )

    def approve(code: str, who: str) -> Callable[[], Any]:
        return lambda: review.approve(code=code, user=u[who])

    def senior(notice: Notice, who: str, yes: bool) -> Callable[[], Any]:
        return lambda: review.decide_second_return(notice_id=notice.pk, user=u[who], approve=yes)

    def object_to(code: str, text: str) -> Callable[[], Any]:
        announcement = Announcement.objects.get(case__code=code)
        return lambda: publicity.object_to(
            announcement_id=announcement.pk, name="李四", contact="138", text=text
        )

    def decide(objection: Objection, who: str, upheld: bool) -> Callable[[], Any]:
        return lambda: publicity.decide_objection(
            objection_id=objection.pk, user=u[who], upheld=upheld, outcome="经核实"
        )

    def pending(code: str) -> Notice:
        return Notice.objects.get(case__code=code, state=NoticeState.AWAITING_SENIOR)

    try:
        code = _file().code
        # 一次性告知, supplement, then a second return naming a new item: a senior decides
        step(give_back(code, "community", "营业执照"), True)
        step(lambda: review.supplement(code=code, response="已补"), True)
        step(give_back(code, "community", "租赁合同"), True)
        step(approve(code, "community"), False)  # the senior's answer is awaited
        step(senior(pending(code), "community", True), False)  # not a senior
        step(senior(pending(code), "fuyu_lead", True), False)  # another county's
        step(senior(pending(code), "lead", False), True)
        step(give_back(code, "community", "租赁合同"), True)
        step(senior(pending(code), "city_lead", True), True)
        assert machine.case(code).state == CaseState.RETURNED
        step(lambda: review.supplement(code=code, response="已补租赁合同"), True)
        # three steps by three people; county, who did step 2, may not do step 3
        step(approve(code, "community"), True)
        step(approve(code, "community"), False)
        step(approve(code, "county"), True)
        step(approve(code, "county"), False)
        step(approve(code, "lead"), True)
        assert machine.case(code).state == CaseState.ANNOUNCING
        # two objections; the step-2 reviewer may not decide; both dismissed, 公示 resumes
        step(object_to(code, "该店已停业"), True)
        step(object_to(code, "不是首次创业"), True)
        first, second = Objection.objects.filter(announcement__case__code=code).order_by("id")
        step(decide(first, "county", False), False)
        step(decide(first, "lead2", False), True)
        assert machine.case(code).state == CaseState.OBJECTED
        step(decide(second, "lead", False), True)
        assert machine.case(code).state == CaseState.ANNOUNCING
        machine.sweep(10)
        machine.casework_invariants()
        assert machine.case(code).state == CaseState.READY

        # an upheld objection ends a case
        other = _file(
            "internship_subsidy",
            subject_id=OTHER_ID,
            subject_name="李四",
            division_code="220702001901",
            declared=declared_variants("person")["all_true"],
        ).code
        for who in ("community", "county2", "lead2"):
            step(approve(other, who), True)
        step(object_to(other, "冒名"), True)
        step(decide(Objection.objects.get(announcement__case__code=other), "lead2", True), True)
        assert machine.case(other).state == CaseState.REJECTED

        # city-handled and ineligible: the last step waits for a senior's override
        city = file_case(
            rule_id="return_home_entrepreneurship_support",
            subject_id=GRADUATE_ID,
            subject_name="张小三",
            channel="counter",
            actor=u["fuyu"],
        ).code
        step(approve(city, "community"), True)
        step(approve(city, "county2"), False)  # the city's step, not the county's
        step(approve(city, "city"), True)
        step(approve(city, "city_lead"), False)  # ineligible: no override yet
        step(lambda: review.record_override(code=city, user=u["lead"], reason="核实"), False)
        step(lambda: review.record_override(code=city, user=u["city_lead"], reason="核实"), True)
        step(approve(city, "city_lead"), True)
        assert machine.case(city).state == CaseState.APPROVED  # no period set: it waits
    finally:
        machine.teardown()


def _skip_a_step(case: Case, users: dict[str, Any]) -> None:
    CaseStep.objects.filter(case=case, position=2).update(state=StepState.DONE)
    CaseStep.objects.filter(case=case, position=3).update(state=StepState.ACTIVE)
    Case.objects.filter(pk=case.pk).update(position=3)


def _one_person_two_steps(case: Case, users: dict[str, Any]) -> None:
    CaseStep.objects.filter(case=case, position=2).update(actor=users["community"])


def _a_change_without_event(case: Case, users: dict[str, Any]) -> None:
    Case.objects.filter(pk=case.pk).update(state=CaseState.RETURNED, version=case.version + 1)


def _an_event_without_audit_row(case: Case, users: dict[str, Any]) -> None:
    CaseEvent.objects.create(
        case=case, action="return", from_state="reviewing", to_state="returned"
    )
    Case.objects.filter(pk=case.pk).update(state=CaseState.RETURNED, version=case.version + 1)


def _approved_without_override(case: Case, users: dict[str, Any]) -> None:
    Override.objects.filter(case=case).delete()


def _online_ineligible(case: Case, users: dict[str, Any]) -> None:
    Case.objects.filter(pk=case.pk).update(channel="online")


@pytest.mark.parametrize(
    ("tamper", "finds"),
    [
        (_skip_a_step, "a step skipped"),
        (_one_person_two_steps, "one person, two steps"),
        (_a_change_without_event, "a change without its event|the last event"),
        (_an_event_without_audit_row, "without its audit row"),
        (_approved_without_override, "without a senior's override"),
        (_online_ineligible, "ineligible filed online"),
    ],
)
def test_each_invariant_finds_what_it_is_for(world, tamper, finds):
    # given: an ineligible counter case (an override by a senior), approved through its
    # three steps by three people, and a graduate's case at its second step
    users = dict(world.staff)
    ineligible = _file(
        subject_id=OTHER_ID,
        subject_name="李四",
        division_code="220702001901",
        declared=dict(STARTUP_FACTS, business_operating_since="2025-06-02"),
        channel="counter",
        actor=users["fuyu"],
    )
    review.approve(code=ineligible.code, user=users["community"])
    review.approve(code=ineligible.code, user=users["county"])
    review.record_override(code=ineligible.code, user=users["lead2"], reason="经核实")
    review.approve(code=ineligible.code, user=users["lead"])
    case = _file()
    review.approve(code=case.code, user=users["community"])
    usernames = {u.pk: name for name, u in users.items()}
    check_invariants(load(), usernames)  # all hold
    target = ineligible if tamper in (_approved_without_override, _online_ineligible) else case
    # when
    tamper(Case.objects.get(pk=target.pk), users)
    # then
    with pytest.raises(AssertionError, match=finds):
        check_invariants(load(), usernames)


def test_a_refused_action_that_wrote_something_is_caught(staff_users):
    CaseworkMachine.users = staff_users
    machine = CaseworkMachine()
    try:

        def writes_then_refuses() -> None:
            _file()
            raise CaseRefused("late", "晚了")

        with pytest.raises(AssertionError, match="something was written"):
            machine.attempt(writes_then_refuses)
    finally:
        machine.teardown()
