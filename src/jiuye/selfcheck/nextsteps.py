"""What a result card offers next: materials, the nearest office, booking and 申请.

Reads the portal's guides and offices; writes nothing except the self-check draft that
carries the answers into an application (``draft_token``), so answers never travel in
a URL.
"""

from __future__ import annotations

from typing import Any

from django.urls import NoReverseMatch, reverse

from jiuye.portal.measures import slug
from jiuye.portal.models import Guide, Office

APPLY_URL_NAME = "casework:apply_start"


def apply_url() -> str | None:
    """The URL of 申请 (casework), or ``None`` while casework is not installed."""
    try:
        return reverse(APPLY_URL_NAME)
    except NoReverseMatch:
        return None


def counties() -> list[tuple[str, str]]:
    """(code, name) of the counties that have an office, for the 所在地 choice."""
    offices = Office.objects.filter(is_active=True).select_related("county")
    return sorted({o.county.code: o.county.name for o in offices}.items())


def nearest_office(county: str) -> Office | None:
    """The office of the chosen county; else the first office of the city (by code)."""
    offices = Office.objects.filter(is_active=True).select_related("county")
    chosen = offices.filter(county__code=county).first() if county else None
    return chosen or offices.order_by("county__code", "name").first()


def next_steps(rows: list[dict[str, Any]], *, county: str) -> list[dict[str, Any]]:
    """Each result row with ``next``: materials, office, booking URL, whether 申请 shows."""
    guides = {g.rule_id: g for g in Guide.objects.filter(rule_id__in=[r["rule"] for r in rows])}
    office = nearest_office(county)
    for row in rows:
        guide = guides.get(row["rule"])
        measure = slug(row["clause"])
        booking = reverse("portal:book") + f"?measure={measure}"
        if office is not None:
            booking += f"&office={office.pk}"
        row["next"] = {
            "materials": guide.material_list() if guide else [],
            "office": office,
            "booking": booking,
            "measure": reverse("portal:measure", args=[measure]),
            "can_apply": row["status"] in ("eligible", "undetermined"),
        }
    return rows
