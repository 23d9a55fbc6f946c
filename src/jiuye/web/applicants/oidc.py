"""Sign-in through the province's unified identity platform (OpenID Connect).

mozilla-django-oidc does the protocol: the authorization request with state, nonce and
PKCE (:class:`~mozilla_django_oidc.views.OIDCAuthenticationRequestView`), the code for
token exchange, the ID token's signature (JWKS) and nonce, and the userinfo request
(:class:`~mozilla_django_oidc.auth.OIDCAuthenticationBackend`). What is ours:

- the backend returns an :class:`~jiuye.applicants.models.Applicant` (through
  :func:`jiuye.applicants.accounts.sign_in_verified`), never a staff user, and it is
  **not** in ``AUTHENTICATION_BACKENDS``: Django's ``authenticate()`` (the staff
  sign-in form) never reaches it, so no code from the platform can ever produce a staff
  session. The callback calls it directly and signs the applicant in with
  :func:`jiuye.applicants.sessions.sign_in` instead of ``django.contrib.auth.login``;
- the callback's state bookkeeping follows the library's callback view (state checked
  and removed from the session before the token request, so a replayed callback fails);
- nothing here runs unless the settings name the platform (:func:`enabled`): the pages
  answer 404 otherwise.

Settings (environment): ``JIUYE_OIDC_CLIENT_ID``, ``JIUYE_OIDC_CLIENT_SECRET``,
``JIUYE_OIDC_AUTHORIZATION_ENDPOINT``, ``JIUYE_OIDC_TOKEN_ENDPOINT``,
``JIUYE_OIDC_USERINFO_ENDPOINT``, ``JIUYE_OIDC_JWKS_ENDPOINT`` (RS256/ES256 tokens),
``JIUYE_OIDC_SIGN_ALGO``, ``JIUYE_OIDC_SCOPES``, ``JIUYE_OIDC_CLAIM_ID_NUMBER``,
``JIUYE_OIDC_CLAIM_NAME``, ``JIUYE_OIDC_CLAIM_MOBILE``, ``JIUYE_OIDC_LABEL``.
"""

from __future__ import annotations

import logging
from typing import Any

import jwt
from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import OIDCAuthenticationRequestView
from requests import RequestException

from jiuye.applicants import accounts, sessions
from jiuye.applicants.models import Applicant, SignInVia
from jiuye.core.errors import JiuyeError

logger = logging.getLogger(__name__)

FAILED = "统一身份认证登录未成功，请重试，或使用身份证号码、姓名和短信验证码登录"


def enabled() -> bool:
    """Whether the platform is configured (client id and the three endpoints)."""
    return all(
        getattr(settings, name, "")
        for name in (
            "OIDC_RP_CLIENT_ID",
            "OIDC_OP_AUTHORIZATION_ENDPOINT",
            "OIDC_OP_TOKEN_ENDPOINT",
            "OIDC_OP_USER_ENDPOINT",
        )
    )


class ApplicantBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    """The library's code flow, ending in an applicant account (see the module)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.UserModel = Applicant
        self.refusal: JiuyeError | None = None

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(
            str(claims.get(settings.OIDC_CLAIM_ID_NUMBER) or "").strip()
            and str(claims.get(settings.OIDC_CLAIM_NAME) or "").strip()
        )

    def get_or_create_user(
        self, access_token: str, id_token: str, payload: dict[str, Any]
    ) -> Applicant | None:
        claims = self.get_userinfo(access_token, id_token, payload)
        if not self.verify_claims(claims):
            raise SuspiciousOperation("the platform gave no identity number or name")
        try:
            return accounts.sign_in_verified(
                resident_id=str(claims[settings.OIDC_CLAIM_ID_NUMBER]),
                name=str(claims[settings.OIDC_CLAIM_NAME]),
                mobile=str(claims.get(settings.OIDC_CLAIM_MOBILE) or ""),
                request=self.request,
            )
        except JiuyeError as error:
            self.refusal = error
            return None

    def get_user(self, user_id: Any) -> None:
        return None  # never a Django session's user


def _failed(request: HttpRequest, message: str = FAILED, status: int = 400) -> HttpResponse:
    return render(
        request,
        "applicants/signin.html",
        {"error": message, "oidc": True, "oidc_label": settings.OIDC_LABEL, "next": ""},
        status=status,
    )


@never_cache
def start(request: HttpRequest) -> HttpResponse:
    """To the platform's authorization endpoint (state, nonce and PKCE in the session)."""
    if not enabled():
        raise Http404("未启用统一身份认证登录")
    if request.user.is_authenticated:
        return _failed(request, sessions.STAFF_SIGNED_IN, status=409)
    response: HttpResponse = OIDCAuthenticationRequestView.as_view()(request)
    return response


@never_cache
def callback(request: HttpRequest) -> HttpResponse:
    """The platform sends the browser back here with a code (or an error)."""
    if not enabled():
        raise Http404("未启用统一身份认证登录")
    states = request.session.get("oidc_states") or {}
    state = request.GET.get("state", "")
    entry = states.pop(state, None) if state else None
    request.session["oidc_states"] = states  # a state is used once, whatever follows
    if request.GET.get("error") or entry is None or not request.GET.get("code"):
        return _failed(request)
    if request.user.is_authenticated:
        return _failed(request, sessions.STAFF_SIGNED_IN, status=409)
    request.session.save()
    backend = ApplicantBackend()
    try:
        account = backend.authenticate(
            request, nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier")
        )
    except (SuspiciousOperation, RequestException, jwt.PyJWTError) as error:
        logger.warning("oidc sign-in failed: %s", type(error).__name__)
        return _failed(request)
    if account is None:
        refusal = backend.refusal
        return _failed(request, refusal.message if refusal else FAILED, status=403)
    sessions.sign_in(request, account, via=SignInVia.OIDC)
    target = request.session.pop("oidc_login_next", None) or ""
    return HttpResponseRedirect(
        target if str(target).startswith("/banshi/") else reverse("applicants:mine")
    )
