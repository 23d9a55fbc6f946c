from django.urls import path

from jiuye.web.payments import staff

app_name = "payments"

urlpatterns = [
    path("workbench/payments/", staff.report, name="report"),
    path("workbench/payments/items/", staff.item_list, name="items"),
]
