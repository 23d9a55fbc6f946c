"""代发 batches under maker–checker, and the bank's results.

- :func:`assemble` (the maker): committed items of one fund, county and year whose
  payee has an approved account go into a draft batch, each on a line with its own
  reference; the items move committed → batched (no money moves yet). Items without an
  approved account stay out and are counted.
- :func:`release` (the checker: ``payments.release_batch``, never the maker): the batch
  draft → released and its items batched → sent, posting each payment (支付, committed
  → paid) in the same transaction, and fixing the 代发 file's digest. The files are
  written after the commit (:func:`jiuye.payments.bankfiles.write`, again at any time):
  a process killed mid-release leaves nothing half done, and running it again
  completes it.
- :func:`cancel` a draft: its items go back to committed.
- :func:`import_results`: the bank's result file, matched line by line by reference:
  成功 → the item is paid (a registry receipt is recorded), 失败 → the payment is
  returned (退回, paid → committed) and the item waits, with the bank's reason, for a
  new batch; rows that match nothing, disagree on the amount or contradict an earlier
  result are reported, never applied; the same file twice (by digest) changes nothing,
  and a row already applied from another file is counted as unchanged. One transaction
  per file.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import IntegrityError
from django.db.models import F, Sum

from jiuye.core import audit, clock
from jiuye.payments import bankfiles, funds, items_core
from jiuye.payments.errors import PaymentConflict, PaymentInvalid, PaymentNotFound, PaymentRefused
from jiuye.payments.items import Moves, post_moves
from jiuye.payments.ledger import apply_balances, flow_lines, post
from jiuye.payments.models import (
    AccountKind,
    BankLayout,
    Batch,
    BatchLine,
    BatchState,
    EntryKind,
    Fund,
    ItemState,
    LineResult,
    PayableItem,
    ReturnImport,
)
from jiuye.payments.retry import atomic_retrying
from jiuye.registry.models import BenefitReceipt, PayeeAccount, PayeeAccountState

ENTITY = "payment_batch"
RELEASE_PERMISSION = "payments.release_batch"
MAKE_PERMISSION = "payments.commit_payment"
DEFAULT_LAYOUT = "default"


def ensure_default_layout() -> BankLayout:
    layout, _ = BankLayout.objects.get_or_create(
        code=DEFAULT_LAYOUT,
        defaults={
            "name": "通用代发格式",
            "note": "户名、账号、开户银行、金额（元，两位小数）、业务参考号、用途；"
            "末行为合计与摘要",
            "paid_words": ["成功", "已入账"],
            "failed_words": ["失败", "退回"],
        },
    )
    return layout


def _new_code(batch_id: int) -> str:
    return f"PB{clock.today():%Y%m%d}{batch_id:06d}"


def _audit(batch: Batch, actor: Any, what: str, **more: Any) -> None:
    audit.record(
        actor=actor,
        action="create" if what == "assemble" else "update",
        entity=ENTITY,
        object_id=batch.pk,
        changes={"code": batch.code, "action": what, "state": batch.state, **more},
        source="screen",
    )


@dataclass
class Assembled:
    batch: Batch | None
    lines: int = 0
    without_account: int = 0


def assemble(
    *,
    fund: Fund,
    county_code: str,
    year: int,
    actor: Any,
    layout: BankLayout | None = None,
    limit: int | None = None,
) -> Assembled:
    if not actor.has_perm(MAKE_PERMISSION):
        raise PaymentRefused("not_maker", "您没有编制代发批次的权限")
    layout = layout or ensure_default_layout()

    def work() -> Assembled:
        candidates = PayableItem.objects.filter(
            fund=fund,
            county_code=county_code,
            year=year,
            state__in=[ItemState.COMMITTED, ItemState.RETURNED],
        ).order_by("pk")
        actives = {
            (a.person_id, a.employer_id): a
            for a in PayeeAccount.objects.filter(state=PayeeAccountState.ACTIVE)
        }
        chosen: list[tuple[PayableItem, PayeeAccount]] = []
        missing = 0
        for item in candidates.iterator():
            owner = (None, item.employer_id) if item.employer_id else (item.person_id, None)
            account = actives.get(owner)
            if account is None:
                missing += 1
                continue
            chosen.append((item, account))
            if limit is not None and len(chosen) >= limit:
                break
        if not chosen:
            return Assembled(None, 0, missing)
        batch = Batch.objects.create(
            code=f"PBTMP{clock.now():%H%M%S%f}",
            fund=fund,
            county_code=county_code,
            year=year,
            layout=layout,
            made_by=actor,
        )
        batch.code = _new_code(batch.pk)
        Batch.objects.filter(pk=batch.pk).update(code=batch.code)
        now = clock.now()
        for item, account in chosen:
            changed = PayableItem.objects.filter(
                pk=item.pk, state=item.state, version=item.version
            ).update(
                state=ItemState.BATCHED,
                version=F("version") + 1,
                payee_account=account,
                updated_at=now,
            )
            if changed != 1:
                raise PaymentConflict("item_changed", "款项已被他人处理，请重新编制批次")
        try:
            BatchLine.objects.bulk_create(
                BatchLine(
                    batch=batch,
                    item=item,
                    seq=n,
                    reference=f"{batch.code}{n:06d}",
                    amount_fen=item.amount_fen,
                    payee_account=account,
                )
                for n, (item, account) in enumerate(chosen, start=1)
            )
        except IntegrityError as error:
            raise PaymentConflict("item_in_batch", "有款项已在其他批次中") from error
        batch.line_count = len(chosen)
        batch.total_fen = sum(item.amount_fen for item, _ in chosen)
        Batch.objects.filter(pk=batch.pk).update(
            line_count=batch.line_count, total_fen=batch.total_fen
        )
        audit.record_runs(
            actor=actor,
            entity=items_core.ENTITY,
            ids=[item.pk for item, _ in chosen],
            source="screen",
            action="update",
            changes={"action": "batch", "batch": batch.code},
        )
        _audit(batch, actor, "assemble", lines=batch.line_count, total_fen=batch.total_fen)
        return Assembled(batch, len(chosen), missing)

    return atomic_retrying(work, what="编制代发批次")


def _batch(code: str) -> Batch:
    batch = Batch.objects.select_related("layout", "fund").filter(code=code).first()
    if batch is None:
        raise PaymentNotFound("batch_not_found", f"没有批次 {code}")
    return batch


def _move_batch(batch: Batch, to: str, **fields: Any) -> None:
    changed = Batch.objects.filter(pk=batch.pk, state=batch.state, version=batch.version).update(
        state=to, version=F("version") + 1, **fields
    )
    if changed != 1:
        raise PaymentConflict("batch_changed", "批次已被他人处理，请刷新后重试")
    batch.state, batch.version = to, batch.version + 1
    for name, value in fields.items():
        setattr(batch, name, value)


def release(*, code: str, actor: Any) -> Batch:
    """The checker releases a draft: every line's payment is posted, the file fixed."""

    def work() -> Batch:
        batch = _batch(code)
        if not actor.has_perm(RELEASE_PERMISSION):
            raise PaymentRefused("not_checker", "您没有复核发出代发批次的权限")
        if actor.pk == batch.made_by_id:
            raise PaymentRefused("same_person", "代发批次须由制单人以外的另一名工作人员复核发出")
        if batch.state != BatchState.DRAFT:
            raise PaymentConflict(
                "batch_state", f"批次状态为“{batch.get_state_display()}”，不能发出"
            )
        made = bankfiles.render(batch)
        _move_batch(
            batch,
            BatchState.RELEASED,
            released_by=actor,
            released_at=clock.now(),
            file_sha256=made.digest,
        )
        lines = list(
            batch.lines.select_related("item")
            .order_by("seq")
            .values_list("item_id", "item__version", "amount_fen", "item__case_code", "item__state")
        )
        if any(state != ItemState.BATCHED for *_, state in lines):
            raise PaymentConflict("item_changed", "批次中有款项已被他人处理，请作废后重新编制")
        accounts = funds.ensure_accounts(batch.fund, batch.county_code, batch.year)
        debit, credit = accounts[AccountKind.COMMITTED], accounts[AccountKind.PAID]
        post_moves(
            Moves(
                fund_id=batch.fund_id,
                county=batch.county_code,
                year=batch.year,
                take=[(i, v, a, c) for i, v, a, c, _ in lines],
                from_states=(ItemState.BATCHED,),
                to_state=ItemState.SENT,
                kind=EntryKind.PAY,
                debit=debit.pk,
                credit=credit.pk,
                who=actor,
                memo="代发",
                reference=batch.code,
            )
        )
        total = sum(a for _, _, a, _, _ in lines)
        apply_balances({debit.pk: -total, credit.pk: total})
        audit.record_runs(
            actor=actor,
            entity=items_core.ENTITY,
            ids=[i for i, *_ in lines],
            source="screen",
            action="update",
            changes={"action": "send", "batch": batch.code},
        )
        _audit(batch, actor, "release", digest=made.digest)
        return batch

    return atomic_retrying(work, what="发出代发批次")


