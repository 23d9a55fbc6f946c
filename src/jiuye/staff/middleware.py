"""The sign-in guard of every staff page (after django-otp's ``OTPMiddleware``).

On every request of a signed-in session it applies the idle and absolute timeouts
(:mod:`jiuye.staff.sessions`). On staff paths (``JIUYE_STAFF_PATHS``: /workbench/,
/registry/, /admin/, /api/v1/staff/) it requires, in order: a signed-in account
(else the sign-in page; an API path answers 401), a verified second factor (else the
verification page, or enrolment when the account has no device yet), and a password
that needs no change (else the change page). django-otp only tells whether a user is
verified; this is where it is enforced. After the view, it keeps the user → session
index up to date.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from jiuye.staff import passwords, sessions, twofactor

TIMEOUT_MESSAGES = {
    "idle": "您已 {idle} 分钟未操作，为安全起见已退出登录，请重新登录。",
    "absolute": "登录已超过 {absolute} 小时，为安全起见已退出登录，请重新登录。",
    "account": "账号已停用或不存在，已退出登录。",
    "superuser": "超级用户仅用于安装，生产环境下不能登录；请使用管理员角色账号。",
}


def is_staff_path(path: str) -> bool:
    return any(path.startswith(prefix) for prefix in settings.STAFF_PATHS)


def _is_api(path: str) -> bool:
    return path.startswith("/api/")


def _to(name: str, request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect(f"{reverse(name)}?{urlencode({'next': request.get_full_path()})}")


def guard(request: HttpRequest) -> HttpResponse | None:
    """The response that stops a staff request short, or None to go on."""
    user = request.user
    api = _is_api(request.path)
    if not user.is_authenticated:
        if api:
            return JsonResponse(
                {"code": "not_signed_in", "message": "请先登录。", "extra": {}}, status=401
            )
        return redirect_to_login(request.get_full_path())
    if not twofactor.is_verified(user):
        if api:
            return JsonResponse(
                {"code": "otp_required", "message": "请先完成动态验证码验证。", "extra": {}},
                status=403,
            )
        return _to("otp_verify" if twofactor.is_enrolled(user) else "otp_enrol", request)
    if passwords.change_due(user) is not None:
        if api:
            return JsonResponse(
                {"code": "password_change", "message": "请先修改密码。", "extra": {}},
                status=403,
            )
        return _to("password_change", request)
    return None


class StaffSignInMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        ended = sessions.check(request)
        if ended is not None:
            messages.warning(
                request,
                TIMEOUT_MESSAGES[ended].format(
                    idle=settings.SESSION_IDLE_MINUTES, absolute=settings.SESSION_ABSOLUTE_HOURS
                ),
            )
        response = guard(request) if is_staff_path(request.path) else None
        if response is None:
            response = self.get_response(request)
        sessions.keep_index(request)
        return response
