"""The staff fund report and item pages: the right, the jurisdiction, the figures."""

from __future__ import annotations

from django.contrib.auth.models import Permission
from django.test import Client

from jiuye.payments import items, ledger
from jiuye.payments.demo import SAMPLE_MEMO, seed_demo_funds
from jiuye.payments.models import Transaction
from jiuye.testing.signin import SignedInClient
from tests.payments.world import STARTUP_FEN, person, ready_case


def _client(user, *, right: bool = True) -> SignedInClient:
    if right:
        user.user_permissions.add(Permission.objects.get(codename="view_fund_report"))
    client = SignedInClient()
    client.force_login(user)
    return client


def test_the_report_needs_the_right(world):
    response = _client(world.staff["county"], right=False).get("/workbench/payments/")
    assert response.status_code == 403
    assert "查看资金报表" in response.content.decode()


def test_the_report_needs_the_second_factor(world):
    user = world.staff["county"]
    user.user_permissions.add(Permission.objects.get(codename="view_fund_report"))
    client = Client()
    client.force_login(user)  # the password only: no second factor
    response = client.get("/workbench/payments/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/enrol/")  # no device yet


def test_a_county_sees_its_own_funds_and_the_shortfall(world, fund, monkeypatch):
    item = items.intake(case=ready_case(world, person(world, 41), monkeypatch))
    ledger.allocate(fund=fund, county_code="220702", year=2026, amount_fen=STARTUP_FEN - 1)
    ledger.allocate(fund=fund, county_code="220781", year=2026, amount_fen=777_777)
    items.commit(item_id=item.pk)
    # when
    page = _client(world.staff["county"]).get("/workbench/payments/").content.decode()
    # then: 宁江区's row, in yuan, with the one-fen shortfall; nothing of 扶余市
    assert "宁江区（220702）" in page
    assert "4,999.99" in page
    assert "预算缺口合计 0.01 元" in page
    assert "扶余" not in page
    assert "7,777.77" not in page
    city = _client(world.staff["city"]).get("/workbench/payments/").content.decode()
    assert "7,777.77" in city
    assert "扶余市（220781）" in city


def test_a_county_filter_outside_the_jurisdiction_is_not_honoured(world, fund):
    ledger.allocate(fund=fund, county_code="220781", year=2026, amount_fen=777_777)
    page = _client(world.staff["county"]).get("/workbench/payments/?county=220781")
    assert page.status_code == 200
    assert "7,777.77" not in page.content.decode()


def test_the_items_page_shows_the_case_history(world, fund, monkeypatch):
    item = items.intake(case=ready_case(world, person(world, 42), monkeypatch))
    ledger.allocate(fund=fund, county_code="220702", year=2026, amount_fen=STARTUP_FEN)
    items.commit(item_id=item.pk)
    client = _client(world.staff["county"])
    listing = client.get("/workbench/payments/items/").content.decode()
    assert item.case_code in listing
    assert "已预留，待支付" in listing
    history = client.get(f"/workbench/payments/items/?case={item.case_code}").content.decode()
    assert "生成应付款项" in history
    assert "记账：预留 5,000.00 元" in history
    # another county's staff does not see it
    fuyu = world.staff["fuyu"]
    other = _client(fuyu).get(f"/workbench/payments/items/?case={item.case_code}").content
    assert "共 0 笔" in other.decode()  # the code is only echoed in the search box
    assert "辖区内没有该办件的应付款项" in other.decode()


def test_demo_budgets_are_marked_samples_and_seeded_once(world):
    first = seed_demo_funds()
    count = Transaction.objects.count()
    assert count > 0
    assert seed_demo_funds().startswith("0 笔")
    assert Transaction.objects.count() == count
    assert set(Transaction.objects.values_list("memo", flat=True)) == {SAMPLE_MEMO}
    assert "【示例】" in first


def test_the_admin_pages_register_read_only_on_fresh_sites(db):
    from django.contrib.admin import AdminSite
    from django.test import RequestFactory

    from jiuye.payments import admin as payments_admin
    from jiuye.payments.models import Transaction as T

    audit, system = AdminSite(name="t_audit"), AdminSite(name="t_system")
    payments_admin.register(audit, system)
    assert T in audit._registry
    request = RequestFactory().get("/")
    ledger_admin = audit._registry[T]
    assert not ledger_admin.has_add_permission(request)
    assert not ledger_admin.has_change_permission(request)
    assert not ledger_admin.has_delete_permission(request)
    assert {m._meta.model_name for m in system._registry} == {"banklayout"}
