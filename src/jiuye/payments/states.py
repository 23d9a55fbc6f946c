"""The one declared transition graph of a payable item: every edge has a cause.

``edge(from_state, action)`` is the only gate (after pay-connector's transition table):
a service asks it before it moves an item. An edge that moves money names the ledger
kind it posts (:data:`POSTS`).

>>> edge("waiting", "commit"), edge("paid", "commit")
('committed', None)
>>> sorted({str(to) for (frm, _), to in EDGES.items() if frm == "paid"})
['committed', 'recovered', 'returned']
>>> edge("sent", "pay") is None, edge("sent", "confirm")
(True, 'paid')
"""

from __future__ import annotations

from jiuye.payments.models import EntryKind as K
from jiuye.payments.models import ItemState as S

#: (from state, action) → to state. The comment says why the edge exists.
EDGES: dict[tuple[str, str], str] = {
    (S.WAITING, "wait"): S.WAITING,  # the budget (or an account) does not cover it yet
    (S.WAITING, "commit"): S.COMMITTED,  # 预留: the budget covers it, under the lock
    (S.WAITING, "cancel"): S.CANCELLED,  # not to be paid (case withdrawn from payment)
    (S.COMMITTED, "pay"): S.PAID,  # 支付: the bank paid it
    (S.COMMITTED, "batch"): S.BATCHED,  # assembled into a 代发 batch
    (S.RETURNED, "batch"): S.BATCHED,  # assembled again after the bank's return
    (S.BATCHED, "unbatch"): S.COMMITTED,  # its batch was cancelled before release
    (S.BATCHED, "send"): S.SENT,  # 支付: the batch released to the bank
    (S.SENT, "confirm"): S.PAID,  # the bank's result: credited
    (S.SENT, "bank_return"): S.RETURNED,  # 退回: the bank's result: failed, with reason
    (S.COMMITTED, "release"): S.CANCELLED,  # the commitment is released to the budget
    (S.COMMITTED, "reverse_commit"): S.WAITING,  # 冲正 of a commitment posted in error
    (S.PAID, "bank_return"): S.RETURNED,  # 退回: the bank could not credit the account
    (S.PAID, "recover"): S.RECOVERED,  # 追回: an undue payment recovered from the payee
    (S.PAID, "reverse_pay"): S.COMMITTED,  # 冲正 of a payment recorded in error
    (S.RETURNED, "pay"): S.PAID,  # paid again (to the corrected account)
    (S.RETURNED, "release"): S.CANCELLED,  # not paid again: the commitment is released
    (S.RETURNED, "reverse_return"): S.PAID,  # 冲正 of a return recorded in error
    (S.RECOVERED, "reverse_recover"): S.PAID,  # 冲正 of a recovery recorded in error
}

#: The ledger kind an edge posts (edges not listed move no money).
POSTS: dict[str, str] = {
    "commit": K.COMMIT,
    "pay": K.PAY,
    "send": K.PAY,
    "bank_return": K.BANK_RETURN,
    "recover": K.RECOVER,
    "release": K.RELEASE,
}

#: The reversal action of a transaction kind posted for an item.
REVERSAL_ACTION: dict[str, str] = {
    K.COMMIT: "reverse_commit",
    K.PAY: "reverse_pay",
    K.BANK_RETURN: "reverse_return",
    K.RECOVER: "reverse_recover",
}

ACTION_LABELS: dict[str, str] = {
    "create": "生成应付款项",
    "wait": "等待",
    "commit": "预留资金",
    "cancel": "取消",
    "pay": "拨付",
    "batch": "编入代发批次",
    "unbatch": "代发批次作废，退出批次",
    "send": "送银行代发",
    "confirm": "银行代发成功",
    "release": "释放预留",
    "reverse_commit": "冲正预留",
    "bank_return": "银行退回",
    "recover": "追回",
    "reverse_pay": "冲正拨付",
    "reverse_return": "冲正退回",
    "reverse_recover": "冲正追回",
}


def edge(from_state: str, action: str) -> str | None:
    """The state ``action`` leads to from ``from_state``; None: not an edge."""
    to = EDGES.get((str(from_state), action))
    return None if to is None else str(to)
