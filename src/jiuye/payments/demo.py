"""Demo funds with 【示例】 budgets (sample figures, never policy figures).

Every fund the package names gets, for this year, a sample budget in each county of
the demo city and the city itself, posted as a 下达 transaction whose memo says it is a
sample. 宁江区's budget for the county's own finance covers exactly two start-up
subsidies, so a third approved case shows 预算不足 and the shortfall on the report.
Idempotent: a fund account that already has a budget gets none.
"""

from __future__ import annotations

from django.db import transaction

from jiuye.core import clock
from jiuye.geo.models import Division, DivisionLevel
from jiuye.payments import funds, ledger
from jiuye.payments.models import Account, AccountKind

CITY = "220700"
SAMPLE_MEMO = "【示例】演示预算，仅供演示，不是任何文件规定或财政下达的金额"
#: 【示例】 200,000.00 yuan per fund, county and year
SAMPLE_FEN = 20_000_000
#: 【示例】 宁江区, the county's own finance: 10,000.00 yuan (two start-up subsidies)
SMALL_SAMPLE = ("220702", "所在辖区政府财政", 1_000_000)


@transaction.atomic
def seed_demo_funds() -> str:
    year = clock.today().year
    codes = sorted(
        {CITY}
        | set(
            Division.objects.filter(
                code__startswith=CITY[:4], level=DivisionLevel.COUNTY
            ).values_list("code", flat=True)
        )
    )
    made = 0
    for fund in funds.ensure_funds():
        for code in codes:
            source = funds.ensure_accounts(fund, code, year)[AccountKind.SOURCE]
            if Account.objects.get(pk=source.pk).balance_fen != 0:
                continue
            amount = SMALL_SAMPLE[2] if (code, fund.name) == SMALL_SAMPLE[:2] else SAMPLE_FEN
            ledger.allocate(
                fund=fund,
                county_code=code,
                year=year,
                amount_fen=amount,
                memo=SAMPLE_MEMO,
                source="synthetic",
            )
            made += 1
    from jiuye.payments.batches import ensure_default_layout

    ensure_default_layout()
    return f"{made} 笔【示例】预算，{year} 年度"
