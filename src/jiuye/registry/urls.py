from django.urls import include, path

from jiuye.registry import views, views_audit, views_detail

app_name = "registry"

urlpatterns = [
    path("people/", views.person_list, name="person_list"),
    path("people/export.xlsx", views.person_export, name="person_export"),
    path("people/<int:pk>/", views_detail.person_detail, name="person_detail"),
    path("people/<int:pk>/reveal/", views_detail.person_reveal, name="person_reveal"),
    path("households/", views.household_list, name="household_list"),
    path("households/export.xlsx", views.household_export, name="household_export"),
    path("households/<int:pk>/", views_detail.household_detail, name="household_detail"),
    path("employers/", views.employer_list, name="employer_list"),
    path("employers/export.xlsx", views.employer_export, name="employer_export"),
    path("employers/<int:pk>/", views_detail.employer_detail, name="employer_detail"),
    path("access-log/", views_audit.access_log, name="access_log"),
    path("rosters/", include("jiuye.registry.rosters.urls")),
    path("exports/", include("jiuye.registry.urls_exports")),
]
