"""Staff lists of people, households and employers, and their .xlsx exports.

Thin views: what a list shows is in :mod:`jiuye.registry.views_listing`, who sees what
in :mod:`jiuye.staff.access`, the workbook in :mod:`jiuye.registry.exports`.
Pages are never cached: they carry personal data.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from jiuye.geo.models import DivisionLevel
from jiuye.registry.exports import export_response, masked
from jiuye.registry.views_listing import (
    LISTINGS,
    Listing,
    Query,
    offered_choices,
    row_values,
    run_query,
    sensitive_filter_used,
)
from jiuye.staff.access import Viewer, viewer_for, visible_divisions

PAGE_SIZE = 20


def _areas(request: HttpRequest, viewer: Viewer) -> list[tuple[str, str]]:
    """Areas a list can be narrowed to: the viewer's division and what lies under it,
    down to townships (communities are many; their township narrows enough)."""
    if viewer.division is None:
        return []
    seen: dict[str, str] = {}
    divisions = (
        visible_divisions(request.user)
        .filter(level__lte=max(DivisionLevel.TOWNSHIP, viewer.division.level))
        .order_by("code", "-vintage")
    )
    for division in divisions:
        seen.setdefault(division.code, f"{division.code} {division.name}")
    return list(seen.items())


def _list_page(request: HttpRequest, listing: Listing) -> HttpResponse:
    viewer = viewer_for(request.user)
    query: Query = run_query(listing, viewer, request.GET)
    page = Paginator(query.queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    params = query.params()
    rows = [
        (reverse(listing.detail_url, args=[obj.pk]), row_values(listing, obj, viewer))
        for obj in page.object_list
    ]
    export_url = reverse(f"registry:{listing.entity}_export")
    # an unmasked file needs a reason and a second person's approval (jiuye.staff.approvals)
    request_url = (
        reverse("registry:exports:request", args=[listing.entity])
        if viewer.full_identity and listing.sensitive_field
        else ""
    )
    if request_url and params:
        request_url = f"{request_url}?{urlencode(params)}"
    context: dict[str, Any] = {
        "listing": listing,
        "viewer": viewer,
        "query": query,
        "page": page,
        "rows": rows,
        "headers": [c.header for c in listing.columns],
        "choices": [(c, query.selected.get(c.param, "")) for c in offered_choices(listing, viewer)],
        "areas": _areas(request, viewer),
        "page_query": urlencode(params),
        "export_url": f"{export_url}?{urlencode(params)}" if params else export_url,
        "request_url": request_url,
        "export_max_rows": settings.EXPORT_MAX_ROWS,
        "sensitive_filter": sensitive_filter_used(listing, query),
    }
    return render(request, "registry/list.html", context)


def _export(request: HttpRequest, listing: Listing) -> HttpResponse | FileResponse:
    """The plain export: masked for every viewer (unmasked files go through approval);
    a list narrowed by a sensitive attribute is not exported this way at all."""
    viewer = viewer_for(request.user)
    if sensitive_filter_used(listing, run_query(listing, viewer, request.GET)):
        context = {"listing": listing, "viewer": viewer}
        return render(request, "registry/export_sensitive_filter.html", context, status=400)
    plain = masked(viewer)
    return export_response(request, listing, run_query(listing, plain, request.GET), plain)


def _list_view(entity: str) -> Any:
    @never_cache
    @login_required
    @require_GET
    def view(request: HttpRequest) -> HttpResponse:
        return _list_page(request, LISTINGS[entity])

    view.__name__ = f"{entity}_list"
    return view


def _export_view(entity: str) -> Any:
    @never_cache
    @login_required
    @require_GET
    def view(request: HttpRequest) -> HttpResponse | FileResponse:
        return _export(request, LISTINGS[entity])

    view.__name__ = f"{entity}_export"
    return view


person_list = _list_view("person")
household_list = _list_view("household")
employer_list = _list_view("employer")
person_export = _export_view("person")
household_export = _export_view("household")
employer_export = _export_view("employer")
