"""Thin views: read the state from the POST body, run one step, render.

Answers travel only in POST bodies (hidden fields), never in a URL; each step works as
a plain form POST and htmx only swaps the panel in place.

Saving a draft is limited per client address (``settings.RATE_DRAFTS_PER_ADDRESS``):
over the limit the page comes back with the answers kept and a Chinese message, HTTP
429 for a plain POST (200 for htmx, which swaps only 2xx answers).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from jiuye.core import clock
from jiuye.portal import limits
from jiuye.selfcheck.nextsteps import apply_url, counties, next_steps
from jiuye.selfcheck.present import (
    answer_rows,
    pointer_answer_rows,
    pointer_rows,
    result_rows,
    skipped_rows,
)
from jiuye.selfcheck.questionnaire import Action, State, Step, clean_state, entities, run_step
from jiuye.selfcheck.services import draft_create, draft_get

ANSWER_PREFIX = "a."
POINTER_PREFIX = "p."


def start(request: HttpRequest) -> HttpResponse:
    return render(request, "selfcheck/start.html", {"entities": entities()})


def state_from_post(request: HttpRequest, entity: str) -> State:
    answers = {
        key.removeprefix(ANSWER_PREFIX): request.POST.get(key, "")
        for key in request.POST
        if key.startswith(ANSWER_PREFIX)
    }
    pointers = {
        key.removeprefix(POINTER_PREFIX): request.POST.get(key, "")
        for key in request.POST
        if key.startswith(POINTER_PREFIX)
    }
    return clean_state(entity, answers, request.POST.getlist("skipped"), pointers)


def step_from_post(request: HttpRequest, entity: str) -> Step:
    """The one step a POST asks for: answer, skip, edit (修改) or just show."""
    state = state_from_post(request, entity)
    post = request.POST
    action: Action = "start"
    fact = ""
    if post.get("edit"):
        action, fact = "edit", post["edit"]
    elif post.get("action") in ("answer", "skip") and post.get("q"):
        action, fact = ("answer" if post["action"] == "answer" else "skip"), post["q"]
    return run_step(state, clock.today(), action, fact=fact, value=post.get("v", ""))


@never_cache
@require_http_methods(["GET", "POST"])
def check(request: HttpRequest, entity: str) -> HttpResponse:
    if entity not in entities():
        raise Http404("未知的对象类型")
    if request.method == "GET":
        return _render(request, run_step(State(entity), clock.today()), county="")
    if request.POST.get("action") == "save":
        state = state_from_post(request, entity)
        refused = limits.hit(request, limits.DRAFTS)
        if refused:
            step = run_step(state, clock.today())
            return _render(
                request, step, limit_message=limits.message(refused), county=_county(request)
            )
        draft = draft_create(state=state)
        url = reverse("selfcheck:draft", args=[draft.token])
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url, status=303)
    return _render(request, step_from_post(request, entity), county=_county(request))


def _county(request: HttpRequest) -> str:
    code = request.POST.get("county", "")
    return code if code.isdigit() and len(code) == 6 else ""


@never_cache
def draft(request: HttpRequest, token: str) -> HttpResponse:
    state = draft_get(token=token)
    if state is None:
        return render(request, "selfcheck/draft_missing.html", status=404)
    return _render(
        request, run_step(state, clock.today()), draft_url=request.build_absolute_uri(), county=""
    )


def _render(
    request: HttpRequest,
    step: Step,
    draft_url: str = "",
    limit_message: str = "",
    *,
    county: str,
) -> HttpResponse:
    # htmx swaps only 2xx responses; a plain form POST with a bad answer gets 422
    htmx = bool(request.headers.get("HX-Request"))
    status = 422 if step.error and not htmx else 200
    if limit_message and not htmx:
        status = limits.TOO_MANY
    results = next_steps(result_rows(step.results), county=county)
    apply = apply_url()
    # 申请 carries the answers in a draft (POST body), never in the URL; only when
    # casework is installed and some card offers it, so a draft is not made for nothing
    draft_token = ""
    if apply and any(r["next"]["can_apply"] for r in results) and not step.question:
        draft_token = draft_create(state=step.state).token
    context = {
        "entity": step.state.entity,
        "entity_label": entities()[step.state.entity],
        "step": step,
        "question": step.question,
        "results": results,
        "answers": answer_rows(step.state),
        "pointer_answers": pointer_answer_rows(step.state),
        "pointers": pointer_rows(step.state),
        "progress": step.progress,
        "county": county,
        "counties": counties(),
        "apply_url": apply,
        "draft_token": draft_token,
        "skipped": skipped_rows(step.state),
        "as_of": step.as_of,
        "draft_url": draft_url,
        "limit_message": limit_message,
    }
    if htmx:
        return render(request, "selfcheck/_panel.html", context, status=status)
    return render(request, "selfcheck/check.html", context, status=status)
