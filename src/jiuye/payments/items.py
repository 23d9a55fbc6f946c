"""From a ready case to money: payable items, commitment under the budget lock, payment,
bank return, recovery, release.

- :func:`intake` makes the payable item of a READY case (公示期满，待发放) whose every
  review step is recorded: the amount from its latest frozen decision (integer fen),
  the fund from the package's rule, the county of its handling office, the budget year
  of today. One item per case and period, and one per person (or unit) and one-time
  rule for ever: unique constraints, not only this code.
- :func:`commit` (预留) locks the fund's *available* account of that county and year
  (``SELECT … FOR UPDATE``) and commits the item only if the balance covers it; else the
  item waits with the reason :data:`~jiuye.payments.models.NO_BUDGET` and the report
  shows the shortfall. :func:`commit_many` does the same for many items per lock (the
  sweep and the benchmark), one ledger transaction per item.
- :func:`pay` (支付) takes the payee's approved account from the registry, never an
  account typed at payment time, and records the registry's benefit receipt;
  :func:`bank_return` (退回) and :func:`recover` (追回) undo the payment, the first
  keeping the commitment for a second payment; :func:`release` gives the commitment
  back to the budget; :func:`cancel` drops a waiting item.

Each step is one database transaction, retried on serialization failures and deadlocks
(:mod:`.retry`); each state change a compare-and-swap (:mod:`.items_core`), each
posting tied to the item's new version (unique in the ledger).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import partial
from itertools import groupby
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import F

from jiuye.casework.models import Case, CaseState, Decision, StepState
from jiuye.core import audit, clock
from jiuye.eligibility.policy import package
from jiuye.payments import funds, items_core
from jiuye.payments.errors import PaymentConflict, PaymentInvalid, PaymentNotFound
from jiuye.payments.ledger import Line, apply_balances, audit_txn, flow_lines, post
from jiuye.payments.models import (
    NO_BUDGET,
    Account,
    AccountKind,
    Entry,
    EntryKind,
    ItemState,
    PayableItem,
    Transaction,
    sign_ok,
)
from jiuye.payments.retry import atomic_retrying
from jiuye.payments.states import REVERSAL_ACTION, edge
from jiuye.registry.models import BenefitReceipt, PayeeAccount, PayeeAccountState

#: Items committed per database transaction by :func:`commit_many`.
COMMIT_CHUNK = 2000


def _item(item_id: int) -> PayableItem:
    item = PayableItem.objects.filter(pk=item_id).first()
    if item is None:
        raise PaymentNotFound("item_not_found", "没有这笔应付款项")
    return item


def latest_decision(case: Case) -> Decision | None:
    return case.decisions.order_by("-created_at", "-id").first()


def refusal_to_pay(case: Case) -> str | None:
    """Why ``case`` cannot become a payable item (None: it can)."""
    if case.state != CaseState.READY:
        return f"办件状态为“{case.get_state_display()}”，公示期满无异议后才能生成应付款项"
    steps = list(case.steps.all())
    if not steps or any(s.state != StepState.DONE or s.actor_id is None for s in steps):
        return "办件的审核环节未全部记录办理人和通过结论，不能生成应付款项"
    if case.person_id is None and case.employer_id is None:
        return "办件未关联登记系统中的人员或单位，无法确定收款账户"
    return None


def intake(
    *, case: Case, period: str = "", actor: Any = None, source: str = "screen"
) -> PayableItem:
    """The payable item of a ready case (and period)."""
    why = refusal_to_pay(case)
    if why is not None:
        raise PaymentConflict("case_not_payable", why, extra={"case": case.code})
    decision = latest_decision(case)
    amount = None if decision is None else decision.amount_fen
    if decision is None or amount is None or amount <= 0:
        raise PaymentInvalid(
            "amount_undetermined",
            "认定结论的金额未确定（或为零），不能生成应付款项",
            extra={"case": case.code},
        )
    fund = funds.fund_for_rule(case.rule_id)
    if fund is None:
        raise PaymentInvalid(
            "fund_unset",
            "政策包未列明该事项的资金来源，不能生成应付款项（由政策包维护者补充规则的资金来源）",
            extra={"case": case.code, "rule": case.rule_id},
        )
    rule = package().rules.get(case.rule_id)
    once = bool(rule is not None and rule.once)

    def work() -> PayableItem:
        try:
            with transaction.atomic():
                item = PayableItem.objects.create(
                    case=case,
                    case_code=case.code,
                    decision=decision,
                    period=period,
                    rule_id=case.rule_id,
                    title=case.title,
                    once=once,
                    once_slot=once,
                    subject_index=case.subject_id_index or "",
                    subject_masked=case.subject_id_masked or "",
                    payee_name=case.subject_name,
                    person_id=None if case.employer_id else case.person_id,
                    employer_id=case.employer_id,
                    fund=fund,
                    county_code=case.handling_code,
                    year=clock.today().year,
                    amount_fen=amount,
                )
        except IntegrityError as error:
            if PayableItem.objects.filter(case=case, period=period).exists():
                raise PaymentConflict(
                    "item_exists", "该办件（该所属期）已生成应付款项", extra={"case": case.code}
                ) from error
            raise PaymentConflict(
                "once_already",
                "该一次性补贴已对同一对象生成过应付款项，不能重复发放",
                extra={"case": case.code, "rule": case.rule_id},
            ) from error
        items_core.event(
            item, "create", actor=actor, note=f"依据认定结论 #{decision.pk}", source=source
        )
        return item

    return atomic_retrying(work, what="生成应付款项")


@dataclass
class IntakeReport:
    created: list[PayableItem] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)


def intake_ready(*, actor: Any = None, source: str = "task") -> IntakeReport:
    """Items for every ready case that has none yet (the daily sweep)."""
    report = IntakeReport()
    have = PayableItem.objects.filter(period="").values("case_id")
    for case in Case.objects.filter(state=CaseState.READY).exclude(pk__in=have).order_by("pk"):
        try:
            report.created.append(intake(case=case, actor=actor, source=source))
        except (PaymentConflict, PaymentInvalid) as error:
            report.refused.append((case.code, error.message))
    return report


# ---------------------------------------------------------------- commitment


def _lock_available(item: PayableItem) -> tuple[dict[str, Account], Account]:
    accounts = funds.ensure_accounts(item.fund, item.county_code, item.year)
    available = Account.objects.select_for_update().get(pk=accounts[AccountKind.AVAILABLE].pk)
    return accounts, available


def commit(*, item_id: int, actor: Any = None, source: str = "screen") -> PayableItem:
    """预留: commit the item if the available budget covers it, else it waits (预算不足)."""

    def work() -> PayableItem:
        item = _item(item_id)
        if edge(item.state, "commit") is None:
            raise items_core.refuse_state(item, "commit")
        accounts, available = _lock_available(item)
        item.refresh_from_db()  # another commit may have won while this one waited
        if edge(item.state, "commit") is None:
            raise items_core.refuse_state(item, "commit")
        if available.balance_fen < item.amount_fen:
            if item.waiting_reason != NO_BUDGET:
                item = items_core.move(
                    item,
                    "wait",
                    actor=actor,
                    note=f"可用预算 {available.balance_fen} 分，不足 {item.amount_fen} 分",
                    source=source,
                    waiting_reason=NO_BUDGET,
                )
            return item
        item = items_core.move(item, "commit", actor=actor, source=source, waiting_reason="")
        post(
            kind=EntryKind.COMMIT,
            lines=flow_lines(accounts, EntryKind.COMMIT, item.amount_fen),
            actor=actor,
            item=item,
            item_version=item.version,
            memo=f"预留 {item.case_code} {item.period}".strip(),
        )
        return item

    return atomic_retrying(work, what="预留资金")


@dataclass
class CommitReport:
    committed: int = 0
    committed_fen: int = 0
    waiting: int = 0
    waiting_fen: int = 0


def commit_many(
    items: Iterable[PayableItem] | None = None,
    *,
    actor: Any = None,
    source: str = "task",
    chunk: int = COMMIT_CHUNK,
) -> CommitReport:
    """Commit waiting items (all of them by default), oldest first, per fund, county and
    year under one lock of the available account per chunk; those the budget does not
    cover wait with :data:`NO_BUDGET`."""
    if items is None:
        rows = list(
            PayableItem.objects.filter(state=ItemState.WAITING)
            .order_by("fund_id", "county_code", "year", "pk")
            .values_list("fund_id", "county_code", "year", "pk")
        )
    else:
        rows = sorted(
            (i.fund_id, i.county_code, i.year, i.pk) for i in items if i.state == ItemState.WAITING
        )
    report = CommitReport()
    for (fund_id, county, year), group in groupby(rows, key=lambda r: r[:3]):
        ids = [r[3] for r in group]
        for start in range(0, len(ids), chunk):
            part = ids[start : start + chunk]
            atomic_retrying(
                partial(_commit_chunk, fund_id, county, year, part, actor, source, report),
                what="批量预留资金",
            )
    return report


def _commit_chunk(
    fund_id: int,
    county: str,
    year: int,
    ids: list[int],
    actor: Any,
    source: str,
    report: CommitReport,
) -> None:
    from jiuye.payments.models import Fund

    accounts = funds.ensure_accounts(Fund.objects.get(pk=fund_id), county, year)
    available = Account.objects.select_for_update().get(pk=accounts[AccountKind.AVAILABLE].pk)
    rows = list(
        PayableItem.objects.select_for_update()
        .filter(pk__in=ids, state=ItemState.WAITING)
        .order_by("pk")
        .values_list("pk", "version", "amount_fen", "waiting_reason", "case_code")
    )
    budget = available.balance_fen
    take: list[tuple[int, int, int, str]] = []
    short: list[int] = []
    for pk, version, amount, reason, code in rows:
        if amount <= budget:
            budget -= amount
            take.append((pk, version, amount, code))
        elif reason != NO_BUDGET:
            short.append(pk)
    now = clock.now()
    who = actor if getattr(actor, "pk", None) else None
    debit, credit = accounts[AccountKind.AVAILABLE], accounts[AccountKind.COMMITTED]
    if take:
        post_moves(
            Moves(
                fund_id=fund_id,
                county=county,
                year=year,
                take=take,
                from_states=(ItemState.WAITING,),
                to_state=ItemState.COMMITTED,
                kind=EntryKind.COMMIT,
                debit=debit.pk,
                credit=credit.pk,
                who=who,
                memo="预留",
            )
        )
        total = sum(t[2] for t in take)
        apply_balances({debit.pk: -total, credit.pk: total})
        audit.record_runs(
            actor=actor,
            entity=items_core.ENTITY,
            ids=[t[0] for t in take],
            source=source,
            action="update",
            changes={"action": "commit", "kind": EntryKind.COMMIT},
        )
        report.committed += len(take)
        report.committed_fen += total
    if short:
        PayableItem.objects.filter(pk__in=short, state=ItemState.WAITING).update(
            waiting_reason=NO_BUDGET, version=F("version") + 1, updated_at=now
        )
        audit.record_runs(
            actor=actor,
            entity=items_core.ENTITY,
            ids=short,
            source=source,
            action="update",
            changes={"action": "wait", "reason": NO_BUDGET},
        )
    report.waiting += len(rows) - len(take)
    report.waiting_fen += sum(r[2] for r in rows) - sum(t[2] for t in take)


@dataclass(frozen=True)
class Moves:
    """Many items moved along one edge at once, each posting one transaction of
    ``kind`` from account ``debit`` to ``credit``: (id, version, amount, case code)."""

    fund_id: int
    county: str
    year: int
    take: list[tuple[int, int, int, str]]
    from_states: tuple[str, ...]
    to_state: str
    kind: str
    debit: int
    credit: int
    who: Any
    memo: str
    reference: str = ""


def post_moves(moves: Moves) -> None:
    """Apply ``moves`` (inside the caller's transaction; the account snapshots are the
    caller's): the items' compare-and-swap and their postings, all or nothing."""
    if connection.vendor == "postgresql":
        _post_moves_sql(moves)
    else:
        _post_moves_orm(moves)


def _post_moves_orm(m: Moves) -> None:
    now = clock.now()
    changed = PayableItem.objects.filter(
        pk__in=[t[0] for t in m.take], state__in=m.from_states
    ).update(state=m.to_state, version=F("version") + 1, waiting_reason="", updated_at=now)
    if changed != len(m.take):
        raise PaymentConflict("item_changed", "款项已被他人处理，请重试")
    accounts = dict(
        PayableItem.objects.filter(pk__in=[t[0] for t in m.take]).values_list(
            "pk", "payee_account_id"
        )
    )
    txns = Transaction.objects.bulk_create(
        [
            Transaction(
                kind=m.kind,
                fund_id=m.fund_id,
                county_code=m.county,
                year=m.year,
                amount_fen=amount,
                item_id=pk,
                item_version=version + 1,
                reference=m.reference,
                memo=f"{m.memo} {code}",
                posted_at=now,
                posted_by=m.who,
                payee_account_id=accounts.get(pk),
            )
            for pk, version, amount, code in m.take
        ]
    )
    if any(t.pk is None for t in txns):  # a backend that returns no ids
        by_item = dict(
            Transaction.objects.filter(
                item_id__in=[t[0] for t in m.take], kind=m.kind, posted_at=now
            ).values_list("item_id", "pk")
        )
        for t in txns:
            assert t.item_id is not None
            t.pk = by_item[t.item_id]
    entries = []
    for t in txns:
        entries.append(Entry(transaction_id=t.pk, account_id=m.debit, amount_fen=-t.amount_fen))
        entries.append(Entry(transaction_id=t.pk, account_id=m.credit, amount_fen=t.amount_fen))
    Entry.objects.bulk_create(entries, batch_size=400)  # pairs stay in one batch


#: PostgreSQL: the items' compare-and-swap, their transactions and both entries of each
#: in one statement (so the per-statement balance trigger sees whole transactions).
MOVES_SQL = """
WITH u AS (
    UPDATE payments_payableitem
       SET state = %(to)s, version = version + 1, waiting_reason = '', updated_at = %(now)s
     WHERE id = ANY(%(ids)s) AND state = ANY(%(from)s)
 RETURNING id, version, amount_fen, case_code, payee_account_id
), t AS (
    INSERT INTO payments_transaction (kind, fund_id, county_code, year, amount_fen, item_id,
                                      item_version, reference, memo, posted_at, posted_by_id,
                                      payee_account_id)
    SELECT %(kind)s, %(fund)s, %(county)s, %(year)s, u.amount_fen, u.id, u.version,
           %(reference)s, %(memo)s || ' ' || u.case_code, %(now)s, %(who)s, u.payee_account_id
      FROM u ORDER BY u.id
 RETURNING id, amount_fen
)
INSERT INTO payments_entry (transaction_id, account_id, amount_fen)
SELECT id, %(debit)s, -amount_fen FROM t
UNION ALL
SELECT id, %(credit)s, amount_fen FROM t
"""


def _post_moves_sql(m: Moves) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            MOVES_SQL,
            {
                "to": m.to_state,
                "from": list(m.from_states),
                "now": clock.now(),
                "ids": [t[0] for t in m.take],
                "kind": m.kind,
                "fund": m.fund_id,
                "county": m.county,
                "year": m.year,
                "reference": m.reference,
                "memo": m.memo,
                "who": getattr(m.who, "pk", None),
                "debit": m.debit,
                "credit": m.credit,
            },
        )
        if cursor.rowcount != 2 * len(m.take):
            raise PaymentConflict("item_changed", "款项已被他人处理，请重试")


# ---------------------------------------------------------------- payment and after


def active_account(item: PayableItem) -> PayeeAccount | None:
    owner: dict[str, int | None] = (
        {"employer_id": item.employer_id} if item.employer_id else {"person_id": item.person_id}
    )
    return PayeeAccount.objects.filter(state=PayeeAccountState.ACTIVE, **owner).first()


def _money_step(
    *,
    item_id: int,
    action: str,
    actor: Any,
    source: str,
    note: str = "",
    reference: str = "",
    prepare: Any = None,
    after: Any = None,
    what: str,
) -> PayableItem:
    """One item's step that moves money: CAS the item, post the edge's kind."""
    from jiuye.payments.states import POSTS

    def work() -> PayableItem:
        item = _item(item_id)
        if edge(item.state, action) is None:
            raise items_core.refuse_state(item, action)
        fields: dict[str, Any] = {} if prepare is None else prepare(item)
        accounts = funds.ensure_accounts(item.fund, item.county_code, item.year)
        before = item.receipt_id
        item = items_core.move(item, action, actor=actor, note=note, source=source, **fields)
        if after is not None:
            after(before)
        post(
            kind=POSTS[action],
            lines=flow_lines(accounts, POSTS[action], item.amount_fen),
            actor=actor,
            item=item,
            item_version=item.version,
            reference=reference,
            memo=f"{what} {item.case_code} {note}".strip(),
            payee_account_id=item.payee_account_id,
        )
        return item

    return atomic_retrying(work, what=what)


def pay(
    *, item_id: int, actor: Any = None, reference: str = "", source: str = "screen"
) -> PayableItem:
    """支付: the bank credited the payee's approved account (a receipt is recorded)."""

    def prepare(item: PayableItem) -> dict[str, Any]:
        account = active_account(item)
        if account is None:
            raise PaymentConflict(
                "no_payee_account",
                "收款人没有经核准的收款账户（社会保障卡金融账户或单位基本存款账户），不能拨付",
                extra={"item": item.pk},
            )
        today = clock.today()
        receipt = BenefitReceipt.objects.create(
            person_id=item.person_id,
            employer_id=item.employer_id,
            rule=item.rule_id,
            paid_on=today,
            amount_fen=item.amount_fen,
        )
        return {
            "payee_account": account,
            "paid_on": today,
            "bank_reason": "",
            "receipt": receipt,
        }

    return _money_step(
        item_id=item_id,
        action="pay",
        actor=actor,
        source=source,
        reference=reference,
        prepare=prepare,
        what="拨付",
    )


def _undo_payment(
    *, item_id: int, action: str, reason: str, actor: Any, source: str, reference: str, what: str
) -> PayableItem:
    reason = (reason or "").strip()
    if not reason:
        raise PaymentInvalid("reason_required", "请填写原因", extra={"field": "reason"})

    def prepare(item: PayableItem) -> dict[str, Any]:
        if item.state == ItemState.SENT:  # its batch line waits for the bank's file
            raise PaymentConflict(
                "item_at_bank",
                "该款项已送银行代发，银行结果请导入银行返回文件登记",
                extra={"item": item.pk},
            )
        fields: dict[str, Any] = {"receipt": None, "paid_on": None}
        if action == "bank_return":
            fields["bank_reason"] = reason[:200]
        return fields

    def after(receipt_id: int | None) -> None:
        # the payment is undone: the registry no longer records the benefit as received
        if receipt_id is not None:
            BenefitReceipt.objects.filter(pk=receipt_id).delete()

    item = _money_step(
        item_id=item_id,
        action=action,
        actor=actor,
        source=source,
        note=reason,
        reference=reference,
        prepare=prepare,
        after=after,
        what=what,
    )
    return item


def bank_return(
    *, item_id: int, reason: str, actor: Any = None, reference: str = "", source: str = "screen"
) -> PayableItem:
    """退回: the bank could not credit the account; the item waits to be paid again."""
    return _undo_payment(
        item_id=item_id,
        action="bank_return",
        reason=reason,
        actor=actor,
        source=source,
        reference=reference,
        what="银行退回",
    )


def recover(*, item_id: int, reason: str, actor: Any = None, source: str = "screen") -> PayableItem:
    """追回: an undue payment recovered; the money goes back to the available budget."""
    return _undo_payment(
        item_id=item_id,
        action="recover",
        reason=reason,
        actor=actor,
        source=source,
        reference="",
        what="追回",
    )


def release(*, item_id: int, reason: str, actor: Any = None, source: str = "screen") -> PayableItem:
    """释放预留: the item will not be paid; its commitment goes back to the budget."""
    reason = (reason or "").strip()
    if not reason:
        raise PaymentInvalid("reason_required", "请填写原因", extra={"field": "reason"})
    return _money_step(
        item_id=item_id,
        action="release",
        actor=actor,
        source=source,
        note=reason,
        prepare=lambda item: {"once_slot": False},
        what="释放预留",
    )


def cancel(*, item_id: int, reason: str, actor: Any = None, source: str = "screen") -> PayableItem:
    """A waiting item is not to be paid (moves no money; frees a one-time slot)."""
    reason = (reason or "").strip()
    if not reason:
        raise PaymentInvalid("reason_required", "请填写原因", extra={"field": "reason"})

    def work() -> PayableItem:
        return items_core.move(
            _item(item_id), "cancel", actor=actor, note=reason, source=source, once_slot=False
        )

    return atomic_retrying(work, what="取消款项")


# ---------------------------------------------------------------- corrections


def _reversal_fields(item: PayableItem, action: str) -> tuple[dict[str, Any], Any]:
    """What an item's reversal sets, and what it does after the move (the receipt)."""
    if action == "reverse_pay":
        old = item.receipt_id

        def drop() -> None:
            if old is not None:
                BenefitReceipt.objects.filter(pk=old).delete()

        return {"receipt": None, "paid_on": None}, drop
    if action in ("reverse_return", "reverse_recover"):
        last_pay = Transaction.objects.filter(item=item, kind=EntryKind.PAY).order_by("-pk").first()
        paid_on = (
            clock.today()
            if last_pay is None
            else last_pay.posted_at.astimezone(clock.SHANGHAI).date()
        )
        receipt = BenefitReceipt.objects.create(
            person_id=item.person_id,
            employer_id=item.employer_id,
            rule=item.rule_id,
            paid_on=paid_on,
            amount_fen=item.amount_fen,
        )
        return {"receipt": receipt, "paid_on": paid_on, "bank_reason": ""}, None
    return {}, None


def _check_reversal_balances(lines: list[Line]) -> None:
    """Lock the accounts a reversal takes money from and refuse, saying why, one that
    would go below zero (the CHECK constraint would refuse it anyway)."""
    losing = sorted(ln.account.pk for ln in lines if ln.amount_fen < 0)
    locked = {
        a.pk: a for a in Account.objects.select_for_update().filter(pk__in=losing).order_by("pk")
    }
    for ln in lines:
        if ln.amount_fen < 0:
            account = locked[ln.account.pk]
            if not sign_ok(account.kind, account.balance_fen + ln.amount_fen):
                raise PaymentConflict(
                    "reverse_insufficient",
                    f"冲正后“{account.get_kind_display()}”余额将低于零"
                    f"（现余额 {account.balance_fen} 分），不能冲正",
                )


def reverse(
    *, transaction_id: int, actor: Any = None, reason: str, source: str = "screen"
) -> Transaction:
    """冲正: post the negation of a transaction, once; its item (if any) moves back.

    Only an item's latest posting may be reversed; a release is final; a reversal is
    never reversed (post the right transaction instead)."""
    reason = (reason or "").strip()
    if not reason:
        raise PaymentInvalid("reason_required", "请填写冲正事由", extra={"field": "reason"})

    def work() -> Transaction:
        original = Transaction.objects.select_related("item").filter(pk=transaction_id).first()
        if original is None:
            raise PaymentNotFound("txn_not_found", "没有这笔交易")
        if original.kind == EntryKind.REVERSAL:
            raise PaymentConflict("reverse_reversal", "冲正交易不能再冲正：请按正确金额重新记账")
        if Transaction.objects.filter(reverses=original).exists():
            raise PaymentConflict("already_reversed", "这笔交易已冲正")
        lines = [Line(e.account, -e.amount_fen) for e in original.entries.select_related("account")]
        item, version = None, None
        if original.item_id is not None:
            action = REVERSAL_ACTION.get(original.kind)
            if action is None:
                raise PaymentConflict(
                    "reverse_not_allowed", "释放预留后不能冲正：如需支付请重新生成款项"
                )
            item = original.item
            assert item is not None
            later = (
                Transaction.objects.filter(item=item, pk__gt=original.pk)
                .exclude(kind=EntryKind.REVERSAL)
                .filter(reversed_by__isnull=True)
                .exists()
            )
            if later:
                raise PaymentConflict(
                    "reverse_not_latest", "只能冲正该款项最近的一笔业务，请先冲正其后的业务"
                )
            if edge(item.state, action) is None:
                raise items_core.refuse_state(item, action)
            _check_reversal_balances(lines)
            fields, after = _reversal_fields(item, action)
            item = items_core.move(item, action, actor=actor, note=f"冲正：{reason}", **fields)
            if after is not None:
                after()
            version = item.version
        else:
            _check_reversal_balances(lines)
        txn = post(
            kind=EntryKind.REVERSAL,
            lines=lines,
            actor=actor,
            item=item,
            item_version=version,
            reverses=original,
            memo=f"冲正 #{original.pk}：{reason}",
            reference=original.reference,
        )
        audit_txn(txn, actor, source)
        return txn

    return atomic_retrying(work, what="冲正")
