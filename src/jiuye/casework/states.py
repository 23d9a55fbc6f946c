"""The one declared transition graph of a case: every edge has a cause and a label.

``edge(from_state, action)`` is the only gate: a service asks it before it moves a
case, and :func:`jiuye.casework.history.move` refuses anything it does not list.

>>> edge("reviewing", "approve_step")
'reviewing'
>>> edge("returned", "approve_step") is None
True
>>> sorted({str(to) for (frm, _), to in EDGES.items() if frm == "announcing"})
['objected', 'ready', 'rejected']
"""

from __future__ import annotations

from jiuye.casework.models.cases import CaseState as S

#: (from state, action) → to state. The label says why the edge exists.
EDGES: dict[tuple[str, str], str] = {
    (S.REVIEWING, "approve_step"): S.REVIEWING,  # a step approved, the next one starts
    (S.REVIEWING, "approve_last"): S.APPROVED,  # the last step approved
    (S.REVIEWING, "reject"): S.REJECTED,  # a step rejects, with a reason the applicant reads
    (S.REVIEWING, "return"): S.RETURNED,  # 一次性告知: sent back for supplement
    (S.REVIEWING, "request_return"): S.REVIEWING,  # a second return awaits a senior
    (S.REVIEWING, "senior_refuse"): S.REVIEWING,  # the senior refuses the second return
    (S.REVIEWING, "withdraw"): S.WITHDRAWN,  # the applicant withdraws
    (S.REVIEWING, "reevaluate"): S.REVIEWING,  # staff re-evaluate with a reason
    (S.REVIEWING, "override"): S.REVIEWING,  # a senior records an override
    (S.RETURNED, "supplement"): S.REVIEWING,  # the applicant supplements once
    (S.RETURNED, "withdraw"): S.WITHDRAWN,
    (S.RETURNED, "lapse"): S.LAPSED,  # the notice's deadline passed without supplement
    (S.APPROVED, "announce"): S.ANNOUNCING,  # the announcement period is set: 公示 begins
    (S.APPROVED, "wait_period"): S.APPROVED,  # the period is unset: the case waits
    (S.ANNOUNCING, "object"): S.OBJECTED,  # an objection sends it back to the approver
    (S.ANNOUNCING, "pass"): S.READY,  # the period ended without an upheld objection
    (S.ANNOUNCING, "reject"): S.REJECTED,  # (not used by staff directly; kept for audit)
    (S.OBJECTED, "object"): S.OBJECTED,  # a further objection while one is handled
    (S.OBJECTED, "dismiss"): S.ANNOUNCING,  # the objection is not upheld: 公示 resumes
    (S.OBJECTED, "uphold"): S.REJECTED,  # the objection is upheld: not approved
}

#: The Chinese names of actions, for the case's timeline.
ACTION_LABELS: dict[str, str] = {
    "file": "受理",
    "approve_step": "审核通过",
    "approve_last": "审批通过",
    "reject": "不予核准",
    "return": "退回补正（一次性告知）",
    "request_return": "申请再次退回补正（待上级批准）",
    "senior_refuse": "上级未批准再次退回",
    "senior_approve": "上级批准再次退回",
    "withdraw": "申请人撤回",
    "reevaluate": "重新认定",
    "override": "上级核准意见",
    "supplement": "申请人补正",
    "lapse": "逾期未补正",
    "announce": "开始公示",
    "wait_period": "待公示（公示期未设定）",
    "object": "收到公示异议",
    "pass": "公示期满无异议",
    "dismiss": "异议不成立，继续公示",
    "uphold": "异议成立，不予核准",
    "claim": "首问责任人受理",
}


def edge(from_state: str, action: str) -> str | None:
    """The state ``action`` leads to from ``from_state``; None: not an edge."""
    to = EDGES.get((str(from_state), action))
    return None if to is None else str(to)
