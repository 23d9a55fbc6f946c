from django.urls import path

from jiuye.registry.rosters import views

app_name = "rosters"

urlpatterns = [
    path("", views.index, name="index"),
    path("templates/<slug:kind>.xlsx", views.template_download, name="template"),
    path("upload/", views.upload, name="upload"),
    path("batches/<str:token>/", views.batch_detail, name="batch"),
    path("batches/<str:token>/confirm/", views.batch_confirm, name="confirm"),
    path("batches/<str:token>/cancel/", views.batch_cancel, name="cancel"),
    path("batches/<str:token>/errors.xlsx", views.batch_errors, name="errors"),
]
