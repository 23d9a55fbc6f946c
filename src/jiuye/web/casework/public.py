"""Public pages: 公示 per measure and county, objections, and the progress lookup by
case code and the last six characters of the identifier (no sign-in)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from jiuye.casework import publicity, queues
from jiuye.casework.filing import benefit_rules
from jiuye.casework.models import Announcement, AnnouncementState
from jiuye.core.errors import JiuyeError
from jiuye.geo.models import Division
from jiuye.portal import limits
from jiuye.web.casework.forms import LookupForm, ObjectForm
from jiuye.web.casework.present import case_context, yuan

SEEN = "jiuye_case_seen"


def announcements(request: HttpRequest) -> HttpResponse:
    rules = {r.id: r for r in benefit_rules()}
    rule = request.GET.get("rule", "")
    county = request.GET.get("county", "")
    rows = Announcement.objects.filter(
        state__in=[AnnouncementState.RUNNING, AnnouncementState.HELD]
    ).order_by("rule_id", "county_code", "-starts_on", "id")
    if rule in rules:
        rows = rows.filter(rule_id=rule)
    if county.isdigit():
        rows = rows.filter(county_code=county)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    counties = Division.objects.filter(level=3, code__startswith="2207").order_by(
        "code", "-vintage"
    )
    names = {d.code: d.name for d in counties}
    return render(
        request,
        "casework/public_list.html",
        {
            "page": page,
            "rows": [
                (
                    a,
                    rules.get(a.rule_id),
                    names.get(a.county_code, a.county_code),
                    yuan(a.amount_fen),
                )
                for a in page.object_list
            ],
            "rules": rules.values(),
            "counties": sorted(names.items()),
            "rule": rule,
            "county": county,
        },
    )


OBJECTIONS = limits.Rate(
    "casework.objection.address", "RATE_OBJECTIONS_PER_ADDRESS", "提交公示异议", "同一网络地址"
)
LOOKUP_MISSES = limits.Rate(
    "casework.lookup.address", "RATE_LOOKUP_MISSES_PER_ADDRESS", "查询不到的办件", "同一网络地址"
)


def object_to(request: HttpRequest, announcement_id: int) -> HttpResponse:
    announcement = Announcement.objects.filter(pk=announcement_id).first()
    if announcement is None:
        raise Http404("没有这条公示")
    form = ObjectForm(request.POST or None)
    done = False
    if request.method == "POST":
        verdict = limits.hit(request, OBJECTIONS) if form.is_valid() else None
        if verdict:
            form.add_error(None, limits.message(verdict))
        elif form.is_valid():
            try:
                publicity.object_to(announcement_id=announcement.pk, **form.cleaned_data)
                done = True
            except JiuyeError as error:
                form.add_error(None, error.message)
    return render(
        request,
        "casework/object.html",
        {"announcement": announcement, "form": form, "done": done},
        status=422 if form.errors else 200,
    )


def progress(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.POST or None)
    context: dict[str, object] = {"form": form}
    if request.method == "POST":
        verdict = limits.spent(request, LOOKUP_MISSES)
        if verdict:
            form.add_error(None, limits.message(verdict))
        elif form.is_valid():
            case = queues.lookup(form.cleaned_data["code"], form.cleaned_data["last6"])
            if case is None:
                limits.hit(request, LOOKUP_MISSES)
                form.add_error(None, "办件编号或证件号码后六位不正确")
            else:
                # the lookup opens this case to this browser session (to supplement it)
                request.session[SEEN] = case.code
                context.update(case_context(case, staff=False))
    return render(request, "casework/progress.html", context, status=422 if form.errors else 200)


def dev_messages(request: HttpRequest) -> HttpResponse:
    """DEBUG only: the last messages the console gateway sent (codes for a local demo)."""
    from django.conf import settings

    from jiuye.core import messages

    if not settings.DEBUG:
        raise Http404
    return render(request, "casework/dev_messages.html", {"messages_sent": list(messages.recent)})


def supplement(request: HttpRequest, code: str) -> HttpResponse:
    """补正: the applicant answers the one-time notice once, after looking the case up."""

    from jiuye.casework import review
    from jiuye.casework.models import Case

    if request.method != "POST" or request.session.get(SEEN) != code:
        raise Http404("请先凭办件编号和证件号码后六位查询")
    case = Case.objects.filter(code=code).first()
    if case is None:
        raise Http404
    try:
        review.supplement(code=code, response=request.POST.get("response", ""))
    except JiuyeError as error:
        context = case_context(case, staff=False)
        context.update({"form": LookupForm(), "supplement_error": error.message})
        return render(request, "casework/progress.html", context, status=error.http_status)
    context = case_context(Case.objects.get(pk=case.pk), staff=False)
    context.update({"form": LookupForm(), "supplemented": True})
    return render(request, "casework/progress.html", context)
