from django.urls import include, path

from jiuye.api.main import api
from jiuye.staff.sites import audit_site, security_site, system_site

urlpatterns = [
    path("", include("jiuye.web.urls")),
    path("", include("jiuye.portal.urls")),
    path("selfcheck/", include("jiuye.selfcheck.urls")),
    path("", include("jiuye.web.casework.urls")),
    # 个人/单位办事: applicant sign-in, 我的办事, employer contacts (issue 11 §1, §5)
    path("", include("jiuye.web.applicants.urls")),
    path("", include("jiuye.web.payments.urls")),
    path("registry/", include("jiuye.registry.urls")),
    path("api/v1/", api.urls),
    # three administrator sites, one per role (三权分立); Django's default site is not mounted
    path("admin/system/", system_site.urls),
    path("admin/security/", security_site.urls),
    path("admin/audit/", audit_site.urls),
]
