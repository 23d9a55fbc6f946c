"""个人/单位办事: sign-in by 居民身份证号码 + 姓名 + SMS code, 我的办事, employer contacts.

The logic lives in :mod:`jiuye.applicants` (codes, accounts, sessions, contacts); the
views connect it to the pages. Every page here is personal (``no-store``, see
jiuye.web.nostore) and works without JavaScript.
"""

from __future__ import annotations

from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from jiuye.applicants import accounts, codes, contacts, sessions
from jiuye.applicants.models import Applicant, SignInVia
from jiuye.core.errors import JiuyeError
from jiuye.portal import limits
from jiuye.web.applicants import oidc
from jiuye.web.applicants.cases import visible_case, visible_cases
from jiuye.web.applicants.codes import send_code
from jiuye.web.applicants.forms import CodeForm, DeclareForm, SignInForm, SupplementForm

PENDING = "jiuye_applicant_signin"
PURPOSE = "signin_code"
SIGNIN_CODES = limits.Rate(
    "applicants.signin_code.address",
    "RATE_SIGNIN_CODES_PER_ADDRESS",
    "发送登录验证码",
    "同一网络地址",
)
SIGNIN_CODES_BY_MOBILE = limits.Rate(
    "applicants.signin_code.mobile", "RATE_SIGNIN_CODES_PER_MOBILE", "发送登录验证码", "同一手机号"
)
FLASH = "jiuye_applicant_flash"


def _next(request: HttpRequest) -> str:
    """Where to go after signing in: a local 办事 page only, default 我的办事."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if (
        wanted.startswith("/banshi/")
        and url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        and not wanted.startswith("/banshi/signin/")
    ):
        return wanted
    return reverse("applicants:mine")


def applicant_required(view: Any) -> Any:
    """The page needs a signed-in applicant; otherwise to the sign-in page (and back)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        account = sessions.applicant_of(request)
        if account is None:
            if request.method == "POST":
                raise Http404("请先登录个人/单位办事")
            query = urlencode({"next": request.get_full_path()})
            return HttpResponseRedirect(f"{reverse('applicants:signin')}?{query}")
        response: HttpResponse = view(request, account, *args, **kwargs)
        return response

    return wrapped


def _flash(request: HttpRequest, text: str) -> None:
    request.session[FLASH] = text


def home(request: HttpRequest) -> HttpResponse:
    if sessions.applicant_of(request) is not None:
        return redirect("applicants:mine")
    return redirect("applicants:signin")


@never_cache
@sensitive_post_parameters("resident_id", "name", "mobile", "code")
def signin(request: HttpRequest) -> HttpResponse:
    context: dict[str, Any] = {"next": _next(request), "oidc": oidc.enabled(), "oidc_label": ""}
    if context["oidc"]:
        from django.conf import settings

        context["oidc_label"] = settings.OIDC_LABEL
    if request.user.is_authenticated:
        context["staff"] = sessions.STAFF_SIGNED_IN
        return render(request, "applicants/signin.html", context, status=409)
    if sessions.applicant_of(request) is not None and request.method == "GET":
        return redirect(context["next"])
    pending = request.session.get(PENDING) or {}
    if request.method == "POST" and request.POST.get("step") == "code":
        return _signin_code(request, pending, context)
    form = SignInForm(request.POST or None, initial=pending.get("details"))
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            number, name = accounts.normalise(data["resident_id"], data["name"])
            issued = send_code(
                request,
                by_address=SIGNIN_CODES,
                by_mobile=SIGNIN_CODES_BY_MOBILE,
                purpose=PURPOSE,
                mobile=data["mobile"],
                text="【松原就业】您正在登录个人/单位办事，验证码 {code}，{minutes} 分钟内有效。"
                "请勿告诉他人。",
            )
        except JiuyeError as error:
            field = error.extra.get("field")
            form.add_error(field if field in form.fields else None, error.message)
            return render(request, "applicants/signin.html", context, status=error.http_status)
        request.session[PENDING] = {
            "details": {"resident_id": number, "name": name, "mobile": data["mobile"]},
            "ticket": issued.ticket,
        }
        context.update({"code_form": CodeForm(), "mobile": issued.mobile_masked})
        return render(request, "applicants/signin.html", context)
    return render(request, "applicants/signin.html", context, status=422 if form.errors else 200)


