"""Detail pages of a person, a household and an employer, and the logged reveal of a
full identity number.

A record outside the viewer's jurisdiction answers 404, exactly like one that does not
exist, so a page never tells whether a number is registered elsewhere. Each page also
shows what the engine concludes for the record today: the results, with sensitive ones
withheld, come from :func:`jiuye.eligibility.withholding.entitlements` (the same facts
as casework and screening); this module only renders them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from jiuye.core import clock
from jiuye.eligibility.withholding import Entitlements, entitlements, rule_title
from jiuye.registry import models as m
from jiuye.registry import rules_terms as t
from jiuye.registry.selectors import employer_queryset, household_queryset, person_queryset
from jiuye.registry.views_history import history
from jiuye.registry.views_listing import BOOL_TEXT, HIDDEN
from jiuye.staff.access import (
    AccessRefused,
    Viewer,
    record_reveal,
    scoped,
    viewer_for,
)


def _results(entity: str, pk: int, today: date, viewer: Viewer) -> Entitlements:
    return entitlements(entity, pk, today, sees_sensitive=viewer.sees_sensitive)


def _person(request: HttpRequest, pk: int) -> tuple[Viewer, m.Person]:
    viewer = viewer_for(request.user)
    return viewer, get_object_or_404(scoped(person_queryset(), viewer), pk=pk)


def _person_context(
    viewer: Viewer, person: m.Person, *, revealed: bool = False, error: str = ""
) -> dict[str, Any]:
    today = clock.today()
    shown = _results("person", person.pk, today, viewer)
    membership = getattr(person, "membership", None)
    household = membership.household if membership is not None else None
    return {
        "viewer": viewer,
        "person": person,
        "resident_id": person.verified_resident_id() if revealed else person.resident_id_masked,
        "revealed": revealed,
        "reveal_error": error,
        "disabled": BOOL_TEXT[person.is_disabled] if viewer.sees_sensitive else HIDDEN,
        "household": household,
        "household_visible": household is not None
        and household.division.code.startswith(viewer.prefix or "\0"),
        "relation": membership.relation if membership is not None else "",
        "benefits": [
            (b, rule_title(b.rule), b.rule in shown.withheld) for b in person.benefits.all()
        ],
        **_programmes(person, today),
        "history": history("person", person.pk, viewer),
        "today": today,
        "results": shown.results,
        "engine_problem": shown.problem,
    }


def _period_state(start: date, end: date | None, today: date, ended: str) -> str:
    if start > today:
        return "未生效"
    return "有效" if t.in_force(start, end, today) else ended


def _programmes(person: m.Person, today: date) -> dict[str, Any]:
    """基层服务、认定 and 转移就业登记 rows, each with its state today (end dates exclusive)."""
    return {
        "grassroots": [
            (g, _period_state(g.start, g.end, today, "已结束"))
            for g in person.grassroots_services.all()
        ],
        "recognitions": [
            (r, _period_state(r.recognised_on, r.revoked_on, today, "已撤销"))
            for r in person.recognitions.all()
        ],
        "rural_transfers": [
            (r, _period_state(r.registered_on, r.ended_on, today, "已注销"))
            for r in person.rural_transfers.all()
        ],
    }


@never_cache
@login_required
@require_GET
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer, person = _person(request, pk)
    return render(request, "registry/person_detail.html", _person_context(viewer, person))


@never_cache
@login_required
@require_POST
def person_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show one person's full identity number to a viewer with the right, and log it."""
    viewer, person = _person(request, pk)
    if not viewer.full_identity:
        return HttpResponseForbidden("您的角色不能查看完整身份证号码。")
    reason = request.POST.get("reason", "").strip()
    htmx = request.headers.get("HX-Request") == "true"
    if not reason:
        context = _person_context(viewer, person, error="请填写查看事由。")
        template = "registry/_resident_id.html" if htmx else "registry/person_detail.html"
        return render(request, template, context, status=400)
    template = "registry/_resident_id.html" if htmx else "registry/person_detail.html"
    try:
        record_reveal(
            viewer_user=request.user,
            entity="person",
            object_id=person.pk,
            field="resident_id",
            reason=reason,
        )
    except AccessRefused as refused:  # the hourly limit; htmx swaps only 2xx answers
        return render(
            request,
            template,
            _person_context(viewer, person, error=refused.message),
            status=200 if htmx else 429,
        )
    context = _person_context(viewer, person, revealed=True)
    return render(request, template, context)


@never_cache
@login_required
@require_GET
def household_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    household = get_object_or_404(scoped(household_queryset(), viewer), pk=pk)
    today = clock.today()
    members = [
        mb
        for mb in household.members.all()
        if mb.person.division.code.startswith(viewer.prefix or "\0")
    ]
    statuses = list(household.statuses.all()) if viewer.sees_sensitive else []
    shown = _results("household", household.pk, today, viewer)
    return render(
        request,
        "registry/household_detail.html",
        {
            "viewer": viewer,
            "household": household,
            "members": [(mb, mb.person.resident_id_masked) for mb in members],
            "hidden_members": len(household.members.all()) - len(members),
            "statuses": [(s, t.in_force(s.start, s.end, today)) for s in statuses],
            "history": history("household", household.pk, viewer),
            "today": today,
            "results": shown.results,
            "engine_problem": shown.problem,
        },
    )


@never_cache
@login_required
@require_GET
def employer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    viewer = viewer_for(request.user)
    employer = get_object_or_404(scoped(employer_queryset(), viewer), pk=pk)
    today = clock.today()
    shown = _results("employer", employer.pk, today, viewer)
    return render(
        request,
        "registry/employer_detail.html",
        {
            "viewer": viewer,
            "employer": employer,
            "years": sorted(employer.years.all(), key=lambda y: -y.year),
            "benefits": [(b, rule_title(b.rule)) for b in employer.benefits.all()],
            "history": history("employer", employer.pk, viewer),
            "today": today,
            "results": shown.results,
            "engine_problem": shown.problem,
        },
    )
