from django.urls import path

from jiuye.registry import views_exports

app_name = "exports"

urlpatterns = [
    path("", views_exports.mine, name="mine"),
    path("new/<str:entity>/", views_exports.request_form, name="request"),
    path("approvals/", views_exports.queue, name="approvals"),
    path("<int:pk>/approve/", views_exports.approve, name="approve"),
    path("<int:pk>/refuse/", views_exports.refuse, name="refuse"),
    path("<int:pk>/download/", views_exports.download, name="download"),
]
