"""The counter's side of employer contacts: pending declarations, confirmed or refused
after the clerk checked the business licence and the letter of authorisation.

Under /workbench/ (two factors, jiuye.staff.middleware). The list shows the pending
contacts of units in the clerk's jurisdiction (the registry's division, or for a unit
the registry lacks, the region of its credit code); a lookup by the full credit code
finds a unit anywhere in the city (市内通办: the clerk holds its licence).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from jiuye.applicants import contacts
from jiuye.applicants.models import ContactState, EmployerContact
from jiuye.core.errors import JiuyeError
from jiuye.identity import IdentifierError, parse_credit_code
from jiuye.staff.access import viewer_for
from jiuye.web.applicants.forms import ContactDecisionForm, ContactLookupForm

FLASH = "jiuye_contacts_flash"


def _prefix(request: HttpRequest) -> str:
    viewer = viewer_for(request.user)
    if viewer.prefix is None:
        raise PermissionDenied("您的账号没有辖区，不能办理单位经办人确认")
    return viewer.prefix


def queue(request: HttpRequest) -> HttpResponse:
    prefix = _prefix(request)
    form = ContactLookupForm(request.GET or None)
    pending = EmployerContact.objects.filter(state=ContactState.PENDING).select_related(
        "employer", "employer__division", "applicant"
    )
    found: list[EmployerContact] | None = None
    if form.is_valid() and form.cleaned_data["credit_code"]:
        try:
            code = parse_credit_code(form.cleaned_data["credit_code"]).number
        except IdentifierError as error:
            form.add_error("credit_code", error.message)
        else:
            found = list(pending.filter(credit_code=code))
    ours = pending.filter(
        Q(employer__division__code__startswith=prefix)
        | Q(employer__isnull=True, credit_code__regex=rf"^..{prefix}")
    )
    return render(
        request,
        "applicants/contacts_queue.html",
        {
            "form": form,
            "found": found,
            "rows": list(ours.order_by("created_at", "id")[:200]),
            "flash": request.session.pop(FLASH, ""),
            "decision_form": ContactDecisionForm(),
        },
        status=422 if form.errors else 200,
    )


@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    _prefix(request)
    contact = EmployerContact.objects.filter(pk=pk, state=ContactState.PENDING).first()
    if contact is None:
        raise Http404("没有这条待确认的经办人申报")
    form = ContactDecisionForm(request.POST)
    if not form.is_valid():
        problems = [str(e) for errors in form.errors.values() for e in errors]
        request.session[FLASH] = "；".join(problems)
        return redirect(f"{reverse('applicants:contacts')}?credit_code={contact.credit_code}")
    try:
        if form.cleaned_data["action"] == "confirm":
            contacts.confirm_at_counter(
                contact_id=contact.pk, staff=request.user, note=form.cleaned_data["note"]
            )
            request.session[FLASH] = f"已确认 {contact} 为该单位经办人。"
        else:
            contacts.refuse_at_counter(
                contact_id=contact.pk, staff=request.user, note=form.cleaned_data["note"]
            )
            request.session[FLASH] = f"已不予确认 {contact}。"
    except JiuyeError as error:
        request.session[FLASH] = error.message
    return redirect("applicants:contacts")
