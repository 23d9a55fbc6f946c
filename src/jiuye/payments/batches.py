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

from django.db import IntegrityError, connection
from django.db.models import F, Sum

from jiuye.core import audit, clock, transitions
from jiuye.payments import bankfiles, funds, items_core
from jiuye.payments.errors import PaymentConflict, PaymentInvalid, PaymentNotFound, PaymentRefused
from jiuye.payments.items import Moves, post_moves
from jiuye.payments.ledger import apply_balances
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
        candidates = (
            PayableItem.objects.filter(
                fund=fund,
                county_code=county_code,
                year=year,
                state__in=[ItemState.COMMITTED, ItemState.RETURNED],
            )
            .order_by("pk")
            .values_list("pk", "person_id", "employer_id", "amount_fen")
        )
        # the owners' approved accounts, by id only (no number is decrypted here)
        actives: dict[tuple[int | None, int | None], int] = {
            (person, employer): pk
            for pk, person, employer in PayeeAccount.objects.filter(
                state=PayeeAccountState.ACTIVE
            ).values_list("pk", "person_id", "employer_id")
        }
        chosen: list[tuple[int, int, int]] = []  # item, account, amount
        missing = 0
        for pk, person, employer, amount in candidates.iterator(chunk_size=5000):
            account = actives.get((None, employer) if employer else (person, None))
            if account is None:
                missing += 1
                continue
            chosen.append((pk, account, amount))
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
        ids = [pk for pk, _, _ in chosen]
        # the compare-and-swap of every chosen item at once: all or nothing
        changed = set_column(
            PayableItem,
            "payee_account_id",
            [(pk, a) for pk, a, _ in chosen],
            states=(ItemState.COMMITTED, ItemState.RETURNED),
            fixed={"state": ItemState.BATCHED, "updated_at": clock.now()},
        )
        if changed != len(ids):
            raise PaymentConflict("item_changed", "款项已被他人处理，请重新编制批次")
        try:
            BatchLine.objects.bulk_create(
                (
                    BatchLine(
                        batch=batch,
                        item_id=pk,
                        seq=n,
                        reference=f"{batch.code}{n:06d}",
                        amount_fen=amount,
                        payee_account_id=account,
                    )
                    for n, (pk, account, amount) in enumerate(chosen, start=1)
                ),
                batch_size=5000,
            )
        except IntegrityError as error:
            raise PaymentConflict("item_in_batch", "有款项已在其他批次中") from error
        batch.line_count = len(chosen)
        batch.total_fen = sum(amount for _, _, amount in chosen)
        Batch.objects.filter(pk=batch.pk).update(
            code=batch.code, line_count=batch.line_count, total_fen=batch.total_fen
        )
        items_core.bulk_events(
            ids,
            "batch",
            from_state=ItemState.COMMITTED,
            to_state=ItemState.BATCHED,
            actor=actor,
            note=f"批次 {batch.code}",
        )
        audit.record_runs(
            actor=actor,
            entity=items_core.ENTITY,
            ids=ids,
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
    if not transitions.swap(batch, to, **fields):
        raise PaymentConflict("batch_changed", "批次已被他人处理，请刷新后重试")


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
        items_core.bulk_events(
            ids,
            "unbatch",
            from_state=ItemState.BATCHED,
            to_state=ItemState.COMMITTED,
            actor=actor,
            note=f"批次 {batch.code} 作废",
        )
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
        lines: dict[str, BatchLine] = {}
        for start in range(0, len(refs), 5000):
            for stored in BatchLine.objects.select_related("batch").filter(
                reference__in=refs[start : start + 5000]
            ):
                lines[stored.reference] = stored
        paid: list[BatchLine] = []
        failed: list[tuple[BatchLine, str]] = []
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
            line.result = result  # a second row of the same reference: unchanged
            if result == LineResult.PAID:
                paid.append(line)
            else:
                failed.append((line, reason or "银行未说明原因"))
            touched.add(line.batch_id)
        _confirm_all(paid, actor)
        _return_all(failed, actor)
        report.paid, report.failed = len(paid), len(failed)
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


def set_column(
    model: Any,
    column: str,
    pairs: list[tuple[int, Any]],
    *,
    states: tuple[str, ...] = (),
    fixed: dict[str, Any] | None = None,
) -> int:
    """Set ``column`` of many rows, each its own value, and the ``fixed`` columns; with
    ``states``, only rows in one of them, the version moved on (a compare-and-swap of
    them all). One ``UPDATE … FROM unnest(…)`` on PostgreSQL (one new row version per
    row, where Django's bulk_update builds a CASE per row); the ORM elsewhere. Returns
    the rows changed."""
    if not pairs:
        return 0
    fixed = dict(fixed or {})
    ids = [p for p, _ in pairs]
    if connection.vendor != "postgresql":
        changed = len(pairs)
        if states:
            changed = model.objects.filter(pk__in=ids, state__in=states).update(
                version=F("version") + 1, **fixed
            )
        elif fixed:
            model.objects.filter(pk__in=ids).update(**fixed)
        field = model._meta.get_field(column.removesuffix("_id"))
        model.objects.bulk_update(
            [model(pk=pk, **{field.attname: value}) for pk, value in pairs],
            [field.name],
            batch_size=500,
        )
        return int(changed)
    kind = "text" if isinstance(pairs[0][1], str) else "bigint"
    sets = [f"{column} = v.value", *(f"{name} = %s" for name in fixed)]
    where = ""
    params: list[Any] = list(fixed.values())
    if states:
        sets.append("version = t.version + 1")
        where = " AND t.state = ANY(%s)"
    sql = SET_COLUMN_SQL.format(
        table=model._meta.db_table, sets=", ".join(sets), kind=kind, where=where
    )
    params += [ids, [v for _, v in pairs]]
    if states:
        params.append(list(states))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return int(cursor.rowcount)


#: table and column names come from the models and this module, never from input
SET_COLUMN_SQL = (
    "UPDATE {table} AS t SET {sets} "
    "FROM unnest(%s::bigint[], %s::{kind}[]) AS v(id, value) WHERE t.id = v.id{where}"
)


#: the registry's receipts of paid items, with ids taken beforehand (PostgreSQL)
RECEIPTS_SQL = (
    "INSERT INTO {table} (id, person_id, employer_id, rule, paid_on, amount_fen) "
    "SELECT * FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::text[], "
    "%s::date[], %s::bigint[])"
)


def receipt_ids(count: int) -> list[int] | None:
    """Ids for ``count`` new benefit receipts, taken from their sequence (PostgreSQL), so
    each item knows its receipt without reading the rows back; None elsewhere."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [BenefitReceipt._meta.db_table, count],
        )
        return [row[0] for row in cursor.fetchall()]


def _cell(row: list[str], at: dict[str, int], key: str) -> str:
    index = at.get(key)
    return row[index] if index is not None and index < len(row) else ""


def _close_lines(lines: list[BatchLine], result: str, reasons: list[str] | None = None) -> None:
    """Record the bank's result on each line (a compare-and-swap on the empty result)."""
    now = clock.now()
    ids = [line.pk for line in lines]
    changed = BatchLine.objects.filter(pk__in=ids, result="").update(
        result=result, result_at=now, is_open=False
    )
    if changed != len(ids):
        raise PaymentConflict("line_changed", "有代发明细已被他人处理，请重新导入")
    if reasons is not None:
        set_column(
            BatchLine,
            "bank_reason",
            [(line.pk, reason[:200]) for line, reason in zip(lines, reasons, strict=True)],
        )


def _confirm_all(lines: list[BatchLine], actor: Any) -> None:
    """成功: the items sent → paid, each with its registry receipt."""
    if not lines:
        return
    today = clock.today()
    ids = [line.item_id for line in lines]
    owners = list(
        PayableItem.objects.filter(pk__in=ids).values_list(
            "pk", "person_id", "employer_id", "rule_id", "amount_fen"
        )
    )
    numbers = receipt_ids(len(owners))
    if numbers is None:
        made = BenefitReceipt.objects.bulk_create(
            [
                BenefitReceipt(
                    person_id=person, employer_id=employer, rule=rule, paid_on=today, amount_fen=a
                )
                for _, person, employer, rule, a in owners
            ],
            batch_size=500,
        )
        numbers = [int(r.pk) for r in made]
    else:
        with connection.cursor() as cursor:
            cursor.execute(
                RECEIPTS_SQL.format(table=BenefitReceipt._meta.db_table),
                [
                    numbers,
                    [o[1] for o in owners],
                    [o[2] for o in owners],
                    [o[3] for o in owners],
                    [today] * len(owners),
                    [o[4] for o in owners],
                ],
            )
    changed = set_column(
        PayableItem,
        "receipt_id",
        [(o[0], n) for o, n in zip(owners, numbers, strict=True)],
        states=(ItemState.SENT,),
        fixed={
            "state": ItemState.PAID,
            "paid_on": today,
            "bank_reason": "",
            "updated_at": clock.now(),
        },
    )
    if changed != len(ids):
        raise PaymentConflict("item_changed", "有款项已被他人处理，请重新导入")
    _close_lines(lines, LineResult.PAID)
    items_core.bulk_events(
        ids, "confirm", from_state=ItemState.SENT, to_state=ItemState.PAID, actor=actor
    )
    audit.record_runs(
        actor=actor,
        entity=items_core.ENTITY,
        ids=ids,
        source="exchange",
        action="update",
        changes={"action": "confirm"},
    )


def _return_all(failed: list[tuple[BatchLine, str]], actor: Any) -> None:
    """失败: 退回 posted per item (paid → committed), the item waits with the reason."""
    if not failed:
        return
    by_item = {line.item_id: reason for line, reason in failed}
    rows = (
        PayableItem.objects.filter(pk__in=list(by_item))
        .select_related("fund")
        .order_by("fund_id", "county_code", "year", "pk")
    )
    groups: dict[tuple[int, str, int], list[PayableItem]] = {}
    for item in rows:
        groups.setdefault((item.fund_id, item.county_code, item.year), []).append(item)
    for (fund_id, county, year), group in groups.items():
        accounts = funds.ensure_accounts(group[0].fund, county, year)
        debit, credit = accounts[AccountKind.PAID], accounts[AccountKind.COMMITTED]
        post_moves(
            Moves(
                fund_id=fund_id,
                county=county,
                year=year,
                take=[(i.pk, i.version, i.amount_fen, i.case_code) for i in group],
                from_states=(ItemState.SENT,),
                to_state=ItemState.RETURNED,
                kind=EntryKind.BANK_RETURN,
                debit=debit.pk,
                credit=credit.pk,
                who=actor,
                memo="银行退回",
            )
        )
        total = sum(i.amount_fen for i in group)
        apply_balances({debit.pk: -total, credit.pk: total})
        set_column(
            PayableItem, "bank_reason", [(item.pk, by_item[item.pk][:200]) for item in group]
        )
    _close_lines([line for line, _ in failed], LineResult.FAILED, [r for _, r in failed])
    audit.record_runs(
        actor=actor,
        entity=items_core.ENTITY,
        ids=list(by_item),
        source="exchange",
        action="update",
        changes={"action": "bank_return"},
    )


def batch_total(batch: Batch) -> int:
    return int(batch.lines.aggregate(s=Sum("amount_fen"))["s"] or 0)


__all__ = ["assemble", "cancel", "ensure_default_layout", "import_results", "release"]
