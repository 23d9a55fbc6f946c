"""Payee accounts: registered and changed only with a second staff member's approval.

:func:`request_account` records a pending account (the 社会保障卡 financial account of a
person, the basic account of a unit) with a reason; :func:`approve_account` by another
staff member holding ``payments.approve_payee_account`` makes it the active one and
retires the previous one, both compare-and-swaps on the state; :func:`refuse_account`
ends a request. Each step is on the change history (masked number: last four digits)
and the security trail.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from jiuye.core import audit, clock
from jiuye.identity._text import compact
from jiuye.payments.errors import PaymentConflict, PaymentInvalid, PaymentNotFound, PaymentRefused
from jiuye.payments.retry import atomic_retrying
from jiuye.registry.models import (
    Employer,
    PayeeAccount,
    PayeeAccountKind,
    PayeeAccountState,
    Person,
)

ENTITY = "payee_account"
APPROVE_PERMISSION = "payments.approve_payee_account"


def _changes(account: PayeeAccount, **more: Any) -> dict[str, Any]:
    return {
        "owner": f"person:{account.person_id}"
        if account.person_id
        else f"employer:{account.employer_id}",
        "kind": account.kind,
        "bank": account.bank_name,
        "number": account.number_masked,
        "state": account.state,
        **more,
    }


def request_account(
    *,
    actor: Any,
    number: str,
    bank_name: str,
    holder_name: str,
    reason: str,
    person: Person | None = None,
    employer: Employer | None = None,
    bank_code: str = "",
) -> PayeeAccount:
    """A new account awaiting a second staff member's approval."""
    number = compact(number or "")
    if (person is None) == (employer is None):
        raise PaymentInvalid("payee_owner", "收款账户须属于一名人员或一个单位")
    if not number.isdigit() or not 8 <= len(number) <= 32:
        raise PaymentInvalid("account_number", "账号应为 8–32 位数字", extra={"field": "number"})
    for value, name, label in (
        (bank_name, "bank_name", "开户银行"),
        (holder_name, "holder_name", "户名"),
        (reason, "reason", "变更事由"),
    ):
        if not (value or "").strip():
            raise PaymentInvalid("field_required", f"请填写{label}", extra={"field": name})
    kind = PayeeAccountKind.SOCIAL_SECURITY_CARD if person else PayeeAccountKind.EMPLOYER_BASIC

    def work() -> PayeeAccount:
        try:
            with transaction.atomic():
                account = PayeeAccount.objects.create(
                    person=person,
                    employer=employer,
                    kind=kind,
                    holder_name=holder_name.strip()[:200],
                    bank_name=bank_name.strip()[:100],
                    bank_code=(bank_code or "").strip()[:20],
                    number=number,
                    reason=reason.strip()[:300],
                    requested_by=actor,
                    requested_at=clock.now(),
                )
        except IntegrityError as error:
            raise PaymentConflict(
                "account_pending", "已有一个待核准的收款账户变更，请先核准或退回"
            ) from error
        audit.record(
            actor=actor,
            action="create",
            entity=ENTITY,
            object_id=account.pk,
            changes=_changes(account),
            source="screen",
        )
        return account

    return atomic_retrying(work, what="登记收款账户")


def _pending(account_id: int) -> PayeeAccount:
    account = PayeeAccount.objects.filter(pk=account_id).first()
    if account is None:
        raise PaymentNotFound("account_not_found", "没有这个收款账户申请")
    if account.state != PayeeAccountState.PENDING:
        raise PaymentConflict("account_decided", "该收款账户申请已处理")
    return account


def _checker(actor: Any, account: PayeeAccount) -> None:
    if not actor.has_perm(APPROVE_PERMISSION):
        raise PaymentRefused("not_approver", "您没有核准收款账户变更的权限")
    if actor.pk == account.requested_by_id:
        raise PaymentRefused("same_person", "收款账户变更须由申请人以外的另一名工作人员核准")


def approve_account(*, account_id: int, actor: Any, note: str = "") -> PayeeAccount:
    """The second staff member approves: the account becomes active, the old one retires."""

    def work() -> PayeeAccount:
        account = _pending(account_id)
        _checker(actor, account)
        owner: dict[str, int | None] = (
            {"person_id": account.person_id}
            if account.person_id
            else {"employer_id": account.employer_id}
        )
        old = PayeeAccount.objects.filter(state=PayeeAccountState.ACTIVE, **owner).first()
        if old is not None:
            retired = PayeeAccount.objects.filter(pk=old.pk, state=PayeeAccountState.ACTIVE).update(
                state=PayeeAccountState.SUPERSEDED
            )
            if retired != 1:
                raise PaymentConflict("account_changed", "收款账户已被他人变更，请刷新后重试")
        now = clock.now()
        changed = PayeeAccount.objects.filter(
            pk=account.pk, state=PayeeAccountState.PENDING
        ).update(
            state=PayeeAccountState.ACTIVE,
            decided_by=actor,
            decided_at=now,
            decision_note=(note or "").strip()[:300],
        )
        if changed != 1:
            raise PaymentConflict("account_changed", "该收款账户申请已被他人处理")
        account.refresh_from_db()
        audit.record(
            actor=actor,
            action="update",
            entity=ENTITY,
            object_id=account.pk,
            changes=_changes(account, replaces=getattr(old, "number_masked", "")),
            source="screen",
        )
        return account

    return atomic_retrying(work, what="核准收款账户")


def refuse_account(*, account_id: int, actor: Any, note: str) -> PayeeAccount:
    note = (note or "").strip()
    if not note:
        raise PaymentInvalid("note_required", "请填写不予核准的理由", extra={"field": "note"})

    def work() -> PayeeAccount:
        account = _pending(account_id)
        _checker(actor, account)
        changed = PayeeAccount.objects.filter(
            pk=account.pk, state=PayeeAccountState.PENDING
        ).update(
            state=PayeeAccountState.REFUSED,
            decided_by=actor,
            decided_at=clock.now(),
            decision_note=note[:300],
        )
        if changed != 1:
            raise PaymentConflict("account_changed", "该收款账户申请已被他人处理")
        account.refresh_from_db()
        audit.record(
            actor=actor,
            action="update",
            entity=ENTITY,
            object_id=account.pk,
            changes=_changes(account),
            source="screen",
        )
        return account

    return atomic_retrying(work, what="退回收款账户申请")
