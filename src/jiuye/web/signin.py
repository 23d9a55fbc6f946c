"""Staff sign-in pages: password, then the second factor (enrolment at the first
sign-in), password change, backup codes, sign-out, and /admin/ (to one's own site).

The logic lives in the staff app (:mod:`jiuye.staff.twofactor`, ``lockouts``,
``sessions``, ``passwords``); these views only connect it to the pages. Every page here
is ``never_cache``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.views import LoginView, LogoutView
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice

from jiuye.core import trail
from jiuye.staff import lockouts, passwords, roles, sessions, twofactor
from jiuye.staff.sites import SITES

SUPERUSER_REFUSED = "超级用户仅用于安装，生产环境下不能登录；请使用管理员角色账号。"


def _next(request: HttpRequest) -> str:
    """The page to go on to (a local path only), default the workbench."""
    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return reverse(settings.LOGIN_REDIRECT_URL)


def _with_next(name: str, next_url: str) -> str:
    from urllib.parse import urlencode

    return f"{reverse(name)}?{urlencode({'next': next_url})}"


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确（连续 %(limit)s 次错误将锁定账号 %(minutes)s 分钟）。",
        "inactive": "账号已停用。",
    }

    def get_invalid_login_error(self) -> ValidationError:
        return ValidationError(
            self.error_messages["invalid_login"],
            code="invalid_login",
            params={
                "limit": settings.AXES_FAILURE_LIMIT,
                "minutes": int(lockouts.cool_off().total_seconds() // 60),
            },
        )

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if user.is_superuser and not settings.SUPERUSER_LOGIN:
            raise ValidationError(SUPERUSER_REFUSED, code="superuser")


@method_decorator(never_cache, name="dispatch")
class SignInView(LoginView):
    """The password step (django-axes counts failures through ``authenticate``)."""

    form_class = SignInForm
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = str(request.POST.get("username", ""))[:150]
        if lockouts.address_throttled(request):
            return lockouts.throttled_response(request, username)
        self.was_locked = bool(username) and lockouts.is_locked(request, username)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        auth_login(self.request, user)  # a new session key (no fixation)
        sessions.begin(self.request)
        trail.append("auth.password_ok", actor=user, request=self.request)
        step = "otp_verify" if twofactor.is_enrolled(user) else "otp_enrol"
        return HttpResponseRedirect(_with_next(step, self.get_success_url()))

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        username = str(form.data.get("username", ""))[:150]
        reason = "superuser" if form.has_error("__all__", "superuser") else "password"
        lockouts.audit_failure(
            self.request,
            username=username,
            reason=reason,
            was_locked=getattr(self, "was_locked", False),
            event="auth.failure",
        )
        return super().form_invalid(form)


class CodeForm(forms.Form):
    code = forms.CharField(
        label="验证码",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


def _signed_in(request: HttpRequest, device: Any, how: str) -> None:
    """Both factors given: the session is verified, under a new key."""
    otp_login(request, device)
    request.session.cycle_key()
    lockouts.clear(request.user.get_username())
    detail: dict[str, Any] = {"factor": how}
    if isinstance(device, StaticDevice):
        detail["backup_codes_left"] = twofactor.backup_codes_left(request.user)
    trail.append("auth.login", actor=request.user, request=request, detail=detail)


def _otp_refused(request: HttpRequest, form: CodeForm) -> HttpResponse | None:
    """A wrong code: counted and audited; at the limit the session ends (lockout page)."""
    user = request.user
    if lockouts.record_otp_failure(request, user):
        sessions.end_request_session(request, reason="lockout", user_id=user.pk)
        return lockouts.lockout_response(request)
    form.add_error("code", "验证码不正确或已经用过。请输入身份验证器上显示的新验证码。")
    return None


@never_cache
@sensitive_post_parameters("code")
@login_required
def verify(request: HttpRequest) -> HttpResponse:
    """The second factor: a TOTP code (or a backup code)."""
    user = request.user
    next_url = _next(request)
    if twofactor.is_verified(user):
        return redirect(next_url)
    if not twofactor.is_enrolled(user):
        return redirect(_with_next("otp_enrol", next_url))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.verify(user, form.cleaned_data["code"])
        if device is not None:
            _signed_in(request, device, "backup" if isinstance(device, StaticDevice) else "totp")
            return redirect(next_url)
        refused = _otp_refused(request, form)
        if refused is not None:
            return refused
    return render(request, "registration/verify.html", {"form": form, "next": next_url})


@never_cache
@sensitive_post_parameters("code")
@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in: bind an authenticator app (QR code), confirm with its first code,
    receive the backup codes."""
    user = request.user
    next_url = _next(request)
    if twofactor.is_verified(user):
        return redirect(next_url)
    if twofactor.is_enrolled(user):
        return redirect(_with_next("otp_verify", next_url))
    device = twofactor.pending_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if twofactor.confirm(device, form.cleaned_data["code"]):
            trail.append("auth.otp_enrol", actor=user, object=f"user:{user.pk}", request=request)
            _signed_in(request, device, "totp")
            codes = twofactor.new_backup_codes(user)
            return render(
                request,
                "registration/backup_codes.html",
                {"codes": codes, "next": next_url, "first": True},
            )
        refused = _otp_refused(request, form)
        if refused is not None:
            return refused
    return render(
        request,
        "registration/enrol.html",
        {
            "form": form,
            "next": next_url,
            "qr": twofactor.qr_svg(device),
            "secret": twofactor.grouped_secret(device),
            "issuer": settings.OTP_TOTP_ISSUER,
        },
    )


