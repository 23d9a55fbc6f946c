from django.contrib.auth import views as auth_views
from django.urls import path

from jiuye.web import views

urlpatterns = [
    path("", views.home, name="home"),
    path("policies/", views.section, {"key": "policies"}, name="policies"),
    path("self-check/", views.section, {"key": "self_check"}, name="self_check"),
    path("services/", views.section, {"key": "services"}, name="services"),
    path("workbench/", views.workbench, name="workbench"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
]
