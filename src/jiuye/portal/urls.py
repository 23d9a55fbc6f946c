from django.urls import path

from jiuye.portal import appointments, views

app_name = "portal"

urlpatterns = [
    path("policies/m/<str:slug>/", views.measure, name="measure"),
    path("policies/m/<str:slug>/poster/", views.poster, name="poster"),
    path("policies/m/<str:slug>/qr.svg", views.qr, {"kind": "svg"}, name="qr_svg"),
    path("policies/m/<str:slug>/qr.png", views.qr, {"kind": "png"}, name="qr_png"),
    path("appointments/new/", appointments.book, name="book"),
    path("appointments/lookup/", appointments.lookup, name="lookup"),
    path("appointments/<str:code>/", appointments.booking, name="booking"),
    path("appointments/<str:code>/cancel/", appointments.cancel, name="cancel"),
    path("workbench/appointments/", appointments.day_bookings, name="day_bookings"),
]