def _verified_only(request: HttpRequest) -> HttpResponse | None:
    if not twofactor.is_verified(request.user):
        return redirect(_with_next("otp_verify", request.get_full_path()))
    return None


@never_cache
@login_required
def backup_codes(request: HttpRequest) -> HttpResponse:
    """How many backup codes are left; a new set on request (the old ones stop working)."""
    stop = _verified_only(request)
    if stop is not None:
        return stop
    if request.method == "POST":
        codes = twofactor.new_backup_codes(request.user)
        trail.append("auth.backup_codes", actor=request.user, request=request)
        return render(
            request,
            "registration/backup_codes.html",
            {"codes": codes, "next": reverse("workbench"), "first": False},
        )
    return render(
        request,
        "registration/backup_codes.html",
        {"left": twofactor.backup_codes_left(request.user), "next": reverse("workbench")},
    )


@never_cache
@sensitive_post_parameters("old_password", "new_password1", "new_password2")
@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """Change one's password (required when it is older than the limit or was set by an
    administrator); the rules are listed on the page."""
    stop = _verified_only(request)
    if stop is not None:
        return stop
    next_url = _next(request)
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()  # the validators' password_changed records the time
        update_session_auth_hash(request, user)  # this session stays, under a new key
        trail.append("auth.password_change", actor=user, request=request)
        return redirect(next_url)
    return render(
        request,
        "registration/change_password.html",  # the admin has password_change_form.html
        {"form": form, "next": next_url, "due": passwords.change_due(request.user)},
    )


@method_decorator(never_cache, name="dispatch")
class SignOutView(LogoutView):
    """Sign-out ends the session on the server (its row and its index row)."""

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            sessions.end_request_session(request, reason="logout", user_id=request.user.pk)
        return super().post(request, *args, **kwargs)


@never_cache
def admin_home(request: HttpRequest) -> HttpResponse:
    """/admin/: the signed-in administrator's own site; 403 for anyone without a role."""
    role = roles.role_of(request.user)
    if role is None:
        raise PermissionDenied("此页面仅供系统管理员、安全管理员和审计管理员使用。")
    return redirect(reverse("admin:index", current_app=SITES[role].name))
