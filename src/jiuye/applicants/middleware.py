"""One session, one identity: a staff sign-in drops an applicant sign-in."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from jiuye.applicants import sessions


class ApplicantMiddleware:
    """After Django's ``AuthenticationMiddleware``: a session in which staff are signed
    in carries no applicant (the later staff sign-in wins). The applicant of a request
    is :func:`jiuye.applicants.sessions.applicant_of`; ``request.user`` never is one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and sessions.KEY in request.session:
            sessions.sign_out(request, reason="staff")
        return self.get_response(request)
