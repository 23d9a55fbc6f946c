from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import RedirectView

from jiuye.portal import appointments as portal_appointments
from jiuye.portal import views as portal_views
from jiuye.web import views

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
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]