def _signin_code(
    request: HttpRequest, pending: dict[str, Any], context: dict[str, Any]
) -> HttpResponse:
    details = pending.get("details")
    if not details or not pending.get("ticket"):
        return redirect("applicants:signin")
    form = CodeForm(request.POST)
    context.update(
        {"code_form": form, "mobile": details["mobile"][:3] + "****" + details["mobile"][-4:]}
    )
    if not form.is_valid():
        return render(request, "applicants/signin.html", context, status=422)
    try:
        codes.redeem(
            ticket=pending["ticket"],
            code=form.cleaned_data["code"],
            purpose=PURPOSE,
            mobile=details["mobile"],
        )
    except codes.CodeRefused as refused:
        if not refused.extra.get("left"):
            pending.pop("ticket", None)
            request.session[PENDING] = pending
        form.add_error("code", refused.message)
        return render(request, "applicants/signin.html", context, status=422)
    pending.pop("ticket", None)  # used, whatever follows
    request.session[PENDING] = pending
    try:
        account = accounts.sign_in_by_code(request=request, **details)
        sessions.sign_in(request, account, via=SignInVia.SMS)
    except JiuyeError as error:
        context.pop("code_form")
        context["form"] = SignInForm(initial=details)
        context["error"] = error.message
        return render(request, "applicants/signin.html", context, status=error.http_status)
    request.session.pop(PENDING, None)
    return HttpResponseRedirect(context["next"])


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    sessions.sign_out(request)
    request.session.pop(PENDING, None)
    return redirect("home")


@never_cache
@applicant_required
def mine(request: HttpRequest, account: Applicant) -> HttpResponse:
    shown, hidden = visible_cases(account, via=sessions.via(request))
    return render(
        request,
        "applicants/mine.html",
        {
            "account": account,
            "cases": shown,
            "hidden": hidden,
            "contacts": list(account.contacts.order_by("unit_name", "id")),
            "colleagues": list(contacts.pending_for_colleague(account)),
            "declare_form": DeclareForm(),
            "flash": request.session.pop(FLASH, ""),
        },
    )


@require_POST
@applicant_required
def declare(request: HttpRequest, account: Applicant) -> HttpResponse:
    form = DeclareForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            contact = contacts.declare(applicant=account, **form.cleaned_data)
        except JiuyeError as refused:
            field = refused.extra.get("field")
            form.add_error(field if field in form.fields else None, refused.message)
            error = refused.message
        else:
            _flash(
                request, f"已申报为 {contact.unit_name} 的经办人：{contact.get_state_display()}。"
            )
            return redirect("applicants:mine")
    shown, hidden = visible_cases(account, via=sessions.via(request))
    return render(
        request,
        "applicants/mine.html",
        {
            "account": account,
            "cases": shown,
            "hidden": hidden,
            "contacts": list(account.contacts.order_by("unit_name", "id")),
            "colleagues": list(contacts.pending_for_colleague(account)),
            "declare_form": form,
            "declare_error": error,
        },
        status=422,
    )


@require_POST
@applicant_required
def confirm_colleague(request: HttpRequest, account: Applicant, pk: int) -> HttpResponse:
    try:
        contact = contacts.confirm_by_colleague(contact_id=pk, applicant=account)
    except JiuyeError as error:
        if error.http_status == 404:
            raise Http404(error.message) from error
        _flash(request, error.message)
    else:
        _flash(request, f"已确认 {contact} 为本单位经办人。")
    return redirect("applicants:mine")


@require_POST
@applicant_required
def supplement(request: HttpRequest, account: Applicant, code: str) -> HttpResponse:
    """补正 from 我的办事: the one-time notice of one of the applicant's own cases."""
    from jiuye.casework import review

    case = visible_case(account, code, via=sessions.via(request))
    if case is None:
        raise Http404("没有这件办件")
    form = SupplementForm(request.POST)
    if form.is_valid():
        try:
            review.supplement(code=case.code, response=form.cleaned_data["response"])
        except JiuyeError as error:
            _flash(request, error.message)
        else:
            _flash(request, f"办件 {case.code} 的补正已提交，回到审核环节。")
    else:
        _flash(request, "请填写补正说明")
    return redirect(f"{reverse('applicants:mine')}#case-{case.code}")
