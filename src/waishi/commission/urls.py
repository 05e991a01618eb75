from django.urls import path

from waishi.commission import urls_report, urls_workplan, views, views_import

app_name = "commission"

urlpatterns = [
    path("", views.meeting_list, name="meetings"),
    path("export.xlsx", views.meeting_export, name="export"),
    path("new/", views.meeting_create, name="create"),
    path("import/", views_import.meeting_import, name="import"),
    path("import/preview/", views_import.import_preview, name="import_preview"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("<int:pk>/confirm/", views.meeting_confirm, name="confirm"),
    path("<int:pk>/decisions/", views.decision_add, name="decision_add"),
    path("<int:pk>/tasks/", views.task_add, name="task_add"),
    path("<int:pk>/documents/", views.document_add, name="document_add"),
    path("<int:pk>/minutes.docx", views.meeting_minutes, name="minutes"),
    path("tasks/<int:pk>/done/", views.task_complete, name="task_complete"),
    path("documents/<int:pk>/file/", views.document_download, name="document_download"),
]

# The work plan and the annual report keep their routes in their own modules.
urlpatterns += urls_workplan.urlpatterns + urls_report.urlpatterns