def cancel(*, code: str, actor: Any, reason: str) -> Batch:
    """A draft is cancelled: its items go back to committed."""
    if not (reason or "").strip():
        raise PaymentInvalid("reason_required", "请填写作废原因", extra={"field": "reason"})

    def work() -> Batch:
        batch = _batch(code)
        if batch.state != BatchState.DRAFT:
            raise PaymentConflict("batch_state", "只有待复核的批次可以作废")
        _move_batch(batch, BatchState.CANCELLED)
        ids = list(batch.lines.values_list("item_id", flat=True))
        changed = PayableItem.objects.filter(pk__in=ids, state=ItemState.BATCHED).update(
            state=ItemState.COMMITTED, version=F("version") + 1, updated_at=clock.now()
        )
        if changed != len(ids):
            raise PaymentConflict("item_changed", "批次中有款项已被他人处理")
        batch.lines.update(is_open=False)
        _audit(batch, actor, "cancel", reason=reason.strip()[:200])
        return batch

    return atomic_retrying(work, what="作废代发批次")


# ---------------------------------------------------------------- the bank's results


@dataclass
class ImportReport:
    paid: int = 0
    failed: int = 0
    unchanged: int = 0
    problems: list[str] = field(default_factory=list)
    repeated: bool = False


def _columns(header: list[str]) -> tuple[BankLayout, dict[str, int]]:
    for layout in BankLayout.objects.all():
        wanted = {
            "reference": layout.header_of("reference"),
            "amount": layout.header_of("amount_yuan"),
            "status": layout.status_header,
            "reason": layout.reason_header,
        }
        if all(h and h in header for k, h in wanted.items() if k != "reason"):
            return layout, {k: header.index(h) for k, h in wanted.items() if h and h in header}
    raise bankfiles.ResultFileError(
        "headers",
        "银行返回文件的表头与任何代发文件格式都不符（至少需要业务参考号、金额、处理结果）",
    )


