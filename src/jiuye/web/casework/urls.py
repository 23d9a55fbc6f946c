from django.urls import path

from jiuye.web.casework import applicant, public, staff

app_name = "casework"

urlpatterns = [
    path("workbench/cases/", staff.queue, name="queue"),
    path("workbench/cases/bulk/", staff.bulk, name="bulk"),
    path("workbench/cases/counter/", staff.counter_file, name="counter_file"),
    path("workbench/cases/<str:code>/", staff.detail, name="detail"),
    path("workbench/cases/<str:code>/act/", staff.act, name="act"),
    path(
        "workbench/cases/<str:code>/materials/<int:item_id>/",
        staff.upload,
        name="staff_upload",
    ),
    path("workbench/cases/<str:code>/files/<int:file_id>/", staff.case_file, name="staff_file"),
    path("workbench/cases/<str:code>/override/", staff.override, name="override"),
    path("workbench/cases/<str:code>/reevaluate/", staff.reevaluate, name="reevaluate"),
    path(
        "workbench/cases/<str:code>/notices/<int:notice_id>/",
        staff.second_return,
        name="second_return",
    ),
    path(
        "workbench/cases/<str:code>/objections/<int:objection_id>/",
        staff.objection,
        name="objection",
    ),
    path("gongshi/", public.announcements, name="public_list"),
    path("gongshi/<int:announcement_id>/objection/", public.object_to, name="object"),
    path("banshi/progress/", public.progress, name="progress"),
    path("banshi/progress/<str:code>/", public.progress_case, name="progress_case"),
    path("banshi/progress/<str:code>/supplement/", public.supplement, name="supplement"),
    path("banshi/progress/<str:code>/materials/<int:item_id>/", public.upload, name="upload"),
    path(
        "banshi/progress/<str:code>/files/<int:file_id>/",
        public.applicant_file,
        name="applicant_file",
    ),
    path("banshi/apply/start/", applicant.apply_start, name="apply_start"),
    path("banshi/apply/", applicant.apply, name="apply"),
    path("banshi/dev/messages/", public.dev_messages, name="dev_messages"),
]
