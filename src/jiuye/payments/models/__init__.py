"""The payments tables: funds, accounts, the ledger (transactions and entries), payable
items and their events."""

from jiuye.payments.models.batches import (
    LAYOUT_FIELDS,
    RESULT_FIELDS,
    BankLayout,
    Batch,
    BatchLine,
    BatchState,
    LineResult,
    ReturnImport,
)
from jiuye.payments.models.items import NO_BUDGET, ItemEvent, ItemState, PayableItem
from jiuye.payments.models.ledger import (
    FLOWS,
    Account,
    AccountKind,
    Entry,
    EntryKind,
    Fund,
    Transaction,
    sign_ok,
)

__all__ = [
    "LAYOUT_FIELDS",
    "RESULT_FIELDS",
    "BankLayout",
    "Batch",
    "BatchLine",
    "BatchState",
    "LineResult",
    "ReturnImport",
    "FLOWS",
    "NO_BUDGET",
    "Account",
    "AccountKind",
    "Entry",
    "EntryKind",
    "Fund",
    "ItemEvent",
    "ItemState",
    "PayableItem",
    "Transaction",
    "sign_ok",
]
