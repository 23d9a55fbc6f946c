from django.contrib import admin
from django.urls import include, path

from jiuye.api.main import api

urlpatterns = [
    path("", include("jiuye.web.urls")),
    path("", include("jiuye.portal.urls")),
    path("selfcheck/", include("jiuye.selfcheck.urls")),
    path("registry/", include("jiuye.registry.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
