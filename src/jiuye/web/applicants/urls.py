from django.urls import path

from jiuye.web.applicants import oidc, staff, views

app_name = "applicants"

urlpatterns = [
    path("banshi/", views.home, name="home"),
    path("banshi/signin/", views.signin, name="signin"),
    path("banshi/signout/", views.signout, name="signout"),
    path("banshi/oidc/start/", oidc.start, name="oidc_start"),
    path("banshi/oidc/callback/", oidc.callback, name="oidc_callback"),
    path("banshi/mine/", views.mine, name="mine"),
    path("banshi/mine/employers/", views.declare, name="declare"),
    path(
        "banshi/mine/employers/<int:pk>/confirm/",
        views.confirm_colleague,
        name="confirm_colleague",
    ),
    path("banshi/mine/cases/<str:code>/supplement/", views.supplement, name="supplement"),
    path("workbench/applicants/contacts/", staff.queue, name="contacts"),
    path("workbench/applicants/contacts/<int:pk>/", staff.decide, name="contact_decide"),
]
