from django.urls import path
from django.views.generic import RedirectView

from jiuye.portal import appointments as portal_appointments
from jiuye.portal import views as portal_views
from jiuye.web import signin, views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("policies/", portal_views.catalogue, name="policies"),
    # the self-check lives at /selfcheck/ (jiuye.selfcheck); old links still arrive there
    path(
        "self-check/",
        RedirectView.as_view(pattern_name="selfcheck:start", permanent=True),
        name="self_check",
    ),
    path("services/", portal_appointments.services, name="services"),
    path("workbench/", views.workbench, name="workbench"),
    # staff sign-in (issue 10): password, then the second factor (enrolment the first time)
    path("accounts/login/", signin.SignInView.as_view(), name="login"),
    path("accounts/verify/", signin.verify, name="otp_verify"),
    path("accounts/enrol/", signin.enrol, name="otp_enrol"),
    path("accounts/backup-codes/", signin.backup_codes, name="otp_backup_codes"),
    path("accounts/password/change/", signin.password_change, name="password_change"),
    path("accounts/logout/", signin.SignOutView.as_view(), name="logout"),
    # each administrator role has its own site under /admin/<role>/ (jiuye.staff.sites)
    path("admin/", signin.admin_home, name="admin_home"),
]
