"""URLs of the application part of the delegations module: create and edit an application, and
the htmx parts of its page (live findings, rows, people search), and its attachments."""

from django.urls import path

from waishi.delegations import views_application as views

urlpatterns = [
    path("new/", views.application_create, name="create"),
    path("new/findings/", views.findings, name="findings_new"),
    path("new/rows/", views.rows, name="rows_new"),
    path("<int:pk>/edit/", views.application_edit, name="edit"),
    path("<int:pk>/edit/findings/", views.findings, name="findings"),
    path("<int:pk>/edit/rows/", views.rows, name="rows"),
    path("application/people/", views.people_search, name="people_search"),
    path(
        "<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
]