def import_results(*, path: Path, actor: Any, filename: str = "") -> ImportReport:
    """Apply a bank result file (.csv or .xlsx); see the module's description."""
    if not actor.has_perm(MAKE_PERMISSION):
        raise PaymentRefused("not_maker", "您没有导入银行结果的权限")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    done = ReturnImport.objects.filter(file_sha256=digest).first()
    if done is not None:
        return ImportReport(
            0, 0, done.paid + done.failed + done.unchanged, list(done.problems), True
        )
    rows = bankfiles.read_rows(path)
    if not rows:
        raise bankfiles.ResultFileError("empty", "文件为空")
    layout, at = _columns(rows[0])

    def work() -> ImportReport:
        report = ImportReport()
        body = [r for r in rows[1:] if any(r) and r[0] != bankfiles.CHECKSUM_LABEL]
        refs = [r[at["reference"]] for r in body if len(r) > at["reference"]]
        lines = {
            line.reference: line
            for line in BatchLine.objects.select_related("item", "batch").filter(reference__in=refs)
        }
        touched: set[int] = set()
        for number, row in enumerate(rows[1:], start=2):
            if not any(row) or row[0] == bankfiles.CHECKSUM_LABEL:
                continue
            reference, status, reason, amount = (
                _cell(row, at, key) for key in ("reference", "status", "reason", "amount")
            )
            line = lines.get(reference)
            if line is None:
                report.problems.append(
                    f"第 {number} 行：业务参考号“{reference}”没有对应的代发明细，未处理"
                )
                continue
            if line.batch.state not in (BatchState.RELEASED, BatchState.CLOSED):
                report.problems.append(f"第 {number} 行：{reference} 所在批次尚未发出，未处理")
                continue
            if amount != bankfiles.yuan(line.amount_fen):
                report.problems.append(
                    f"第 {number} 行：{reference} 金额 {amount} 与代发金额 "
                    f"{bankfiles.yuan(line.amount_fen)} 不符，未处理"
                )
                continue
            if status in layout.paid_words:
                result = LineResult.PAID
            elif status in layout.failed_words:
                result = LineResult.FAILED
            else:
                report.problems.append(
                    f"第 {number} 行：{reference} 处理结果“{status}”无法识别，未处理"
                )
                continue
            if line.result:
                if line.result == result:
                    report.unchanged += 1
                else:
                    report.problems.append(
                        f"第 {number} 行：{reference} 已按“{line.get_result_display()}”处理，"
                        "与本次结果矛盾，未处理（请与银行核实）"
                    )
                continue
            if result == LineResult.PAID:
                _confirm(line, actor)
                report.paid += 1
            else:
                _returned(line, actor, reason or "银行未说明原因")
                report.failed += 1
            touched.add(line.batch_id)
        for batch_id in touched:
            if not BatchLine.objects.filter(batch_id=batch_id, result="").exists():
                Batch.objects.filter(pk=batch_id, state=BatchState.RELEASED).update(
                    state=BatchState.CLOSED, version=F("version") + 1
                )
        ReturnImport.objects.create(
            file_sha256=digest,
            filename=(filename or path.name)[:200],
            imported_by=actor,
            paid=report.paid,
            failed=report.failed,
            unchanged=report.unchanged,
            problems=report.problems,
        )
        return report

    return atomic_retrying(work, what="导入银行结果")


