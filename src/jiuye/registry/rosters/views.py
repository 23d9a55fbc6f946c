"""Staff screens of the rosters: templates, upload, preview, confirm, error rows."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, user_passes_test
from django.core.files.uploadedfile import UploadedFile
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from jiuye.core import clock
from jiuye.registry.rosters import batches
from jiuye.registry.rosters.container import RosterFileError
from jiuye.registry.rosters.forms import UploadForm
from jiuye.registry.rosters.specs import ROSTERS
from jiuye.registry.rosters.workbook import error_rows, template
from jiuye.staff.access import viewer_for

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHOWN_ERRORS = 500


def _staff(user: object) -> bool:
    return bool(getattr(user, "is_active", False) and getattr(user, "is_staff", False))


staff_only = user_passes_test(_staff)


def _ns(request: HttpRequest) -> str:
    match = request.resolver_match
    return match.namespace if match is not None else "rosters"


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{filename}"
    return response


def _batch(request: HttpRequest, token: str) -> batches.Batch:
    batches.recover_once()
    batch = batches.load(token)
    if batch is None or batch.user_id != request.user.pk:
        raise Http404("没有该批次")
    return batch


@login_required
@staff_only
def index(request: HttpRequest) -> HttpResponse:
    batches.recover_once()
    form = UploadForm()
    return render(
        request,
        "registry/rosters/index.html",
        {
            "form": form,
            "rosters": ROSTERS.values(),
            "ns": _ns(request),
            "viewer": viewer_for(request.user),
            "max_age_hours": batches.default_max_age_hours(),
        },
    )


@require_GET
@login_required
@staff_only
def template_download(request: HttpRequest, kind: str) -> HttpResponse:
    roster = ROSTERS.get(kind)
    if roster is None:
        raise Http404("没有该花名册")
    from urllib.parse import quote

    return _xlsx(template(roster), quote(f"{roster.title}模板.xlsx"))


@require_POST
@login_required
@staff_only
def upload(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES)
    viewer = viewer_for(request.user)
    context = {
        "form": form,
        "rosters": ROSTERS.values(),
        "ns": _ns(request),
        "viewer": viewer,
        "max_age_hours": batches.default_max_age_hours(),
    }
    if viewer.prefix is None:
        return render(request, "registry/rosters/index.html", context, status=403)
    if not form.is_valid():
        return render(request, "registry/rosters/index.html", context, status=400)
    upload: UploadedFile = form.cleaned_data["file"]
    try:
        batch = _preview(upload, form.cleaned_data["kind"], request.user.pk, viewer.prefix)
    except RosterFileError as exc:
        context["file_error"] = exc.message
        return render(request, "registry/rosters/index.html", context, status=400)
    return redirect(f"{_ns(request)}:batch", token=batch.token)


def _preview(upload: UploadedFile, kind: str, user_id: int | None, prefix: str) -> batches.Batch:
    with batches.upload_file() as (path, handle):
        for chunk in upload.chunks():
            handle.write(chunk)
        handle.flush()
        return batches.preview(
            path,
            kind,
            filename=upload.name or "",
            user_id=user_id,
            today=clock.today(),
            now=clock.now(),
            prefix=prefix,
        )


@require_GET
@login_required
@staff_only
def batch_detail(request: HttpRequest, token: str) -> HttpResponse:
    batch = _batch(request, token)
    errors = batch.frame("errors").head(SHOWN_ERRORS).rows(named=True)
    return render(
        request,
        "registry/rosters/preview.html",
        {
            "batch": batch,
            "roster": ROSTERS[batch.kind],
            "errors": errors,
            "more_errors": max(0, batch.error_count - SHOWN_ERRORS),
            "ns": _ns(request),
        },
    )


@require_POST
@login_required
@staff_only
def batch_confirm(request: HttpRequest, token: str) -> HttpResponse:
    batch = _batch(request, token)
    try:
        result = batches.confirm(batch, actor_id=request.user.pk, now=clock.now())
    except RosterFileError as exc:
        return _refused(request, batch, exc)
    # the batch folder is gone (it held full identity numbers): the result goes with
    # the redirect
    messages.success(
        request,
        f"{ROSTERS[batch.kind].title}“{batch.filename}”已导入："
        f"新增 {result['created']} 条，更新 {result['updated']} 条，"
        f"无变化 {result['unchanged']} 条。上传内容已从服务器删除。",
    )
    return redirect(f"{_ns(request)}:index")


def _refused(request: HttpRequest, batch: batches.Batch, error: RosterFileError) -> HttpResponse:
    return render(
        request,
        "registry/rosters/preview.html",
        {
            "batch": batch,
            "roster": ROSTERS[batch.kind],
            "errors": [],
            "file_error": error.message,
            "ns": _ns(request),
        },
        status=409,
    )


@require_POST
@login_required
@staff_only
def batch_cancel(request: HttpRequest, token: str) -> HttpResponse:
    batch = _batch(request, token)
    try:
        batches.discard(batch)
    except RosterFileError as exc:
        return _refused(request, batch, exc)
    messages.info(request, f"已取消“{batch.filename}”，上传内容和校验结果已从服务器删除。")
    return redirect(f"{_ns(request)}:index")


@require_GET
@login_required
@staff_only
def batch_errors(request: HttpRequest, token: str) -> HttpResponse:
    batch = _batch(request, token)
    from urllib.parse import quote

    roster = ROSTERS[batch.kind]
    content = error_rows(roster, batch.frame("raw"), batch.frame("errors"))
    return _xlsx(content, quote(f"{roster.title}错误行.xlsx"))
