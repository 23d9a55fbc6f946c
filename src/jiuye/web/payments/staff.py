"""Staff pages of payments: the fund report and the payable items with their history.

Both need ``payments.view_fund_report`` and show only the counties of the staff
member's jurisdiction (a county sees its own, the city every county and the city's
own funds); the second factor is required by the staff sign-in guard (/workbench/).
Filters are query parameters, so every page is a plain GET that works without script.
"""

from __future__ import annotations

from django import forms
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jiuye.geo.models import Division, DivisionLevel
from jiuye.payments import reports
from jiuye.payments.errors import PaymentRefused
from jiuye.payments.models import Fund, ItemState, PayableItem, Transaction
from jiuye.payments.states import ACTION_LABELS
from jiuye.staff.access import viewer_for

PERMISSION = "payments.view_fund_report"
PAGE = 50


def _prefix(request: HttpRequest) -> str:
    if not request.user.has_perm(PERMISSION):
        raise PaymentRefused(
            "no_report_right",
            "您没有查看资金报表的权限（由安全管理员授予“查看资金报表和拨付记录”）。",
        )
    prefix = viewer_for(request.user).prefix
    if prefix is None:
        raise PaymentRefused("no_jurisdiction", "您的账号未设置辖区，不能查看资金报表。")
    return prefix


def _counties(prefix: str) -> list[tuple[str, str]]:
    """The counties (and the city) a viewer may pick, latest vintage's names."""
    names: dict[str, str] = {}
    for code, name in (
        Division.objects.filter(
            code__startswith=prefix, level__in=[DivisionLevel.CITY, DivisionLevel.COUNTY]
        )
        .order_by("vintage")
        .values_list("code", "name")
    ):
        names[code] = name
    return sorted(names.items())


class ReportForm(forms.Form):
    year = forms.TypedChoiceField(label="预算年度", required=False, coerce=int, empty_value=None)
    county = forms.ChoiceField(label="县（市、区）", required=False)
    fund = forms.TypedChoiceField(label="资金来源", required=False, coerce=int, empty_value=None)

    def __init__(self, *args: object, prefix: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self._set("year", [("", "全部年度"), *((y, str(y)) for y in reports.years(prefix))])
        self._set(
            "county",
            [("", "辖区内全部"), *((c, f"{n}（{c}）") for c, n in _counties(prefix))],
        )
        self._set("fund", [("", "全部资金"), *Fund.objects.values_list("pk", "name")])

    def _set(self, name: str, choices: list[tuple[object, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = choices


def report(request: HttpRequest) -> HttpResponse:
    prefix = _prefix(request)
    form = ReportForm(request.GET or None, prefix=prefix)
    year = fund = None
    scope = prefix
    if form.is_valid():
        year, fund = form.cleaned_data["year"], form.cleaned_data["fund"]
        if form.cleaned_data["county"]:
            scope = form.cleaned_data["county"]
    rows = reports.fund_report(prefix=scope, year=year, fund_id=fund)
    totals = reports.FundRow(0, "合计", "", "", 0)
    for r in rows:
        for name in ("budget", "outstanding", "paid", "returned", "recovered", "available"):
            setattr(totals, name, getattr(totals, name) + getattr(r, name))
        totals.waiting_count += r.waiting_count
        totals.waiting_fen += r.waiting_fen
    return render(
        request,
        "payments/report.html",
        {
            "form": form,
            "rows": [(r, _yuan(r)) for r in rows],
            "totals": _yuan(totals) if rows else None,
            "shortfall": reports.fen(sum(r.shortfall for r in rows)),
            "has_shortfall": any(r.shortfall for r in rows),
        },
    )


def _yuan(r: reports.FundRow) -> dict[str, str]:
    return {
        name: reports.fen(getattr(r, name))
        for name in (
            "budget",
            "committed",
            "outstanding",
            "paid",
            "returned",
            "recovered",
            "available",
            "waiting_fen",
            "shortfall",
        )
    }


class ItemsForm(forms.Form):
    state = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), *ItemState.choices]
    )
    case = forms.CharField(label="办件编号", required=False, max_length=20)


def item_list(request: HttpRequest) -> HttpResponse:
    prefix = _prefix(request)
    form = ItemsForm(request.GET or None)
    found = PayableItem.objects.filter(county_code__startswith=prefix).select_related(
        "fund", "payee_account"
    )
    code = ""
    if form.is_valid():
        if form.cleaned_data["state"]:
            found = found.filter(state=form.cleaned_data["state"])
        code = (form.cleaned_data["case"] or "").strip()
        if code:
            found = found.filter(case_code=code)
    page = Paginator(found.order_by("-updated_at", "-id"), PAGE).get_page(request.GET.get("page"))
    history: list[dict[str, object]] = []
    if code:
        for item in page.object_list:
            history += [
                {
                    "at": e.at,
                    "what": ACTION_LABELS.get(e.action, e.action),
                    "item": item,
                    "note": e.note,
                }
                for e in item.events.all()
            ]
            history += [
                {
                    "at": t.posted_at,
                    "what": f"记账：{t.get_kind_display()} {reports.fen(t.amount_fen)} 元",
                    "item": item,
                    "note": t.memo,
                }
                for t in Transaction.objects.filter(item=item)
            ]
        history.sort(key=lambda h: h["at"])  # type: ignore[arg-type,return-value]
    return render(
        request,
        "payments/items.html",
        {
            "form": form,
            "page": page,
            "rows": [(i, reports.fen(i.amount_fen)) for i in page.object_list],
            "case_code": code,
            "history": history,
        },
    )