def _cell(row: list[str], at: dict[str, int], key: str) -> str:
    index = at.get(key)
    return row[index] if index is not None and index < len(row) else ""


def _close_line(line: BatchLine, result: str, reason: str = "") -> None:
    changed = BatchLine.objects.filter(pk=line.pk, result="").update(
        result=result, bank_reason=reason[:200], result_at=clock.now(), is_open=False
    )
    if changed != 1:
        raise PaymentConflict("line_changed", f"{line.reference} 已被他人处理")
    line.result = result  # a second row of the same reference reads as unchanged


def _confirm(line: BatchLine, actor: Any) -> None:
    item = line.item
    receipt = BenefitReceipt.objects.create(
        person_id=item.person_id,
        employer_id=item.employer_id,
        rule=item.rule_id,
        paid_on=clock.today(),
        amount_fen=item.amount_fen,
    )
    items_core.move(
        item,
        "confirm",
        actor=actor,
        note=f"银行代发成功：{line.reference}",
        paid_on=clock.today(),
        bank_reason="",
        receipt=receipt,
    )
    _close_line(line, LineResult.PAID)


def _returned(line: BatchLine, actor: Any, reason: str) -> None:
    item = line.item
    accounts = funds.ensure_accounts(item.fund, item.county_code, item.year)
    item = items_core.move(
        item,
        "bank_return",
        actor=actor,
        note=f"{line.reference}：{reason}",
        bank_reason=reason[:200],
    )
    post(
        kind=EntryKind.BANK_RETURN,
        lines=flow_lines(accounts, EntryKind.BANK_RETURN, item.amount_fen),
        actor=actor,
        item=item,
        item_version=item.version,
        reference=line.reference,
        memo=f"银行退回 {item.case_code}：{reason}"[:300],
        payee_account_id=line.payee_account_id,
    )
    _close_line(line, LineResult.FAILED, reason)


def batch_total(batch: Batch) -> int:
    return int(batch.lines.aggregate(s=Sum("amount_fen"))["s"] or 0)


__all__ = ["assemble", "cancel", "ensure_default_layout", "import_results", "release"]
