"""Staff pages: 待办 with filters and bulk approval, the case page (with the checklist of
materials and every file, each opened through a logged link), acting on a step (a
return picks checklist items for the one-time notice), senior decisions, objections,
counter filing (窗口受理) and scans uploaded at the counter for the applicant."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jiuye.casework import materials, publicity, queues, review
from jiuye.casework.errors import CaseRefused
from jiuye.casework.filing import file_case
from jiuye.casework.models import (
    Case,
    Notice,
    NoticeState,
    Objection,
    ObjectionState,
    UploadChannel,
)
from jiuye.casework.queues import QueueFilter
from jiuye.core import clock
from jiuye.core.errors import JiuyeError
from jiuye.portal.models import Office
from jiuye.staff.access import viewer_for
from jiuye.web.casework.forms import (
    ActForm,
    CounterForm,
    ObjectionDecisionForm,
    QueueForm,
    ReasonForm,
)
from jiuye.web.casework.present import case_context, file_response

BULK_MAX = queues.PAGE


def _visible(request: HttpRequest, code: str) -> Case:
    """A case the staff member may see: in their jurisdiction (handling, registered or
    taken there) or one they answer for."""
    case = Case.objects.filter(code=code).first()
    viewer = viewer_for(request.user)
    if case is None or viewer.prefix is None:
        raise Http404("没有这个办件")
    prefix = viewer.prefix
    if not (
        case.handling_code.startswith(prefix)
        or case.division_code.startswith(prefix)
        or case.taken_code.startswith(prefix)
        and case.taken_code
        or case.first_responder_id == request.user.pk
    ):
        raise Http404("没有这个办件")
    return case


def queue(request: HttpRequest) -> HttpResponse:
    form = QueueForm(request.GET or None)
    filters = QueueFilter()
    if form.is_valid():
        data = form.cleaned_data
        filters = QueueFilter(
            rule=data["rule"] or "",
            division=data["division"] or "",
            state=data["state"] or "",
            min_age_days=data["min_age_days"],
            overdue=bool(data["overdue"]),
        )
    steps = queues.queue(request.user, filters)
    page = Paginator(steps, queues.PAGE).get_page(request.GET.get("page"))
    today = clock.today()
    return render(
        request,
        "casework/queue.html",
        {
            "form": form,
            "page": page,
            "rows": [(s, queues.overdue(s, today)) for s in page.object_list],
            "roles": queues.my_roles(request.user),
            "workbench": queues.workbench(request.user)[:20],
            "today": today,
            "bulk_max": BULK_MAX,
        },
    )


def detail(request: HttpRequest, code: str) -> HttpResponse:
    case = _visible(request, code)
    context = case_context(case, staff=True)
    step = case.steps.select_related("role").filter(position=case.position).first()
    why = review.refusal_to_act(request.user, case, step) if step else "没有待办环节"
    context.update(
        {
            "act_form": ActForm(
                initial={"version": case.version}, entries=context["checklist"].entries
            ),
            "can_act": why is None and case.state in ("reviewing",),
            "why_not": why,
            "changes": review.registry_changes(case) if why is None else [],
            "is_senior": review._is_senior_for(request.user, case),
            "pending_notice": case.notices.filter(state=NoticeState.AWAITING_SENIOR).first(),
            "open_objections": Objection.objects.filter(
                announcement__case=case, state=ObjectionState.OPEN
            ),
            "objection_form": ObjectionDecisionForm(),
            "reason_form": ReasonForm(),
        }
    )
    return render(request, "casework/detail.html", context)


def _done(request: HttpRequest, code: str, text: str) -> HttpResponse:
    messages.success(request, text)
    return redirect("casework:detail", code=code)


def _refused(request: HttpRequest, code: str, error: JiuyeError) -> HttpResponse:
    messages.error(request, error.message)
    return redirect("casework:detail", code=code)


@require_POST
def act(request: HttpRequest, code: str) -> HttpResponse:
    case = _visible(request, code)
    form = ActForm(request.POST, entries=materials.checklist(case).entries)
    if not form.is_valid():
        context = case_context(case, staff=True)
        context.update({"act_form": form, "can_act": True, "why_not": None, "changes": []})
        return render(request, "casework/detail.html", context, status=422)
    data = form.cleaned_data
    try:
        if data["action"] == "approve":
            review.approve(
                code=code, user=request.user, opinion=data["opinion"], version=data["version"]
            )
            return _done(request, code, "已通过")
        if data["action"] == "reject":
            review.reject(
                code=code, user=request.user, reason=data["opinion"], version=data["version"]
            )
            return _done(request, code, "已不予核准，理由已告知申请人")
        notice = review.return_for_supplement(
            code=code,
            user=request.user,
            items=form.item_list(),
            deadline=data["deadline"],
            version=data["version"],
        )
    except JiuyeError as error:
        return _refused(request, code, error)
    if notice.state == NoticeState.AWAITING_SENIOR:
        return _done(request, code, "有一次性告知以外的事项：已提交上级批准")
    return _done(request, code, "已退回补正，一次性告知已发给申请人")


@require_POST
def upload(request: HttpRequest, code: str, item_id: int) -> HttpResponse:
    """A scan the counter makes for the applicant, for one checklist item."""
    case = _visible(request, code)
    file = request.FILES.get("file")
    if file is None:
        messages.error(request, "请先选择要上传的扫描件")
        return redirect("casework:detail", code=code)
    try:
        row = materials.upload(
            case,
            item_key=str(item_id),
            file=file,
            channel=UploadChannel.COUNTER,
            user=request.user,
        )
    except JiuyeError as error:
        return _refused(request, code, error)
    return _done(
        request, code, f"已上传“{row.item_name}”的扫描件（{materials.size_text(row.size)}）"
    )


def case_file(request: HttpRequest, code: str, file_id: int) -> HttpResponse:
    """One file of a case the staff member may see; the look is logged first."""
    case = _visible(request, code)
    row = case.files.filter(pk=file_id).select_related("case").first()
    if row is None:
        raise Http404("没有这个文件")
    return file_response(row, materials.read(row, user=request.user, request=request))


@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    """Two steps: the confirmation page lists what will happen, then the approval."""
    pairs: list[tuple[str, int]] = []
    for raw in request.POST.getlist("case")[: BULK_MAX + 1]:
        code, _, seen = raw.partition(":")
        if seen.isdigit():
            pairs.append((code, int(seen)))
    if not pairs:
        messages.error(request, "请先勾选要批量通过的办件")
        return redirect("casework:queue")
    if len(pairs) > BULK_MAX:
        messages.error(request, f"一次最多批量通过 {BULK_MAX} 件")
        return redirect("casework:queue")
    cases = {c.code: c for c in Case.objects.filter(code__in=[c for c, _ in pairs])}
    if request.POST.get("confirm") != "yes":
        rows = []
        for code, version in pairs:
            case = cases.get(code)
            if case is None:
                continue
            step = case.steps.filter(position=case.position).first()
            last = step is not None and not case.steps.filter(position__gt=step.position).exists()
            rows.append((case, version, step, "审批通过，进入公示" if last else "通过，转下一环节"))
        return render(request, "casework/bulk_confirm.html", {"rows": rows})
    results = review.bulk_approve(
        codes=pairs, user=request.user, opinion=request.POST.get("opinion", "")
    )
    ok = sum(1 for _, why in results if not why)
    return render(request, "casework/bulk_done.html", {"results": results, "ok": ok})


@require_POST
def override(request: HttpRequest, code: str) -> HttpResponse:
    _visible(request, code)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写事由")
        return redirect("casework:detail", code=code)
    try:
        review.record_override(code=code, user=request.user, reason=form.cleaned_data["reason"])
    except JiuyeError as error:
        return _refused(request, code, error)
    return _done(request, code, "已登记上级核准意见")


@require_POST
def reevaluate(request: HttpRequest, code: str) -> HttpResponse:
    _visible(request, code)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写重新认定的事由")
        return redirect("casework:detail", code=code)
    try:
        decision = review.reevaluate(
            code=code, user=request.user, reason=form.cleaned_data["reason"]
        )
    except JiuyeError as error:
        return _refused(request, code, error)
    return _done(
        request,
        code,
        f"已重新认定：{decision.result.get('status_label', decision.status)}（两次结论均保留）",
    )


@require_POST
def second_return(request: HttpRequest, code: str, notice_id: int) -> HttpResponse:
    _visible(request, code)
    notice = Notice.objects.filter(pk=notice_id, case__code=code).first()
    if notice is None:
        raise Http404
    try:
        review.decide_second_return(
            notice_id=notice.pk,
            user=request.user,
            approve=request.POST.get("approve") == "1",
            note=request.POST.get("note", "")[:500],
        )
    except JiuyeError as error:
        return _refused(request, code, error)
    return _done(request, code, "已处理再次退回的申请")


@require_POST
def objection(request: HttpRequest, code: str, objection_id: int) -> HttpResponse:
    _visible(request, code)
    form = ObjectionDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请选择处理结论并填写处理结果")
        return redirect("casework:detail", code=code)
    if not Objection.objects.filter(pk=objection_id, announcement__case__code=code).exists():
        raise Http404
    try:
        publicity.decide_objection(
            objection_id=objection_id,
            user=request.user,
            upheld=form.cleaned_data["upheld"],
            outcome=form.cleaned_data["outcome"],
        )
    except JiuyeError as error:
        return _refused(request, code, error)
    return _done(request, code, "异议已处理")


def _office_of(request: HttpRequest) -> tuple[Any, str]:
    viewer = viewer_for(request.user)
    if viewer.division is None:
        raise CaseRefused("no_office", "您的账号没有所属辖区，不能窗口受理")
    county = viewer.division.code[:6]
    office = Office.objects.filter(county__code=county, is_active=True).order_by("name").first()
    return office, viewer.division.code


def counter_file(request: HttpRequest) -> HttpResponse:
    form = CounterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            office, code = _office_of(request)
            case = file_case(
                rule_id=data["rule_id"],
                subject_id=data["subject_id"],
                subject_name=data["subject_name"],
                contact_name=data["contact_name"],
                mobile=data["mobile"],
                division_code=data["division_code"],
                channel="counter",
                actor=request.user,
                taken_office=office,
                taken_code=code,
            )
        except JiuyeError as error:
            field = error.extra.get("field")
            target = {
                "subject_id": "subject_id",
                "subject_name": "subject_name",
                "mobile": "mobile",
                "division_code": "division_code",
            }.get(str(field))
            form.add_error(target, error.message)
        else:
            messages.success(request, f"已受理，办件编号 {case.code}；您是本件的首问责任人")
            return redirect("casework:detail", code=case.code)
    return render(
        request, "casework/counter.html", {"form": form}, status=422 if form.errors else 200
    )
