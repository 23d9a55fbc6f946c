"""The fund report per fund, county and year (selectors: reads only).

=============  ============================================================
column         what it is
=============  ============================================================
budget         预算: allocated (下达) net of reversals = −source balance
committed      累计预留: committed and not released = committed + paid balances
outstanding    待支付: committed, not yet paid (committed balance)
paid           已支付: paid net of bank returns and recoveries (paid balance)
returned       退回: bank returns posted (not reversed), a flow
recovered      追回: recoveries posted (not reversed), a flow
available      可用: budget not committed (available balance)
waiting        待预留 for want of budget (预算不足): count and amount
shortfall      缺口: waiting amount − available, when positive
=============  ============================================================

Balances are the accounts' snapshots (kept in each posting's transaction;
``jiuye ledger verify`` recomputes them from the entries).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Sum

from jiuye.geo.models import Division
from jiuye.payments.models import (
    NO_BUDGET,
    Account,
    AccountKind,
    EntryKind,
    Fund,
    ItemState,
    PayableItem,
    Transaction,
)


@dataclass
class FundRow:
    fund_id: int
    fund: str
    county_code: str
    county: str
    year: int
    budget: int = 0
    outstanding: int = 0
    paid: int = 0
    returned: int = 0
    recovered: int = 0
    available: int = 0
    waiting_count: int = 0
    waiting_fen: int = 0

    @property
    def committed(self) -> int:
        return self.outstanding + self.paid

    @property
    def shortfall(self) -> int:
        return max(0, self.waiting_fen - self.available)


Key = tuple[int, str, int]


def fund_report(
    *, prefix: str | None = "", year: int | None = None, fund_id: int | None = None
) -> list[FundRow]:
    """Rows for every fund, county and year whose county code starts with ``prefix``
    (None: nothing; "": everything), optionally one year and one fund."""
    if prefix is None:
        return []
    scope: dict[str, object] = {"county_code__startswith": prefix}
    if year is not None:
        scope["year"] = year
    if fund_id is not None:
        scope["fund_id"] = fund_id
    rows: dict[Key, FundRow] = {}
    names = dict(Fund.objects.values_list("pk", "name"))

    def row(key: Key) -> FundRow:
        if key not in rows:
            fund, county, y = key
            rows[key] = FundRow(fund, names.get(fund, ""), county, "", y)
        return rows[key]

    for fund, county, y, kind, balance in Account.objects.filter(**scope).values_list(
        "fund_id", "county_code", "year", "kind", "balance_fen"
    ):
        r = row((fund, county, y))
        if kind == AccountKind.SOURCE:
            r.budget = -balance
        elif kind == AccountKind.AVAILABLE:
            r.available = balance
        elif kind == AccountKind.COMMITTED:
            r.outstanding = balance
        elif kind == AccountKind.PAID:
            r.paid = balance
    flows = (
        Transaction.objects.filter(
            kind__in=[EntryKind.BANK_RETURN, EntryKind.RECOVER], reversed_by__isnull=True, **scope
        )
        .values("fund_id", "county_code", "year", "kind")
        .annotate(total=Sum("amount_fen"))
    )
    for f in flows:
        r = row((f["fund_id"], f["county_code"], f["year"]))
        if f["kind"] == EntryKind.BANK_RETURN:
            r.returned = f["total"] or 0
        else:
            r.recovered = f["total"] or 0
    waiting = (
        PayableItem.objects.filter(state=ItemState.WAITING, waiting_reason=NO_BUDGET, **scope)
        .values("fund_id", "county_code", "year")
        .annotate(n=Count("id"), total=Sum("amount_fen"))
    )
    for w in waiting:
        r = row((w["fund_id"], w["county_code"], w["year"]))
        r.waiting_count, r.waiting_fen = w["n"], w["total"] or 0
    counties = {r.county_code for r in rows.values()}
    county_names: dict[str, str] = {}
    for code, name in (
        Division.objects.filter(code__in=counties).order_by("vintage").values_list("code", "name")
    ):
        county_names[code] = name  # the latest vintage wins
    for r in rows.values():
        r.county = county_names.get(r.county_code, r.county_code)
    return sorted(rows.values(), key=lambda r: (r.year, r.county_code, r.fund_id))


def years(prefix: str | None) -> list[int]:
    if prefix is None:
        return []
    return sorted(
        set(Account.objects.filter(county_code__startswith=prefix).values_list("year", flat=True)),
        reverse=True,
    )


def fen(value: int | None) -> str:
    """Fen as yuan with two decimals and thousands separators.

    >>> fen(123456789), fen(-5), fen(0), fen(None)
    ('1,234,567.89', '-0.05', '0.00', '')
    """
    if value is None:
        return ""
    sign = "-" if value < 0 else ""
    yuan, cents = divmod(abs(value), 100)
    return f"{sign}{yuan:,}.{cents:02d}"
