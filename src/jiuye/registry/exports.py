"""Staff lists as .xlsx downloads: masked for everyone, unmasked only once approved.

The rows are those of the HTML list (same ``Listing``, same scope, same filters); the
workbook is written by the one writer, :class:`jiuye.core.xlsx.Book`, streaming, so a
long list goes through a temporary file instead of memory. Every text cell that a
spreadsheet would read as a formula or a command (starting with ``= + - @``, tab or
carriage return) is written as text with an apostrophe in front (OWASP, "CSV
injection"). The plain export of a list is always masked (:func:`masked`), whatever the
viewer's rights. A file carrying full identity numbers (or household difficulty
categories) is written only through an approved
:class:`~jiuye.staff.models.ExportApproval` (:func:`approved_response`; the flow is in
:mod:`jiuye.staff.approvals`). Every export, masked or not, leaves one access-log row: who, which
list, the filter, how many rows and whether unmasked. A filter matching more than
``settings.EXPORT_MAX_ROWS`` rows is refused (and logged): the staff member is asked to
narrow it, so a whole county's register never leaves in one file.
"""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Iterable
from typing import IO, Any

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from jiuye.core import clock
from jiuye.core.xlsx import BOLD, Book
from jiuye.core.xlsx import neutralise as neutralise  # the one rule, named here as before
from jiuye.registry.views_listing import LISTINGS, Column, Listing, Query, row_values, run_query
from jiuye.staff import approvals
from jiuye.staff.access import Viewer, record_export, viewer_for
from jiuye.staff.models import ExportApproval

ID_HEADER = "居民身份证号码"


def _full_columns(listing: Listing) -> tuple[Column, ...]:
    """The listing's columns with the identity number unmasked (full-right exports only)."""
    return tuple(
        Column(c.header, lambda o, v: o.verified_resident_id()) if c.header == ID_HEADER else c
        for c in listing.columns
    )


def write_workbook(listing: Listing, rows: Iterable[Any], viewer: Viewer, out: IO[bytes]) -> int:
    """Write the rows as one sheet to ``out``; returns the number of data rows."""
    columns = _full_columns(listing) if viewer.full_identity else listing.columns
    full = dataclasses.replace(listing, columns=columns)
    book = Book(streaming=True)
    sheet = book.sheet(listing.title)
    sheet.append([c.header for c in columns], BOLD)
    count = 0
    for obj in rows:
        sheet.append(row_values(full, obj, viewer))
        count += 1
    book.save(out)
    return count


def masked(viewer: Viewer) -> Viewer:
    """The viewer as a plain export sees the list: full values and sensitive attributes
    hidden, whatever the rights (an unmasked file needs an approval)."""
    return dataclasses.replace(viewer, full_identity=False)


def unmasked(listing: Listing, viewer: Viewer) -> bool:
    """Whether the export shows sensitive data in full."""
    return viewer.full_identity and bool(listing.sensitive_field)


def filter_text(listing: Listing, query: Query) -> str:
    """The filter of one export in words, for the access log (never the Python log: a
    search may hold a name).

    >>> from jiuye.registry.views_listing import PEOPLE
    >>> filter_text(PEOPLE, Query(None, q="乙街", area="220702001", selected={"sex": "female"}))
    '搜索=乙街；地区=220702001；性别=female'
    """
    labels = {"q": "搜索", "area": "地区", **{c.param: c.label for c in listing.choices}}
    return "；".join(f"{labels.get(k, k)}={v}" for k, v in query.params().items())


def export_response(
    request: HttpRequest, listing: Listing, query: Query, viewer: Viewer
) -> HttpResponse | FileResponse:
    """The workbook as a download, or a refusal page if the filter matches too many rows;
    either way one access-log row, written before anything is sent."""
    field = listing.sensitive_field if unmasked(listing, viewer) else ""
    filters = filter_text(listing, query)
    cap = settings.EXPORT_MAX_ROWS
    total = query.queryset.count()
    if total > cap:
        record_export(
            viewer_user=request.user,
            entity=listing.entity,
            export_name=listing.export_name,
            field=field,
            row_count=total,
            filters=filters,
            refused=True,
        )
        back = reverse(f"registry:{listing.entity}_list")
        params = query.params()
        return render(
            request,
            "registry/export_refused.html",
            {
                "listing": listing,
                "viewer": viewer,
                "total": total,
                "cap": cap,
                "back_url": f"{back}?{urlencode(params)}" if params else back,
            },
            status=400,
        )
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it
    # (sliced to the cap: rows added since the count cannot make the file longer)
    count = write_workbook(listing, query.queryset[:cap].iterator(chunk_size=2000), viewer, out)
    record_export(
        viewer_user=request.user,
        entity=listing.entity,
        export_name=listing.export_name,
        field=field,
        row_count=count,
        filters=filters,
    )
    out.seek(0)
    stamp = clock.today().strftime("%Y%m%d")
    response = FileResponse(out, as_attachment=True, filename=f"{listing.export_name}-{stamp}.xlsx")
    response["Content-Type"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return response


def _xlsx(out: IO[bytes], name: str) -> FileResponse:
    out.seek(0)
    stamp = clock.today().strftime("%Y%m%d")
    response = FileResponse(out, as_attachment=True, filename=f"{name}-{stamp}.xlsx")
    response["Content-Type"] = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return response


def approved_response(request: HttpRequest, approval_id: int) -> FileResponse:
    """The unmasked file of one approved request, once (raises
    :class:`~jiuye.staff.approvals.ApprovalError` otherwise). The filter runs again in
    the requester's jurisdiction, cut to the approved number of rows; marking the
    approval used, writing the file and the access-log row are one transaction."""
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it

    def write(approval: ExportApproval) -> int:
        listing = LISTINGS[approval.entity]
        viewer = viewer_for(request.user)
        query = run_query(listing, viewer, approval.params)
        rows = query.queryset[: approval.row_count].iterator(chunk_size=2000)
        return write_workbook(listing, rows, viewer, out)

    try:
        approval, _count = approvals.export_download(
            approval_id=approval_id, user=request.user, write=write, request=request
        )
    except BaseException:
        out.close()
        raise
    return _xlsx(out, f"{approval.export_name}（未脱敏）")
