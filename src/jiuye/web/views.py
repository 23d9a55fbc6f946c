from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

# Sections of the portal that later issues fill in: (url name, title, what comes).
SECTIONS = {
    "policies": (_("政策"), _("松原市就业创业政策措施的条款、参数和规则。")),
    "self_check": (_("自助测评"), _("回答几个问题，看看您可能享受哪些就业创业扶持。")),
    "services": (_("办事"), _("在线申请补贴、预约服务、查询办理进度。")),
}


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "web/home.html", {"sections": SECTIONS})


def healthz(request: HttpRequest) -> HttpResponse:
    """The process answers (for a load balancer, and the same-run baseline of bench/)."""
    return HttpResponse("ok\n", content_type="text/plain; charset=utf-8")


def section(request: HttpRequest, key: str) -> HttpResponse:
    title, summary = SECTIONS[key]
    return render(request, "web/section.html", {"key": key, "title": title, "summary": summary})


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    from jiuye.staff.access import can_audit, viewer_for
    from jiuye.staff.approvals import can_approve, pending_for

    context = {
        "can_audit": can_audit(request.user),
        # unmasked exports (issue 10): the requester's page and the approvers' queue
        "can_request_exports": viewer_for(request.user).full_identity,
        "can_approve": can_approve(request.user),
        "pending_approvals": pending_for(request.user).count(),
    }
    return render(request, "web/workbench.html", context)
