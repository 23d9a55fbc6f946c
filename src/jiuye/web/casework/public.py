"""Public pages: 公示 per measure and county, objections, and the progress lookup by
case code and the last six characters of the identifier (no sign-in), where the
applicant uploads the materials of the checklist, supplements after a one-time notice
and opens their own files.

Who is the applicant of a case is asked in one place, :func:`applicant_case`."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from jiuye.casework import materials, publicity, queues, review
from jiuye.casework.filing import benefit_rules
from jiuye.casework.models import Announcement, AnnouncementState, Case, CaseState, UploadChannel
from jiuye.core.errors import JiuyeError
from jiuye.geo.models import Division
from jiuye.portal import limits
from jiuye.web.casework.forms import LookupForm, ObjectForm
from jiuye.web.casework.present import case_context, file_response, yuan

SEEN = "jiuye_case_seen"


def applicant_case(request: HttpRequest, code: str) -> Case | None:
    """The case ``code`` if this visitor has proved to be its applicant, else None.

    The one test every applicant page of a case asks (progress, uploads, files,
    supplement): today the browser session that looked the case up by its code and the
    identifier's last six characters (``SEEN``, set by :func:`progress`), or a signed-in
    applicant account (个人/单位办事) to whom 我的办事 shows this case.
    """
    if not code:
        return None
    if request.session.get(SEEN) == code:
        return Case.objects.filter(code=code).first()
    from jiuye.applicants import sessions
    from jiuye.web.applicants.cases import visible_case

    account = sessions.current(request)
    if account is None:
        return None
    return visible_case(account, code, via=sessions.via(request))


def _applicant_case(request: HttpRequest, code: str) -> Case:
    case = applicant_case(request, code)
    if case is None:
        raise Http404("请先凭办件编号和证件号码后六位查询")
    return case


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
                # the lookup opens this case to this browser session (to supplement it,
                # upload its materials and open its files)
                request.session[SEEN] = case.code
                context.update(case_context(case, staff=False))
    return render(request, "casework/progress.html", context, status=422 if form.errors else 200)


def _progress_page(
    request: HttpRequest,
    case: Case,
    status: int = 200,
    *,
    upload_errors: dict[str, str] | None = None,
    supplement_errors: dict[str, str] | None = None,
    **extra: object,
) -> HttpResponse:
    """The case as its applicant sees it; a refused file's message beside its item."""
    context = case_context(case, staff=False)
    sheet: materials.Checklist = context["checklist"]
    for key, message in (upload_errors or {}).items():
        entry = sheet.by_key(key)
        if entry is not None:
            entry.error = message
    for key, message in (supplement_errors or {}).items():
        entry = sheet.by_key(key)
        if entry is not None:
            entry.supplement_error = message
    context.update({"form": LookupForm(), **extra})
    return render(request, "casework/progress.html", context, status=status)


def progress_case(request: HttpRequest, code: str) -> HttpResponse:
    """The case this session looked up (where an upload or a supplement comes back to)."""
    return _progress_page(request, _applicant_case(request, code))


@require_POST
def upload(request: HttpRequest, code: str, item_id: int) -> HttpResponse:
    """One file for one checklist item; a refusal says why there and keeps the rest."""
    case = _applicant_case(request, code)
    file = request.FILES.get("file")
    if file is None:
        return _progress_page(
            request, case, 422, upload_errors={str(item_id): "请先选择要上传的文件"}
        )
    try:
        row = materials.upload(
            case, item_key=str(item_id), file=file, channel=UploadChannel.PROGRESS
        )
    except JiuyeError as error:
        return _progress_page(
            request, case, error.http_status, upload_errors={str(item_id): error.message}
        )
    messages.success(request, f"已上传“{row.item_name}”（{materials.size_text(row.size)}）")
    return redirect("casework:progress_case", code=case.code)


def applicant_file(request: HttpRequest, code: str, file_id: int) -> HttpResponse:
    case = _applicant_case(request, code)
    row = case.files.filter(pk=file_id).select_related("case").first()
    if row is None:
        raise Http404("没有这个文件")
    data = materials.read(row, session_key=request.session.session_key, request=request)
    return file_response(row, data)


def dev_messages(request: HttpRequest) -> HttpResponse:
    """DEBUG only: the last messages the console gateway sent (codes for a local demo)."""
    from django.conf import settings

    from jiuye.core import messages

    if not settings.DEBUG:
        raise Http404
    return render(request, "casework/dev_messages.html", {"messages_sent": list(messages.recent)})


def supplement(request: HttpRequest, code: str) -> HttpResponse:
    """补正: the applicant answers the one-time notice once, after looking the case up,
    with a file for each notice item that is on the checklist (or paper at the counter).

    Files are stored one by one: a refused one says why beside its item, the others and
    the typed answer stay, and the notice stays open until everything is accepted."""
    if request.method != "POST":
        raise Http404
    case = _applicant_case(request, code)
    response = request.POST.get("response", "")
    sheet = materials.checklist(case)
    chosen: list[tuple[str, materials.Upload]] = []
    for entry in sheet.asked:
        file = request.FILES.get(f"file_{entry.key}")
        if file is not None and entry.uploadable:
            chosen.append((entry.key, file))
    refused: dict[str, str] = {}
    if chosen and case.state == CaseState.RETURNED:
        _stored, refused = materials.upload_many(
            case, chosen, channel=UploadChannel.SUPPLEMENT, notice=sheet.notice
        )
    if refused:
        return _progress_page(
            request,
            case,
            422,
            supplement_errors=refused,
            response=response,
            supplement_error="有文件未能上传，请按提示重新选择；其他已上传的文件已保存",
        )
    try:
        review.supplement(code=code, response=response)
    except JiuyeError as error:
        return _progress_page(
            request,
            Case.objects.get(pk=case.pk),
            error.http_status,
            response=response,
            supplement_error=error.message,
        )
    return _progress_page(request, Case.objects.get(pk=case.pk), supplemented=True)
