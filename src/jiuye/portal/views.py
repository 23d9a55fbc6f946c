"""Public policy pages: catalogue, one-time notification per measure, QR codes, posters."""

from __future__ import annotations

from datetime import date
from itertools import groupby
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET

from jiuye.core import clock
from jiuye.portal import audiences as audience_filter
from jiuye.portal import implementations, measures, pagecache
from jiuye.portal.audiences import audiences_for
from jiuye.portal.models import Guide, Office
from jiuye.portal.qr import public_url, qr_png, qr_svg
from jiuye.rules.catalogue import Clause

#: The Content-Security-Policy of a PNG opened on its own (the site's policy elsewhere).
PNG_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'"


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:50]
    who = request.GET.get("who", "")
    audiences = audience_filter.choices()
    who = who if who in dict(audiences) else ""
    body = pagecache.cached(
        "catalogue", [query, who], lambda: _catalogue_body(query, who, audiences), content=False
    )
    return render(request, "portal/catalogue.html", {"body": body})


def _catalogue_body(query: str, who: str, audiences: tuple[tuple[str, str], ...]) -> str:
    found = {c.clause for c in measures.search(query, who)}
    sections = []
    for section in measures.catalogue().sections:
        items = [
            {
                "clause": clause,
                "slug": measures.slug(clause.clause),
                "audiences": audiences_for(clause.clause),
                "benefits": measures.benefit_rules(clause),
            }
            for clause in measures.catalogue().clauses
            if clause.section == section.section and clause.clause in found
        ]
        if items:
            sections.append({"section": section, "items": items})
    context = {
        "sections": sections,
        "query": query,
        "who": who,
        "audiences": audiences,
        "count": len(found),
        "filtered": bool(query or who),
    }
    return render_to_string("portal/_catalogue.html", context)


def _clause_or_404(slug: str) -> Clause:
    clause = measures.clause_for_slug(slug)
    if clause is None:
        raise Http404("没有这条措施")
    return clause


def offices_by_county() -> list[tuple[str, list[Office]]]:
    offices = Office.objects.filter(is_active=True).select_related("county")
    return [(county, list(group)) for county, group in groupby(offices, lambda o: o.county.name)]


def notice_context(request: HttpRequest, clause: Clause, on: date) -> dict[str, Any]:
    rules = measures.benefit_rules(clause, on)
    guides = {g.rule_id: g for g in Guide.objects.filter(rule_id__in=[r.id for r in rules])}
    benefits = []
    for rule in rules:
        applicant, conditions = measures.who_qualifies(rule)
        benefits.append(
            {
                "rule": rule,
                "applicant": applicant,
                "conditions": conditions,
                "amount": measures.amount_on(rule, on),
                "guide": guides.get(rule.id),
                "version": measures.rule_version(rule),
            }
        )
    slug = measures.slug(clause.clause)
    url = public_url(request, reverse("portal:measure", args=[slug]))
    return {
        "clause": clause,
        "slug": slug,
        "section": measures.section_of(clause),
        "audiences": audiences_for(clause.clause),
        "benefits": benefits,
        "implementations": implementations.statuses(clause),
        "document": measures.catalogue().document,
        "offices": offices_by_county(),
        "on": on,
        "today": clock.today(),
        "version": measures.version_on(on),
        "public_url": url,
        "qr": qr_svg(url),
    }


def _base_url(request: HttpRequest) -> str:
    """What the page's absolute links (QR code, printed URL) are made of."""
    return public_url(request, "/")


def _date_or_error(request: HttpRequest, clause: Clause) -> date | HttpResponse:
    try:
        return measures.parse_date(request.GET.get("date"), clock.today())
    except measures.DateError as error:
        context = {"clause": clause, "slug": measures.slug(clause.clause), "error": error.message}
        return render(request, "portal/date_error.html", context, status=400)


@require_GET
def measure(request: HttpRequest, slug: str) -> HttpResponse:
    clause = _clause_or_404(slug)
    on = _date_or_error(request, clause)
    if isinstance(on, HttpResponse):
        return on
    body = pagecache.cached(
        "measure",
        [clause.clause, on, _base_url(request)],
        lambda: render_to_string("portal/_measure.html", notice_context(request, clause, on)),
    )
    return render(request, "portal/measure.html", {"clause": clause, "body": body})


@require_GET
def poster(request: HttpRequest, slug: str) -> HttpResponse:
    clause = _clause_or_404(slug)
    on = _date_or_error(request, clause)
    if isinstance(on, HttpResponse):
        return on
    page = pagecache.cached(
        "poster",
        [clause.clause, on, _base_url(request)],
        lambda: render_to_string("portal/poster.html", notice_context(request, clause, on)),
    )
    return HttpResponse(page)


@require_GET
def qr(request: HttpRequest, slug: str, kind: str) -> HttpResponse:
    clause = _clause_or_404(slug)
    url = public_url(request, reverse("portal:measure", args=[measures.slug(clause.clause)]))
    name = f"jiuye-qr-{slug}.{kind}"
    if kind == "svg":
        svg = pagecache.cached("qr_svg", [url], lambda: qr_svg(url, scale=10), content=False)
        response = HttpResponse(svg, content_type="image/svg+xml")
    else:
        png = pagecache.cached("qr_png", [url], lambda: qr_png(url), content=False)
        response = HttpResponse(png, content_type="image/png")
        # opened on its own, the browser shows it in a page of its own making, styled
        # inline: a raster image has nothing else to allow (and nothing to protect)
        response["Content-Security-Policy"] = PNG_POLICY
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
