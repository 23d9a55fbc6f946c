from django.urls import path

from jiuye.selfcheck import views

app_name = "selfcheck"

urlpatterns = [
    path("", views.start, name="start"),
    path("<str:entity>/", views.check, name="check"),
    path("d/<str:token>/", views.draft, name="draft"),
]
